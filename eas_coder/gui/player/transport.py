"""The transport bar under the video (``ui/transport_bar.ui``): buttons for the window's
playback actions, the time and frame of the picture, speed and volume."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStyle, QToolButton, QWidget

from eas_coder.gui.common.forms import load_form
from eas_coder.gui.common.steady_text import set_steady_text
from eas_coder.timecode import clock


class TransportBar(QWidget):
    """Shows where the player is; its buttons trigger the same actions as the shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "transport_bar.ui")
        self.setObjectName("transportBar")
        self._frame_count = 0

    def bind(self, actions: dict[str, QAction]) -> None:
        """Give each button its action (text, shortcut and tooltip come with it)."""
        style = self.style()
        icons = {
            "startButton": ("actionGoToStart", QStyle.StandardPixmap.SP_MediaSkipBackward),
            "skipBackButton": ("actionSkipBack", QStyle.StandardPixmap.SP_MediaSeekBackward),
            "stepBackButton": ("actionPreviousFrame", QStyle.StandardPixmap.SP_ArrowLeft),
            "playButton": ("actionPlayPause", QStyle.StandardPixmap.SP_MediaPlay),
            "stepForwardButton": ("actionNextFrame", QStyle.StandardPixmap.SP_ArrowRight),
            "skipForwardButton": ("actionSkipForward", QStyle.StandardPixmap.SP_MediaSeekForward),
            "endButton": ("actionGoToEnd", QStyle.StandardPixmap.SP_MediaSkipForward),
            "slowerButton": ("actionSlower", QStyle.StandardPixmap.SP_ArrowDown),
            "fasterButton": ("actionFaster", QStyle.StandardPixmap.SP_ArrowUp),
            "muteButton": ("actionMute", QStyle.StandardPixmap.SP_MediaVolume),
        }
        for button_name, (action_name, pixmap) in icons.items():
            action = actions[action_name]
            action.setIcon(style.standardIcon(pixmap))
            button: QToolButton = getattr(self, button_name)
            button.setDefaultAction(action)
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self._play_action = actions["actionPlayPause"]

    def show_media(self, frame_count: int) -> None:
        """A new video: how many frames it has."""
        self._frame_count = frame_count
        self.show_position(0, 0)

    def show_position(self, frame: int, ms: int) -> None:
        """The frame on screen and its time."""
        set_steady_text(self.timeLabel, clock(ms))
        total = f" / {self._frame_count - 1}" if self._frame_count else ""
        set_steady_text(self.frameLabel, f"frame {frame}{total}")

    def show_no_media(self) -> None:
        """No video open."""
        self._frame_count = 0
        set_steady_text(self.timeLabel, clock(0))
        set_steady_text(self.frameLabel, "frame –")

    def show_opening(self, waiting: str = "") -> None:
        """A video is opening (its frames are being indexed); a key pressed meanwhile
        waits, and says what will follow."""
        set_steady_text(self.frameLabel, f"opening… then {waiting}" if waiting else "opening…")

    def show_playing(self, playing: bool) -> None:
        """Swap the play button's icon."""
        if hasattr(self, "_play_action"):
            self._play_action.setIcon(self._pause_icon if playing else self._play_icon)

    def show_rate(self, rate: float) -> None:
        """The speed factor, e.g. ``0.5×``."""
        self.rateLabel.setText(f"{rate:g}×")

    def show_loop(self, loop: tuple[int, int] | None) -> None:
        """The looped range, or nothing."""
        self.loopLabel.setText(f"⟲ {clock(loop[0])}–{clock(loop[1])}" if loop else "")
