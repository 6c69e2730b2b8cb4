"""The central player area: video surface, transport bar and timeline around one Player."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from eas_coder.gui.player.angles import AngleFollower
from eas_coder.gui.player.backend import PlaybackBackend
from eas_coder.gui.player.player import Player
from eas_coder.gui.player.surface import VideoSurface
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.gui.player.transport import TransportBar
from eas_coder.gui.player.waveform_loader import WaveformLoader
from eas_coder.gui.timeline.timeline import Timeline
from eas_coder.gui.timeline.tracks import TimelineTrack
from eas_coder.media.frame_index import FrameIndex


class PlayerPanel(QWidget):
    """Connects the Player to what shows it; the window adds actions and docks around it."""

    mediaFailed = Signal(str)  # for the status bar

    def __init__(
        self,
        backend: PlaybackBackend,
        thumbnails: ThumbnailLoader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.player = Player(backend, self)
        self.surface = VideoSurface(self)
        self.transport = TransportBar(self)
        self.timeline = Timeline(self)
        self.thumbnails = thumbnails or ThumbnailLoader(parent=self)
        self.angles = AngleFollower(self.player, self)
        self.screens = QWidget(self)
        self._screens_layout = QHBoxLayout(self.screens)
        self._screens_layout.setContentsMargins(0, 0, 0, 0)
        self._screens_layout.setSpacing(2)
        self._screens_layout.addWidget(self.surface, 1)
        self._show_angles = True
        self.angles.anglesChanged.connect(self._on_angles_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.screens, 1)
        layout.addWidget(self.transport)
        layout.addWidget(self.timeline)
        self._thumb_generation = 0
        self.waveforms = WaveformLoader(parent=self)
        self._wave_generation = 0
        self._audio: tuple[Path, int] | None = None
        self.waveforms.ready.connect(self._on_waveform)
        self._tracks: list[TimelineTrack] = []
        player = self.player
        player.frameShown.connect(self.surface.show_image)
        player.positionChanged.connect(self._on_position)
        player.playingChanged.connect(self.transport.show_playing)
        player.rateChanged.connect(self.transport.show_rate)
        player.mediaOpened.connect(self._on_opened)
        player.mediaFailed.connect(self._on_failed)
        player.frameUnavailable.connect(self.surface.show_message)
        player.waiting.connect(self.transport.show_opening)
        self.timeline.seekRequested.connect(player.seek_ms)
        self.thumbnails.batchReady.connect(self._on_thumbnails)
        self.timeline.tilesWanted.connect(self.thumbnails.request_frames)  # zoomed-in tiles
        self.transport.volumeSlider.valueChanged.connect(player.set_volume)
        player.set_volume(self.transport.volumeSlider.value())
        self.timeline.clear()

    def open_video(
        self,
        path: Path,
        angles: list[tuple[Path, int]] | None = None,
        audio: tuple[Path, int] | None = None,
    ) -> None:
        """Show a video file, with further camera angles and a separate audio recording
        (each with its offset in ms); errors end up on the surface, not in a traceback."""
        self.thumbnails.cancel()
        self.waveforms.cancel()
        self._audio = audio
        self.timeline.clear()
        self.transport.show_no_media()
        self.transport.show_opening()
        self.surface.show_message(f"Opening {path.name}…")
        self.player.open(path)
        self.angles.set_media(angles or [], audio)

    def show_all_angles(self, shown: bool) -> None:
        """Side by side (True) or the main camera only (False)."""
        self._show_angles = shown
        for angle in self.angles.angles:
            angle.surface.setVisible(shown)

    def show_unavailable(self, message: str) -> None:
        """No playable file for the selected video: say why, release the old one."""
        self.thumbnails.cancel()
        self.waveforms.cancel()
        self.angles.clear()
        self.player.close()
        self.timeline.clear()
        self.transport.show_no_media()
        self.surface.show_message(message)

    def set_tracks(self, tracks: list[TimelineTrack]) -> None:
        """The segment tracks to draw (kept across opening a file)."""
        self._tracks = list(tracks)
        self.timeline.set_tracks(self._tracks)

    def shutdown(self) -> None:
        """Release decoders and threads (window closing)."""
        self.thumbnails.cancel()
        self.waveforms.cancel()
        self.angles.shutdown()
        self.player.shutdown()
        release = getattr(self.player.backend, "release", None)
        if callable(release):
            release()

    @Slot()
    def _on_angles_changed(self) -> None:
        for angle in self.angles.angles:
            if self._screens_layout.indexOf(angle.surface) < 0:
                self._screens_layout.addWidget(angle.surface, 1)
            angle.surface.setVisible(self._show_angles)

    @Slot(int, int)
    def _on_position(self, frame: int, ms: int) -> None:
        self.transport.show_position(frame, ms)
        self.timeline.set_position(ms)

    @Slot(object)
    def _on_opened(self, index: FrameIndex) -> None:
        self.transport.show_media(index.frame_count)
        self.timeline.set_media(index.duration_ms, index.times_ms)
        self.timeline.set_tracks(self._tracks)  # set_media starts empty; keep the coding tracks
        # the separate recorder's sound when there is one, else the video's own
        if self._audio is not None:
            self._wave_generation = self.waveforms.start(self._audio[0], self._audio[1])
        elif self.player.path is not None:
            self._wave_generation = self.waveforms.start(self.player.path)
        if self.player.path is not None:
            self._thumb_generation = self.thumbnails.start(self.player.path, index)

    @Slot(int, object)
    def _on_waveform(self, generation: int, waveform: object) -> None:
        if generation == self._wave_generation:
            self.timeline.set_waveform(waveform)  # type: ignore[arg-type]

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.thumbnails.cancel()
        self.waveforms.cancel()
        self.timeline.clear()
        self.transport.show_no_media()
        self.surface.show_message(f"This video cannot be shown.\n\n{message}")
        self.mediaFailed.emit(message)

    @Slot(int, list)
    def _on_thumbnails(self, generation: int, batch: list[tuple[int, object]]) -> None:
        if generation != self._thumb_generation:
            return
        for time_ms, image in batch:
            self.timeline.add_thumbnail(time_ms, image)  # type: ignore[arg-type]
