"""One long-lived background thread per kind of player job (thumbnails, tiles, waveform).

``threading.Thread.start`` returns only once the new thread has run: on a 2-core machine
busy with other work that took 7-13 ms a thread, and a switch of videos started three of
them (issue 18: up to ~29 ms of the switch's stall, measured at load). A loader's
``JobThread`` (``loader_jobs``) starts at the loader's first turn of the event loop, before
any video is opened; a job costs a queue put. Jobs run one after another: a
loader cancels its running job (which then ends at its next check) before handing over the
next one, so the next one waits that long at most. The thread ends when closed (its loader
is gone) or after ``IDLE_S`` without a job, and starts again with the next one.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

_log = logging.getLogger(__name__)
IDLE_S = 600.0  # a coder stays minutes on a video; an idle thread costs no CPU


class Job:
    """A job handed to a ``JobThread``: asked like a thread whether it still runs."""

    def __init__(self, work: Callable[[], None]) -> None:
        self.work: Callable[[], None] | None = work
        self._finished = threading.Event()

    def is_alive(self) -> bool:
        """True until the job has run (queued or running)."""
        return not self._finished.is_set()

    def join(self, timeout_s: float | None = None) -> None:
        """Wait until the job has run, or ``timeout_s`` has passed."""
        self._finished.wait(timeout_s)

    def finish(self) -> None:
        self.work = None  # its closure (the job's data) is released on the job thread
        self._finished.set()


class JobThread:
    """A daemon thread running the jobs in the order given (started at the latest with the
    first job)."""

    def __init__(self, name: str, idle_s: float = IDLE_S) -> None:
        self._name = name
        self._idle_s = idle_s
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, work: Callable[[], None]) -> Job:
        """Run ``work`` on the thread after the jobs given before it."""
        job = Job(work)
        self._jobs.put(job)
        self.start()
        return job

    def start(self) -> None:
        """Start the thread now, if it is not running (the only wait for a thread to start)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def close(self) -> None:
        """End the thread once the jobs given so far have run (its loader is gone)."""
        self._jobs.put(None)

    def _run(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self._idle_s)
            except queue.Empty:
                job = None
            if job is None:
                with self._lock:  # (a job given meanwhile is run by this thread or the next)
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            try:
                if job.work is not None:
                    job.work()
            except Exception:  # a job's failure is its own; the thread goes on
                _log.exception("a %s job failed", self._name)
            finally:
                job.finish()


def loader_jobs(owner: QObject, name: str) -> JobThread:
    """A job thread for ``owner`` (a loader): started at its first turn of the event loop,
    ended when it is destroyed."""
    jobs = JobThread(name)
    owner.destroyed.connect(jobs.close)
    QTimer.singleShot(0, owner, jobs.start)
    return jobs
