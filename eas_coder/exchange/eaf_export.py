"""Export a video's coding as an ELAN .eaf, so a lab opens it in ELAN beside its own tiers.

Per coder: a tier named as the coder whose annotations are their segments (value: the
episode label), and under it, one 1-1 reference tier per dimension holding the score
("sensitivity (Ana)"); a "note (Ana)" tier holds segment notes, a "<dimension> note (Ana)"
tier a score's note, and "session (Ana)" one annotation over the whole video with the
session scores. Overlapping segments (a scheme may allow them) go to lanes "Ana", "Ana 2",
since an ELAN tier holds no overlaps. The video is linked by a MEDIA_DESCRIPTOR (file URL,
relative path, MIME type). pympi-ling builds the document; each file is written beside its
target, checked (``eaf_check``) and read back with pympi before it replaces the target.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pympi.Elan import Eaf, to_string

from eas_coder import __version__
from eas_coder.exchange.eaf import note_tier
from eas_coder.exchange.eaf_check import check_eaf
from eas_coder.exchange.export import ExportError
from eas_coder.exchange.targets import refuse_targets, settle_mode
from eas_coder.model import Coder, Rating, Segment, StudySnapshot, Video
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

Progress = Callable[[str, int, int], None]
MIME_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mpg": "video/mpeg",
              ".mpeg": "video/mpeg", ".mov": "video/quicktime", ".wmv": "video/x-ms-wmv",
              ".wav": "audio/x-wav"}  # fmt: skip
GENERIC_MIME = "video/*"  # what ELAN writes for other video files (.mts, .mkv, .avi …)
CV_ID = "EAS episodes"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def mime_type(path: Path) -> str:
    """The MIME type ELAN expects for a media file."""
    return MIME_TYPES.get(path.suffix.lower(), GENERIC_MIME)


def lanes(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Segments in time order split into lanes with no overlap inside one (greedy)."""
    result: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.start_ms, s.end_ms, s.id)):
        for lane in result:
            if lane[-1].end_ms <= segment.start_ms:
                lane.append(segment)
                break
        else:
            result.append([segment])
    return result


def _new_document(scheme: Scheme) -> Eaf:
    eaf = Eaf(author=f"EAS Coder {__version__}")
    eaf.remove_tier("default")
    eaf.properties = []
    eaf.adocument.update(
        {
            "VERSION": "3.0",
            "FORMAT": "3.0",
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        }
    )
    eaf.header = {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
    eaf.remove_linguistic_type("default-lt")
    eaf.add_linguistic_type("eas-session")
    eaf.add_linguistic_type("eas-score", "Symbolic_Association", timealignable=False)
    eaf.add_linguistic_type("eas-segment")
    if scheme.episodes:
        eaf.add_language("und", "http://cdb.iso.org/lg/CDB-00130975-001", "undetermined (und)")
        eaf.add_controlled_vocabulary(CV_ID)
        eaf.add_cv_description(CV_ID, "und", f"Episode labels of the scheme {scheme.name}")
        for number, episode in enumerate(scheme.episodes, start=1):
            eaf.add_cv_entry(CV_ID, f"cveid_{number}", [(episode.label, "und", episode.key)])
        eaf.linguistic_types["eas-segment"]["CONTROLLED_VOCABULARY_REF"] = CV_ID
    return eaf


def _link(eaf: Eaf, media: Path | None, folder: Path) -> None:
    if media is None:
        return
    try:
        relative = Path(os.path.relpath(media, folder)).as_posix()
        relative = relative if relative.startswith("..") else f"./{relative}"
    except ValueError:  # another drive (Windows): ELAN then uses the absolute URL
        relative = None
    eaf.add_linked_file(media.resolve().as_uri(), relative, mime_type(media))


def _score(value: float) -> str:
    return f"{value:g}"


def _mid(segment: Segment) -> float:
    """A time strictly inside the segment: pympi finds the parent annotation by time."""
    return (segment.start_ms + segment.end_ms) / 2


def _add_coder(
    eaf: Eaf,
    scheme: Scheme,
    coder: Coder,
    segments: list[Segment],
    ratings: list[Rating],
    duration: int | None,
) -> None:
    labels = {e.key: e.label for e in scheme.episodes}
    scored = {(r.segment_id, r.dimension): r for r in ratings}
    for number, lane in enumerate(lanes(segments), start=1):
        tier = coder.name if number == 1 else f"{coder.name} {number}"
        eaf.add_tier(tier, "eas-segment", ann=coder.name)
        for s in lane:
            eaf.add_annotation(
                tier, s.start_ms, s.end_ms, labels.get(s.episode or "", s.episode or "")
            )
        if any(s.note for s in lane):
            eaf.add_tier(note_tier(tier), "eas-score", parent=tier, ann=coder.name)
            for s in lane:
                if s.note:
                    eaf.add_ref_annotation(note_tier(tier), tier, _mid(s), s.note)
        for dim in scheme.dimensions:
            rated = [(s, scored[(s.id, dim.key)]) for s in lane if (s.id, dim.key) in scored]
            if not rated:
                continue
            child = f"{dim.key} ({tier})"
            eaf.add_tier(child, "eas-score", parent=tier, ann=coder.name)
            for s, rating in rated:
                eaf.add_ref_annotation(child, tier, _mid(s), _score(rating.score))
            if any(r.note for _s, r in rated):
                eaf.add_tier(f"{dim.key} note ({tier})", "eas-score", parent=child, ann=coder.name)
                for s, rating in rated:
                    if rating.note:
                        eaf.add_ref_annotation(
                            f"{dim.key} note ({tier})", child, _mid(s), rating.note
                        )
    session = [r for r in ratings if r.segment_id is None]
    end = duration or max((s.end_ms for s in segments), default=0)
    if session and end > 0:
        text = "; ".join(
            f"{r.dimension} {_score(r.score)}" + (f" ({r.note})" if r.note else "")
            for r in sorted(session, key=lambda r: scheme.keys.index(r.dimension)
                            if r.dimension in scheme.keys else 99)
        )  # fmt: skip
        eaf.add_tier(f"session ({coder.name})", "eas-session", ann=coder.name)
        eaf.add_annotation(f"session ({coder.name})", 0, end, text)


def build_eaf(
    study: Study, snapshot: StudySnapshot, video: Video, viewer: Viewer, folder: Path
) -> Eaf:
    """The document for one video, holding what ``viewer`` may see."""
    eaf = _new_document(study.scheme)
    _link(eaf, study.videos.file_of(video), folder)
    segments = viewer.only_visible([s for s in snapshot.segments if s.video_id == video.id])
    ratings = viewer.only_visible([r for r in snapshot.ratings if r.video_id == video.id])
    for coder in snapshot.coders:  # in name order
        mine = [s for s in segments if s.coder_id == coder.id]
        scores = [r for r in ratings if r.coder_id == coder.id]
        if mine or scores:
            _add_coder(eaf, study.scheme, coder, mine, scores, video.duration_ms)
    eaf.add_property("lastUsedAnnotationId", str(eaf.maxaid))
    return eaf


def file_name(video: Video, taken: set[str]) -> str:
    """``<video file stem>.eaf`` (else participant and timepoint), unique in the folder."""
    base = (
        Path(video.name or video.path or "").stem or f"{video.participant_code}_{video.timepoint}"
    )
    base = _UNSAFE.sub("_", base).strip(" .") or f"video-{video.id}"
    name, n = f"{base}.eaf", 1
    while name.casefold() in taken:
        n += 1
        name = f"{base} ({n}).eaf"
    taken.add(name.casefold())
    return name


def _write(eaf: Eaf, out: Path, expected: dict[str, list[tuple[int, int]]]) -> None:
    """Write beside ``out``, check, read back, then move into place (nothing half-written)."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".eaf", dir=out.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
            stream.write(to_string(eaf).encode("utf-8"))
        problems = check_eaf(temp)
        if problems:
            raise ExportError(f"{out}: the EAF built is not sound: {'; '.join(problems[:3])}")
        back = Eaf(str(temp))
        for tier, spans in expected.items():
            read = sorted((b, e) for b, e, *_ in back.get_annotation_data_for_tier(tier))
            if read != sorted(spans):
                raise ExportError(f"{out}: tier {tier!r} did not read back as written")
        settle_mode(temp, out)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_eaf(
    study: Study,
    out: Path,
    video_ids: Sequence[int] | None = None,
    viewer: Viewer | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write .eaf files; returns them. One video and ``out`` ending in .eaf: that file;
    otherwise ``out`` is a folder getting one ``<video>.eaf`` per video (all by default)."""
    viewer = viewer or Viewer.everyone()
    snapshot = study.load()
    videos = [v for v in snapshot.videos if video_ids is None or v.id in video_ids]
    if video_ids is not None and len(videos) != len(set(video_ids)):
        raise ExportError(f"no video with id(s) {sorted(set(video_ids) - {v.id for v in videos})}")
    single = len(videos) == 1 and out.suffix.lower() == ".eaf"
    if not single and out.suffix.lower() == ".eaf":
        raise ExportError(f"{out}: several videos go to a folder, one .eaf each: give a folder")
    taken: set[str] = set()
    targets = [out] if single else [out / file_name(v, taken) for v in videos]
    refuse_targets(study, targets)
    try:
        (out.parent if single else out).mkdir(parents=True, exist_ok=True)
        for number, (video, target) in enumerate(zip(videos, targets, strict=True), start=1):
            if progress:
                progress(f"writing {target.name}", number - 1, len(videos))
            eaf = build_eaf(study, snapshot, video, viewer, target.parent)
            expected = {t: [(b, e) for b, e, *_ in eaf.get_annotation_data_for_tier(t)]
                        for t in eaf.get_tier_names()}  # fmt: skip
            _write(eaf, target, expected)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the .eaf ({exc.strerror or exc})") from exc
    if progress:
        progress("done", len(videos), len(videos))
    return targets
