"""Add Videos that guesses right (issue 23, item 5), in the real window: File ▸ Add Videos…
shows every guess before anything is added; the lab types its file name pattern once, the
rows follow it (cells a person typed stay), the videos are added as shown, and the next Add
Videos starts from the pattern the study remembered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from eas_coder.gui.study.add_videos import AddVideosDialog
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.media.demo_videos import write_demo_video

PATTERN = "cam*_{dyad}_{timepoint}"


def _rows(dialog: AddVideosDialog) -> list[tuple[str, str, str]]:
    table = dialog.filesTable
    return [
        (table.item(r, 1).text(), table.item(r, 2).text(), table.item(r, 3).text())
        for r in range(table.rowCount())
    ]


def _with_dialog(qtbot: QtBot, window: MainWindow, act: Callable[[AddVideosDialog], None]) -> None:
    """Trigger File ▸ Add Videos… and run ``act`` on the modal dialog once it shows."""
    seen: list[AddVideosDialog] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AddVideosDialog) and dialog.isVisible():
            seen.append(dialog)
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    window.findChild(QAction, "actionAddVideos").trigger()  # returns when the dialog closed
    assert seen, "the Add Videos dialog never showed"


def test_pattern_set_once_is_applied_and_remembered(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["cam1_M101_pre.mp4", "cam1_M102_post.mp4", "M103 follow up.mp4"]
    files = []
    for seed, name in enumerate(names):
        files.append(write_demo_video(tmp_path / name, name, seconds=1.0, seed=seed))
    chosen = [str(f) for f in files]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (chosen, ""))
    before = len(window.study.videos.all())
    shown: dict[str, object] = {}

    def first(dialog: AddVideosDialog) -> None:
        # the guess alone takes the camera for the dyad; the preview shows it, nothing added
        shown["guessed"] = _rows(dialog)
        dialog.patternEdit.setFocus()
        qtbot.keyClicks(dialog.patternEdit, PATTERN)
        qtbot.keyClick(dialog.patternEdit, Qt.Key.Key_Return)  # must not add yet
        shown["patterned"] = _rows(dialog)
        shown["status"] = dialog.patternStatus.text()
        # the person types the third file's timepoint (F2, type, Enter)
        table = dialog.filesTable
        table.setFocus()
        table.setCurrentCell(2, 2)
        qtbot.keyClick(table, Qt.Key.Key_F2)
        editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
        editor.selectAll()
        qtbot.keyClicks(editor, "T3 follow-up")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.item(2, 2).text() == "T3 follow-up")  # committed
        dialog.patternEdit.setFocus()
        qtbot.keyClick(dialog.patternEdit, Qt.Key.Key_End)
        qtbot.keyClick(dialog.patternEdit, Qt.Key.Key_Space)  # a change: rows read again
        qtbot.keyClick(dialog.patternEdit, Qt.Key.Key_Backspace)
        shown["kept"] = _rows(dialog)[2]
        shown["added_meanwhile"] = len(window.study.videos.all())
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        shown["ok"] = ok.text()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    adder = window.study_actions.adder
    with qtbot.waitSignal(adder.finished, timeout=60_000):
        _with_dialog(qtbot, window, first)
    assert shown["guessed"] == [
        ("cam1", "pre", "file name"),
        ("cam1", "post", "file name"),
        ("M103", "follow-up", "file name"),
    ]
    assert shown["patterned"] == [
        ("M101", "pre", "the pattern"),
        ("M102", "post", "the pattern"),
        ("M103", "follow-up", "file name"),
    ]
    assert shown["status"] == "The pattern fits 2 of 3 files; the others are guessed."
    assert shown["kept"] == ("M103", "T3 follow-up", "typed")
    assert shown["added_meanwhile"] == before  # the preview added nothing
    assert shown["ok"] == "Add 3 Videos"
    added = {(v.participant_code, v.timepoint) for v in window.study.videos.all()}
    assert {("M101", "pre"), ("M102", "post"), ("M103", "T3 follow-up")} <= added
    assert window.study.settings.get("videos.name_pattern") == PATTERN
    adder.summary_box.close()  # type: ignore[union-attr]

    # the next Add Videos starts from the remembered pattern
    again = write_demo_video(tmp_path / "cam2_M104_pre.mp4", "again", seconds=1.0, seed=9)
    chosen[:] = [str(again)]

    def second(dialog: AddVideosDialog) -> None:
        shown["pattern"] = dialog.patternEdit.text()
        shown["rows"] = _rows(dialog)
        dialog.reject()

    _with_dialog(qtbot, window, second)
    assert shown["pattern"] == PATTERN
    assert shown["rows"] == [("M104", "pre", "the pattern")]
