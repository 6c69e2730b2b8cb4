"""Background jobs (export, import, adding videos, the manager's file jobs) that report
progress to the window, and the rule that keeps threads from crashing it.

A job is a plain function taking a progress callback; it gets and returns plain data (paths,
ids, dataclasses) and opens its own Study, which it closes (engine disposed) before it
returns, so no connection, engine or session crosses threads. The worker is a plain Python
thread that touches no Qt object: it puts its progress and outcome in a queue that a timer of
the ``JobRunner`` (which lives on the GUI thread) empties, as ``live_updates.py`` does. An
exception reaches the GUI thread without its traceback, whose frames would keep the worker's
objects (the Study among them) alive.

Why the window crashed (segfaults in the GUI thread, 3 of 4 runs of 20 exports): CPython
runs its cyclic garbage collector in whichever thread happens to allocate when a threshold is
crossed. A worker busy in SQLAlchemy allocates a lot, so it collected the GUI thread's garbage
too: PySide wrappers whose Qt objects (dialogs, item models) were then destroyed on the
worker thread while the GUI thread used them. ``GuiThreadCollector`` turns automatic
collection off and runs it from a timer on the GUI thread instead, generation by generation as
CPython would (the pattern pyqtgraph and others use), so Qt objects are only ever released on
the GUI thread. What a worker leaves behind is closed in the worker first (its Study's engine
is disposed there) and collected later on the GUI thread as inert Python objects.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

ProgressCallback = Callable[[str, int, int], None]
JobFunction = Callable[[ProgressCallback], Any]

PICKUP_MS = 20  # how often the GUI thread looks for the worker's news
COLLECT_MS = 100  # how often the GUI thread looks whether garbage is due for collection
_PROGRESS, _SUCCEEDED, _FAILED = "progress", "succeeded", "failed"


def detached(error: BaseException) -> BaseException:
    """``error`` and the exceptions chained to it without their tracebacks (the frames of
    the worker, with its Study, would otherwise be freed by whichever thread drops them)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        exc.__traceback__ = None
        pending += [exc.__cause__, exc.__context__]
    return error


def _work(function: JobFunction, outbox: queue.SimpleQueue[tuple[Any, ...]]) -> None:
    """The worker thread: run ``function``, put its progress and outcome in ``outbox``."""

    def progress(what: str, done: int, total: int) -> None:
        outbox.put((_PROGRESS, what, done, total))

    try:
        result = function(progress)
    except Exception as exc:  # reported to the window, which shows it in plain words
        outcome: tuple[Any, ...] = (_FAILED, detached(exc))
    else:
        outcome = (_SUCCEEDED, result)
    del function  # its closure (the job's data) is released here, not on the GUI thread
    outbox.put(outcome)


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collection, run only on the GUI thread (see the module doc).

    Get it with ``collect_on_gui_thread``; ``stop()`` gives collection back to CPython.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_COLLECTOR)
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_MS)
        self._timer.timeout.connect(self.collect_due)
        self._long_lived = 0  # objects in the oldest generation after its last collection

    def start(self) -> None:
        """Turn CPython's automatic collection off and collect from this thread's timer."""
        gc.disable()
        self._long_lived = len(gc.get_objects(2))
        self._timer.start()

    def stop(self) -> None:
        """Stop collecting here and turn CPython's automatic collection back on."""
        self._timer.stop()
        gc.enable()

    def collect_due(self) -> int:
        """Collect the generation CPython would collect now on its own (the oldest whose
        threshold was crossed); returns it, or -1 when nothing was due."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if not thresholds[0] or counts[0] <= thresholds[0]:
            return -1
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 1
            if counts[2] > thresholds[2] and self._full_collection_pays():
                generation = 2
        gc.collect(generation)
        if generation == 2:
            self._long_lived = len(gc.get_objects(2))
        return generation

    def _full_collection_pays(self) -> bool:
        # CPython's own rule: a full collection (~0.3 s on a big heap) only once the objects
        # that reached the oldest generation since the last one are a quarter of those it
        # held then; more often would make collecting quadratic
        return len(gc.get_objects(2)) - self._long_lived > self._long_lived / 4


_COLLECTOR = "guiThreadCollector"


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Run garbage collection on ``app``'s (the GUI) thread only, from now on; returns the
    application's one collector."""
    found = app.findChild(GuiThreadCollector, _COLLECTOR)
    collector = found if isinstance(found, GuiThreadCollector) else GuiThreadCollector(app)
    collector.start()
    return collector


class JobRunner(QObject):
    """Runs one function on a plain worker thread; its signals are emitted on the GUI thread.

    Start it once. After ``succeeded`` or ``failed`` it deletes itself (``deleteLater``, on
    the GUI thread, where it lives), which also drops the listeners connected to it.
    """

    progressed = Signal(str, int, int)  # what, done, total
    succeeded = Signal(object)  # the function's result
    failed = Signal(object)  # the exception, without its traceback

    def __init__(self, function: JobFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._function: JobFunction | None = function
        self._thread: threading.Thread | None = None
        self._running = False
        # the worker's only way out: plain tuples, picked up by a timer on the GUI thread
        self._outbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._pickup = QTimer(self)
        self._pickup.setInterval(PICKUP_MS)
        self._pickup.timeout.connect(self._collect)

    def start(self) -> None:
        """Start the job's thread (once)."""
        function, self._function = self._function, None
        assert function is not None, "a JobRunner runs once"
        self._running = True
        # the thread gets the function and the queue, not this QObject
        self._thread = threading.Thread(
            target=_work, args=(function, self._outbox), name="job", daemon=True
        )
        self._pickup.start()
        self._thread.start()

    def is_running(self) -> bool:
        """True from ``start`` until the result has been delivered."""
        return self._running

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker thread has ended (tests, shutdown); True if it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return thread is None or not thread.is_alive()

    def _collect(self) -> None:
        while True:
            try:
                item = self._outbox.get_nowait()
            except queue.Empty:
                return
            if item[0] == _PROGRESS:
                self.progressed.emit(*item[1:])
            else:
                self._end(item)
                return

    def _end(self, item: tuple[Any, ...]) -> None:
        self._pickup.stop()
        self.wait()  # the worker puts the outcome as its last act: a moment at most
        self._running = False
        kind, outcome = item
        if kind == _SUCCEEDED:
            self.succeeded.emit(outcome)
        else:
            self.failed.emit(outcome)
        self.deleteLater()
