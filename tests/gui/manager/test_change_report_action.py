"""Tools ▸ Change Report… in the real window (issue 22, item 6): one participant or the whole
study, PDF or HTML, written in the background; the message names the file and opens its
folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.change_report_action import ChangeReportAction
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.manager.signing import sign_in_as_manager

LEFT = Qt.MouseButton.LeftButton


def _open(qtbot: QtBot, window: MainWindow) -> tuple[ChangeReportAction, QDialog]:
    action = window.findChild(QAction, "actionChangeReport")
    assert action is not None
    tools = window.menuTools.actions()
    reliability = window.findChild(QAction, "actionReliabilityReport")
    assert tools.index(action) == tools.index(reliability) + 1  # next to the reliability report
    helper = action.parent()
    assert isinstance(helper, ChangeReportAction)
    action.trigger()
    dialog = window.findChild(QDialog, "changeReportDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return helper, dialog


def test_change_report_of_one_participant_from_the_menu(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.sign_in("Coder A (demo)")
    action = window.findChild(QAction, "actionChangeReport")
    assert action is not None and not action.isEnabled()  # the lab manager's
    sign_in_as_manager(qtbot, window)
    helper, dialog = _open(qtbot, window)
    who = dialog.participantBox  # type: ignore[attr-defined]
    assert [who.itemText(i) for i in range(who.count())] == [
        "Whole study (every participant)", "D001", "D002", "D003", "D004"
    ]  # fmt: skip
    who.setFocus()
    qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClick(who, Qt.Key.Key_Down)  # D002
    assert who.currentText() == "D002"
    folder = window.study.location.base_dir
    assert folder is not None
    expected = folder / "change-report-D002.pdf"
    assert dialog.fileEdit.text() == str(expected)  # type: ignore[attr-defined]
    assert dialog.pdfRadio.isChecked()  # type: ignore[attr-defined]
    with qtbot.waitSignal(helper.written, timeout=60_000) as written:
        qtbot.keyClick(who, Qt.Key.Key_Return)  # Write
        assert helper.busy() and helper.progress is not None and helper.progress.isVisible()
    assert written.args == [str(expected)]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(expected).pages)
    assert "participant D002" in text and "Change from T1 pre to T2 follow-up" in text
    assert "D001" not in text  # one participant's report
    box = helper.box
    assert box is not None and box.isVisible() and str(expected) in box.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    folder_button = box.findChild(type(dialog.browseButton), "openFolderButton")  # type: ignore[attr-defined]
    assert folder_button is not None and folder_button.text() == "Open Folder"
    qtbot.mouseClick(folder_button, LEFT)
    assert [u.toLocalFile() for u in opened] == [str(folder)]


def test_whole_study_as_html_and_a_failure_said_in_plain_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    sign_in_as_manager(qtbot, window)
    helper, dialog = _open(qtbot, window)
    qtbot.mouseClick(dialog.htmlRadio, LEFT)  # type: ignore[attr-defined]
    edit = dialog.fileEdit  # type: ignore[attr-defined]
    assert edit.text().endswith("change-report.html")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, str(tmp_path / "no such folder" / "c.html"))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "no such folder" in dialog.errorLabel.text()  # type: ignore[attr-defined]
    edit.selectAll()
    qtbot.keyClicks(edit, str(tmp_path / "study.html"))
    with qtbot.waitSignal(helper.written, timeout=60_000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    assert "Change in the study" in html and "D004" in html
    assert helper.box is not None and helper.box.icon() == QMessageBox.Icon.Information
    # the core refuses a study whose order has one timepoint with scores: said, no file
    window.study.timepoints.set(["T1 pre", "T2 follow-up"])
    helper.box.close()
    with qtbot.waitSignal(helper.failed, timeout=60_000) as failed:
        helper.start("nobody", tmp_path / "x.pdf")
    assert "was not written" in failed.args[0] and "nobody" in failed.args[0]
    assert not (tmp_path / "x.pdf").exists()
