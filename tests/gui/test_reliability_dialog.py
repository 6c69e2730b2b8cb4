"""Tools ▸ Reliability in the window: the table, labels, flags and disagreements."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from eas_coder.gui.main_window import MainWindow
from eas_coder.reliability import compute, koo_li_label
from eas_coder.review import disagreements


def _dialog(window: MainWindow) -> QDialog:
    return next(d for d in window.findChildren(QDialog) if d.objectName() == "ReliabilityDialog")


def test_reliability_table_matches_the_core_and_flags_low_dimensions(
    window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window)
    qtbot.waitExposed(dialog)
    report = compute(window.study)
    table = dialog.statsTable
    assert table.rowCount() == len(report.dimensions)
    for row, result in enumerate(report.dimensions.values()):
        value = result.icc["ICC2"].value
        assert table.item(row, 0).text() == result.label
        assert table.item(row, 4).text() == koo_li_label(value)
        flagged = result.flagged("ICC2", 0.70)
        assert (table.item(row, 8).text() == "below target") is flagged
    assert dialog.disagreementsTable.rowCount() == len(disagreements(window.study))


def test_switching_to_segment_level_recomputes(window: MainWindow, qtbot: QtBot) -> None:
    window.actionReliability.trigger()
    dialog = _dialog(window)
    dialog.levelBox.setFocus()
    qtbot.keyClick(dialog.levelBox, Qt.Key.Key_Down)
    assert dialog.levelBox.currentData() == "segment"
    segment_level = compute(window.study, level="segment")
    first = next(iter(segment_level.dimensions.values()))
    assert dialog.statsTable.item(0, 1).text() == str(first.n_units)
    assert dialog.disagreementsTable.rowCount() == len(disagreements(window.study, level="segment"))
