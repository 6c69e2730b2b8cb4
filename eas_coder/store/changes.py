"""Noticing what other workstations save, within a second or two.

Every write transaction leaves audit rows, so "what changed since I last looked" is the audit
rows with a higher id. How a watcher learns that there are new ones depends on the backend:

- PostgreSQL: every write transaction also sends ``NOTIFY eas_coder_changes`` (delivered at
  commit, see ``StudyDb.write``); the watcher LISTENs on its own connection and wakes at once.
- SQLite: there is no cross-process signal, so the watcher polls ``max(id)`` of the audit log
  (an index lookup of microseconds) every ``poll_s`` seconds.

A watcher runs in a background thread of the window; it holds its own connection.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from eas_coder.location import Location
from eas_coder.model import AuditEntry
from eas_coder.store.database import make_engine
from eas_coder.store.tables import AuditRow
from eas_coder.store.unit import CHANGES_CHANNEL

POLL_S = 1.0
MAX_ENTRIES = 500  # a burst (an import) is reported as its newest entries, not thousands
# PostgreSQL hands out ids when rows are written, not when they commit: a transaction may
# commit after one with a higher id. Ids this far below the newest seen are looked at again.
LATE_WINDOW = 200


class ChangeWatcher:
    """``wait()`` returns the audit entries saved since the previous call (any process)."""

    def __init__(self, location: Location, poll_s: float = POLL_S) -> None:
        self.location = location
        self.poll_s = poll_s
        self._engine: Engine = make_engine(location)
        self._listener: Any = None  # psycopg connection LISTENing (PostgreSQL only)
        self._closed = threading.Event()
        # True when the last batch was cut at MAX_ENTRIES: older changes were skipped, so
        # whoever applies changes one by one must read everything again instead.
        self.missed = False
        self._last_id = self._max_id()
        self._seen = self._ids_above(self._last_id - LATE_WINDOW)  # history is not news

    @property
    def last_id(self) -> int:
        """The newest audit id seen so far."""
        return self._last_id

    def _max_id(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.coalesce(func.max(AuditRow.id), 0))) or 0)

    def _ids_above(self, floor: int) -> set[int]:
        with self._engine.connect() as conn:
            return set(conn.scalars(select(AuditRow.id).where(AuditRow.id > floor)))

    def new_entries(self) -> list[AuditEntry]:
        """Audit entries not returned before, oldest first (at most 500): every one newer than
        the last returned, and any that committed late with a lower id."""
        query = (
            select(AuditRow)
            .where(AuditRow.id > self._last_id - LATE_WINDOW)
            .order_by(AuditRow.id.desc())
            .limit(MAX_ENTRIES)
        )
        with self._engine.connect() as conn:
            fetched = list(conn.execute(query))
        rows = [r for r in fetched if r.id not in self._seen]
        self.missed = len(fetched) == MAX_ENTRIES and bool(rows)
        if not rows:
            return []
        self._last_id = max(self._last_id, rows[0].id)
        floor = self._last_id - LATE_WINDOW
        self._seen = {i for i in self._seen if i > floor} | {r.id for r in rows}
        return [
            AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.old, r.new)
            for r in reversed(rows)
        ]

    def wait(self, timeout_s: float) -> list[AuditEntry]:
        """Block up to ``timeout_s`` until something new is saved; [] on timeout or close.

        A lost server connection is not an error here: the next call connects again, and as
        the audit log is read by id, nothing saved meanwhile is missed.
        """
        deadline = time.monotonic() + timeout_s
        while not self._closed.is_set():
            try:
                if not self.location.is_sqlite:
                    self._wait_for_notify(max(0.0, deadline - time.monotonic()))
                entries = self.new_entries()
            except (SQLAlchemyError, OSError) as exc:
                self._drop_listener()
                entries = []
                if time.monotonic() >= deadline:
                    raise ConnectionError(f"{self.location.display()}: {exc}") from exc
            if entries or time.monotonic() >= deadline:
                return entries
            if self.location.is_sqlite:
                self._closed.wait(min(self.poll_s, max(0.0, deadline - time.monotonic())))
        return []

    def _wait_for_notify(self, timeout_s: float) -> None:
        import psycopg  # PostgreSQL studies only; the driver is a dependency

        if self._listener is None:
            url = self.location.url.set(drivername="postgresql")
            self._listener = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True
            )
            self._listener.execute(f"LISTEN {CHANGES_CHANNEL}")
        try:
            # Wake at the first notification; several at once are drained by reading the log.
            for _ in self._listener.notifies(timeout=min(timeout_s, self.poll_s), stop_after=1):
                pass
        except psycopg.Error as exc:
            self._drop_listener()
            raise OSError(str(exc)) from exc

    def _drop_listener(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                self._listener.close()
            self._listener = None

    def close(self) -> None:
        """Stop waiting and release the connections (from any thread)."""
        self._closed.set()

    def dispose(self) -> None:
        """Release the connections; call from the thread that used the watcher."""
        self._closed.set()
        self._drop_listener()
        self._engine.dispose()
