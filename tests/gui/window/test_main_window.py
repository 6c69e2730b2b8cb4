"""The main window, driven by keys and clicks offscreen (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.demo import DEMO_STUDY_NAME
from eas_coder.gui.window.app import application, open_window, startup_location
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from tests.gui.showing import wait_shown

LEFT = Qt.MouseButton.LeftButton


def test_window_lists_the_demo_videos(window: MainWindow) -> None:
    model = window.videoTable.model()
    assert model.rowCount() == 8
    rows = [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(4)]
    assert rows == [("D001", "T1 pre"), ("D001", "T2 follow-up"),
                    ("D002", "T1 pre"), ("D002", "T2 follow-up")]  # fmt: skip
    assert model.index(0, 3).data() == "0:04"
    # the lab manager sees every coder's status
    assert model.index(0, 2).data() == "Coder A (demo): submitted, Coder B (demo): in progress"
    tip = model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)  # one line per coder
    assert tip == "Coder A (demo): submitted\nCoder B (demo): in progress"
    assert window.windowTitle().startswith("Demo study")
    assert "8 videos, 3 coders" in window.statusBar().currentMessage()


def test_arrow_keys_move_through_videos_and_show_details(window: MainWindow, qtbot: QtBot) -> None:
    window.videoTable.setFocus()
    assert window.participantValue.text() == "D001"
    assert "Coder A (demo)" in window.codingValue.text()
    assert "Coder B (demo)" in window.codingValue.text()  # the double-coded tape
    for _ in range(2):
        qtbot.keyClick(window.videoTable, Qt.Key.Key_Down)
    wait_shown(qtbot, window)
    assert (window.participantValue.text(), window.timepointValue.text()) == ("D002", "T1 pre")
    assert window.framesValue.text() == "100 at 25.000 fps"
    assert "Coder B" not in window.codingValue.text()  # coded by one coder only


def test_clicking_a_row_selects_it(window: MainWindow, qtbot: QtBot) -> None:
    table = window.videoTable
    rect = table.visualRect(table.model().index(3, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_shown(qtbot, window)
    assert window.timepointValue.text() == "T2 follow-up"
    assert window.participantValue.text() == "D002"


def test_missing_video_file_is_flagged(qtbot: QtBot, demo_study_file: Path) -> None:
    (demo_study_file.parent / "videos" / "d002_t1.mp4").unlink()
    application()
    win = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(win)
    index = win.videoTable.model().index(2, 5)
    assert index.data().endswith("— missing")
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#b03a2e")
    assert "1 video file(s) missing" in win.statusBar().currentMessage()


def test_opening_a_bad_file_warns_and_keeps_the_study(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "not-a-study.sqlite"
    bad.write_text("hello")
    warnings: list[str] = []
    # Modal dialogs cannot be clicked offscreen: answer them in place.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    window.actionOpenStudy.trigger()
    assert len(warnings) == 1 and "not-a-study.sqlite" in warnings[0]
    assert window.videoTable.model().rowCount() == 8
    assert window.study.info.name.startswith("Demo study")


def test_new_study_from_the_menu(window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    window.actionNewStudy.trigger()
    dialog = window.findChild(QDialog, "newStudyDialog")
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.nameEdit, "fresh")
    dialog.locationEdit.clear()
    qtbot.keyClicks(dialog.locationEdit, str(tmp_path / "fresh"))
    qtbot.keyClicks(dialog.passphraseEdit, "manager-words")
    qtbot.keyClicks(dialog.repeatEdit, "manager-words")
    qtbot.keyClicks(dialog.codersEdit, "Ana")
    with qtbot.waitSignal(window.studyChanged, timeout=5000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    assert (tmp_path / "fresh.sqlite").exists()
    assert window.videoTable.model().rowCount() == 0
    assert window.study.manager.verify("manager-words")
    assert [c.name for c in window.study.coders.all()] == ["Ana"]
    assert window.windowTitle() == "fresh — nobody signed in — EAS Coder"
    coder_dialog = window.findChild(QDialog, "coderDialog")  # then: who is coding?
    assert coder_dialog is not None and coder_dialog.isVisible()


def test_first_launch_opens_a_demo_study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = from_string(tmp_path / "data" / "eas-coder" / "study.sqlite")
    chosen = startup_location(default, explicit=False)
    assert chosen.path == tmp_path / "data" / "eas-coder" / "demo" / DEMO_STUDY_NAME
    assert chosen.path is not None and chosen.path.exists()
    assert startup_location(default, explicit=False) == chosen  # built once, then reused
    explicit = from_string(tmp_path / "mine.sqlite")
    assert startup_location(explicit, explicit=True) == explicit


def test_the_last_study_opens_at_start(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = from_string(tmp_path / "data" / "eas-coder" / "study.sqlite")
    # the window's study was recorded as recent when it opened
    assert startup_location(default, explicit=False).path == window.study.location.path
