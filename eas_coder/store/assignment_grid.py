"""Where every coder stands with every video, for the assignment matrix, read in a handful of
plain column queries (a study of 10,000 videos is read in well under a second): the
assignments, which (video, coder) pairs hold any saved work, and which assignments were
reopened. Cells nobody was assigned are left out (unassigned is the default).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.model import AssignmentStatus
from eas_coder.store.tables import AssignmentRow, AuditRow, ItemDraftRow, RatingRow, SegmentRow

REOPEN = "assignment.reopen"  # the audit action of Assignments.reopen

Pair = tuple[int, int]  # (video_id, coder_id)


class CellStatus(StrEnum):
    """A coder's status on one video, as the assignment matrix shows it."""

    UNASSIGNED = "unassigned"
    ASSIGNED = "assigned"  # assigned, nothing saved yet
    IN_PROGRESS = "in progress"  # a segment, a score or an item draft saved
    SUBMITTED = "submitted"
    REOPENED = "reopened"  # submitted, then unlocked again by the lab manager


@dataclass(frozen=True)
class AssignedCell:
    """One assignment as the matrix needs it."""

    assignment_id: int
    status: CellStatus
    has_work: bool


def pairs_with_work(session: Session) -> set[Pair]:
    """(video_id, coder_id) of every coder with a segment, a score or an item draft saved on
    a video: unassigning them would hide that work from the coder."""
    found: set[Pair] = set()
    for table in (SegmentRow, RatingRow, ItemDraftRow):
        query = select(table.video_id, table.coder_id).distinct()
        found.update((v, c) for v, c in session.execute(query))
    return found


def reopened_ids(session: Session) -> set[int]:
    """Assignments the audit log says were reopened at some time."""
    query = select(AuditRow.entity_id).where(AuditRow.action == REOPEN).distinct()
    return {i for i in session.scalars(query) if i is not None}


def read_grid(session: Session) -> dict[Pair, AssignedCell]:
    """Every assignment by (video_id, coder_id), with its matrix status."""
    work = pairs_with_work(session)
    reopened = reopened_ids(session)
    query = select(
        AssignmentRow.id, AssignmentRow.video_id, AssignmentRow.coder_id, AssignmentRow.status
    )
    grid: dict[Pair, AssignedCell] = {}
    for assignment_id, video_id, coder_id, status in session.execute(query):
        has_work = (video_id, coder_id) in work
        grid[(video_id, coder_id)] = AssignedCell(
            assignment_id, cell_status(status, has_work, assignment_id in reopened), has_work
        )
    return grid


def cell_status(status: str, has_work: bool, was_reopened: bool) -> CellStatus:
    """The matrix status of an assignment: submitted beats everything; an unlocked
    submission is "reopened"; any saved work (or a started status) is "in progress"."""
    if status == AssignmentStatus.DONE.value:
        return CellStatus.SUBMITTED
    if status == AssignmentStatus.IN_PROGRESS.value:
        return CellStatus.REOPENED if was_reopened else CellStatus.IN_PROGRESS
    return CellStatus.IN_PROGRESS if has_work else CellStatus.ASSIGNED
