"""One ordered queue of saves per window, run by one worker thread (issue 18, item 2).

A key press must never wait for the database: a save can take 80 ms under load, and up to
the 10-s busy timeout while another program holds the study's write lock. So each edit's
write is a job on this queue. One thread runs the jobs one after another in the order they
were queued, so saves of the same score never reorder, and a job that needs an earlier one
(a score of a segment just marked) finds it done. The worker touches no Qt object (as in
``gui/common/workers.py``): it puts each outcome in an outbox that a timer on the GUI thread
empties, calling the job's ``done`` there with the error, if any (never lost: every
exception is an outcome). The jobs use the window's ``Study``, whose writes are each one short
transaction of their own (``store/unit.py``), so the window's reads go on meanwhile.

``flush`` waits until every queued save is done, with the window's events still running, so
closing, switching video or coder, signing out and opening another study never leave a save
behind.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QDeadlineTimer, QEventLoop, QObject, QTimer, Signal

from eas_coder.gui.common.workers import detached

PICKUP_MS = 5  # how often the GUI thread looks for finished saves while any are queued
IDLE_CHECK_S = 60.0  # how often an idle save thread looks whether its queue is gone
Work = Callable[[], None]
Done = Callable[[Exception | None], None]


@dataclass
class _Job:
    seq: int
    work: Work
    done: Done


class SaveQueue(QObject):
    """Runs ``work`` functions on one thread in order; calls their ``done`` on this thread."""

    idle = Signal()  # every queued save is done

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inbox: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue[tuple[_Job, Exception | None]] = queue.SimpleQueue()
        self._jobs: dict[int, _Job] = {}  # queued or running, by sequence number
        self._submitted = 0
        self._completed = 0  # jobs whose work has ended (their ``done`` may still be due)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PICKUP_MS)
        self._timer.timeout.connect(self.pick_up)
        # The thread starts with the window, before anyone signs in: ``Thread.start`` waits
        # until the new thread has run (7-13 ms on a busy machine), and a first save or
        # sign-in should not wait for it.
        QTimer.singleShot(0, self, self._start_early)
        self._stopped = False

    # -- queueing -------------------------------------------------------------------------

    def submit(self, work: Work, done: Done) -> int:
        """Queue ``work`` (runs on the save thread); ``done(error)`` follows on this thread.
        Returns the job's sequence number (1, 2, …: the order it runs in)."""
        self._submitted += 1
        job = _Job(self._submitted, work, done)
        self._jobs[job.seq] = job
        self._start()
        self._inbox.put(job)
        self._timer.start()
        return job.seq

    def pending(self) -> int:
        """How many saves are queued or running (or done, waiting for their ``done``)."""
        return len(self._jobs)

    def completed(self) -> int:
        """The sequence number of the last job whose work has ended (safe from any thread)."""
        with self._lock:
            return self._completed

    def flush(self, timeout_ms: int = 120_000) -> bool:
        """Wait until every queued save is done, the window's events running meanwhile;
        False if some were still running after ``timeout_ms``."""
        if not self._jobs:
            return True
        loop = QEventLoop()
        self.idle.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        deadline = QDeadlineTimer(timeout_ms)
        while self._jobs and not deadline.hasExpired():
            loop.exec()
        self.idle.disconnect(loop.quit)
        return not self._jobs

    def stop(self) -> None:
        """End the save thread once the queued jobs have run (call after ``flush``); a later
        save starts a new one, with its own inbox."""
        self._stopped = True
        if self._thread is not None:
            self._inbox.put(None)
            self._inbox, self._thread = queue.SimpleQueue(), None

    # -- the two threads ------------------------------------------------------------------

    def _start_early(self) -> None:
        if not self._stopped:  # (a window closed at once needs no thread)
            self._start()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, args=(self._inbox,), name="save-queue", daemon=True
            )
            self._thread.start()

    def _run(self, inbox: queue.SimpleQueue[_Job | None]) -> None:
        """The save thread: run each job, put its outcome in the outbox."""
        while True:
            try:
                job = inbox.get(timeout=IDLE_CHECK_S)
            except queue.Empty:
                if shiboken6.isValid(self):
                    continue
                return  # the queue went without ``stop`` (another study opened): so does this
            if job is None:
                return
            error: Exception | None = None
            try:
                job.work()
            except Exception as exc:  # every failure is shown, none is lost
                error = detached(exc)
            with self._lock:
                self._completed = job.seq
            self._outbox.put((job, error))

    def pick_up(self) -> None:
        """On the GUI thread: call ``done`` of every job that has ended, in order."""
        while True:
            try:
                job, error = self._outbox.get_nowait()
            except queue.Empty:
                break
            self._jobs.pop(job.seq, None)
            job.done(error)
        if not self._jobs:
            self._timer.stop()
            self.idle.emit()
