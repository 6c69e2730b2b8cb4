"""The unit of work every store service shares: short transactions, audit rows, lookups."""

from __future__ import annotations

import getpass
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from eas_coder.errors import Conflict, NotFound, StudyBusy, StudyError
from eas_coder.location import Location
from eas_coder.store import database, study_files
from eas_coder.store.tables import AssignmentRow, AuditRow, Base, RatingRow, SegmentRow
from eas_coder.timecode import clock

RowT = TypeVar("RowT", bound=Base)
CHANGES_CHANNEL = "eas_coder_changes"  # PostgreSQL NOTIFY channel of every write
# Column widths (tables.py); checked here so SQLite and PostgreSQL refuse the same input.
NAME_LENGTH = 200
LABEL_LENGTH = 100


def checked_text(value: str, what: str, limit: int) -> str:
    """``value`` stripped, or StudyError if it is empty or longer than ``limit``."""
    if not isinstance(value, str):
        raise StudyError(f"{what} must be text, not {value!r}")
    value = value.strip()
    if not value:
        raise StudyError(f"{what} is missing")
    if len(value) > limit:
        raise StudyError(f"{what} is longer than {limit} characters: {value[:40]!r}…")
    return value


def note_text(value: str, what: str, limit: int = 4000) -> str:
    """A free-text note: may be empty, stripped, at most ``limit`` characters."""
    if not isinstance(value, str):
        raise StudyError(f"{what} must be text, not {value!r}")
    value = value.strip()
    if len(value) > limit:
        raise StudyError(f"{what} is longer than {limit} characters: {value[:40]!r}…")
    return value


def os_user() -> str:
    """The logged-in user, recorded as the actor when no coder name is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def rating_state(row: RatingRow) -> dict[str, Any]:
    """What the audit log keeps of a rating: enough to say whose score of what it was."""
    return {
        "video_id": row.video_id,
        "coder_id": row.coder_id,
        "segment_id": row.segment_id,
        "dimension": row.dimension,
        "score": row.score,
        "items": row.items,
        "note": row.note or "",
        "version": row.version,
        "scheme_version": row.scheme_version,
    }


def same_target(column: Any, segment_id: int | None) -> Any:
    """WHERE clause for "the same segment, or the whole session when ``segment_id`` is None"."""
    return column.is_(None) if segment_id is None else column == segment_id


def target_text(session: Session, segment_id: int | None) -> str:
    """How a refusal names what a score is on: "the whole session" or "the segment a–b"."""
    segment = None if segment_id is None else session.get(SegmentRow, segment_id)
    if segment is None:
        return "the whole session"
    return f"the segment {clock(segment.start_ms)}–{clock(segment.end_ms)}"


def last_changed_by(session: Session, entity: str, entity_id: int) -> str:
    """ " by <actor>" of the newest audit entry of a row ("" when the log has none)."""
    actor = session.scalar(
        select(AuditRow.actor)
        .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.id.desc())
        .limit(1)
    )
    return f" by {actor}" if actor else ""


def to_json(value: Any) -> str | None:
    """Audit values are stored as JSON text (None stays NULL)."""
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


class _DryRun(Exception):
    """Rolls ``StudyDb.transaction(commit=False)`` back."""


class StudyDb:
    """An engine, who is acting, and how a read or a write transaction is opened."""

    def __init__(self, engine: Engine, location: Location, actor: str | None = None) -> None:
        self.engine = engine
        self.location = location
        self.actor = actor or os_user()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)
        self._notify = engine.dialect.name == "postgresql"
        self._joined: tuple[int, Session] | None = None  # (thread, session) of ``transaction``
        self.writes = 0  # write transactions committed (Study.writes)
        # While this engine may hold connections, nothing but SQLite opens the study file
        self._held = location.path
        if location.path is not None:
            study_files.install_guard()
            study_files.hold(location.path)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing is committed."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One short transaction: committed on success, rolled back on any error. Inside
        ``transaction`` (same thread) it is a savepoint of that one transaction instead."""
        joined = self._joined
        if joined is not None and joined[0] == threading.get_ident():
            try:
                with joined[1].begin_nested():  # an error undoes this write alone
                    yield joined[1]
            except IntegrityError as exc:
                raise Conflict(f"the change conflicts with what is stored ({exc.orig})") from exc
            return
        with self._write_sessions() as session:
            try:
                yield session
                if self._notify:
                    # Other workstations LISTEN (store/changes.py); delivered at commit.
                    session.execute(text(f"NOTIFY {CHANGES_CHANNEL}"))
                session.commit()
                self.writes += 1
            except IntegrityError as exc:
                session.rollback()
                raise Conflict(f"the change conflicts with what is stored ({exc.orig})") from exc
            except OperationalError as exc:
                session.rollback()
                raise StudyBusy(self._busy_message(exc)) from exc
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self, commit: bool = True) -> Iterator[None]:
        """Every write made in the block, through any service of this study and with all
        its checks, becomes one transaction: all of it is committed at the end, or nothing
        (``commit=False``: a dry run that tells exactly what would be refused). A write
        that raises inside is undone alone (a savepoint), and the caller decides."""
        previous = self._joined  # a transaction inside another (a merge's) is a savepoint
        try:
            with self.write() as session:
                self._joined = (threading.get_ident(), session)
                try:
                    yield
                finally:
                    self._joined = previous
                if not commit:
                    raise _DryRun
        except _DryRun:
            pass

    def _busy_message(self, exc: OperationalError) -> str:
        where = self.location.display()
        if self.location.is_sqlite and "locked" in str(exc.orig):
            # SQLite has already retried for the whole busy timeout before giving up
            return (
                f"{where}: the study stayed locked by another program for "
                f"{database.BUSY_TIMEOUT_MS / 1000:g} s; nothing was saved. Try again in a moment"
            )
        return f"{where}: the change could not be saved ({exc.orig}); nothing was saved"

    def audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int | None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        """Record a change in the same transaction as the change itself."""
        session.add(
            AuditRow(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                old=to_json(old),
                new=to_json(new),
            )
        )

    @staticmethod
    def require(session: Session, table: type[RowT], key: int, what: str) -> RowT:
        """The row with primary key ``key``, or NotFound naming ``what``."""
        row = session.get(table, key)
        if row is None:
            raise NotFound(f"no {what} with id {key} in this study")
        return row

    @classmethod
    def require_segment_of(cls, session: Session, segment_id: int | None, video_id: int) -> None:
        """A segment id (when given) must exist and belong to ``video_id``."""
        if segment_id is None:
            return
        if cls.require(session, SegmentRow, segment_id, "segment").video_id != video_id:
            raise StudyError(f"segment {segment_id} belongs to another video")

    @staticmethod
    def require_not_submitted(session: Session, video_id: int, coder_id: int) -> None:
        """Refuse changes to a coder's work on a video they submitted (it is locked)."""
        status = session.scalar(
            select(AssignmentRow.status).where(
                AssignmentRow.video_id == video_id, AssignmentRow.coder_id == coder_id
            )
        )
        if status == "done":
            raise StudyError(
                "this video is submitted and its coding is locked; the lab manager can reopen it"
            )

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
        if self._held is not None:
            study_files.release(self._held)
            self._held = None
