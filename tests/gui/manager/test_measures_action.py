"""File ▸ Import Measures… in the real window (issue 22, item 5): a preview of every row with
its problems named, Import only when there are none, the write in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QTableWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.measures_action import MeasuresImportAction
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.manager.signing import sign_in_as_manager

LEFT = Qt.MouseButton.LeftButton
GOOD = (
    "participant,timepoint,measure,value,direction\n"
    "D001,T1 pre,BDI,27,lower-better\n"
    "D001,T2 follow-up,BDI,16,lower-better\n"
    "D002,T1 pre,BDI,22,lower-better\n"
    "D002,T2 follow-up,BDI,19,lower-better\n"
)


def _choose(monkeypatch: pytest.MonkeyPatch, sheet: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))


def _open(qtbot: QtBot, window: MainWindow) -> tuple[MeasuresImportAction, QDialog]:
    action = window.findChild(QAction, "actionImportMeasures")
    assert action is not None and action in window.menuFile.actions()
    helper = action.parent()
    assert isinstance(helper, MeasuresImportAction)
    action.trigger()
    qtbot.waitUntil(lambda: helper.dialog is not None and helper.dialog.isVisible())
    dialog = helper.dialog
    assert dialog is not None and dialog.objectName() == "measuresImportDialog"
    qtbot.waitUntil(lambda: not dialog.checking(), timeout=30_000)  # checked in the background
    return helper, dialog


def _table(dialog: QDialog) -> list[list[str]]:
    table = dialog.findChild(QTableWidget, "previewTable")
    assert table is not None
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_import_a_measures_csv_through_the_dialog(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "bdi.csv"
    sheet.write_text(GOOD, encoding="utf-8")
    window.sign_in("Coder A (demo)")
    action = window.findChild(QAction, "actionImportMeasures")
    assert action is not None and not action.isEnabled()  # the lab manager's
    sign_in_as_manager(qtbot, window)
    _choose(monkeypatch, sheet)
    helper, dialog = _open(qtbot, window)
    rows = _table(dialog)
    assert [r[:6] for r in rows] == [
        ["2", "D001", "T1 pre", "BDI", "27", "lower-better"],
        ["3", "D001", "T2 follow-up", "BDI", "16", "lower-better"],
        ["4", "D002", "T1 pre", "BDI", "22", "lower-better"],
        ["5", "D002", "T2 follow-up", "BDI", "19", "lower-better"],
    ]
    assert all(r[6] == "" for r in rows)  # no problems
    assert "4 values to import" in dialog.summaryLabel.text()  # type: ignore[attr-defined]
    button = dialog.importButton  # type: ignore[attr-defined]
    assert button.isEnabled()
    with qtbot.waitSignal(helper.imported, timeout=30_000):
        qtbot.mouseClick(button, LEFT)
        assert dialog.busy()  # the write runs off the GUI thread
    qtbot.waitUntil(lambda: not dialog.isVisible())
    values = {
        (v.participant, v.timepoint, v.measure): v.value for v in window.study.measures.values()
    }
    assert values == {
        ("D001", "T1 pre", "BDI"): 27, ("D001", "T2 follow-up", "BDI"): 16,
        ("D002", "T1 pre", "BDI"): 22, ("D002", "T2 follow-up", "BDI"): 19,
    }  # fmt: skip
    assert window.study.measures.get("bdi").direction == "lower-better"
    assert "Imported 4 values of other measures" in window.statusBar().currentMessage()

    # the same file with one value changed: refused unless "Replace" is ticked
    sheet.write_text(GOOD.replace("D002,T2 follow-up,BDI,19", "D002,T2 follow-up,BDI,14"))
    helper, dialog = _open(qtbot, window)
    rows = _table(dialog)
    assert "holds 19" in rows[3][6] and not dialog.importButton.isEnabled()  # type: ignore[attr-defined]
    box = dialog.replaceCheck  # type: ignore[attr-defined]
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))  # on the box, not past its text
    qtbot.waitUntil(
        lambda: not dialog.checking() and dialog.importButton.isEnabled(), timeout=30_000
    )  # type: ignore[attr-defined]
    assert "1 value to import" in dialog.summaryLabel.text()  # type: ignore[attr-defined]
    with qtbot.waitSignal(helper.imported, timeout=30_000):
        qtbot.mouseClick(dialog.importButton, LEFT)  # type: ignore[attr-defined]
    values = {(v.participant, v.timepoint): v.value for v in window.study.measures.values()}
    assert values[("D002", "T2 follow-up")] == 14


def test_a_bad_row_is_named_and_nothing_is_written(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        GOOD + "X999,T1 pre,BDI,12,lower-better\nD003,T1 pre,BDI,lots,lower-better\n",
        encoding="utf-8",
    )
    sign_in_as_manager(qtbot, window)
    _choose(monkeypatch, sheet)
    _helper, dialog = _open(qtbot, window)
    rows = _table(dialog)
    assert len(rows) == 6
    assert all(r[6] == "" for r in rows[:4])
    assert rows[4][0] == "6" and "unknown participant 'X999'" in rows[4][6]
    assert rows[5][0] == "7" and "not a number: 'lots'" in rows[5][6]
    summary = dialog.summaryLabel.text()  # type: ignore[attr-defined]
    assert "2 rows have problems" in summary and "nothing is written" in summary.lower()
    assert not dialog.importButton.isEnabled()  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.study.measures.values() == []
    assert window.study.measures.all() == []
