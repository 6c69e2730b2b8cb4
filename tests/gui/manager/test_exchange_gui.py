"""File ▸ Export and File ▸ Import in the window: background work, progress, plain messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.export_dialog import ExportDialog
from eas_coder.gui.window.main_window import MainWindow


def _ticks_while_exporting(qtbot: QtBot, window: MainWindow) -> list[tuple[bool, bool]]:
    """Export from the menu; for each tick of a 5 ms GUI timer meanwhile: (export running,
    progress dialog shown). The job's outcome reaches the window by a 20 ms timer, so a GUI
    thread that keeps handling events ticks at least once while the export runs."""
    ticks: list[tuple[bool, bool]] = []

    def tick() -> None:
        progress = window.exchange.progress
        ticks.append((window.exchange.busy(), progress is not None and progress.isVisible()))

    timer = QTimer(window)
    timer.timeout.connect(tick)
    timer.start(5)
    with qtbot.waitSignal(window.exchange.exported, timeout=60_000):
        window.actionExport.trigger()
    timer.stop()
    return ticks


def test_export_from_the_menu_runs_in_the_background(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def choose(dialog: ExportDialog) -> int:
        # what a person does in the dialog: untick the second coder, keep Excel
        item = dialog.codersList.item(1)
        rect = dialog.codersList.visualItemRect(item)
        dialog.show()
        # the dialog is the active window, as when a person opens it (Space is a shortcut of
        # the main window otherwise)
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        qtbot.mouseClick(dialog.codersList.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        if item.checkState() == Qt.CheckState.Checked:  # the click selected; space toggles
            qtbot.keyClick(dialog.codersList, Qt.Key.Key_Space)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", choose)
    out = tmp_path / "from-gui"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    ticks = _ticks_while_exporting(qtbot, window)
    # the window kept handling events while the export ran, behind its progress dialog
    assert (True, True) in ticks
    written = tmp_path / "from-gui.xlsx"
    assert written.exists()
    coders = {
        r[3] for r in load_workbook(written)["Ratings"].iter_rows(min_row=2, values_only=True)
    }
    assert coders == {"Coder A (demo)"}
    assert "Exported to from-gui.xlsx" in window.statusBar().currentMessage()
    assert not window.exchange.busy()


def test_import_of_a_bad_sheet_lists_problems_and_changes_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "participant,timepoint,coder,dimension,score\nX1,T1,Ana,sensitivity,9\n"
        "X1,T1,Ana,warmth,3\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    before = len(window.study.ratings.all())
    with qtbot.waitSignal(window.exchange.failed, timeout=30_000) as failed:
        window.actionImport.trigger()
    assert "2 problem(s)" in failed.args[0]
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "row 2, score" in box.detailedText() and "row 3, dimension" in box.detailedText()
    assert len(window.study.ratings.all()) == before
    box.close()


def test_import_of_a_good_sheet_after_confirmation(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "old-paper-sheets.csv"
    sheet.write_text(
        "participant,timepoint,coder,dimension,score\nP900,T1 pre,Dana,"
        "Sensitivity,5.5\nP900,T1 pre,Dana,structuring,6\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    asked: list[str] = []

    def yes() -> None:  # answers the confirmation box from inside its own event loop
        box = window.exchange.confirm_box
        if box is not None and box.isVisible() and not asked:
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.Yes).click()

    timer = QTimer(window)
    timer.timeout.connect(yes)
    timer.start(30)
    rows_before = window.videoTable.model().rowCount()
    with qtbot.waitSignal(window.exchange.imported, timeout=30_000):
        window.actionImport.trigger()
    assert asked and "Import 2 ratings" in asked[0]
    assert window.videoTable.model().rowCount() == rows_before + 1  # P900's file-less session
    assert "Imported 2 ratings" in window.statusBar().currentMessage()
