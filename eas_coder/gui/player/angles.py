"""Further camera angles and separate audio following the main player's one transport.

Each angle is a Player of its own (its own decoder and exact frames), muted, drawn on its
own surface. While paused every angle shows its exact frame for the shared time (main time
+ the angle's offset). While playing, an angle that drifts more than one frame from where
it should be is re-seeked. A separate audio recording plays in place of the main video's
sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

from eas_coder.gui.player.player import Player
from eas_coder.gui.player.surface import VideoSurface


@dataclass
class Angle:
    """One extra camera: its player, its surface and its offset (ms added to main time)."""

    player: Player
    surface: VideoSurface
    offset_ms: int
    resyncs: int = 0
    worst_drift_ms: float = 0.0  # largest drift seen after the first resync window


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
            player = Player(self.main.backend.clone(), self)
            surface = VideoSurface()
            surface.setObjectName(f"angleSurface{len(self.angles) + 1}")
            player.frameShown.connect(surface.show_image)
            player.mediaFailed.connect(surface.show_message)
            player.mediaOpened.connect(lambda _i, p=player, o=offset: self._follow(p, o))
            player.set_muted(True)  # one sound: the main video's or the separate audio
            player.open(path)
            self.angles.append(Angle(player, surface, offset))
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

    def _follow(self, player: Player, offset: int) -> None:
        player.set_rate(self.main.rate())
        if self.main.is_playing():
            player.seek_ms(self._target(offset))
            player.play()
        else:
            player.seek_ms(self._target(offset))

    @Slot(int, int)
    def _on_main_position(self, _frame: int, ms: int) -> None:
        playing = self.main.is_playing()
        for angle in self.angles:
            index = angle.player.frame_index
            if index is None:
                continue
            target = max(0.0, ms + angle.offset_ms)
            if not playing:
                angle.player.seek_ms(target)
                continue
            drift = angle.player.position_ms() - target
            frame_ms = index.median_frame_ms
            if abs(drift) > frame_ms:
                angle.resyncs += 1
                angle.player.seek_ms(target)
            else:
                angle.worst_drift_ms = max(angle.worst_drift_ms, abs(drift))
        if self.audio is not None and playing:
            expected = ms + self._audio_offset
            if abs(self.audio.position() - expected) > 80:  # audible lag: resync
                self.audio.setPosition(max(0, round(expected)))

    @Slot(bool)
    def _on_main_playing(self, playing: bool) -> None:
        for angle in self.angles:
            if angle.player.frame_index is None:
                continue
            if playing:
                angle.player.seek_ms(self._target(angle.offset_ms))
                angle.player.play()
            else:
                angle.player.pause()
                angle.player.seek_ms(self._target(angle.offset_ms))
        if self.audio is not None:
            if playing:
                self.audio.setPosition(max(0, round(self._target(self._audio_offset))))
                self.audio.play()
            else:
                self.audio.pause()

    @Slot(float)
    def _on_main_rate(self, rate: float) -> None:
        for angle in self.angles:
            angle.player.set_rate(rate)
        if self.audio is not None:
            self.audio.setPlaybackRate(rate)

    def _open_audio(self, path: Path, offset: int) -> None:
        self.audio = QMediaPlayer(self)
        self._audio_out = QAudioOutput(self.audio)
        self.audio.setAudioOutput(self._audio_out)
        self.audio.setSource(QUrl.fromLocalFile(str(path)))
        self._audio_offset = offset
        self.main.set_muted(True)  # the recorder's sound replaces the camera's
