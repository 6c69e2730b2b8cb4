"""The lab-manager role: a study passphrase, stored only as a salted scrypt hash.

This keeps coders from wandering into other coders' work by accident; it is not a security
boundary against someone with the database file (they can read it directly).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from eas_coder.errors import StudyError
from eas_coder.store.tables import StudyRow
from eas_coder.store.unit import StudyDb

MIN_LENGTH = 6
# scrypt cost: ~50 ms here; slows guessing without making the dialog feel slow.
_N, _R, _P = 2**14, 8, 1


def hash_passphrase(passphrase: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex) for a passphrase."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(passphrase.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    """True if the passphrase hashes to ``stored`` (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        computed = hashlib.scrypt(
            passphrase.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


class Manager:
    """Set and check the lab manager's passphrase."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def has_passphrase(self) -> bool:
        """True once a passphrase was set (at study creation or later)."""
        with self._db.read() as session:
            return bool(self._db.require(session, StudyRow, 1, "study").manager_hash)

    def set_passphrase(self, passphrase: str) -> None:
        """Set or change the passphrase (at least six characters)."""
        if not isinstance(passphrase, str) or len(passphrase.strip()) < MIN_LENGTH:
            raise StudyError(f"the lab-manager passphrase needs at least {MIN_LENGTH} characters")
        stored = hash_passphrase(passphrase)
        with self._db.write() as session:
            row = self._db.require(session, StudyRow, 1, "study")
            had = bool(row.manager_hash)
            row.manager_hash = stored
            # The audit says that it changed, never what it is.
            self._db.audit(session, "manager.passphrase", "study", 1, {"set": had}, {"set": True})

    def verify(self, passphrase: str) -> bool:
        """True if ``passphrase`` is the study's lab-manager passphrase."""
        with self._db.read() as session:
            stored = self._db.require(session, StudyRow, 1, "study").manager_hash
        return bool(stored) and passphrase_matches(passphrase, stored or "")
