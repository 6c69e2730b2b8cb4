"""Coders: the people who rate videos."""

from __future__ import annotations

from sqlalchemy import select

from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.model import Coder
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow
from eas_coder.store.unit import StudyDb


class Coders:
    """Add, list and look up coders; names are unique within a study."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def add(self, name: str) -> Coder:
        """Add a coder."""
        name = name.strip()
        if not name:
            raise StudyError("a coder needs a name")
        with self._db.write() as session:
            if session.scalar(select(CoderRow.id).where(CoderRow.name == name)) is not None:
                raise Conflict(f"a coder called {name!r} already exists")
            row = CoderRow(name=name, active=True)
            session.add(row)
            session.flush()
            self._db.audit(session, "coder.add", "coder", row.id, None, {"name": name})
            return convert.coder(row)

    def all(self) -> list[Coder]:
        """All coders, by name."""
        with self._db.read() as session:
            return [
                convert.coder(r) for r in session.scalars(select(CoderRow).order_by(CoderRow.name))
            ]

    def get(self, name_or_id: str | int) -> Coder:
        """A coder by id or by name."""
        with self._db.read() as session:
            if isinstance(name_or_id, int):
                row = session.get(CoderRow, name_or_id)
            else:
                row = session.scalar(select(CoderRow).where(CoderRow.name == name_or_id))
            if row is None:
                raise NotFound(f"no coder {name_or_id!r} in this study")
            return convert.coder(row)
