"""Import segment boundaries from ELAN (.eaf) or BORIS (.boris) files for one coder.

``preview`` reads the file (or every .eaf/.boris in a folder), matches each to a video of
the study (``--video``, else by the media file the file links to, else by the file's own
name), maps every time to exact frames through the video's frame index (the frame on
screen at a start time is the first frame in, the one on screen at an end time the first
frame out; stored as the window's I and O store them) and checks everything the study
would refuse: labels the scheme does not list, overlaps where the scheme forbids them,
times past the video, work the coder submitted. ``apply`` writes a clean plan in one
transaction with every check of the window again; any refusal undoes all of it. A dialog
shows ``preview``'s plan, then calls ``apply``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eas_coder.errors import EasCoderError, StudyError
from eas_coder.exchange.boris import read_boris
from eas_coder.exchange.eaf import read_eaf
from eas_coder.exchange.frames import video_frames
from eas_coder.exchange.segment_sources import (
    Problem,
    ReadResult,
    SegmentImportRejected,
    SegmentSource,
    SourceSpan,
)
from eas_coder.media.frame_cache import FrameIndexCache
from eas_coder.media.frame_index import FrameIndex
from eas_coder.model import AssignmentStatus, Coder, Segment, Video
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from eas_coder.timecode import clock

__all__ = ["SegmentImportRejected", "apply", "import_segments", "preview"]

SUFFIXES = (".eaf", ".boris")
Progress = Callable[[str, int, int], None]  # what, done, total (as the export's)
NOTE_LIMIT = 4000  # as a note typed in the window
LABEL_LIMIT = 100  # the episode column's width


@dataclass(frozen=True)
class PlannedSegment:
    """A segment the import would add, with the frames it covers and where it came from."""

    video_id: int
    video_label: str
    source: str
    start_ms: int
    end_ms: int
    first_frame: int | None  # None when the video's file (so its frame index) is not here
    last_frame: int | None
    episode: str | None
    note: str


@dataclass
class SegmentImportPlan:
    """What ``preview`` found: segments to add, those already stored, problems, warnings."""

    coder: Coder | None
    files: list[Path] = field(default_factory=list)
    segments: list[PlannedSegment] = field(default_factory=list)
    skipped: int = 0  # identical segments already in the study
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportedSegments:
    """What ``apply`` wrote (or, in a dry run, would have written)."""

    segments: list[Segment]
    skipped: int
    dry_run: bool


def segment_files(path: Path) -> list[Path]:
    """``path`` itself, or the .eaf and .boris files directly in a folder, by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    return [path]


def read_file(path: Path, coder: str, tier: str | None, behaviour: str | None) -> ReadResult:
    """One file's sources, by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".eaf":
        return read_eaf(path, tier, coder)
    if suffix == ".boris":
        return read_boris(path, behaviour)
    why = "is neither an ELAN file (.eaf) nor a BORIS project (.boris)"
    return ReadResult(problems=[Problem(path.name, why)])


def find_video(videos: list[Video], wanted: str | int) -> Video | None:
    """A video by id, file name, file stem or label (``M014 · T1``); None if not one."""
    text = str(wanted).strip()
    if text.isdigit():
        return next((v for v in videos if v.id == int(text)), None)
    key = text.casefold()
    found = [v for v in videos if key in _names(v) or key == v.label.casefold()]
    return found[0] if len(found) == 1 else None


def _names(video: Video) -> set[str]:
    names = set()
    for name in (video.name, Path(video.path).name if video.path else None):
        if name:
            names |= {name.casefold(), Path(name).stem.casefold()}
    return names


def _match(source: SegmentSource, videos: list[Video]) -> Video | Problem:
    """By the linked media's file name, else by the file's own name (stem)."""
    for names in (source.media, (source.file.stem,)):
        keys = {n.casefold() for n in names} | {Path(n).stem.casefold() for n in names}
        found = [v for v in videos if _names(v) & keys]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            labels = ", ".join(v.label for v in found)
            return Problem(source.name, f"matches several videos ({labels}); name one with --video")
    linked = ", ".join(source.media) or "no media file"
    why = (
        f"matches no video of this study by name (it links {linked}); name the video with "
        "--video, or name the file as the video"
    )
    return Problem(source.name, why)


def _episodes(scheme: Scheme) -> dict[str, str]:
    known = {e.key.casefold(): e.key for e in scheme.episodes}
    known.update({e.label.casefold(): e.key for e in scheme.episodes})
    return known


def episode_of(scheme: Scheme, label: str | None) -> str | Problem | None:
    """The scheme's episode key for a label (its key or label, any case); free text when
    the scheme lists no episodes."""
    if label is None or not label.strip():
        return None
    known = _episodes(scheme)
    if not known:
        if len(label.strip()) > LABEL_LIMIT:
            return Problem("", f"the label is longer than {LABEL_LIMIT} characters")
        return label.strip()
    key = known.get(label.strip().casefold())
    if key is None:
        listed = ", ".join(e.label for e in scheme.episodes)
        why = (
            f"{label!r} is not an episode of this scheme ({listed}); rename it in the file, "
            "or give one label to all with --episode"
        )
        return Problem("", why)
    return key


def frames_of(index: FrameIndex, span: SourceSpan) -> tuple[int, int, int, int] | str:
    """(start ms, end ms, first frame, last frame) on frame starts, or why not."""
    if span.start_ms < 0:
        return f"starts before the video (at {span.start_ms / 1000:.3f} s)"
    if span.end_ms <= span.start_ms:
        return "ends where or before it starts"
    duration = index.duration_ms
    if span.start_ms >= duration:
        at = clock(round(span.start_ms))
        return f"starts at {at}, after the end of the video ({clock(duration)})"
    if span.end_ms > duration + index.median_frame_ms:  # a frame's slack for rounding
        return (
            f"ends at {clock(round(span.end_ms))}, after the end of the video ({clock(duration)})"
        )
    # Both ends by the rule "the frame on screen at that time" (the player's): the frame at
    # a start is the first one in; the frame at an end is the first one out, so annotations
    # that meet in the file meet on the same frame boundary, never overlap by a frame.
    first = index.index_at(span.start_ms)
    if span.end_ms + 0.5 >= duration:  # to the video's end: the last frame is in
        last = index.frame_count - 1
    else:
        last = max(first, index.index_at(span.end_ms) - 1)
    end = index.time_ms(last + 1) if last + 1 < index.frame_count else duration
    return index.time_ms(first), end, first, last


def _without_index(video: Video, span: SourceSpan) -> tuple[int, int, None, None] | str:
    start, end = round(span.start_ms), round(span.end_ms)
    if start < 0:
        return "starts before the video"
    if end <= start:
        return "ends where or before it starts"
    if video.duration_ms is not None and end > video.duration_ms + 1000:
        return f"ends at {clock(end)}, after the end of the video ({clock(video.duration_ms)})"
    return start, end, None, None


def preview(
    study: Study,
    path: Path,
    coder: str,
    *,
    video: str | int | None = None,
    tier: str | None = None,
    behaviour: str | None = None,
    episode: str | None = None,
    progress: Progress | None = None,
    cache: FrameIndexCache | None = None,
) -> SegmentImportPlan:
    """Read and check everything; write nothing. The plan lists every problem found."""
    plan = SegmentImportPlan(None)
    try:
        plan.coder = study.coders.get(coder)
    except EasCoderError as exc:
        plan.problems.append(Problem("--coder", str(exc)))
    fixed: str | None = None
    if episode is not None:
        outcome = episode_of(study.scheme, episode)
        if isinstance(outcome, Problem):
            plan.problems.append(Problem("--episode", outcome.reason))
        fixed = outcome if isinstance(outcome, str) else None
    if not path.exists():
        plan.problems.append(Problem(str(path), "no such file or folder"))
        return plan
    plan.files = segment_files(path)
    if not plan.files:
        plan.problems.append(Problem(str(path), "holds no .eaf or .boris file"))
    videos = study.videos.all()
    chosen: Video | None = None
    if video is not None:
        chosen = find_video(videos, video)
        if chosen is None:
            plan.problems.append(Problem("--video", f"no video {video!r} (see `videos list`)"))
    targets: list[tuple[SegmentSource, Video]] = []
    for number, file in enumerate(plan.files, start=1):
        if progress:
            progress(f"reading {file.name}", number - 1, len(plan.files))
        found = read_file(file, coder, tier, behaviour)
        plan.problems += found.problems
        if video is not None and len(found.sources) > 1:
            names = ", ".join(s.part for s in found.sources)
            why = f"holds several observations with these events ({names}); --video names one"
            plan.problems.append(Problem(file.name, why))
            continue
        for source in found.sources:
            target = chosen if video is not None else _match(source, videos)
            if isinstance(target, Problem):
                plan.problems.append(target)
            elif target is not None:
                targets.append((source, target))
    _plan_segments(study, plan, targets, fixed, episode is not None, progress, cache)
    return plan


def _plan_segments(
    study: Study,
    plan: SegmentImportPlan,
    targets: list[tuple[SegmentSource, Video]],
    fixed: str | None,
    override: bool,
    progress: Progress | None,
    cache: FrameIndexCache | None,
) -> None:
    chosen = {v.id: v for _s, v in targets}
    frames = video_frames(study, chosen.values(), cache)
    for video_id, (reason, _file) in frames.missing.items():
        plan.warnings.append(
            f"{chosen[video_id].label}: no frame numbers ({reason}); times are kept to the "
            "millisecond as the file gives them, not moved to frame starts"
        )
    coder_id = plan.coder.id if plan.coder else None
    locked = {
        a.video_id
        for a in study.assignments.all()
        if a.coder_id == coder_id and a.status == AssignmentStatus.DONE
    }
    by_video: dict[int, list[PlannedSegment]] = {}
    for number, (source, video) in enumerate(targets, start=1):
        if progress:
            progress(f"checking {video.label}", number, len(targets))
        if video.id in locked:
            why = f"{plan.coder.name if plan.coder else ''} submitted {video.label}; its coding is "
            plan.problems.append(
                Problem(source.name, why + "locked (the lab manager can reopen it)")
            )
            continue
        index = frames.indices.get(video.id)
        for span in source.spans:
            label = fixed if override else episode_of(study.scheme, span.label)
            if isinstance(label, Problem):
                plan.problems.append(Problem(span.where, label.reason))
                continue
            if len(span.note) > NOTE_LIMIT:
                plan.problems.append(
                    Problem(span.where, f"its note is over {NOTE_LIMIT} characters")
                )
                continue
            mapped = frames_of(index, span) if index else _without_index(video, span)
            if isinstance(mapped, str):
                plan.problems.append(Problem(span.where, mapped))
                continue
            start, end, first, last = mapped
            planned = PlannedSegment(
                video.id, video.label, span.where, start, end, first, last, label, span.note
            )
            by_video.setdefault(video.id, []).append(planned)
    for found in by_video.values():
        _against_study(study, plan, found, coder_id)


def _against_study(
    study: Study, plan: SegmentImportPlan, planned: list[PlannedSegment], coder_id: int | None
) -> None:
    """Skip what is stored already; refuse overlaps the scheme forbids (among the new ones,
    and with the coder's own segments)."""
    stored = [] if coder_id is None else study.segments.all(planned[0].video_id, coder_id)
    same = {(s.start_ms, s.end_ms, s.episode) for s in stored}
    fresh = []
    for p in sorted(planned, key=lambda p: (p.start_ms, p.end_ms)):
        if (p.start_ms, p.end_ms, p.episode) in same:
            plan.skipped += 1
        else:
            fresh.append(p)
    if not study.scheme.overlapping_segments:
        for before, after in itertools.pairwise(fresh):
            if after.start_ms < before.end_ms:
                why = f"overlaps {before.source} (segments may not overlap in this scheme)"
                plan.problems.append(Problem(after.source, why))
        for p in fresh:
            for s in stored:
                if s.start_ms < p.end_ms and p.start_ms < s.end_ms:
                    why = (
                        f"overlaps the coder's segment {clock(s.start_ms)}–{clock(s.end_ms)} "
                        "already in the study (segments may not overlap in this scheme)"
                    )
                    plan.problems.append(Problem(p.source, why))
                    break
    plan.segments += fresh


def apply(
    study: Study,
    plan: SegmentImportPlan,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportedSegments:
    """Write a clean plan in one transaction, each segment through the study's own checks;
    any refusal undoes everything. A dry run goes through the same and rolls it back."""
    if plan.problems or plan.coder is None:
        raise SegmentImportRejected(plan.problems or [Problem("--coder", "no coder")])
    coder = plan.coder
    written: list[Segment] = []
    refused: list[Problem] = []
    with study.transaction(commit=not dry_run):
        for number, p in enumerate(plan.segments, start=1):
            if progress:
                progress("writing segments", number, len(plan.segments))
            try:
                written.append(
                    study.segments.add(
                        p.video_id, coder.id, p.start_ms, p.end_ms, p.episode, p.note
                    )
                )
            except StudyError as exc:
                refused.append(Problem(p.source, str(exc)))
        if refused:
            raise SegmentImportRejected(refused)  # inside: the whole transaction is undone
    return ImportedSegments(written, plan.skipped, dry_run)


def import_segments(
    study: Study,
    path: Path,
    coder: str,
    *,
    dry_run: bool = False,
    video: str | int | None = None,
    tier: str | None = None,
    behaviour: str | None = None,
    episode: str | None = None,
    progress: Progress | None = None,
) -> ImportedSegments:
    """``preview`` then ``apply``; SegmentImportRejected lists every problem."""
    plan = preview(
        study, path, coder, video=video, tier=tier, behaviour=behaviour, episode=episode,
        progress=progress,
    )  # fmt: skip
    if plan.problems:
        raise SegmentImportRejected(plan.problems)
    return apply(study, plan, dry_run=dry_run, progress=progress)
