"""Merge a coder's offline copy of a study back into the main study.

A coder codes on a laptop with a copy of the study; back at the lab their segments and
ratings come in. Videos are matched by content fingerprint (the laptop may keep its files
elsewhere), coders by name. The merge only adds: a segment of the same span, or a rating
of the same target with the same score, is already there; a rating whose score differs on
the two sides is a conflict, reported and left as it is in the main study, never resolved
silently. Merging the same copy twice therefore changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eas_coder.errors import EasCoderError
from eas_coder.model import Coder, Rating, Segment, Video
from eas_coder.store.study import Study

Span = tuple[int, int]
T = TypeVar("T")


@dataclass
class MergeReport:
    """What a merge did (or, in a dry run, would do)."""

    coders_added: list[str] = field(default_factory=list)
    segments_added: int = 0
    ratings_added: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    unmatched_videos: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the main study was (or would be) changed."""
        return bool(self.coders_added or self.segments_added or self.ratings_added)


def _match_videos(main: Study, other: Study, report: MergeReport) -> dict[int, Video]:
    by_print = {v.fingerprint: v for v in main.videos.all() if v.fingerprint}
    by_label = {(v.participant_code, v.timepoint, v.name): v for v in main.videos.all()}
    matched: dict[int, Video] = {}
    for video in other.videos.all():
        found = by_print.get(video.fingerprint) if video.fingerprint else None
        if found is None and video.fingerprint is None:  # sheet-only sessions: by label
            found = by_label.get((video.participant_code, video.timepoint, video.name))
        if found is None:
            report.unmatched_videos.append(video.label)
        else:
            matched[video.id] = found
    return matched


def merge_study(main: Study, other: Study, dry_run: bool = False) -> MergeReport:
    """Bring ``other``'s segments and ratings into ``main``; see the module docstring."""
    report = MergeReport()
    videos = _match_videos(main, other, report)
    main_coders: dict[str, Coder] = {c.name: c for c in main.coders.all()}
    for theirs_coder in other.coders.all():
        if theirs_coder.name not in main_coders:
            report.coders_added.append(theirs_coder.name)
            if not dry_run:
                main_coders[theirs_coder.name] = main.coders.add(theirs_coder.name)
    other_names = {c.id: c.name for c in other.coders.all()}
    other_segments = {s.id: s for s in other.segments.all()}
    for other_video_id, video in videos.items():
        for coder_id, name in other_names.items():
            coder = main_coders.get(name)  # None only in a dry run, for a new coder
            theirs = [s for s in other_segments.values() if
                      s.video_id == other_video_id and s.coder_id == coder_id]  # fmt: skip
            ratings = other.ratings.all(video_id=other_video_id, coder_id=coder_id)
            if not theirs and not ratings:
                continue
            where = f"{video.label} / {name}"
            spans = _merge_segments(main, video, coder.id if coder else None, theirs,
                                    report, where, dry_run)  # fmt: skip
            _merge_ratings(main, video, coder.id if coder else None, ratings,
                           other_segments, spans, report, where, dry_run)  # fmt: skip
    return report


def _merge_segments(
    main: Study,
    video: Video,
    coder_id: int | None,
    theirs: list[Segment],
    report: MergeReport,
    where: str,
    dry_run: bool,
) -> dict[Span, int | None]:
    """Main-study segment id per span (None in a dry run for a segment not yet added)."""
    mine = [] if coder_id is None else main.segments.all(video_id=video.id, coder_id=coder_id)
    spans: dict[Span, int | None] = {(s.start_ms, s.end_ms): s.id for s in mine}
    for segment in theirs:
        span = (segment.start_ms, segment.end_ms)
        if span in spans:
            report.unchanged += 1
            continue
        if dry_run or coder_id is None:
            spans[span] = None
            report.segments_added += 1
            continue
        s = segment
        added = _attempt(
            report, f"{where}: segment {span}", main.segments.add,
            video.id, coder_id, s.start_ms, s.end_ms, s.episode, s.note,
        )  # fmt: skip
        if added is not None:
            spans[span] = added.id
            report.segments_added += 1
    return spans


def _merge_ratings(
    main: Study,
    video: Video,
    coder_id: int | None,
    ratings: list[Rating],
    other_segments: dict[int, Segment],
    spans: dict[Span, int | None],
    report: MergeReport,
    where: str,
    dry_run: bool,
) -> None:
    existing: dict[tuple[int | None, str], Rating] = {}
    if coder_id is not None:
        for rating in main.ratings.all(video_id=video.id, coder_id=coder_id):
            existing[(rating.segment_id, rating.dimension)] = rating
    for rating in ratings:
        target: int | None = None
        if rating.segment_id is not None:
            segment = other_segments[rating.segment_id]
            span = (segment.start_ms, segment.end_ms)
            if span not in spans:
                continue  # its segment could not be added: already reported
            target = spans[span]
            if target is None:  # dry run: the segment is new, so is its rating
                report.ratings_added += 1
                continue
        found = existing.get((target, rating.dimension))
        if found is not None:
            if found.score == rating.score:
                report.unchanged += 1
            else:
                report.conflicts.append(
                    f"{where}: {rating.dimension} {_target(rating, other_segments)} is "
                    f"{found.score:g} here and {rating.score:g} in the copy (kept {found.score:g})"
                )
            continue
        report.ratings_added += 1
        if dry_run or coder_id is None:
            continue
        r = rating
        _attempt(
            report, f"{where}: {r.dimension}", main.ratings.set,
            video.id, coder_id, r.dimension, r.score, target, r.items, note=r.note,
        )  # fmt: skip


def _target(rating: Rating, segments: dict[int, Segment]) -> str:
    if rating.segment_id is None:
        return "(whole session)"
    s = segments[rating.segment_id]
    return f"(segment {s.start_ms}–{s.end_ms} ms)"


def _attempt(
    report: MergeReport, what: str, action: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    try:
        return action(*args, **kwargs)
    except EasCoderError as exc:  # e.g. submitted (locked) here, or overlapping segments
        report.conflicts.append(f"{what}: not merged ({exc})")
        return None
