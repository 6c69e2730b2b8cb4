"""The video chosen in the list is shown a moment after the choice (issue 18): the click and
the showing are two turns of the event loop, and a key pressed at once still acts on the
video just chosen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.test_coding_flow import open_demo, press, sign_in_with_dialog
from tests.gui.showing import wait_shown

CODER = "Coder A (demo)"


def _row_of(window: MainWindow, participant: str, timepoint: str) -> int:
    model = window.videoTable.model()
    for row in range(model.rowCount()):
        if (model.index(row, 0).data(), model.index(row, 1).data()) == (participant, timepoint):
            return row
    raise AssertionError(f"{participant} {timepoint} not listed")


def _signed_in(qtbot: QtBot, study_file: Path) -> MainWindow:
    window = open_demo(qtbot, study_file)
    sign_in_with_dialog(qtbot, window, CODER)
    wait_shown(qtbot, window)
    return window


def _click(qtbot: QtBot, window: MainWindow, row: int) -> None:
    table = window.videoTable
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_click_shows_its_video_after_the_list_has_answered(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    window = _signed_in(qtbot, demo_study_file)
    before = window.session.video
    row = _row_of(window, "D002", "T1 pre")
    _click(qtbot, window, row)
    assert window.videoTable.currentIndex().row() == row  # the list answers the click at once
    assert window.session.video == before  # the video follows in the next turn
    wait_shown(qtbot, window)
    assert window.participantValue.text() == "D002"
    assert window.timepointValue.text() == "T1 pre"
    window.close()


def test_a_key_pressed_at_once_after_a_click_marks_the_chosen_video(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    window = _signed_in(qtbot, demo_study_file)
    player = window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=10_000)
    old = window.session.video
    _click(qtbot, window, _row_of(window, "D002", "T1 pre"))
    window.playerPanel.surface.setFocus()
    press(qtbot, Qt.Key.Key_I)  # before any turn of the event loop: the video is shown first
    chosen = window.current_video()
    assert chosen is not None and old is not None and chosen.id != old.id
    assert window.session.video is not None and window.session.video.id == chosen.id
    qtbot.waitUntil(lambda: player.frame_index is not None and player.path is not None)
    qtbot.waitUntil(lambda: player.path == window.study.videos.file_of(chosen), timeout=10_000)
    for _ in range(5):
        here = player.position()
        press(qtbot, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda h=here: player.position() == h + 1)
    press(qtbot, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == 1)
    (segment,) = window.session.my_segments()
    assert segment.video_id == chosen.id
    assert QApplication.activeWindow() is window
    window.close()
