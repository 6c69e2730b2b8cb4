"""What other workstations save shows up here within seconds, read off the GUI thread.

A ``ChangeWatcher`` (core, ``store/changes.py``) waits in a daemon thread: LISTEN/NOTIFY on
PostgreSQL, polling the audit log on SQLite. The same thread reads what those changes did to
the Videos list (``live_diff.compute_diff``: the touched rows only, the whole list after a
gap) with a connection of its own. It touches no Qt object: it puts what it found in a queue
that a timer on the GUI thread empties every ``PICKUP_MS``, so a window closed or deleted
meanwhile can never be reached from the thread, and a burst (an import, a coder typing six
digits) arrives as one batch. The GUI thread only applies the diff.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from eas_coder.gui.window.live_diff import ListDiff, compute_diff
from eas_coder.location import Location
from eas_coder.store.changes import ChangeWatcher
from eas_coder.store.list_rows import ListReader, ListViewer

PICKUP_MS = 250  # how often the GUI thread looks into the queue
WAIT_S = 2.0  # how long one wait blocks before the thread looks whether it should stop
RETRY_S = 5.0  # after the server is lost, how often to try again
# A new viewer gets the rows touched this recently read again for them: a diff read for the
# one signed in before may have been dropped after the window's own reading at sign-in.
RECENT_S = 10.0
NOBODY = ListViewer()


@dataclass(frozen=True)
class _Problem:
    message: str  # "" when the watcher works again


class _Follower:
    """One study's watching thread, its stop switch, and whom it reads the list for (plain
    Python, no Qt; the viewer and the wish to read everything are set from the GUI thread
    under a lock)."""

    def __init__(
        self,
        location: Location,
        poll_s: float,
        inbox: queue.SimpleQueue[object],
        viewer: ListViewer,
    ) -> None:
        self.stop_event = threading.Event()
        self.watcher: ChangeWatcher | None = None
        self._reader: ListReader | None = None
        self._lock = threading.Lock()
        self._viewer, self._read_all, self._new_viewer = viewer, False, False
        self._recent: deque[tuple[float, frozenset[int]]] = deque()
        self._location, self._poll_s, self._inbox = location, poll_s, inbox
        self.thread = threading.Thread(target=self._run, name="live-updates", daemon=True)
        self.thread.start()

    def set_viewer(self, viewer: ListViewer) -> None:
        """Read for ``viewer`` from now on (the recently touched rows again at once)."""
        with self._lock:
            self._viewer, self._new_viewer = viewer, True

    def request_all(self) -> None:
        """Read the whole list at the next turn."""
        with self._lock:
            self._read_all = True

    def _next(self) -> tuple[ListViewer, bool, bool]:
        with self._lock:
            taken = self._viewer, self._read_all, self._new_viewer
            self._read_all = self._new_viewer = False
            return taken

    def _recently_touched(self, diff: ListDiff | None) -> set[int]:
        now = time.monotonic()
        if diff is not None and diff.touched:
            self._recent.append((now, diff.touched))
        while self._recent and self._recent[0][0] < now - RECENT_S:
            self._recent.popleft()
        return {video_id for _at, ids in self._recent for video_id in ids}

    def _run(self) -> None:
        lost = ""
        while not self.stop_event.is_set():
            try:
                self._step()
            except Exception as exc:  # any failure pauses live updates only
                message = f"Live updates paused: {exc}"
                if message != lost:
                    lost = message
                    self._inbox.put(_Problem(message))
                self.request_all()  # entries taken but maybe not shown: read everything
                self.stop_event.wait(RETRY_S)
                continue
            if lost:
                lost = ""
                self._inbox.put(_Problem(""))
        if self._reader is not None:
            self._reader.close()
        if self.watcher is not None:
            self.watcher.dispose()

    def _step(self) -> None:
        if self._reader is None:
            self._reader = ListReader.open(self._location)
        if self.watcher is None:
            self.watcher = ChangeWatcher(self._location, self._poll_s)
            if self.stop_event.is_set():
                return
        watcher, reader = self.watcher, self._reader
        with self._lock:
            pending = self._read_all or self._new_viewer
        entries = [] if pending else watcher.wait(WAIT_S)
        missed = watcher.missed and not pending
        # Whom it is for is taken after the wait: a sign-in meanwhile gets these entries too.
        viewer, read_all, new_viewer = self._next()
        if read_all or new_viewer:
            entries += watcher.new_entries()
            missed = missed or watcher.missed
        also = self._recently_touched(None) if new_viewer else set()
        if (entries or read_all or missed or also) and not self.stop_event.is_set():
            diff = compute_diff(reader, viewer, entries, read_all or missed, also)
            self._recently_touched(diff)
            self._inbox.put(diff)

    def stop(self) -> None:
        self.stop_event.set()
        if self.watcher is not None:
            self.watcher.close()  # ends a wait at once
        self.thread.join(WAIT_S + 1)


class LiveUpdates(QObject):
    """Watches one study at a time. ``changed`` carries the new audit entries, oldest first
    (without their values for a coder); ``listed`` the Videos list's diff (``ListDiff``)."""

    changed = Signal(object)  # list[AuditEntry]
    listed = Signal(object)  # ListDiff
    connection = Signal(str)  # "" when watching, else why live updates are paused

    def __init__(self, parent: QObject | None = None, poll_s: float = 1.0) -> None:
        super().__init__(parent)
        self.poll_s = poll_s
        self.viewer = NOBODY
        self._follower: _Follower | None = None
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._pickup = QTimer(self)
        self._pickup.setInterval(PICKUP_MS)
        self._pickup.timeout.connect(self._collect)

    def watch(self, location: Location) -> None:
        """Follow ``location`` (stops following the previous study)."""
        self.stop()
        self._inbox = queue.SimpleQueue()  # nothing of the previous study is delivered
        follower = _Follower(location, self.poll_s, self._inbox, self.viewer)
        self._follower = follower
        # Deleted without stop() (a parent window torn down): the thread ends by itself.
        self.destroyed.connect(follower.stop_event.set)
        self._pickup.start()

    def set_viewer(self, viewer: ListViewer) -> None:
        """Whom the list is read for (a sign-in; the window read the whole list itself)."""
        if viewer != self.viewer:
            self.viewer = viewer
            if self._follower is not None:
                self._follower.set_viewer(viewer)

    @property
    def watching(self) -> bool:
        """Whether the watcher is connected: changes saved from now on will be shown."""
        follower = self._follower
        return follower is not None and follower.watcher is not None

    def read_all(self) -> None:
        """Have the whole list read again, in the watcher's thread."""
        if self._follower is not None:
            self._follower.request_all()

    def _collect(self) -> None:
        diffs: list[ListDiff] = []
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Problem):
                self.connection.emit(item.message)
            elif isinstance(item, ListDiff):
                diffs.append(item)
        entries = [e for diff in diffs for e in diff.entries]
        for diff in diffs:
            self.listed.emit(diff)
        if entries:
            self.changed.emit(entries)

    def stop(self) -> None:
        """Stop following the study; returns within a few seconds at most."""
        self._pickup.stop()
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.stop()
