"""What other workstations save shows up here within seconds.

A ``ChangeWatcher`` (core, ``store/changes.py``) waits in a daemon thread: LISTEN/NOTIFY on
PostgreSQL, polling the audit log on SQLite. The thread touches no Qt object: it puts what
it finds in a queue that a timer on the GUI thread empties every ``PICKUP_MS``, so a window
closed or deleted meanwhile can never be reached from the thread, and a burst (an import, a
coder typing six digits) arrives as one batch.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from eas_coder.location import Location
from eas_coder.model import AuditEntry
from eas_coder.store.changes import ChangeWatcher

PICKUP_MS = 250  # how often the GUI thread looks into the queue
WAIT_S = 2.0  # how long one wait blocks before the thread looks whether it should stop
RETRY_S = 5.0  # after the server is lost, how often to try again


@dataclass(frozen=True)
class _Problem:
    message: str  # "" when the watcher works again


class _Follower:
    """One study's watching thread and its stop switch (plain Python, no Qt)."""

    def __init__(self, location: Location, poll_s: float, inbox: queue.SimpleQueue[object]):
        self.stop_event = threading.Event()
        self.watcher: ChangeWatcher | None = None
        self._location, self._poll_s, self._inbox = location, poll_s, inbox
        self.thread = threading.Thread(target=self._run, name="live-updates", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        lost = ""
        while not self.stop_event.is_set():
            try:
                if self.watcher is None:
                    self.watcher = ChangeWatcher(self._location, self._poll_s)
                    if self.stop_event.is_set():
                        break
                entries = self.watcher.wait(WAIT_S)
            except Exception as exc:  # any failure pauses live updates only
                message = f"Live updates paused: {exc}"
                if message != lost:
                    lost = message
                    self._inbox.put(_Problem(message))
                self.stop_event.wait(RETRY_S)
                continue
            if lost:
                lost = ""
                self._inbox.put(_Problem(""))
            if entries and not self.stop_event.is_set():
                self._inbox.put(entries)
        if self.watcher is not None:
            self.watcher.dispose()

    def stop(self) -> None:
        self.stop_event.set()
        if self.watcher is not None:
            self.watcher.close()  # ends a wait at once
        self.thread.join(WAIT_S + 1)


class LiveUpdates(QObject):
    """Watches one study at a time; ``changed`` carries the new audit entries, oldest first."""

    changed = Signal(object)  # list[AuditEntry]
    connection = Signal(str)  # "" when watching, else why live updates are paused

    def __init__(self, parent: QObject | None = None, poll_s: float = 1.0) -> None:
        super().__init__(parent)
        self.poll_s = poll_s
        self._follower: _Follower | None = None
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._pickup = QTimer(self)
        self._pickup.setInterval(PICKUP_MS)
        self._pickup.timeout.connect(self._collect)

    def watch(self, location: Location) -> None:
        """Follow ``location`` (stops following the previous study)."""
        self.stop()
        self._inbox = queue.SimpleQueue()  # nothing of the previous study is delivered
        follower = _Follower(location, self.poll_s, self._inbox)
        self._follower = follower
        # Deleted without stop() (a parent window torn down): the thread ends by itself.
        self.destroyed.connect(follower.stop_event.set)
        self._pickup.start()

    def _collect(self) -> None:
        entries: list[AuditEntry] = []
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Problem):
                self.connection.emit(item.message)
            elif isinstance(item, list):
                entries.extend(item)
        if entries:
            self.changed.emit(entries)

    def stop(self) -> None:
        """Stop following the study; returns within a few seconds at most."""
        self._pickup.stop()
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.stop()
