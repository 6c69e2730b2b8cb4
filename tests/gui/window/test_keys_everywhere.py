"""Window shortcuts work wherever the keyboard is, search boxes included (issue 23 item 8i);
the keys a text field needs for its text (copy, paste, select all, its own undo) stay its own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.export_dialog import ExportDialog
from eas_coder.gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_e_exports_from_the_video_search_box(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[ExportDialog] = []

    def cancel(dialog: ExportDialog) -> int:
        asked.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ExportDialog, "exec", cancel)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    search = window.videoFilter
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "D00")
    qtbot.keyClick(search, Qt.Key.Key_E, CTRL)
    assert len(asked) == 1  # File ▸ Export… (Ctrl+E) answered from inside the search box
    assert search.text() == "D00"  # typing is untouched
    # the search box's own editing keys stay its own: Ctrl+A selects its text, no action
    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    assert search.selectedText() == "D00"
    qtbot.keyClick(search, Qt.Key.Key_X)
    assert search.text() == "x"


def test_ctrl_e_exports_from_the_status_filter_and_a_segment_note(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[ExportDialog] = []
    monkeypatch.setattr(ExportDialog, "exec", lambda d: asked.append(d) or 0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.statusFilter.setFocus()
    qtbot.keyClick(window.statusFilter, Qt.Key.Key_E, CTRL)
    assert len(asked) == 1
