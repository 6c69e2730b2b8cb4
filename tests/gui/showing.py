"""Waiting for the video chosen in the list to be shown (it is, a moment after the choice:
``gui/window/show_soon.py``)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow


def wait_shown(qtbot: QtBot, window: MainWindow) -> None:
    """Until the open video is the one selected in the list."""

    def shown() -> bool:
        chosen, open_video = window.current_video(), window.session.video
        return chosen is not None and open_video is not None and chosen.id == open_video.id

    qtbot.waitUntil(shown, timeout=5_000)
