"""Assignments: which coder rates which video, and how far they are.

Only the lab manager assigns (``add``), unless the study lets coders take a video themselves
(setting ``coding.self_assign``, ``claim``); a video is never assigned as a side effect of
coding or submitting it.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import StudyError
from eas_coder.model import Assignment, AssignmentStatus
from eas_coder.store import convert
from eas_coder.store.settings import DEFAULTS
from eas_coder.store.tables import (
    AssignmentRow,
    CoderRow,
    ParticipantRow,
    SeenWorkRow,
    SettingRow,
    VideoRow,
)
from eas_coder.store.unit import StudyDb

SELF_ASSIGN = "coding.self_assign"  # settings.py


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

    def claim(self, video_id: int, coder_id: int) -> Assignment:
        """A coder takes an unassigned video to code it: allowed only when the study's
        ``coding.self_assign`` setting is on. Either way the audit log records it: the
        assignment (``self_assigned``), or the refusal (``assignment.refused``), which is
        then raised as StudyError."""
        with self._db.write() as session:
            video = self._db.require(session, VideoRow, video_id, "video")
            coder = self._db.require(session, CoderRow, coder_id, "coder")
            found = _find(session, video_id, coder_id)
            if found is not None:
                return convert.assignment(found)
            setting = session.get(SettingRow, SELF_ASSIGN)
            allowed = DEFAULTS[SELF_ASSIGN] if setting is None else json.loads(setting.value)
            if allowed is True:
                row = AssignmentRow(video_id=video_id, coder_id=coder_id, status="assigned")
                session.add(row)
                session.flush()
                new = {"video_id": video_id, "coder_id": coder_id, "self_assigned": True}
                self._db.audit(session, "assignment.add", "assignment", row.id, None, new)
                return convert.assignment(row)
            new = {"video_id": video_id, "coder_id": coder_id}
            self._db.audit(session, "assignment.refused", "video", video_id, None, new)
            name, label = coder.name, _label(session, video)
        raise StudyError(
            f"{name} is not assigned to {label}: the lab manager assigns videos "
            f"(or lets coders take them, setting {SELF_ASSIGN})"
        )

    def seen_by(self, coder_id: int) -> set[int]:
        """Videos whose other coders' work this coder could see before this version's rule
        (recorded when the study was brought to schema 0007; see that migration)."""
        with self._db.read() as session:
            query = select(SeenWorkRow.video_id).where(SeenWorkRow.coder_id == coder_id)
            return set(session.scalars(query))

    def submit(self, video_id: int, coder_id: int) -> Assignment:
        """Mark a coder's work on a video submitted (locked); StudyError if the video is not
        assigned to them (submitting never assigns it).

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
            video = self._db.require(session, VideoRow, video_id, "video")
            coder = self._db.require(session, CoderRow, coder_id, "coder")
            row = _find(session, video_id, coder_id)
            if row is None:
                raise StudyError(
                    f"{coder.name} is not assigned to {_label(session, video)}: "
                    "the lab manager assigns videos"
                )
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


def _label(session: Session, video: VideoRow) -> str:
    """``D014 · T1 pre``, as the video list names it."""
    participant = session.get(ParticipantRow, video.participant_id)
    return f"{participant.code if participant else '?'} · {video.timepoint}"
