"""Further camera angles and separate audio following the main player's one transport.

Each angle is a Player of its own (its own decoder and exact frames), muted, drawn on its
own surface. While paused every angle shows its exact frame for the shared time (main time
+ the angle's offset). While playing, an angle more than one frame from where it should be
is re-seeked, then left alone until it shows a frame at its target again (or half a second
passed): re-seeking a decoder that is still catching up only makes it later.

Angles play through Qt Multimedia whatever the main backend: it gives every picture its own
timestamp, so an angle's frame number is known, not counted (VLC lands 1–3 frames early
after a seek while playing, which frame counting cannot see). They are muted anyway.
A separate audio recording plays in place of the main video's sound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

from eas_coder.gui.player.player import Player
from eas_coder.gui.player.qt_backend import QtBackend
from eas_coder.gui.player.surface import VideoSurface

SETTLE_SECONDS = 0.5
SEEK_BEYOND_MS = 400  # further off than this: seek; closer: change speed a little
NUDGE = 0.12  # ±12 % speed while closing a small gap


@dataclass
class Angle:
    """One extra camera: its player, its surface and its offset (ms added to main time)."""

    player: Player
    surface: VideoSurface
    offset_ms: int
    resyncs: int = 0
    worst_drift_ms: float = 0.0  # largest drift seen outside the windows after resyncs
    settle_until: float = 0.0  # monotonic time until which a fresh resync is left alone
    settle_target: int = -1  # the frame a resync aimed at
    lead_frames: int = 3  # how far ahead a resync aims (learned: seeking takes time)
    nudged: bool = False  # playing a little faster or slower to close a small gap


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
            player = Player(QtBackend(), self)
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
            wanted = index.index_at(target)
            off_by = angle.player.position() - wanted  # in frames, not rounded ms
            now = time.monotonic()
            if now < angle.settle_until and angle.player.position() < angle.settle_target:
                continue  # still catching up after a resync
            frame_ms = index.median_frame_ms
            if abs(off_by) * frame_ms > SEEK_BEYOND_MS:  # far off: seek, aiming ahead
                angle.resyncs += 1
                lead = angle.lead_frames
                angle.settle_until, angle.settle_target = now + SETTLE_SECONDS, wanted + lead
                angle.player.seek_frame(wanted + lead)
            elif abs(off_by) > 1:  # a few frames: catch up by speed, not by seeking
                self._nudge(angle, faster=off_by < 0)
            else:
                if angle.nudged:
                    angle.nudged = False
                    angle.player.set_rate(self.main.rate())
                if angle.settle_target >= 0:  # it arrived: learn how far ahead to aim
                    angle.lead_frames = max(
                        1, min(30, angle.lead_frames + (wanted - angle.settle_target) // 2)
                    )
                    angle.settle_target = -1
                angle.worst_drift_ms = max(angle.worst_drift_ms, abs(off_by) * frame_ms)
        if self.audio is not None and playing:
            expected = ms + self._audio_offset
            if abs(self.audio.position() - expected) > 80:  # audible lag: resync
                self.audio.setPosition(max(0, round(expected)))

    def _nudge(self, angle: Angle, faster: bool) -> None:
        if angle.nudged:
            return
        angle.nudged = True
        factor = 1 + NUDGE if faster else 1 - NUDGE
        angle.player.set_rate(self.main.rate() * factor)

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
