"""What every playback backend offers the Player: decoded frames delivered to us, and audio.

Backends render into memory and hand us QImages; we draw them in our own widget. No native
window embedding: it breaks on Wayland and macOS, cannot be grabbed, and hides frames from us.
While paused the Player shows exact frames from its own decoder, so a backend only has to
play smoothly and land near a requested time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

if TYPE_CHECKING:  # the media libraries load with the first video, not at start-up
    from eas_coder.media.frame_index import FrameIndex

MIN_RATE, MAX_RATE = 0.25, 4.0


class PlaybackBackend(QObject):
    """Base class: subclasses implement the methods and emit the signals on the GUI thread."""

    frameDelivered = Signal(QImage, float)  # the picture and its media time in ms
    reachedEnd = Signal()
    failed = Signal(str)  # a sentence for the user

    name = "none"

    def open(self, path: Path, index: FrameIndex) -> None:
        """Load a file (paused at its start); ``index`` has its size and frame times."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop and release the file and its decoders."""
        raise NotImplementedError

    def play(self) -> None:
        """Start or resume playback from the current time."""
        raise NotImplementedError

    def pause(self) -> None:
        """Pause; the Player then shows its exact frame."""
        raise NotImplementedError

    def seek(self, ms: float) -> None:
        """Move to a media time (approximately is enough while paused)."""
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        """Playback speed, 0.25–4; audio pitch is kept where the backend can."""
        raise NotImplementedError

    def set_volume(self, percent: int) -> None:
        """Audio volume 0–100."""
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        """Silence audio without losing the volume."""
        raise NotImplementedError

    def is_playing(self) -> bool:
        """True while frames are being delivered by playback."""
        raise NotImplementedError

    def clone(self) -> PlaybackBackend:
        """A new backend of the same kind (one per camera angle)."""
        raise NotImplementedError
