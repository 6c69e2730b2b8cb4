"""Instruments for the player benchmark: signal watches, a GUI-stall meter, timing probes.

Kept apart from ``benchmarks/player.py`` so that file reads as the list of measurements.
"""

from __future__ import annotations

import ctypes
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QMessageLogContext, QObject, Qt, QTimer, QtMsgType, Slot
from PySide6.QtGui import QImage

from eas_coder.gui.player import frame_server
from eas_coder.gui.player.player import Player
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.frame_index import FrameIndex

SCHEDSTAT = Path("/proc/thread-self/schedstat")
TICK_MS = 5
TIMEOUT_S = 30.0


def ms(seconds: float) -> float:
    return seconds * 1000.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(values),
        "p95_ms": percentile(values, 0.95),
        "max_ms": max(values),
    }


def rss_mb() -> float:
    """Resident memory of this process (VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def malloc_trim() -> bool:
    """Hand freed heap memory back to the OS (glibc); False where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    libc.malloc_trim(0)
    return True


def qt_message(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's messages to stderr, without the offscreen platform's one on every resize."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


class Watch(QObject):
    """Records when player and thumbnail signals reach the GUI thread; waits on conditions."""

    def __init__(self, player: Player, loader: ThumbnailLoader | None = None) -> None:
        super().__init__()
        self.player = player
        self.shown: dict[int, float] = {}  # frame index → when it was first shown
        self.first_frame_at: float | None = None
        self.opened_at: float | None = None
        self.thumbs = 0
        self.first_ten_at: float | None = None
        self.finished_at: float | None = None
        self.from_cache: bool | None = None
        self._condition: Callable[[], bool] = lambda: False
        self._loop = QEventLoop(self)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._loop.quit)
        player.frameShown.connect(self._on_frame)
        player.mediaOpened.connect(self._on_opened)
        if loader is not None:
            loader.batchReady.connect(self._on_batch)
            loader.finished.connect(self._on_finished)

    def reset(self) -> None:
        """Forget everything seen so far."""
        self.shown.clear()
        self.first_frame_at = self.opened_at = None
        self.thumbs = 0
        self.first_ten_at = self.finished_at = None
        self.from_cache = None

    def wait(self, condition: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
        """Run the event loop until ``condition()``; RuntimeError on timeout."""
        if not condition():
            self._condition = condition
            self._timeout.start(round(timeout_s * 1000))
            self._loop.exec()
            self._timeout.stop()
            self._condition = lambda: False
        if not condition():
            raise RuntimeError(f"timed out after {timeout_s:.0f} s")

    def _poke(self) -> None:
        if self._loop.isRunning() and self._condition():
            self._loop.quit()

    @Slot(QImage)
    def _on_frame(self, _image: QImage) -> None:
        now = time.perf_counter()
        if self.first_frame_at is None:
            self.first_frame_at = now
        self.shown.setdefault(self.player.position(), now)
        self._poke()

    @Slot(object)
    def _on_opened(self, _index: FrameIndex) -> None:
        self.opened_at = time.perf_counter()
        self._poke()

    @Slot(int, list)
    def _on_batch(self, _generation: int, batch: list[Any]) -> None:
        self.thumbs += len(batch)
        if self.first_ten_at is None and self.thumbs >= 10:
            self.first_ten_at = time.perf_counter()
        self._poke()

    @Slot(int, bool)
    def _on_finished(self, _generation: int, from_cache: bool) -> None:
        self.finished_at = time.perf_counter()
        self.from_cache = from_cache
        self._poke()


def schedstat() -> tuple[int, int]:
    """This thread's time on a CPU and waiting for one, in ns (Linux; zeros elsewhere)."""
    try:
        fields = SCHEDSTAT.read_text(encoding="ascii").split()
        return int(fields[0]), int(fields[1])
    except (OSError, IndexError, ValueError):
        return 0, 0


class StallMeter(QObject):
    """A 5-ms timer on the GUI thread; the largest gap between its ticks is the worst stall.

    Each tick also samples the thread's scheduler counters, so a gap splits into the GUI
    thread's own work (on a CPU), waiting for a CPU (machine busy), and the rest beyond the
    tick interval: blocked, which for a Python GUI thread mostly means waiting for the GIL.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[tuple[float, int, int]] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin ticking (forgets earlier ticks)."""
        self.ticks = []
        self._tick()
        self._timer.start()

    def stop(self) -> None:
        """Stop ticking."""
        self._timer.stop()

    def worst(self, since: float = 0.0, until: float = float("inf")) -> dict[str, float]:
        """The longest gap between two ticks inside [since, until], and how it was spent."""
        pairs = [
            (a, b)
            for a, b in zip(self.ticks, self.ticks[1:], strict=False)
            if since <= a[0] and b[0] <= until
        ]
        if not pairs:
            return {"gap_ms": 0.0, "on_cpu_ms": 0.0, "waiting_for_cpu_ms": 0.0, "blocked_ms": 0.0}
        a, b = max(pairs, key=lambda pair: pair[1][0] - pair[0][0])
        gap = ms(b[0] - a[0])
        on_cpu, waiting = (b[1] - a[1]) / 1e6, (b[2] - a[2]) / 1e6
        return {
            "gap_ms": gap,
            "on_cpu_ms": on_cpu,
            "waiting_for_cpu_ms": waiting,
            "blocked_ms": max(0.0, gap - on_cpu - waiting - TICK_MS),
        }

    @Slot()
    def _tick(self) -> None:
        self.ticks.append((time.perf_counter(), *schedstat()))


def idle(seconds: float) -> None:
    """Let the event loop (and the decoder's prefetch) run for a while."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


class Breakdown:
    """Times the worker's share of each request: ExactFrames.frame (and the decoding in it)
    and the QImage conversion; what is left of a latency is wake-up and signal delivery."""

    def __init__(self) -> None:
        self.frame_ms: list[float] = []
        self.decode_ms: list[float] = []
        self.qimage_ms: list[float] = []
        self.parts: list[dict[str, float]] = []

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the three functions while the block runs (instrumentation costs ~1 µs)."""
        with (
            timed(ExactFrames, "frame", self.frame_ms),
            timed(ExactFrames, "_decode_until", self.decode_ms),
            timed(frame_server, "to_qimage", self.qimage_ms),
        ):
            yield

    def begin(self) -> None:
        """A request is about to be made."""
        self.frame_ms.clear()
        self.decode_ms.clear()
        self.qimage_ms.clear()

    def end(self, latency_ms: float) -> None:
        """The request's frame was shown: keep the last call of each (the one answering it)."""
        frame = self.frame_ms[-1] if self.frame_ms else 0.0
        decode = self.decode_ms[-1] if self.decode_ms else 0.0  # none: a cache hit
        qimage = self.qimage_ms[-1] if self.qimage_ms else 0.0
        self.parts.append(
            {
                "decode": decode,
                "rgb": frame - decode,
                "qimage": qimage,
                "rest": latency_ms - frame - qimage,
                "miss": 1.0 if self.decode_ms else 0.0,
            }
        )

    def summary(self) -> dict[str, float]:
        """Medians of each part, the largest rest, and how many requests had to decode."""
        return {
            **{f"{k}_median_ms": statistics.median(p[k] for p in self.parts) for k in _PARTS},
            "rest_max_ms": max(p["rest"] for p in self.parts),
            "cache_misses": int(sum(p["miss"] for p in self.parts)),
        }


_PARTS = ("decode", "rgb", "qimage", "rest")


@contextmanager
def timed(owner: Any, name: str, sink: list[float]) -> Iterator[None]:
    """Wrap ``owner.name`` so every call's duration (ms) lands in ``sink``; restore after."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            sink.append(ms(time.perf_counter() - started))

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


# -- measurements -------------------------------------------------------------------------
