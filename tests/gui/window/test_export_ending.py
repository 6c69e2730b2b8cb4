"""An export is offered a file name (study, date, kind) and ends with a box that opens its
folder (issue 23 item 8b); nothing is launched here: the URL asked for is checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.export_dialog import ExportDialog, default_export_name
from eas_coder.gui.window.main_window import MainWindow


def test_default_name_holds_study_date_and_kind_and_no_bad_characters() -> None:
    day = date(2026, 12, 3)
    assert default_export_name("Demo study", "ratings", ".xlsx", day) == (
        "Demo study 2026-12-03 ratings.xlsx"
    )
    assert default_export_name('Cohort A/B: "pilot"?', "ratings", ".csv", day) == (
        "Cohort A B pilot 2026-12-03 ratings.csv"
    )
    assert default_export_name("...", "ratings", ".sav", day) == "study 2026-12-03 ratings.sav"


def test_export_offers_a_name_and_ends_by_offering_the_folder(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExportDialog, "exec", lambda _d: QDialog.DialogCode.Accepted)
    offered: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(tmp_path / Path(suggested).name), ""  # the person keeps the name

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(window.exchange.exported, timeout=60_000):
        qtbot.keyClick(window.videoTable, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    name = f"{window.study.info.name} {date.today().isoformat()} ratings.xlsx"
    assert Path(offered[0]).name == name
    assert (tmp_path / name).is_file()
    box = window.findChild(QMessageBox, "exportedBox")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert str(tmp_path) in box.text() and name in box.text()
    button = box.findChild(QPushButton, "openFolderButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]

    # the next export is offered in the same folder
    def cancel(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancel)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.videoTable, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert Path(offered[1]).parent == tmp_path
