"""Background jobs (export, import) that report progress by signal; the window never waits.

A job is a plain function taking a progress callback. It runs in a QThread and opens its own
Study there, so no database connection crosses threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

ProgressCallback = Callable[[str, int, int], None]
JobFunction = Callable[[ProgressCallback], Any]


class Job(QObject):
    """Runs one function off the GUI thread."""

    progressed = Signal(str, int, int)  # what, done, total
    succeeded = Signal(object)  # the function's result
    failed = Signal(object)  # the exception

    def __init__(self, function: JobFunction) -> None:
        super().__init__()
        self._function = function

    @Slot()
    def run(self) -> None:
        try:
            result = self._function(
                lambda what, done, total: self.progressed.emit(what, done, total)
            )
        except Exception as exc:  # reported to the window, which shows it in plain words
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class JobRunner(QObject):
    """Owns the thread of one job and relays its signals on the GUI thread.

    The job's signals are connected to this object's slots; since this object lives on the
    GUI thread, Qt queues them there, so listeners may touch widgets safely.
    """

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, function: JobFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = Job(function)
        self._thread = QThread(self)
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.progressed.connect(self._on_progressed)
        self._job.succeeded.connect(self._on_succeeded)
        self._job.failed.connect(self._on_failed)

    def start(self) -> None:
        """Start the job's thread."""
        self._thread.start()

    def is_running(self) -> bool:
        """True while the job works."""
        return self._thread.isRunning()

    @Slot(str, int, int)
    def _on_progressed(self, what: str, done: int, total: int) -> None:
        self.progressed.emit(what, done, total)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._stop()
        self.succeeded.emit(result)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self._stop()
        self.failed.emit(error)

    def _stop(self) -> None:
        self._thread.quit()
        self._thread.wait()
