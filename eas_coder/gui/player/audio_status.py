"""Whether sound can be heard: a playback backend that finds no working audio output says so
once, and the window shows it in its status bar with what to do.

Neither engine reports a missing sound device as an error: Qt Multimedia lists no outputs and
plays on in silence; libVLC falls back to ALSA's "null" sink. Coders then miss speech and
take the video for silent, so we look for ourselves when playback starts.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

NO_DEVICE = (
    "No sound device works, so videos play without sound. Connect speakers or headphones "
    "(or choose an output in the system's sound settings), then restart EAS Coder."
)
# Names libVLC lists on Linux when ALSA has no sound card: nothing a person can hear.
_NOT_A_DEVICE = {"", "null", "default", "dummy", "pulse"}


class AudioStatus(QObject):
    """One backend's audio output; ``problem`` is emitted at most once."""

    problem = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reported = ""

    def report(self, message: str) -> None:
        """Say ``message`` unless something was already said (once per backend)."""
        if self.reported or os.environ.get("EAS_CODER_AUDIO") == "off":
            return  # sound switched off on purpose (tests, a silent lab): nothing to report
        self.reported = message
        self.problem.emit(message)

    def check_qt(self) -> None:
        """Qt Multimedia: no audio output device at all."""
        from PySide6.QtMultimedia import QMediaDevices

        if not QMediaDevices.audioOutputs():
            self.report(NO_DEVICE)

    def check_vlc(self, player: Any) -> None:
        """libVLC: only ALSA's placeholders (or nothing) to play to."""
        names = []
        try:
            device = player.audio_output_device_enum()
            while device:
                names.append((device.contents.device or b"").decode(errors="replace"))
                device = device.contents.next
        except (AttributeError, OSError, ValueError):
            return  # an older binding: we cannot tell, so we say nothing
        if all(name.split(":")[0] in _NOT_A_DEVICE for name in names):
            self.report(NO_DEVICE)


def watch_audio(window: QMainWindow, backend: QObject) -> QLabel:
    """Show ``backend``'s audio problem in ``window``'s status bar: the message for a while,
    and a short permanent "No sound" with the message as its tooltip. Returns that label."""
    label = QLabel("")
    label.setObjectName("audioStatus")
    label.setVisible(False)
    window.statusBar().addPermanentWidget(label)
    status = getattr(backend, "audio_status", None)

    def shown(message: str) -> None:
        label.setText("No sound")
        label.setToolTip(message)
        label.setVisible(True)
        window.statusBar().showMessage(message, 30_000)

    if isinstance(status, AudioStatus):
        if status.reported:
            shown(status.reported)
        status.problem.connect(shown)
    return label
