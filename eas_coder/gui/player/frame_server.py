"""Exact frames off the GUI thread: a worker thread owns the decoder and answers requests.

Requests are latest-wins (a held arrow key asks faster than frames decode); between
requests the worker fills the cache around the playhead, one frame at a time, so it can
answer a new request within one frame's decode.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from eas_coder.errors import EasCoderError

# The media libraries (PyAV, OpenCV, numpy) load with the first video, in the worker, not
# while the window is being built: imported here they cost ~0.3 s of every start-up.
if TYPE_CHECKING:
    import numpy as np

    from eas_coder.media.exact_frames import ExactFrames
    from eas_coder.media.frame_index import FrameIndex


def to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB array as a QImage that owns its pixels, in 32-bit RGB: the format Qt's painter
    draws scaled directly (a 1080p RGB888 picture cost the GUI thread ~17 ms a paint to
    convert and scale, RGB32 1.5 ms); converting here costs the worker ~5 ms instead."""
    import numpy as np

    height, width, _ = rgb.shape
    data = np.ascontiguousarray(rgb)
    image = QImage(data.data, width, height, width * 3, QImage.Format.Format_RGB888)
    return image.convertToFormat(QImage.Format.Format_RGB32)


class FrameServer(QObject):
    """Opens videos and serves exact frames from a worker thread; signals arrive queued."""

    opened = Signal(int, object)  # generation, FrameIndex
    frameReady = Signal(int, int, QImage)  # generation, frame index, picture
    failed = Signal(int, str)  # generation, message naming the file and the problem
    frameFailed = Signal(int, int, str)  # generation, frame index, why it cannot be shown
    decodableEnd = Signal(int, int)  # generation, last frame that decodes (a damaged tail)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wake = threading.Condition()
        self._open_path: Path | None = None
        self._request: int | None = None
        self._generation = 0
        self._closing = False
        self._frames: ExactFrames | None = None
        self._told_end: int | None = None  # the decodable end last signalled
        self._idle = threading.Event()  # set while the worker waits with nothing to do
        # Requests answered, and those whose frame was not decoded yet (tests, benchmarks).
        self.served = 0
        self.misses = 0
        # The worker starts on the event loop's first turn: a video chosen while the window is
        # built (the last one coded) then loads its decoders once the window is on screen,
        # instead of competing with the window for the interpreter before it is shown.
        self._go = threading.Event()
        QTimer.singleShot(0, self._go.set)
        self._thread = threading.Thread(target=self._run, name="exact-frames", daemon=True)
        self._thread.start()

    @property
    def generation(self) -> int:
        """Counts opens; answers about an older video carry an older number."""
        return self._generation

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until the worker has nothing left to do (requests answered, the window
        around the playhead filled); False on timeout. For benchmarks: a reference decode
        measured while the prefetch still runs would share the CPU with it."""
        return self._idle.wait(timeout_s)

    def decoders_open(self) -> int:
        """How many videos the worker holds open (0 or 1; for tests of release on switch)."""
        return 0 if self._frames is None else 1

    def open(self, path: Path) -> int:
        """Start opening a video; returns the generation its answers will carry."""
        with self._wake:
            self._generation += 1
            self._idle.clear()
            self._open_path = path
            self._request = 0
            self._wake.notify()
            return self._generation

    def request(self, index: int) -> None:
        """Ask for a frame; an older request not yet served is dropped."""
        with self._wake:
            self._idle.clear()
            self._request = index
            self._wake.notify()

    def close_video(self) -> None:
        """Drop the open video and its cache (answers still on their way are ignored)."""
        with self._wake:
            self._generation += 1
            self._idle.clear()
            self._open_path = Path()
            self._request = None
            self._wake.notify()

    def shutdown(self) -> None:
        """Stop the worker thread (on window close)."""
        self._go.set()
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join(timeout=5)

    # -- worker thread --------------------------------------------------------------------

    def _run(self) -> None:
        self._go.wait()
        while True:
            with self._wake:
                while not self._closing and self._open_path is None and self._request is None:
                    if self._frames is not None and self._frames.has_prefetch_work():
                        break
                    self._idle.set()
                    self._wake.wait()
                    self._idle.clear()
                if self._closing:
                    break
                path, self._open_path = self._open_path, None
                index, self._request = self._request, None
                generation = self._generation
            try:
                if path is not None:
                    self._switch(path, generation)
                if index is not None and self._frames is not None:
                    self.served += 1
                    self.misses += not self._frames.cached(self._frames.index.clamp(index))
                    served, rgb = self._frames.frame_at(index)
                    self._tell_end(generation)
                    self.frameReady.emit(generation, served, to_qimage(rgb))
                elif self._frames is not None:
                    self._frames.prefetch_step(self._pending)
                    self._tell_end(generation)
            except EasCoderError as exc:
                from eas_coder.media.exact_frames import FrameUndecodable  # loaded: it raised

                if isinstance(exc, FrameUndecodable):
                    # One damaged frame: say so under its number; the rest plays on.
                    self.frameFailed.emit(generation, exc.frame, str(exc))
                    continue
                self._drop()
                self.failed.emit(generation, str(exc))
            except Exception as exc:  # a decoder error must not kill the thread
                self._drop()
                self.failed.emit(generation, f"{path or 'video'}: decoding failed ({exc})")
        self._drop()

    def _pending(self) -> bool:
        """True when the GUI thread is waiting on us (read without the lock: a hint)."""
        return self._request is not None or self._open_path is not None or self._closing

    def _tell_end(self, generation: int) -> None:
        end = self._frames.decodable_end if self._frames is not None else None
        if end is not None and end != self._told_end:
            self._told_end = end
            self.decodableEnd.emit(generation, end)

    def _switch(self, path: Path, generation: int) -> None:
        from eas_coder.media.exact_frames import ExactFrames, first_frame
        from eas_coder.media.frame_index import read_frame_index

        self._drop()
        if path == Path():
            return
        # The first picture before the (slower) timestamp scan: opening feels instant.
        first = first_frame(path)
        if first is not None:
            self.frameReady.emit(generation, 0, to_qimage(first))
        if self._open_path is not None or self._closing:
            return  # already switched on (A→B→C): indexing this one would only delay the next
        index: FrameIndex = read_frame_index(path)
        self._frames = ExactFrames(path, index)
        self._told_end = None
        self.opened.emit(generation, index)

    def _drop(self) -> None:
        if self._frames is not None:
            self._frames.close()
            self._frames = None
