"""Tools ▸ Reliability ▸ Open video: the dialog never covers the player it opened the video
in (issue 23 item 8j)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow


def player_rect(window: MainWindow) -> QRect:
    panel = window.playerPanel
    return QRect(panel.mapToGlobal(QPoint(0, 0)), panel.size())


def test_open_video_leaves_the_player_uncovered(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1280, 720)
    window.move(0, 0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.videoTable, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = next(d for d in window.findChildren(QDialog) if d.objectName() == "ReliabilityDialog")
    qtbot.waitExposed(dialog)
    dialog.move(player_rect(window).center() - dialog.rect().center())  # right over the player
    assert dialog.frameGeometry().intersects(player_rect(window))
    table = dialog.disagreementsTable
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(dialog.openButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.video is not None)
    covered = dialog.isVisible() and not dialog.isMinimized()
    covered = covered and dialog.frameGeometry().intersects(player_rect(window))
    assert not covered, (dialog.frameGeometry(), player_rect(window))
