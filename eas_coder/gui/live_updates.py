"""What other workstations save shows up here within seconds.

A ``ChangeWatcher`` (core, ``store/changes.py``) waits in a daemon thread: LISTEN/NOTIFY on
PostgreSQL, polling the audit log on SQLite. New audit entries reach the GUI thread by a queued
signal and are gathered for a moment, so a burst (an import, a coder typing six digits) is one
refresh, not hundreds.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from eas_coder.location import Location
from eas_coder.model import AuditEntry
from eas_coder.store.changes import ChangeWatcher

GATHER_MS = 250  # entries arriving this close together are handled as one change
WAIT_S = 2.0  # how long one wait blocks before the thread looks whether it should stop
RETRY_S = 5.0  # after the server is lost, how often to try again


class LiveUpdates(QObject):
    """Watches one study at a time; ``changed`` carries the new audit entries, oldest first."""

    changed = Signal(object)  # list[AuditEntry]
    connection = Signal(str)  # "" when watching, else why live updates are paused
    _arrived = Signal(object)  # from the watcher thread; queued to this object's thread
    _problem = Signal(str)

    def __init__(self, parent: QObject | None = None, poll_s: float = 1.0) -> None:
        super().__init__(parent)
        self.poll_s = poll_s
        self._watcher: ChangeWatcher | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._pending: list[AuditEntry] = []
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(GATHER_MS)
        self._gather.timeout.connect(self._flush)
        self._arrived.connect(self._on_arrived)
        self._problem.connect(self.connection)

    def watch(self, location: Location) -> None:
        """Follow ``location`` (stops following the previous study)."""
        self.stop()
        self._stop = threading.Event()  # each thread has its own: an old one may still end
        self._thread = threading.Thread(
            target=self._run, args=(location, self._stop), name="live-updates", daemon=True
        )
        self._thread.start()

    def _run(self, location: Location, stop: threading.Event) -> None:
        # Runs in the daemon thread: only signals leave it.
        watcher: ChangeWatcher | None = None
        lost = ""
        while not stop.is_set():
            try:
                if watcher is None:
                    watcher = ChangeWatcher(location, self.poll_s)
                    self._watcher = watcher
                    if stop.is_set():
                        break
                entries = watcher.wait(WAIT_S)
            except Exception as exc:  # any failure pauses live updates only
                message = f"Live updates paused: {exc}"
                if message != lost:
                    lost = message
                    self._problem.emit(message)
                stop.wait(RETRY_S)
                continue
            if lost:
                lost = ""
                self._problem.emit("")
            if entries and not stop.is_set():
                self._arrived.emit(entries)
        if watcher is not None:
            watcher.dispose()

    @Slot(object)
    def _on_arrived(self, entries: list[AuditEntry]) -> None:
        self._pending.extend(entries)
        if not self._gather.isActive():
            self._gather.start()

    def _flush(self) -> None:
        entries, self._pending = self._pending, []
        if entries:
            self.changed.emit(entries)

    def stop(self) -> None:
        """Stop following the study; returns within a few seconds at most."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        if self._watcher is not None:
            self._watcher.close()  # ends a wait at once
        thread.join(WAIT_S + 1)
        self._watcher = None
        self._pending = []
