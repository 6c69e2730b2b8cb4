"""Rules of the coding workflow, on plain data: what a coder may see, what is missing before
a video can be submitted, and where each coder stands with each video.

Blind coding: a coder sees only their own segments and ratings of a video until they and
every other coder assigned to it have submitted; then they see the work of those assigned
coders. A coder who is not assigned to a video sees nobody's work on it. The lab manager sees
everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TypeVar

from eas_coder.model import Assignment, AssignmentStatus, Rating, Segment
from eas_coder.scheme import Scheme
from eas_coder.timecode import clock


class CodingStatus(StrEnum):
    """A coder's progress on one video, as the video list shows it."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"


def coding_status(submitted: bool, has_work: bool) -> CodingStatus:
    """Submitted beats in progress; any segment or rating means in progress."""
    if submitted:
        return CodingStatus.SUBMITTED
    return CodingStatus.IN_PROGRESS if has_work else CodingStatus.NOT_STARTED


def all_submitted(assignments: Iterable[Assignment], video_id: int) -> bool:
    """True when the video has assigned coders and every one of them submitted."""
    of_video = [a for a in assignments if a.video_id == video_id]
    return bool(of_video) and all(a.status == AssignmentStatus.DONE for a in of_video)


def revealed_to(assignments: Iterable[Assignment], video_id: int, viewer_id: int | None) -> bool:
    """True when the viewer is assigned to the video and every coder assigned to it (the
    viewer included) has submitted it: only then may they compare their work with others'."""
    of_video = [a for a in assignments if a.video_id == video_id]
    assigned = any(a.coder_id == viewer_id for a in of_video)
    return assigned and all(a.status == AssignmentStatus.DONE for a in of_video)


def visible_coders(
    assignments: Iterable[Assignment], video_id: int, viewer_id: int | None, manager: bool
) -> set[int] | None:
    """Whose work on a video the viewer may see: None means everyone's (the lab manager).

    A coder sees their own; and another coder's only when both are assigned to the video and
    every coder assigned to it has submitted (``revealed_to``). Being unassigned shows
    nothing of anyone else, however finished the video is: a coder may be given it later
    (e.g. in the reliability sample) and must code it blind.
    """
    if manager:
        return None
    if viewer_id is None:
        return set()
    of_video = [a for a in assignments if a.video_id == video_id]
    if revealed_to(of_video, video_id, viewer_id):
        return {a.coder_id for a in of_video}
    return {viewer_id}


Record = TypeVar("Record", Segment, Rating)


def only_visible(records: Sequence[Record], visible: set[int] | None) -> list[Record]:
    """The records (segments or ratings) whose coder the viewer may see."""
    if visible is None:
        return list(records)
    return [r for r in records if r.coder_id in visible]


def missing_for_submit(
    scheme: Scheme, segments: Sequence[Segment], ratings: Sequence[Rating]
) -> list[str]:
    """What a coder still has to rate before submitting one video (empty when complete).

    With segments, every segment needs every dimension; without, the whole session does.
    Each entry names the target and the missing dimensions, for a message to the coder.
    """
    rated: dict[int | None, set[str]] = {}
    for rating in ratings:
        rated.setdefault(rating.segment_id, set()).add(rating.dimension)
    labels = {d.key: d.label for d in scheme.dimensions}
    problems: list[str] = []
    targets: list[tuple[int | None, str]] = [
        (s.id, f"Segment {n} ({clock(s.start_ms)}–{clock(s.end_ms)})")
        for n, s in enumerate(sorted(segments, key=lambda s: (s.start_ms, s.id)), start=1)
    ] or [(None, "Whole session")]
    for target, name in targets:
        missing = [labels[k] for k in labels if k not in rated.get(target, set())]
        if missing:
            problems.append(f"{name}: {', '.join(missing)}")
    return problems
