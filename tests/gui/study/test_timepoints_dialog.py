"""File ▸ Timepoint Order… in the real window (issue 22, item 4): the lab manager moves a
timepoint with the keyboard and saves; the export's Change sheet follows the new order at once.
A list that leaves out a timepoint with videos is refused in plain words, nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFileDialog
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.manager.signing import sign_in_as_manager

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def _open_dialog(qtbot: QtBot, window: MainWindow) -> QDialog:
    action = window.findChild(QAction, "actionTimepoints")
    assert action is not None and action in window.menuFile.actions()
    action.trigger()
    dialog = window.findChild(QDialog, "timepointsDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _shown(dialog: QDialog) -> list[str]:
    listing = dialog.timepointsList  # type: ignore[attr-defined]
    return [listing.item(i).text() for i in range(listing.count())]


def _export_change_sheet(
    qtbot: QtBot, window: MainWindow, out: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], list[list[object]], list[str]]:
    """File ▸ Export… as a person does: the options dialog (OK), a file name; returns the
    Change sheet's header and rows and the timepoints the options dialog listed."""
    listed: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() != "timepointsDialog"
        timepoints = dialog.timepointsList  # type: ignore[attr-defined]
        listed.extend(timepoints.item(i).text() for i in range(timepoints.count()))
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)  # type: ignore[attr-defined]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    QTimer.singleShot(200, answer)
    with qtbot.waitSignal(window.exchange.exported, timeout=60_000):
        window.actionExport.trigger()
    rows = [list(r) for r in load_workbook(out)["Change"].iter_rows(values_only=True)]
    return [str(c) for c in rows[0]], rows[1:], listed


def test_reorder_with_keys_and_save_then_the_export_follows(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.sign_in("Coder A (demo)")
    action = window.findChild(QAction, "actionTimepoints")
    assert action is not None and not action.isEnabled()  # the lab manager's
    sign_in_as_manager(qtbot, window)
    assert action.isEnabled()
    dialog = _open_dialog(qtbot, window)
    assert _shown(dialog) == ["T1 pre", "T2 follow-up"]  # no order set: as first recorded
    listing = dialog.timepointsList  # type: ignore[attr-defined]
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_Home)
    qtbot.keyClick(listing, Qt.Key.Key_Down)  # on "T2 follow-up"
    qtbot.keyClick(listing, Qt.Key.Key_Up, CTRL)  # moved up
    assert _shown(dialog) == ["T2 follow-up", "T1 pre"]
    assert listing.currentItem().text() == "T2 follow-up"  # the moved one stays current
    qtbot.keyClick(listing, Qt.Key.Key_Down, CTRL)  # and down again
    qtbot.keyClick(listing, Qt.Key.Key_Up, CTRL)
    assert _shown(dialog) == ["T2 follow-up", "T1 pre"]
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)  # type: ignore[attr-defined]
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.study.timepoints.order() == ["T2 follow-up", "T1 pre"]
    assert "T2 follow-up → T1 pre" in window.statusBar().currentMessage()

    header, rows, listed = _export_change_sheet(qtbot, window, tmp_path / "after.xlsx", monkeypatch)
    assert listed == ["T2 follow-up", "T1 pre"]  # the export's options list them in order too
    first, second = header.index("score_t2_follow_up"), header.index("score_t1_pre")
    assert first < second  # before = T2 follow-up, after = T1 pre
    difference = header.index("difference")
    checked = 0
    for row in rows:
        before, after = row[first], row[second]
        if isinstance(before, float | int) and isinstance(after, float | int):
            assert row[difference] == pytest.approx(after - before)
            checked += 1
    assert checked >= 4  # every demo participant has both timepoints


def test_leaving_a_timepoint_out_is_refused_in_plain_words(
    window: MainWindow, qtbot: QtBot
) -> None:
    sign_in_as_manager(qtbot, window)
    dialog = _open_dialog(qtbot, window)
    listing = dialog.timepointsList  # type: ignore[attr-defined]
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_Home)  # "T1 pre"
    qtbot.keyClick(listing, Qt.Key.Key_Delete)  # taken out of the list
    assert _shown(dialog) == ["T2 follow-up"]
    # a timepoint that has no videos yet may be named, e.g. for measures taken at 6 months
    qtbot.keyClicks(dialog.addEdit, "T3 six months")  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.addEdit, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert _shown(dialog) == ["T2 follow-up", "T3 six months"]
    assert dialog.isVisible()  # Enter in the add box adds, it does not save
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)  # type: ignore[attr-defined]
    qtbot.mouseClick(save, LEFT)
    error = dialog.errorLabel  # type: ignore[attr-defined]
    assert dialog.isVisible() and error.isVisible()
    assert "'T1 pre'" in error.text() and "leaves out" in error.text()
    assert "nothing was changed" in error.text().lower()
    assert window.study.timepoints.order() == []  # nothing saved
    # put it back where it belongs (last, then up twice) and save
    qtbot.keyClicks(dialog.addEdit, "T1 pre")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.addButton, LEFT)  # type: ignore[attr-defined]
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_End)
    qtbot.mouseClick(dialog.upButton, LEFT)  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.upButton, LEFT)  # type: ignore[attr-defined]
    assert _shown(dialog) == ["T1 pre", "T2 follow-up", "T3 six months"]
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.study.timepoints.order() == ["T1 pre", "T2 follow-up", "T3 six months"]
