"""Tools ▸ Reliability Report… in the real window: lab manager only, written in the
background behind a progress dialog, the same numbers as the core report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.report_action import ReportAction
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.reliability import compute


def test_reliability_report_from_the_tools_menu(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = window.findChild(type(window.actionReliability), "actionReliabilityReport")
    assert action is not None and action in window.menuTools.actions()
    helper = action.parent()
    assert isinstance(helper, ReportAction)
    window.sign_in("Coder A (demo)")
    assert not action.isEnabled()  # lab manager only
    window.sign_in(None, manager=True)
    assert action.isEnabled()

    out = tmp_path / "report"  # no suffix chosen: PDF
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(helper.written, timeout=60_000) as written:
        action.trigger()
        # the work runs off the GUI thread: the trigger returned with the job still going
        assert helper.busy() and helper.progress is not None and helper.progress.isVisible()
    pdf = tmp_path / "report.pdf"
    assert written.args == [str(pdf)]
    assert helper.box is not None and helper.box.icon() == QMessageBox.Icon.Information
    # it ends with the box that opens the report's folder
    box = helper.exported_box
    assert isinstance(box, QMessageBox) and box.objectName() == "exportedBox"
    qtbot.waitUntil(box.isVisible)
    assert str(tmp_path) in box.text() and pdf.name in box.text()
    assert "reliability report" in box.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    button = box.findChild(QPushButton, "openFolderButton")
    assert button is not None and button.text() == "Open Folder"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    data = compute(window.study).to_json()
    for key, dim in data["dimensions"].items():
        if dim["ICC1"] is not None:
            assert f"{dim['ICC1']:.2f}" in text, key
    assert "Coding was blind" in text  # the demo has a lab-manager passphrase
    assert json.dumps(data)  # plain JSON, as the report reads it


def test_report_failure_is_said_and_leaves_no_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    helper = window.report_action.parent()
    assert isinstance(helper, ReportAction)
    out = tmp_path / "missing folder" / "r.html"
    with qtbot.waitSignal(helper.failed, timeout=60_000) as failed:
        helper.start(out)
    assert "was not written" in failed.args[0] and "missing folder" in failed.args[0]
    assert not out.parent.exists()
