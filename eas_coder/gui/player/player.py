"""The Player: one transport over a playback backend and an exact-frame server.

While playing, the backend's frames are shown and their times mapped to frame indices.
While paused, the picture is always the exact frame at the current index, decoded by the
FrameServer: the index is the truth, times are derived from the file's own timestamps.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from eas_coder.gui.player.backend import MAX_RATE, MIN_RATE, PlaybackBackend
from eas_coder.gui.player.frame_server import FrameServer
from eas_coder.gui.player.opening import KeysWhileOpening
from eas_coder.media.frame_index import FrameIndex

RATE_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
SHUTTLE_RATES = (1.0, 2.0, 4.0)


class Player(QObject):
    """Play, pause, seek and step by exact frames; signals tell views what to show."""

    frameShown = Signal(QImage)
    positionChanged = Signal(int, int)  # frame index, ms of that frame
    playingChanged = Signal(bool)
    rateChanged = Signal(float)
    mediaOpened = Signal(object)  # FrameIndex
    mediaFailed = Signal(str)
    frameUnavailable = Signal(str)  # the frame at the playhead cannot be decoded: why
    mediaClosed = Signal()
    # A key came while the video is still opening: what will follow once it is open.
    waiting = Signal(str)

    def __init__(self, backend: PlaybackBackend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._server = FrameServer(self)
        self._server.opened.connect(self._on_opened)
        self._server.frameReady.connect(self._on_frame_ready)
        self._server.failed.connect(self._on_failed)
        self._server.frameFailed.connect(self._on_frame_failed)
        self._server.decodableEnd.connect(self._on_decodable_end)
        backend.frameDelivered.connect(self._on_backend_frame)
        backend.reachedEnd.connect(self._on_reached_end)
        backend.failed.connect(self._on_backend_failed)
        self._generation = 0
        self._path: Path | None = None
        self._index: FrameIndex | None = None
        self._last = -1  # the last frame that decodes (before a damaged tail), -1: the last
        self._shown = 0  # frame on screen
        self._target = 0  # frame last asked for (steps count from here)
        self._playing = False
        self._rate = 1.0
        self._loop: tuple[int, int] | None = None
        self._reverse = QTimer(self)  # J: backwards shuttle by exact steps
        self._reverse.timeout.connect(self._on_reverse_tick)
        self._keys = KeysWhileOpening(self.waiting.emit)  # keys while the video opens
        self.frames_delivered = 0  # by playback, since the last open (tests, benchmarks)

    # -- state ---------------------------------------------------------------------------

    @property
    def frame_index(self) -> FrameIndex | None:
        """The open video's frame timestamps (None until opened)."""
        return self._index

    @property
    def path(self) -> Path | None:
        """The open file."""
        return self._path

    def is_loading(self) -> bool:
        """True from open() until the video's frame index is known (or opening failed)."""
        return self._keys.loading

    def position(self) -> int:
        """The frame on screen."""
        return self._shown

    def position_ms(self) -> int:
        """Start time of the frame on screen (what segment marks store)."""
        return self._index.time_ms(self._shown) if self._index else 0

    def is_playing(self) -> bool:
        """True while playing forward (or shuttling backward)."""
        return self._playing or self._reverse.isActive()

    def decoders_open(self) -> int:
        """Exact-frame decoders held (one per open video, none when closed)."""
        return self._server.decoders_open()

    def wait_decoder_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until the exact-frame worker has answered and filled its window (for
        benchmarks, which time other decoders on the same machine); False on timeout."""
        return self._server.wait_idle(timeout_s)

    def cache_stats(self) -> tuple[int, int]:
        """Exact frames asked for so far, and how many of them were not decoded yet (the
        request had to decode: a cache miss); for tests and benchmarks."""
        return self._server.served, self._server.misses

    def rate(self) -> float:
        """Current speed factor."""
        return self._rate

    # -- media ---------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        """Open a video; ``mediaOpened`` or ``mediaFailed`` follows."""
        self.close()
        self._path = path
        self._keys.start()
        self.frames_delivered = 0
        self._generation = self._server.open(path)

    def close(self) -> None:
        """Release the video, its decoders and cache."""
        self._stop_motion()
        if self._path is not None:
            self.backend.close()
            self._server.close_video()
            self._generation = self._server.generation
            self._path = None
            self._index = None
            self._keys.drop()
            self._last = -1
            self._shown = self._target = 0
            self.mediaClosed.emit()

    def shutdown(self) -> None:
        """Close and stop the decoder thread (window closing)."""
        self.close()
        self._server.shutdown()

    # -- transport -----------------------------------------------------------------------

    def play(self) -> None:
        """Play forward from the frame on screen."""
        if self._keys.defer("playing", self.play):
            return
        if self._index is None or self._playing:
            return
        self._reverse.stop()
        last = self._last if self._last >= 0 else self._index.frame_count - 1
        if self._shown >= last:
            self._go(0)
        self.backend.set_rate(self._rate)
        self.backend.seek(self._index.times_ms[self._target])
        self.backend.play()
        self._set_playing(True)

    def pause(self) -> None:
        """Pause on the exact frame that was on screen."""
        self._reverse.stop()
        if self._playing:
            self.backend.pause()
            self._set_playing(False)
            self._go(self._shown)
        else:
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        """Space: play or pause."""
        if self._keys.defer("playing", self.play):
            return
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def step(self, frames: int) -> None:
        """Move by whole frames (pauses first)."""
        if self._keys.defer_step(frames, self.step):
            return
        self._stop_motion()
        self._go(self._target + frames)

    def seek_frame(self, frame: int) -> None:
        """Go to a frame; keeps playing if playing."""
        if self._keys.defer(f"going to frame {frame}", lambda: self.seek_frame(frame)):
            return
        if self._index is None:
            return
        frame = self._index.clamp(frame)
        if self._playing:
            self._shown = self._target = frame
            self.backend.seek(self._index.times_ms[frame])
        else:
            self._reverse.stop()
            self._go(frame)

    def seek_ms(self, ms: float) -> None:
        """Go to the frame on screen at a time."""
        if self._keys.defer("going to that time", lambda: self.seek_ms(ms)):
            return
        if self._index is not None:
            self.seek_frame(self._index.index_at(ms))

    def skip_ms(self, ms: float) -> None:
        """Shift+←/→: jump by a time (from the frame asked for last)."""
        if self._keys.defer("the jump", lambda: self.skip_ms(ms)):
            return
        if self._index is not None:
            self.seek_ms(self._index.times_ms[self._target] + ms)

    def go_to_start(self) -> None:
        """Home."""
        self.seek_frame(0)

    def go_to_end(self) -> None:
        """End: the last frame (that decodes)."""
        if self._keys.defer("going to the end", self.go_to_end):
            return
        if self._index is not None:
            self._stop_motion()
            self._go(self._index.frame_count - 1)

    def set_rate(self, rate: float) -> None:
        """Playback speed, clamped to 0.25–4."""
        self._rate = min(MAX_RATE, max(MIN_RATE, rate))
        self.backend.set_rate(self._rate)
        if self._reverse.isActive():
            self._reverse.start(self._reverse_interval())
        self.rateChanged.emit(self._rate)

    def slower(self) -> None:
        """``[``: the next lower step of the speed ladder."""
        lower = [r for r in RATE_STEPS if r < self._rate - 1e-9]
        self.set_rate(lower[-1] if lower else MIN_RATE)

    def faster(self) -> None:
        """``]``: the next higher step of the speed ladder."""
        higher = [r for r in RATE_STEPS if r > self._rate + 1e-9]
        self.set_rate(higher[0] if higher else MAX_RATE)

    def shuttle_forward(self) -> None:
        """L: play; pressed again while playing forward, faster (1×, 2×, 4×)."""
        if self._keys.defer("playing", self.shuttle_forward):
            return
        if self._playing:
            self.set_rate(_next_shuttle(self._rate))
            return
        self._reverse.stop()
        self.set_rate(1.0)
        self.play()

    def shuttle_backward(self) -> None:
        """J: play backwards by exact frames; pressed again, faster."""
        if self._keys.defer("playing backwards", self.shuttle_backward):
            return
        if self._index is None:
            return
        if self._reverse.isActive():
            self.set_rate(_next_shuttle(self._rate))
            return
        if self._playing:
            self.pause()
        self.set_rate(1.0)
        self._reverse.start(self._reverse_interval())
        self.playingChanged.emit(True)

    def set_loop(self, start_ms: int, end_ms: int) -> None:
        """Loop playback between two times (a segment)."""
        self._loop = (min(start_ms, end_ms), max(start_ms, end_ms))

    def clear_loop(self) -> None:
        """Stop looping."""
        self._loop = None

    def loop(self) -> tuple[int, int] | None:
        """The looped range, if any."""
        return self._loop

    def set_volume(self, percent: int) -> None:
        """Audio volume 0–100."""
        self.backend.set_volume(percent)

    def set_muted(self, muted: bool) -> None:
        """Silence audio."""
        self.backend.set_muted(muted)

    # -- internals -----------------------------------------------------------------------

    def _go(self, frame: int) -> None:
        if self._index is None:
            return
        self._target = self._index.clamp(frame)
        if self._last >= 0:
            self._target = min(self._target, self._last)
        self._server.request(self._target)

    def _stop_motion(self) -> None:
        if self._reverse.isActive():
            self._reverse.stop()
            self.playingChanged.emit(False)
        if self._playing:
            self.backend.pause()
            self._set_playing(False)

    def _set_playing(self, playing: bool) -> None:
        self._playing = playing
        self.playingChanged.emit(playing)

    def _reverse_interval(self) -> int:
        fps = self._index.fps if self._index else 25.0
        return max(10, round(1000.0 / (fps * self._rate)))

    @Slot()
    def _on_reverse_tick(self) -> None:
        if self._target <= 0:
            self._reverse.stop()
            self.playingChanged.emit(False)
        elif self._target == self._shown:  # the last step is on screen: take the next
            self._go(self._target - 1)

    @Slot(int, object)
    def _on_opened(self, generation: int, index: FrameIndex) -> None:
        if generation != self._generation or self._path is None:
            return
        self._index = index
        self.backend.open(self._path, index)
        self.backend.set_rate(self._rate)
        self.mediaOpened.emit(index)
        self.positionChanged.emit(self._shown, index.time_ms(self._shown))
        self._keys.opened()

    @Slot(int, int, QImage)
    def _on_frame_ready(self, generation: int, frame: int, image: QImage) -> None:
        if generation != self._generation or self._playing:
            return
        self._shown = frame
        self.frameShown.emit(image)
        if self._index is not None:
            self.positionChanged.emit(frame, self._index.time_ms(frame))

    @Slot(int, int, str)
    def _on_frame_failed(self, generation: int, frame: int, message: str) -> None:
        # No picture rather than a neighbour's under this number; the labels still move.
        if generation != self._generation or self._playing or self._index is None:
            return
        self._shown = frame
        self.frameUnavailable.emit(message)
        self.positionChanged.emit(frame, self._index.time_ms(frame))

    @Slot(int, int)
    def _on_decodable_end(self, generation: int, last: int) -> None:
        # The frames after ``last`` are lost: End and steps stop there, and a step back
        # counts from there rather than from a frame that never showed.
        if generation != self._generation:
            return
        self._last = last
        self._target = min(self._target, last)

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._stop_motion()
        self._index = None
        self._keys.drop()
        self.mediaFailed.emit(message)

    @Slot(QImage, float)
    def _on_backend_frame(self, image: QImage, ms: float) -> None:
        if not self._playing or self._index is None:
            return
        frame = self._index.index_at(ms)
        if self._loop is not None and ms >= self._loop[1]:
            self.backend.seek(self._loop[0])
            return
        self.frames_delivered += 1
        self._shown = self._target = frame
        self.frameShown.emit(image)
        self.positionChanged.emit(frame, self._index.time_ms(frame))

    @Slot()
    def _on_reached_end(self) -> None:
        if self._index is None:
            return
        if self._loop is not None:
            self.backend.seek(self._loop[0])
            self.backend.play()
            return
        self._set_playing(False)
        self._go(self._index.frame_count - 1)

    @Slot(str)
    def _on_backend_failed(self, message: str) -> None:
        self._stop_motion()
        self.mediaFailed.emit(message)


def _next_shuttle(rate: float) -> float:
    faster = [r for r in SHUTTLE_RATES if r > rate + 1e-9]
    return faster[0] if faster else SHUTTLE_RATES[-1]
