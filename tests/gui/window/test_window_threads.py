"""Threads that cannot crash the window: jobs hand back plain data, Qt objects are only ever
released on the GUI thread, and the real window survives long runs of background jobs."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from pytestqt.qtbot import QtBot

from eas_coder.errors import StudyError
from eas_coder.gui.common.workers import JobRunner, ProgressCallback
from eas_coder.gui.window.app import application
from eas_coder.location import from_string
from eas_coder.store.study import Study
from tests.gui.window.test_startup_imports import run_fresh
from tests.gui.xvfb import run_window_script
from tests.support import need_tool

GUI = threading.get_ident()


def _cyclic_garbage(count: int) -> None:
    """Allocate ``count`` reference cycles and drop them (what SQLAlchemy does a lot of)."""
    for _ in range(count):
        node: list[Any] = []
        node.append(node)


def test_a_worker_never_runs_the_garbage_collector(qtbot: QtBot) -> None:
    """CPython collects in whichever thread allocates; a busy worker collected the window's
    garbage and destroyed Qt objects on the wrong thread (the export crashes)."""
    application()
    collections: list[int] = []  # thread of each collection
    destroyed: list[int] = []  # thread on which each Qt object was destroyed

    def on_collect(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(threading.get_ident())

    gc.callbacks.append(on_collect)
    try:
        for _ in range(50):  # the window's garbage: Python-owned Qt objects in cycles
            obj = QObject()
            obj.cycle = obj  # type: ignore[attr-defined]
            obj.destroyed.connect(
                lambda: destroyed.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
            )
        del obj

        def job(progress: ProgressCallback) -> str:
            _cyclic_garbage(300_000)  # ~400 times CPython's first threshold
            return "done"

        runner = JobRunner(job)
        with qtbot.waitSignal(runner.succeeded, timeout=60_000) as result:
            runner.start()
        assert result.args == ["done"]
        gc.collect()  # whatever is left, here
    finally:
        gc.callbacks.remove(on_collect)
    workers = [t for t in collections if t != GUI]
    assert not workers, f"{len(workers)} of {len(collections)} collections ran on the worker"
    assert destroyed and set(destroyed) == {GUI}, "Qt objects destroyed on another thread"


class _Node:
    """Something weakly referenceable to put in a cycle."""

    me: _Node


def test_garbage_is_collected_by_the_gui_threads_timer(qtbot: QtBot) -> None:
    """With the application up, no allocation collects by itself; the GUI thread's timer
    collects what CPython would have."""
    application()
    assert not gc.isenabled()
    node = _Node()
    node.me = node
    gone = weakref.ref(node)
    del node
    _cyclic_garbage(gc.get_threshold()[0] + 1)  # a collection is due now
    assert gone() is not None  # no event handled: nothing collected it

    def collected() -> bool:
        if gc.get_count()[0] <= gc.get_threshold()[0]:  # objects freed meanwhile (an earlier
            _cyclic_garbage(gc.get_threshold()[0] + 1)  # test's window) lowered the count
        return gone() is None

    qtbot.waitUntil(collected, timeout=10_000)  # the timer's tick did


def test_the_window_handles_events_while_a_job_runs(qtbot: QtBot) -> None:
    """The job waits until the GUI thread has handled five timer ticks: it can only finish if
    the window keeps handling events meanwhile."""
    application()
    ticked = threading.Event()
    ticks: list[bool] = []  # one per tick: was the job still running?
    runner: JobRunner

    def job(progress: ProgressCallback) -> int:
        progress("waiting for the window", 0, 1)
        if not ticked.wait(timeout=30):
            raise TimeoutError("the GUI thread handled no events while the job ran")
        return threading.get_ident()

    def tick() -> None:
        ticks.append(runner.is_running())
        if len(ticks) >= 5:
            ticked.set()

    runner = JobRunner(job)
    progressed: list[tuple[str, int, int]] = []
    runner.progressed.connect(lambda *args: progressed.append(args))
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    with qtbot.waitSignal(runner.succeeded, timeout=60_000) as result:
        runner.start()
    timer.stop()
    assert result.args[0] != GUI  # it ran on another thread
    assert ticks[:5] == [True] * 5 and not runner.is_running()
    assert progressed == [("waiting for the window", 0, 1)]


def test_a_failed_job_hands_back_the_error_without_the_workers_frames(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The traceback's frames hold the worker's objects (its Study): they stay there."""
    application()
    missing = from_string(tmp_path / "nowhere.sqlite")

    def job(progress: ProgressCallback) -> None:
        with Study.open(missing):
            pass

    runner = JobRunner(job)
    with qtbot.waitSignal(runner.failed, timeout=30_000) as failure:
        runner.start()
    error = failure.args[0]
    assert isinstance(error, StudyError) and "nowhere.sqlite" in str(error)
    assert error.__traceback__ is None
    assert error.__context__ is None or error.__context__.__traceback__ is None


def _small_videos(folder: Path, count: int) -> None:
    """``count`` tiny different clips named D9NN_T1.mp4 (no ffmpeg needed)."""
    for number in range(1, count + 1):
        path = folder / f"D9{number:02d}_T1.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (64, 48))
        for frame in range(5):
            writer.write(np.full((48, 64, 3), (number * 12 % 256, frame * 40, 90), np.uint8))
        writer.release()


def test_twenty_exports_and_twenty_add_videos_in_a_row_from_the_real_window_on_xvfb(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """20 exports, then 20 Add Videos, each through the window's menu and its real dialogs,
    in one window process on a real X server: no crash (on the code before, 3 of 4 such
    runs died with a segfault)."""
    xvfb_path = need_tool("Xvfb")
    exports = adds = 20
    work = tmp_path / "work"
    work.mkdir()
    _small_videos(work, adds)
    before = len(_videos(demo_study_file))
    script = Path(__file__).with_name("xvfb_repeat.py")
    result = run_window_script(
        xvfb_path, script, str(demo_study_file), str(work), str(exports), str(adds), timeout=600
    )
    lines = result.stdout.splitlines()
    done = (
        sum(line.startswith("exported ") for line in lines),
        sum(line.startswith("added ") for line in lines),
    )
    print(f"exports done: {done[0]} of {exports}, videos added: {done[1]} of {adds}")
    assert result.returncode == 0, (
        f"the window died (code {result.returncode}) after {done[0]} exports and {done[1]} "
        f"Add Videos:\n{result.stderr[-6000:]}"
    )
    assert f"done exports={exports} adds={adds}" in lines, result.stdout
    assert len(list(work.glob("export-*.xlsx"))) == exports
    assert len(_videos(demo_study_file)) == before + adds


def _videos(study_file: Path) -> list[str]:
    with Study.open(from_string(study_file), backup=False) as study:
        return [video.label for video in study.videos.all()]


_PAINT_A_BIG_PICTURE = """
import os
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
os.environ.pop("QT_NO_GUI_THREADPOOL", None)  # as a person starts it
from eas_coder.gui.window.app import application
app = application()
frame = QImage(1920, 1080, QImage.Format.Format_RGB32)  # a camcorder frame, scaled as shown
frame.fill(Qt.GlobalColor.darkGreen)
frame.scaled(1280, 720, mode=Qt.TransformationMode.SmoothTransformation)
window = QImage(1366, 768, QImage.Format.Format_ARGB32_Premultiplied)
painter = QPainter(window)
painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
painter.drawImage(window.rect(), frame)
painter.end()
print(sorted(p.read_text().strip() for p in Path("/proc/self/task").glob("*/comm")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="thread names come from /proc")
def test_big_pictures_are_painted_on_the_gui_thread_alone(tmp_path: Path) -> None:
    """Qt's raster engine hands the pieces of a big fill or scaling to a pool of threads and
    waits for them: at load the pool's threads wait for a CPU, and the window with them (a
    video frame's paint, a switch of videos: 4-20 ms more per turn, issue 18). The app turns
    the pool off (``QT_NO_GUI_THREADPOOL``), so no pooled thread is ever started."""
    threads = run_fresh(_PAINT_A_BIG_PICTURE, tmp_path).splitlines()[-1]
    assert "python" in threads  # the names were read
    assert "Thread (pooled)" not in threads


def test_the_gui_thread_waits_briefly_for_the_gil_a_busy_worker_holds(qtbot: QtBot) -> None:
    """A worker running Python kept the GIL from the GUI thread for CPython's whole switch
    interval (5 ms) each time the GUI thread let go of it (every wait for events): a turn
    that lets go a few times waited 10-20 ms, far more at load (issue 18)."""
    application()
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(100))

    worker = threading.Thread(target=spin, daemon=True)
    worker.start()
    try:
        waits = []
        for _ in range(100):
            started = time.perf_counter()
            time.sleep(0)  # lets go of the GIL and takes it back, as a Qt call may
            waits.append(time.perf_counter() - started)
    finally:
        stop.set()
        worker.join()
    median = sorted(waits)[len(waits) // 2]
    # was 5 ms (the switch interval, quiet or busy); now 0.5 ms quiet, ~2.3 ms at load 7
    assert median < 0.0035, f"median wait for the GIL {median * 1000:.1f} ms"
