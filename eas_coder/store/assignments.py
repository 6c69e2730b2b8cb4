"""Assignments: which coder rates which video, and how far they are.

Only the lab manager assigns (``add``), unless the study lets coders take a video themselves
(setting ``coding.self_assign``, ``claim``); a video is never assigned as a side effect of
coding or submitting it.

Many at once (the assignment matrix, the reliability sample): ``change_many`` assigns and
unassigns in one audited transaction, and refuses to unassign anyone with saved work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from eas_coder.errors import NotFound, StudyError
from eas_coder.model import Assignment, AssignmentStatus
from eas_coder.store import convert
from eas_coder.store.assignment_grid import AssignedCell, Pair, pairs_with_work, read_grid
from eas_coder.store.settings import DEFAULTS
from eas_coder.store.tables import (
    AssignmentRow,
    AuditRow,
    CoderRow,
    ParticipantRow,
    SeenWorkRow,
    SettingRow,
    VideoRow,
    utcnow,
)
from eas_coder.store.unit import StudyDb, to_json

SELF_ASSIGN = "coding.self_assign"  # settings.py
REMOVE = "assignment.remove"
_NAMED = 5  # a refusal names this many videos, then "and N more"
_CHUNK = 500  # ids per DELETE … IN (…): well inside SQLite's limit on bound values


@dataclass(frozen=True)
class BulkChange:
    """What ``change_many`` did: the assignments made, the ones removed, and the pairs
    skipped because they already were as asked (assigned, or not assigned)."""

    made: list[Assignment]
    removed: list[Assignment]
    unchanged: int


class Assignments:
    """Give videos to coders and track their status."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def add(self, video_id: int, coder_id: int) -> Assignment:
        """Give a video to a coder (once)."""
        with self._db.write() as session:
            video = self._db.require(session, VideoRow, video_id, "video")
            if video.archived_at is not None:  # removed with work on it: restore it first
                raise StudyError(f"video {video_id} is archived: restore it before assigning it")
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
            _refuse_archived(session, {video_id})
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

    def grid(self) -> dict[Pair, AssignedCell]:
        """Every assignment with its matrix status (assignment_grid.py), by (video, coder)."""
        with self._db.read() as session:
            return read_grid(session)

    def change_many(self, assign: Iterable[Pair] = (), unassign: Iterable[Pair] = ()) -> BulkChange:
        """Assign and unassign many (video_id, coder_id) pairs in ONE audited transaction.

        Pairs already as asked are skipped. Refused (StudyError, nothing written): unknown
        videos or coders, a retired coder given new work, a pair both assigned and
        unassigned, and unassigning a coder who saved any work on the video or submitted it
        (that work would vanish from their list; reopen or leave it instead).
        """
        to_add, to_remove = set(assign), set(unassign)
        if to_add & to_remove:
            raise StudyError("the same video and coder cannot be assigned and unassigned at once")
        with self._db.write() as session:
            coders = {r.id: r for r in session.scalars(select(CoderRow))}
            _require_known(session, to_add | to_remove, coders)
            _refuse_archived(session, {v for v, _c in to_add})
            retired = sorted({coders[c].name for _v, c in to_add if not coders[c].active})
            if retired:
                raise StudyError(
                    f"{', '.join(retired)} retired: a retired coder is given no new videos"
                )
            existing = {
                (v, c): (i, s)
                for i, v, c, s in session.execute(
                    select(
                        AssignmentRow.id,
                        AssignmentRow.video_id,
                        AssignmentRow.coder_id,
                        AssignmentRow.status,
                    )
                )
            }
            adding = sorted(p for p in to_add if p not in existing)
            removing = sorted(p for p in to_remove if p in existing)
            _refuse_work(session, removing, existing, coders)
            made = self._insert(session, adding)
            removed = [
                Assignment(existing[p][0], p[0], p[1], AssignmentStatus(existing[p][1]))
                for p in removing
            ]
            ids = [gone.id for gone in removed]
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                session.execute(delete(AssignmentRow).where(AssignmentRow.id.in_(chunk)))
            # filed under the video: the live refresh and the audit viewer find it there
            self._audit_many(
                session,
                [
                    (REMOVE, "video", gone.video_id, {"assignment_id": gone.id,
                     "video_id": gone.video_id, "coder_id": gone.coder_id,
                     "status": gone.status.value}, None)
                    for gone in removed
                ],
            )  # fmt: skip
        unchanged = len(to_add) + len(to_remove) - len(made) - len(removed)
        return BulkChange(made, removed, unchanged)

    def _insert(self, session: Session, pairs: list[Pair]) -> list[Assignment]:
        if not pairs:
            return []
        # plain executemany, then the new ids in one read: RETURNING row by row is 5x slower
        rows = [{"video_id": v, "coder_id": c, "status": "assigned"} for v, c in pairs]
        session.execute(insert(AssignmentRow), rows)
        wanted = set(pairs)
        query = select(AssignmentRow.id, AssignmentRow.video_id, AssignmentRow.coder_id)
        ids = {(v, c): i for i, v, c in session.execute(query) if (v, c) in wanted}
        self._audit_many(
            session,
            [
                ("assignment.add", "assignment", ids[p], None,
                 {"video_id": p[0], "coder_id": p[1], "bulk": True})
                for p in pairs
            ],
        )  # fmt: skip
        return [Assignment(ids[(v, c)], v, c, AssignmentStatus.ASSIGNED) for v, c in pairs]

    def _audit_many(self, session: Session, entries: list[tuple[str, str, int, Any, Any]]) -> None:
        """``StudyDb.audit`` for many changes of one transaction, in one executemany."""
        if not entries:
            return
        actor, at = self._db.actor, utcnow()
        rows = [
            {"at": at, "actor": actor, "action": action, "entity": entity,
             "entity_id": entity_id, "old": to_json(old), "new": to_json(new)}
            for action, entity, entity_id, old, new in entries
        ]  # fmt: skip
        session.execute(insert(AuditRow), rows)

    def statuses_of(self, coder_id: int) -> dict[int, str]:
        """The coder's assigned videos and how far they are (video id -> status value), in
        one column query: the Videos list asks at every sign-in, for thousands of videos."""
        query = select(AssignmentRow.video_id, AssignmentRow.status).where(
            AssignmentRow.coder_id == coder_id
        )
        with self._db.read() as session:
            return {video_id: status for video_id, status in session.execute(query)}

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


def _require_known(session: Session, pairs: set[Pair], coders: dict[int, CoderRow]) -> None:
    videos = {v for v, _c in pairs}
    known = set(session.scalars(select(VideoRow.id))) if videos else set()
    missing = sorted(videos - known)
    if missing:
        raise NotFound(f"no video with id {missing[0]} in this study; nothing was changed")
    unknown = sorted({c for _v, c in pairs} - set(coders))
    if unknown:
        raise NotFound(f"no coder with id {unknown[0]} in this study; nothing was changed")


def _refuse_archived(session: Session, video_ids: set[int]) -> None:
    """An archived video (removed with work on it) is given to no one until restored."""
    if not video_ids:
        return
    archived = sorted(
        session.scalars(
            select(VideoRow.id).where(VideoRow.id.in_(video_ids), VideoRow.archived_at.is_not(None))
        )
    )
    if archived:
        raise StudyError(
            f"video {archived[0]} is archived: restore it before assigning it; nothing was changed"
        )


def _refuse_work(
    session: Session,
    removing: list[Pair],
    existing: dict[Pair, tuple[int, str]],
    coders: dict[int, CoderRow],
) -> None:
    """StudyError naming the pairs whose coder started or submitted the video."""
    if not removing:
        return
    work = pairs_with_work(session)
    busy = [p for p in removing if p in work or existing[p][1] != AssignmentStatus.ASSIGNED.value]
    if not busy:
        return
    names = [
        f"{coders[c].name} on {_label(session, StudyDb.require(session, VideoRow, v, 'video'))}"
        for v, c in busy
    ]
    more = f" and {len(names) - _NAMED} more" if len(names) > _NAMED else ""
    raise StudyError(
        f"{len(busy)} of the assignments to remove hold saved work ({'; '.join(names[:_NAMED])}"
        f"{more}): unassigning would hide it from the coder, so nothing was changed"
    )


def _label(session: Session, video: VideoRow) -> str:
    """``D014 · T1 pre``, as the video list names it."""
    participant = session.get(ParticipantRow, video.participant_id)
    return f"{participant.code if participant else '?'} · {video.timepoint}"
