"""Coders: the people who rate videos; optional passphrases; who the audit log names.

A coder's passphrase, like the lab manager's, is stored only as a salted scrypt hash
(``store/manager.py``). It keeps coders from signing in under each other's names; it is not a
security boundary against someone who can read the study file itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.model import Coder
from eas_coder.names import name_key, normalise_name
from eas_coder.store import convert
from eas_coder.store.manager import MIN_LENGTH, hash_passphrase, passphrase_matches
from eas_coder.store.tables import (
    AssignmentRow,
    CoderRow,
    ItemDraftRow,
    RatingRow,
    SeenWorkRow,
    SegmentRow,
    utcnow,
)
from eas_coder.store.unit import NAME_LENGTH, StudyDb

ACTOR_LENGTH = 200  # audit_log.actor (tables.py)
MANAGER = "lab manager"
# What a coder did or was given, by the words a refusal uses: any of it keeps a coder from
# being deleted (retire them instead). A saved video position (video_position) is not work:
# it goes with the coder (ON DELETE CASCADE).
_WORK = (
    ("assignment", AssignmentRow.coder_id),
    ("segment", SegmentRow.coder_id),
    ("rating", RatingRow.coder_id),
    ("unfinished item score", ItemDraftRow.coder_id),
    ("record of seen work", SeenWorkRow.coder_id),
)


@dataclass(frozen=True)
class CoderStanding:
    """A coder as the Coders dialog lists them: retired or not, with or without a
    passphrase, and how much work they have (a coder with work is never deleted)."""

    coder: Coder
    retired_at: datetime | None
    has_passphrase: bool
    work: dict[str, int]

    @property
    def has_work(self) -> bool:
        """True when anything of the coder's is stored (then they can only be retired)."""
        return any(self.work.values())

    def work_text(self) -> str:
        """``3 assignments, 12 ratings`` (``no work`` when there is none)."""
        parts = [f"{n} {what}{'s' if n != 1 else ''}" for what, n in self.work.items() if n]
        return ", ".join(parts) if parts else "no work"


def actor_label(who: str, login: str) -> str:
    """``Ana (login ana.s)``: the signed-in person and the computer's login, within the
    audit column's width (a long name is cut, the login is kept)."""
    suffix = f" (login {login})"
    room = max(ACTOR_LENGTH - len(suffix), 1)
    return (who if len(who) <= room else who[: room - 1] + "…") + suffix


class Coders:
    """Add, list and look up coders; names are unique within a study."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db
        self._login = db.actor  # the computer's login (or the actor the study was opened as)

    def add(self, name: str) -> Coder:
        """Add a coder."""
        return self.add_many([name])[0]

    def add_many(self, names: Sequence[str]) -> list[Coder]:
        """Add several coders in one transaction: all of them, or none if one is refused."""
        cleaned = [normalise_name(name, "a coder's name", NAME_LENGTH) for name in names]
        # A name is an identity: "Ana", "ana" and a decomposed "José" are one person typed
        # twice (eas_coder.names).
        folded = [name_key(name) for name in cleaned]
        for index, name in enumerate(cleaned):
            if folded[index] in folded[:index]:
                raise Conflict(f"the coder {name!r} is named twice")
        with self._db.write() as session:
            for existing in session.scalars(select(CoderRow.name)):
                if name_key(existing) in folded:
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
            return convert.coder(_row(session, name_or_id))

    def standings(self) -> list[CoderStanding]:
        """Every coder (retired ones too), by name, with their work counted: read at once."""
        with self._db.read() as session:
            rows = list(session.scalars(select(CoderRow).order_by(CoderRow.name)))
            counts = {
                what: dict(session.execute(select(column, func.count()).group_by(column)).all())
                for what, column in _WORK
            }
            return [
                CoderStanding(
                    convert.coder(row),
                    row.retired_at,
                    row.passphrase_hash is not None,
                    {what: int(counts[what].get(row.id, 0)) for what, _ in _WORK},
                )
                for row in rows
            ]

    def rename(self, name_or_id: str | int, new_name: str) -> Coder:
        """Give a coder another name (unique within the study, as ``add`` requires). Their
        work keeps its coder; older audit entries keep the name they were made under."""
        cleaned = normalise_name(new_name, "a coder's name", NAME_LENGTH)
        with self._db.write() as session:
            row = _row(session, name_or_id)
            key = name_key(cleaned)
            for other in session.scalars(select(CoderRow).where(CoderRow.id != row.id)):
                if name_key(other.name) == key:
                    raise Conflict(f"a coder called {other.name!r} already exists")
            if row.name == cleaned:
                return convert.coder(row)
            old, row.name = row.name, cleaned
            self._db.audit(
                session, "coder.rename", "coder", row.id, {"name": old}, {"name": cleaned}
            )
            return convert.coder(row)

    def retire(self, name_or_id: str | int) -> Coder:
        """Retire a coder (they left the lab): no longer active, everything they did kept,
        in every export and in reliability. ``unretire`` brings them back."""
        with self._db.write() as session:
            row = _row(session, name_or_id)
            if row.retired_at is not None:
                raise StudyError(f"{row.name} is retired already")
            row.active, row.retired_at = False, utcnow()
            new = {"name": row.name, "retired_at": row.retired_at.isoformat()}
            self._db.audit(session, "coder.retire", "coder", row.id, {"active": True}, new)
            return convert.coder(row)

    def unretire(self, name_or_id: str | int) -> Coder:
        """Make a retired coder active again."""
        with self._db.write() as session:
            row = _row(session, name_or_id)
            if row.retired_at is None and row.active:
                raise StudyError(f"{row.name} is not retired")
            when = None if row.retired_at is None else row.retired_at.isoformat()
            row.active, row.retired_at = True, None
            old = {"name": row.name, "retired_at": when}
            self._db.audit(session, "coder.unretire", "coder", row.id, old, {"active": True})
            return convert.coder(row)

    def delete(self, name_or_id: str | int) -> None:
        """Delete a coder who has no work at all (added by mistake); a coder with any work
        is refused, naming it: retire them instead, so that nothing they did is lost."""
        with self._db.write() as session:
            row = _row(session, name_or_id)
            work = {
                what: int(session.scalar(select(func.count()).where(column == row.id)) or 0)
                for what, column in _WORK
            }
            done = [f"{n} {what}{'s' if n != 1 else ''}" for what, n in work.items() if n]
            if done:
                raise Conflict(
                    f"{row.name} has {', '.join(done)}: a coder with work is never deleted; "
                    "retire them instead (their work stays in every export)"
                )
            self._db.audit(session, "coder.delete", "coder", row.id, {"name": row.name}, None)
            session.delete(row)

    # --- passphrases ----------------------------------------------------------------------

    def set_passphrase(self, name_or_id: str | int, passphrase: str | None) -> None:
        """Set (or with None, remove) a coder's passphrase: the lab manager's decision.

        The audit says that it changed, never what it is.
        """
        if passphrase is not None and (
            not isinstance(passphrase, str) or len(passphrase.strip()) < MIN_LENGTH
        ):
            raise StudyError(f"a coder's passphrase needs at least {MIN_LENGTH} characters")
        stored = None if passphrase is None else hash_passphrase(passphrase)
        with self._db.write() as session:
            row = _row(session, name_or_id)
            had = row.passphrase_hash is not None
            row.passphrase_hash = stored
            new = {"set": stored is not None}
            self._db.audit(session, "coder.passphrase", "coder", row.id, {"set": had}, new)

    def has_passphrase(self, name_or_id: str | int) -> bool:
        """True when signing in as this coder asks for a passphrase."""
        with self._db.read() as session:
            return _row(session, name_or_id).passphrase_hash is not None

    def with_passphrase(self) -> set[str]:
        """Names of the coders who have a passphrase (for the sign-in dialog)."""
        with self._db.read() as session:
            query = select(CoderRow.name).where(CoderRow.passphrase_hash.is_not(None))
            return set(session.scalars(query))

    def verify(self, name_or_id: str | int, passphrase: str) -> bool:
        """True if the coder has no passphrase, or ``passphrase`` is theirs."""
        with self._db.read() as session:
            stored = _row(session, name_or_id).passphrase_hash
        return stored is None or passphrase_matches(passphrase, stored)

    # --- who is acting --------------------------------------------------------------------

    def act_as(self, coder: Coder | None, manager: bool = False) -> None:
        """Name the signed-in person (a coder, or the lab manager) in every audit entry from
        now on, beside the computer's login; nobody (None, not manager): the login alone.
        Callers check the passphrase first (``verify``, ``Manager.verify``)."""
        if manager:
            self._db.actor = actor_label(MANAGER, self._login)
        elif coder is not None:
            self._db.actor = actor_label(coder.name, self._login)
        else:
            self._db.actor = self._login


def _row(session: Session, name_or_id: str | int) -> CoderRow:
    if isinstance(name_or_id, int):
        row = session.get(CoderRow, name_or_id)
    else:
        row = session.scalar(select(CoderRow).where(CoderRow.name == name_or_id))
        if row is None:  # the same identity typed otherwise ("ana", a decomposed "José")
            key = name_key(name_or_id)
            found = [r for r in session.scalars(select(CoderRow)) if name_key(r.name) == key]
            row = found[0] if len(found) == 1 else None
    if row is None:
        raise NotFound(f"no coder {name_or_id!r} in this study")
    return row
