"""Coders: the people who rate videos; optional passphrases; who the audit log names.

A coder's passphrase, like the lab manager's, is stored only as a salted scrypt hash
(``store/manager.py``). It keeps coders from signing in under each other's names; it is not a
security boundary against someone who can read the study file itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.model import Coder
from eas_coder.names import name_key, normalise_name
from eas_coder.store import convert
from eas_coder.store.manager import MIN_LENGTH, hash_passphrase, passphrase_matches
from eas_coder.store.tables import CoderRow
from eas_coder.store.unit import NAME_LENGTH, StudyDb

ACTOR_LENGTH = 200  # audit_log.actor (tables.py)
MANAGER = "lab manager"


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
