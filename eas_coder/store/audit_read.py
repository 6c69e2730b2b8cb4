"""Reading the audit log a page at a time, filtered by coder, video and time, and shown to
one viewer under the blind-coding rule (``eas_coder.viewer``).

The log only grows (100,000 entries is a few months of a busy study), so nothing here reads
it whole: ``page`` returns the entries older than a given id (keyset paging on the primary
key, newest first) and ``count`` asks the database how many match.

Who sees what: the lab manager sees every entry in full. A coder sees every entry's who,
when and what, but the details (old and new values) of an entry about another coder's work
(their segments, scores, notes, item scores, assignment) only where ``Viewer`` would show
that work: on a video both were assigned and every assigned coder has submitted. A consensus
score's details follow ``Viewer.sees_all``. Anything else (settings, videos, coders, other
measures) is no coder's work and is shown to everyone.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from operator import neg
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, false, func, or_, select
from sqlalchemy.orm import Session

from eas_coder.location import Location
from eas_coder.model import Video
from eas_coder.store import convert
from eas_coder.store.database import open_engine
from eas_coder.store.tables import AssignmentRow, AuditRow, CoderRow
from eas_coder.store.unit import StudyDb
from eas_coder.viewer import Viewer

HIDDEN = "hidden: another coder's work (blind coding)"
# one entry as ``page`` reads it: _COLUMNS, in order
_Entry = Row[int, datetime, str, str, str, int | None, str | None, str | None]
_COLUMNS = (
    AuditRow.id, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.entity,
    AuditRow.entity_id, AuditRow.old, AuditRow.new,
)  # fmt: skip
# Details that are a coder's judgement: hidden from other coders even with no coder named
# (a consensus score names only its video).
_JUDGEMENT_KEYS = {"score", "items", "note"}


@dataclass(frozen=True)
class AuditQuery:
    """Which entries to show; every part left None shows all. ``since`` and ``until`` are
    aware datetimes: ``since`` <= at < ``until``."""

    coder_id: int | None = None  # made by this coder, or about them or their work
    video_id: int | None = None  # about this video or work on it
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditLine:
    """One entry as this viewer may see it: ``old`` and ``new`` are None and ``hidden`` is
    True when its details are another coder's work."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    video_id: int | None
    coder_id: int | None  # whose work the entry is about (None: nobody's)
    old: str | None
    new: str | None
    hidden: bool


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_has(key: str, number: int, dialect: str) -> ColumnElement[bool]:
    """The old or new JSON holds ``"key": number`` (written with sort_keys and the default
    separators by ``unit.to_json``, so the number ends at ``,`` or ``}``). A plain substring
    search, cheaper than LIKE on a long log, which has no index to use here."""
    find = func.strpos if dialect == "postgresql" else func.instr
    texts = [f'"{key}": {number},', f'"{key}": {number}}}']
    columns = (AuditRow.new, AuditRow.old)
    return or_(*[find(column, text) > 0 for column in columns for text in texts])


def _parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class AuditReader:
    """Pages of the audit log for one viewer (``Viewer.everyone()``: the lab manager)."""

    def __init__(self, db: StudyDb, viewer: Viewer) -> None:
        self._db = db
        self._viewer = viewer
        self._dialect = db.engine.dialect.name
        self._matching: tuple[AuditQuery, list[int]] | None = None  # see ``count``
        with db.read() as session:
            rows = session.execute(
                select(AssignmentRow.id, AssignmentRow.video_id, AssignmentRow.coder_id)
            )
            self._assignments = {row.id: (row.video_id, row.coder_id) for row in rows}
            self._viewer = _refreshed(viewer, session)

    @classmethod
    @contextmanager
    def opened(cls, location: Location, viewer: Viewer) -> Iterator[AuditReader]:
        """A reader on its own connection to the study at ``location`` (closed after)."""
        db = StudyDb(open_engine(location, create=False), location)
        try:
            yield cls(db, viewer)
        finally:
            db.close()

    @property
    def viewer(self) -> Viewer:
        return self._viewer

    def count(self, query: AuditQuery) -> int:
        """How many entries match (all of them, hidden details or not). For a filter by
        coder or video (no index helps: the log is scanned), the matching ids are kept, and
        the pages of this query read them by id: one scan, not one per page."""
        with self._db.read() as session:
            where = self._where(session, query)
            if query.coder_id is None and query.video_id is None:
                counted = session.scalar(select(func.count()).select_from(AuditRow).where(*where))
                return int(counted or 0)
            ids = session.scalars(select(AuditRow.id).where(*where).order_by(AuditRow.id.desc()))
            self._matching = (query, list(ids))
            return len(self._matching[1])

    def page(self, query: AuditQuery, before_id: int | None, limit: int) -> list[AuditLine]:
        """Up to ``limit`` matching entries older than ``before_id`` (None: the newest),
        newest first."""
        with self._db.read() as session:
            if self._matching is not None and self._matching[0] == query:
                ids = self._matching[1]  # newest first
                # the first id older than ``before_id`` (the list is descending)
                start = 0 if before_id is None else bisect_right(ids, -before_id, key=neg)
                where: list[ColumnElement[bool]] = [AuditRow.id.in_(ids[start : start + limit])]
            else:
                where = self._where(session, query)
                if before_id is not None:
                    where.append(AuditRow.id < before_id)
            # plain rows, not ORM objects: a CSV export reads the whole log through here
            rows = session.execute(
                select(*_COLUMNS).where(*where).order_by(AuditRow.id.desc()).limit(limit)
            )
            return [self._line(row) for row in rows]

    def coders(self) -> dict[int, str]:
        """Every coder's id and name (for the filter and the Work column)."""
        with self._db.read() as session:
            return {row.id: row.name for row in session.scalars(select(CoderRow))}

    def videos(self) -> dict[int, str]:
        """Every video's id and how the log names it (``D014 · T1 pre · name``)."""
        with self._db.read() as session:
            return {video.id: video_label(video) for video in convert.load_videos(session)}

    # --- filters -----------------------------------------------------------------------------

    def _where(self, session: Session, query: AuditQuery) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if query.since is not None:
            where.append(AuditRow.at >= query.since)
        if query.until is not None:
            where.append(AuditRow.at < query.until)
        if query.video_id is not None:
            where.append(self._about_video(query.video_id))
        if query.coder_id is not None:
            where.append(self._about_coder(session, query.coder_id))
        return where

    def _about_video(self, video_id: int) -> ColumnElement[bool]:
        assignments = [a for a, (v, _c) in self._assignments.items() if v == video_id]
        return or_(
            and_(AuditRow.entity == "video", AuditRow.entity_id == video_id),
            _json_has("video_id", video_id, self._dialect),
            and_(AuditRow.entity == "assignment", AuditRow.entity_id.in_(assignments))
            if assignments
            else false(),
        )

    def _about_coder(self, session: Session, coder_id: int) -> ColumnElement[bool]:
        # the coder signs entries as "Name (login …)"; a renamed coder under each old name too
        names = {session.scalar(select(CoderRow.name).where(CoderRow.id == coder_id)) or ""}
        renames = select(AuditRow.old).where(
            AuditRow.action == "coder.rename", AuditRow.entity_id == coder_id
        )
        for old in session.scalars(renames):
            name = _parsed(old)
            if isinstance(name, dict) and isinstance(name.get("name"), str):
                names.add(name["name"])
        by_name = [
            AuditRow.actor.like(_escape_like(name) + " (login %", escape="\\")
            for name in sorted(names)
            if name
        ]
        assignments = [a for a, (_v, c) in self._assignments.items() if c == coder_id]
        return or_(
            *by_name,
            and_(AuditRow.entity == "coder", AuditRow.entity_id == coder_id),
            _json_has("coder_id", coder_id, self._dialect),
            and_(AuditRow.entity == "assignment", AuditRow.entity_id.in_(assignments))
            if assignments
            else false(),
        )

    # --- blind coding ------------------------------------------------------------------------

    def _line(self, row: _Entry) -> AuditLine:
        old, new = _parsed(row.old), _parsed(row.new)
        video_id, coder_id = self._work_of(row, old, new)
        hidden = not self._may_see(video_id, coder_id, old, new)
        return AuditLine(
            row.id,
            row.at,
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            video_id,
            coder_id,
            None if hidden else row.old,
            None if hidden else row.new,
            hidden,
        )

    def _work_of(self, row: _Entry, old: Any, new: Any) -> tuple[int | None, int | None]:
        """(video, coder) the entry is about, read from its values or its assignment."""
        video_id = coder_id = None
        for state in (new, old):
            if isinstance(state, dict):
                if video_id is None and isinstance(state.get("video_id"), int):
                    video_id = state["video_id"]
                if coder_id is None and isinstance(state.get("coder_id"), int):
                    coder_id = state["coder_id"]
        if row.entity == "assignment" and row.entity_id in self._assignments:
            video_id, coder_id = self._assignments[row.entity_id]
        elif row.entity == "video" and video_id is None:
            video_id = row.entity_id
        return video_id, coder_id

    def _may_see(self, video_id: int | None, coder_id: int | None, old: Any, new: Any) -> bool:
        viewer = self._viewer
        if viewer.manager:
            return True
        if coder_id is not None:
            return video_id is not None and viewer.sees(video_id, coder_id)
        judged = any(
            isinstance(state, dict) and _JUDGEMENT_KEYS & state.keys() for state in (old, new)
        )
        if judged and video_id is not None:
            return viewer.sees_all(video_id)  # a consensus score: what was agreed
        return True


def _refreshed(viewer: Viewer, session: Session) -> Viewer:
    """The same person, with the assignments as stored now (who has submitted what)."""
    if viewer.manager or viewer.coder is None:
        return viewer
    return Viewer(viewer.coder, convert.load_assignments(session))


def video_label(video: Video) -> str:
    """How the audit log names a video: ``D014 · T1 pre · d014_t1.mp4``."""
    return " · ".join(
        part for part in (video.participant_code, video.timepoint, video.name) if part
    )
