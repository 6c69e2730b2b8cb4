"""Pick the playback backend: VLC when libVLC loads, else Qt Multimedia (always there)."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from eas_coder.gui.player.backend import PlaybackBackend
from eas_coder.gui.player.vlc_backend import VlcBackend, load_vlc, start_loading_vlc

BACKENDS = ("vlc", "qt")
SETTING = "player/backend"


def preferred_backend(explicit: str | None = None) -> str:
    """``--player``, else $EAS_CODER_PLAYER, else the saved preference, else ``auto``."""
    for choice in (explicit, os.environ.get("EAS_CODER_PLAYER"), QSettings().value(SETTING)):
        if isinstance(choice, str) and choice in (*BACKENDS, "auto"):
            return choice
    return "auto"


def prepare_backend(explicit: str | None = None) -> None:
    """Start loading libVLC in the background when VLC may be wanted, so that
    ``create_backend`` later finds it ready (the app calls this before building its window)."""
    if preferred_backend(explicit) in ("auto", "vlc"):
        start_loading_vlc()


def create_backend(explicit: str | None = None) -> tuple[PlaybackBackend, str]:
    """The backend to use and a note for the status bar when the wish could not be met."""
    wish = preferred_backend(explicit)
    if wish in ("auto", "vlc"):
        vlc_module = load_vlc()
        if vlc_module is not None:
            return VlcBackend(vlc_module), ""
    # Qt Multimedia (and its FFmpeg) loads only when it is the one chosen
    from eas_coder.gui.player.qt_backend import QtBackend

    if wish == "vlc":
        return QtBackend(), "VLC is not installed here; playing with Qt Multimedia instead."
    return QtBackend(), ""
