"""Coders: the people who rate videos."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from eas_coder.errors import Conflict, NotFound
from eas_coder.model import Coder
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow
from eas_coder.store.unit import NAME_LENGTH, StudyDb, checked_text


class Coders:
    """Add, list and look up coders; names are unique within a study."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def add(self, name: str) -> Coder:
        """Add a coder."""
        return self.add_many([name])[0]

    def add_many(self, names: Sequence[str]) -> list[Coder]:
        """Add several coders in one transaction: all of them, or none if one is refused."""
        cleaned = [checked_text(name, "a coder's name", NAME_LENGTH) for name in names]
        # Names differing only in case are one person typed twice ("Ana" and "ana").
        folded = [name.casefold() for name in cleaned]
        for index, name in enumerate(cleaned):
            if folded[index] in folded[:index]:
                raise Conflict(f"the coder {name!r} is named twice")
        with self._db.write() as session:
            for existing in session.scalars(select(CoderRow.name)):
                if existing.casefold() in folded:
                    raise Conflict(f"a coder called {existing!r} already exists")
            rows = [CoderRow(name=name, active=True) for name in cleaned]
            session.add_all(rows)
            session.flush()
            for row in rows:
                self._db.audit(session, "coder.add", "coder", row.id, None, {"name": row.name})
            return [convert.coder(row) for row in rows]

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
