"""The Videos list shows Participant, Timepoint and Status at first (they fit at 1280×720,
see test_everyday_xvfb.py); a right-click on its header shows Duration, FPS or File, and the
choice is remembered for the next window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string


def _header_menu(window: MainWindow, qtbot: QtBot) -> QMenu:
    """Right-click the list's header, as the mouse would; the menu it opens."""
    header = window.videoTable.horizontalHeader()
    at = QPoint(10, header.height() // 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, header.mapToGlobal(at))
    QApplication.sendEvent(header.viewport(), event)  # where a right-click lands
    menu = window.videoTable.findChild(QMenu, "videoColumnsMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    return menu


def _click(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_the_header_menu_shows_a_hidden_column_and_it_is_remembered(
    window: MainWindow, qtbot: QtBot, demo_study_file: Path
) -> None:
    table = window.videoTable
    assert [table.isColumnHidden(c) for c in range(6)] == [False] * 3 + [True] * 3

    menu = _header_menu(window, qtbot)
    assert [(a.text(), a.isChecked()) for a in menu.actions()] == [
        ("Duration", False), ("FPS", False), ("File", False),
    ]  # fmt: skip
    _click(menu, "Duration")
    assert not table.isColumnHidden(3)
    assert table.isColumnHidden(4) and table.isColumnHidden(5)

    again = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(again)
    assert not again.videoTable.isColumnHidden(3)  # remembered

    menu = _header_menu(window, qtbot)
    assert next(a for a in menu.actions() if a.text() == "Duration").isChecked()
    _click(menu, "Duration")
    assert table.isColumnHidden(3)
