"""Assignments: which coder rates which video, and how far they are."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.model import Assignment, AssignmentStatus
from eas_coder.store import convert
from eas_coder.store.tables import AssignmentRow, CoderRow, VideoRow
from eas_coder.store.unit import StudyDb


class Assignments:
    """Give videos to coders and track their status."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def add(self, video_id: int, coder_id: int) -> Assignment:
        """Give a video to a coder (once)."""
        with self._db.write() as session:
            self._db.require(session, VideoRow, video_id, "video")
            self._db.require(session, CoderRow, coder_id, "coder")
            row = AssignmentRow(video_id=video_id, coder_id=coder_id, status="assigned")
            session.add(row)
            session.flush()
            new = {"video_id": video_id, "coder_id": coder_id}
            self._db.audit(session, "assignment.add", "assignment", row.id, None, new)
            return convert.assignment(row)

    def set_status(self, assignment_id: int, status: AssignmentStatus) -> Assignment:
        """Move an assignment to assigned / in progress / done."""
        status = AssignmentStatus(status)
        with self._db.write() as session:
            row = self._db.require(session, AssignmentRow, assignment_id, "assignment")
            old, row.status = row.status, status.value
            self._db.audit(session, "assignment.status", "assignment", row.id, old, status.value)
            return convert.assignment(row)

    def all(self, coder_id: int | None = None) -> list[Assignment]:
        """Assignments, optionally of one coder."""
        with self._db.read() as session:
            where = convert.equal(AssignmentRow, coder_id=coder_id)
            return convert.load_assignments(session, *where)

    def submit(self, video_id: int, coder_id: int) -> Assignment:
        """Mark a coder's work on a video submitted (locked); assigns it first if needed.

        Completeness is checked by the caller (``eas_coder.coding.missing_for_submit``).
        """
        return self._move(video_id, coder_id, AssignmentStatus.DONE, "assignment.submit")

    def reopen(self, video_id: int, coder_id: int) -> Assignment:
        """Unlock a submitted video for its coder again (a lab manager's decision)."""
        return self._move(video_id, coder_id, AssignmentStatus.IN_PROGRESS, "assignment.reopen")

    def _move(
        self, video_id: int, coder_id: int, status: AssignmentStatus, action: str
    ) -> Assignment:
        with self._db.write() as session:
            self._db.require(session, VideoRow, video_id, "video")
            self._db.require(session, CoderRow, coder_id, "coder")
            row = _find(session, video_id, coder_id)
            if row is None:
                row = AssignmentRow(video_id=video_id, coder_id=coder_id, status="assigned")
                session.add(row)
                session.flush()
            old, row.status = row.status, status.value
            self._db.audit(session, action, "assignment", row.id, old, status.value)
            return convert.assignment(row)

    def of_video(self, video_id: int) -> list[Assignment]:
        """Who is assigned a video, and how far each is."""
        with self._db.read() as session:
            return convert.load_assignments(session, AssignmentRow.video_id == video_id)


def _find(session: Session, video_id: int, coder_id: int) -> AssignmentRow | None:
    return session.scalar(
        select(AssignmentRow).where(
            AssignmentRow.video_id == video_id, AssignmentRow.coder_id == coder_id
        )
    )
