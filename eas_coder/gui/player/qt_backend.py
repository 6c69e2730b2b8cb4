"""Qt Multimedia playback (the FFmpeg bundled with PySide6-Addons): no system library needed.

Frames reach a QVideoSink; we convert them to QImages and pass them on with their own
timestamps, which Qt gives per frame (unlike VLC).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink

from eas_coder.gui.player.audio_status import AudioStatus
from eas_coder.gui.player.backend import MAX_RATE, MIN_RATE, PlaybackBackend

if TYPE_CHECKING:
    from eas_coder.media.frame_index import FrameIndex


class QtBackend(PlaybackBackend):
    """Plays with QMediaPlayer into a QVideoSink."""

    name = "qt"

    def __init__(self) -> None:
        super().__init__()
        self._player = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self.audio_status = AudioStatus(self)  # no sound device: said once in the window
        if os.environ.get("EAS_CODER_AUDIO") != "off":
            self._player.setAudioOutput(self._audio)
        self._sink = QVideoSink(self)
        self._player.setVideoSink(self._sink)
        if hasattr(self._player, "setPitchCompensation"):  # Qt 6.10+
            self._player.setPitchCompensation(True)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._playing = False
        self._start_offset_ms = 0.0

    def open(self, path: Path, index: FrameIndex) -> None:
        self._playing = False
        # Qt reports the stream's own timestamps; we count from the first frame.
        self._start_offset_ms = float(index.pts[0] * index.time_base * 1000)
        self._player.setSource(QUrl.fromLocalFile(str(path)))

    def close(self) -> None:
        self._playing = False
        self._player.stop()
        self._player.setSource(QUrl())

    def play(self) -> None:
        self._playing = True
        self.audio_status.check_qt()
        self._player.play()

    def pause(self) -> None:
        self._playing = False
        self._player.pause()

    def seek(self, ms: float) -> None:
        # Positions are whole ms in the stream's own time, and a position right at a frame's
        # start shows the frame before it: aim 1 ms inside the frame.
        self._player.setPosition(math.ceil(max(0.0, ms + self._start_offset_ms)) + 1)

    def set_rate(self, rate: float) -> None:
        self._player.setPlaybackRate(min(MAX_RATE, max(MIN_RATE, rate)))

    def set_volume(self, percent: int) -> None:
        self._audio.setVolume(max(0, min(100, percent)) / 100.0)

    def set_muted(self, muted: bool) -> None:
        self._audio.setMuted(muted)

    def is_playing(self) -> bool:
        return self._playing

    def clone(self) -> QtBackend:
        return QtBackend()

    def release(self) -> None:
        """Stop and drop the source (on window close)."""
        self.close()

    @Slot(QVideoFrame)
    def _on_frame(self, frame: QVideoFrame) -> None:
        if not self._playing or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self.frameDelivered.emit(image, frame.startTime() / 1000.0 - self._start_offset_ms)

    @Slot(QMediaPlayer.MediaStatus)
    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._playing = False
            self.reachedEnd.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._playing = False
            self.failed.emit("Qt Multimedia cannot play this file (unsupported or damaged).")

    @Slot(QMediaPlayer.Error, str)
    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self._playing = False
        self.failed.emit(f"Qt Multimedia: {text or 'playback failed'}")
