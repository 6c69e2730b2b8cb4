"""F1 lists every key and gesture, not only the menus' shortcuts, and finds "note"
(issue 23 item 8e)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from eas_coder.gui.window.shortcut_sheet import ShortcutSheet


def open_sheet(qtbot: QtBot, window: MainWindow) -> ShortcutSheet:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.playerPanel.surface.setFocus()
    qtbot.keyClick(window.playerPanel.surface, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutSheet, "shortcutSheet")
    assert sheet is not None
    qtbot.waitUntil(sheet.isVisible)
    return sheet


def all_rows(sheet: ShortcutSheet) -> dict[str, str]:
    return {keys: what for rows in sheet.groups().values() for keys, what in rows}


def test_f1_lists_the_rating_keys_the_gestures_and_ctrl_y(qtbot: QtBot, window: MainWindow) -> None:
    sheet = open_sheet(qtbot, window)
    groups = sheet.groups()
    rows = all_rows(sheet)
    rating = dict(groups["Rating panel (a score has the keyboard)"])
    for keys in ("1 … 9, 0", ". or ,", "Enter", "Backspace, Del", "Up / Down", "N"):
        assert keys in rating, keys
    mouse = dict(groups["Mouse on the timeline"])
    assert "Ctrl+drag" in mouse and "Drag in your lane" in mouse and "Ctrl+wheel, pinch" in mouse
    assert "Alt+drag" in mouse and "Ctrl" in mouse["Alt+drag"]  # says what to use instead
    assert any("Ctrl+Y" in keys for keys in rows)  # redo's second key
    assert "F1" in rows  # the menus' shortcuts are still there


def test_f1_search_finds_note(qtbot: QtBot, window: MainWindow) -> None:
    sheet = open_sheet(qtbot, window)
    qtbot.keyClicks(sheet.searchEdit, "note")
    found = all_rows(sheet)
    assert found["N"].startswith("Write a note")
    assert "Escape (in a note)" in found
    assert all("note" in f"{k} {w}".casefold() for k, w in found.items() if k != "N")
    qtbot.keyClick(sheet.searchEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(sheet.searchEdit, "wheel")
    assert set(all_rows(sheet)) == {"Ctrl+wheel, pinch", "Wheel"}
