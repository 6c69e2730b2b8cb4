"""Further camera angles and separate audio following the main player's one transport.

Each angle is a Player of its own (its own decoder and cache of exact frames), muted, drawn
on its own surface. An angle never plays by itself: for every frame the main video shows,
playing or paused, the angle is asked for its exact frame at the shared time (main time +
the angle's offset). Sequential frames come from the decoder's read-ahead cache, so this
keeps up at 720p, and there is nothing to drift: an angle is at most the one frame behind
that its decoding takes. (Letting two media players run side by side and re-seeking the
late one drifted by up to five frames in our benchmark.)
A separate audio recording plays in place of the main video's sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal, Slot

from eas_coder.gui.player.player import Player
from eas_coder.gui.player.surface import VideoSurface

# Qt Multimedia loads with the first second angle or recorder, not with the window
if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer


@dataclass
class Angle:
    """One extra camera: its player, its surface and its offset (ms added to main time)."""

    player: Player
    surface: VideoSurface
    offset_ms: int
    frames_shown: int = 0  # pictures shown while the main video played
    requested: int = -1  # the frame last asked for
    resyncs: int = 0  # kept for reports: always 0, angles are driven frame by frame
    worst_drift_ms: float = 0.0  # largest gap seen between asked-for and shown frame


class AngleFollower(QObject):
    """Keeps angles and separate audio in step with the main player."""

    anglesChanged = Signal()

    def __init__(self, main: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.main = main
        self.angles: list[Angle] = []
        self.audio: QMediaPlayer | None = None
        self._audio_out: QAudioOutput | None = None
        self._audio_offset = 0
        main.positionChanged.connect(self._on_main_position)
        main.playingChanged.connect(self._on_main_playing)
        main.rateChanged.connect(self._on_main_rate)
        main.mediaClosed.connect(self.clear)

    def set_media(self, angles: list[tuple[Path, int]], audio: tuple[Path, int] | None) -> None:
        """Open the angles (path, offset) and an optional separate audio file."""
        self.clear()
        for path, offset in angles:
            from eas_coder.gui.player.qt_backend import QtBackend

            player = Player(QtBackend(), self)
            surface = VideoSurface()
            surface.setObjectName(f"angleSurface{len(self.angles) + 1}")
            angle = Angle(player, surface, offset)
            player.frameShown.connect(surface.show_image)
            player.frameShown.connect(lambda _image, a=angle: self._on_angle_shown(a))
            player.mediaFailed.connect(surface.show_message)
            player.mediaOpened.connect(lambda _i, a=angle: self._show_frame_of(a))
            player.set_muted(True)  # one sound: the main video's or the separate audio
            player.open(path)
            self.angles.append(angle)
        if audio is not None:
            self._open_audio(*audio)
        self.anglesChanged.emit()

    def clear(self) -> None:
        """Close every angle and the separate audio."""
        for angle in self.angles:
            angle.player.shutdown()
            angle.surface.deleteLater()
        had = bool(self.angles) or self.audio is not None
        self.angles = []
        if self.audio is not None:
            self.audio.stop()
            self.audio.deleteLater()
            self.audio = None
            self.main.set_muted(False)
        if had:
            self.anglesChanged.emit()

    def shutdown(self) -> None:
        """Release everything (window closing)."""
        self.clear()

    # -- following --------------------------------------------------------------------------

    def _target(self, angle_offset: int) -> float:
        return max(0.0, self.main.position_ms() + angle_offset)

    def _show_frame_of(self, angle: Angle, ms: float | None = None) -> None:
        index = angle.player.frame_index
        if index is None:
            return
        target = self._target(angle.offset_ms) if ms is None else max(0.0, ms + angle.offset_ms)
        wanted = index.index_at(target)
        if wanted != angle.requested:
            angle.requested = wanted
            angle.player.seek_frame(wanted)

    def _on_angle_shown(self, angle: Angle) -> None:
        index = angle.player.frame_index
        if not self.main.is_playing() or index is None:
            return
        angle.frames_shown += 1
        gap = abs(angle.requested - angle.player.position()) * index.median_frame_ms
        angle.worst_drift_ms = max(angle.worst_drift_ms, gap)

    @Slot(int, int)
    def _on_main_position(self, _frame: int, ms: int) -> None:
        for angle in self.angles:
            self._show_frame_of(angle, ms)
        if self.audio is not None and self.main.is_playing():
            expected = ms + self._audio_offset
            if abs(self.audio.position() - expected) > 80:  # audible lag: resync
                self.audio.setPosition(max(0, round(expected)))

    @Slot(bool)
    def _on_main_playing(self, playing: bool) -> None:
        for angle in self.angles:
            self._show_frame_of(angle)
        if self.audio is not None:
            if playing:
                self.audio.setPosition(max(0, round(self._target(self._audio_offset))))
                self.audio.play()
            else:
                self.audio.pause()

    @Slot(float)
    def _on_main_rate(self, rate: float) -> None:
        if self.audio is not None:
            self.audio.setPlaybackRate(rate)

    def _open_audio(self, path: Path, offset: int) -> None:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        self.audio = QMediaPlayer(self)
        self._audio_out = QAudioOutput(self.audio)
        self.audio.setAudioOutput(self._audio_out)
        self.audio.setSource(QUrl.fromLocalFile(str(path)))
        self._audio_offset = offset
        self.main.set_muted(True)  # the recorder's sound replaces the camera's
