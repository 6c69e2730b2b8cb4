"""Small things a coder feels every day (issue 23 item 8), driven with keys and clicks: a
video reopens where the coder left it; status hints do not go stale; a new study shows no
video of the last one; Ctrl+Y redoes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.demo import CODERS, NEW_CODER
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.test_coding_flow import open_demo, sign_in_with_dialog

CTRL = Qt.KeyboardModifier.ControlModifier
NO_MODS = Qt.KeyboardModifier.NoModifier


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODS) -> None:
    """A key to whatever has the keyboard, as when a person types."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert isinstance(target, QWidget)
    qtbot.keyClick(target, key, modifier)


def click_video(qtbot: QtBot, window: MainWindow, row: int) -> None:
    """Click a row of the Videos list and wait until its file is open, paused."""
    table = window.videoTable
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wanted = window.current_video()
    assert wanted is not None
    player = window.playerPanel.player
    session = window.session
    qtbot.waitUntil(lambda: session.video is not None and session.video.id == wanted.id)
    qtbot.waitUntil(
        lambda: player.frame_index is not None and not player.is_loading(), timeout=10_000
    )
    window.playerPanel.surface.setFocus()


def row_of(window: MainWindow, video_id: int) -> int:
    model = window.videoTable.model()
    for row in range(model.rowCount()):
        source = window._filter.mapToSource(model.index(row, 0)).row()
        video = window._model.video(source)  # type: ignore[union-attr]
        if video.id == video_id:
            return row
    raise AssertionError(f"video {video_id} not listed")


def switch_coder(qtbot: QtBot, window: MainWindow, coder: str) -> None:
    """File ▸ Switch Coder again: the new dialog, the coder picked with the keys, Enter."""
    dialog = window.choose_coder()
    qtbot.waitUntil(dialog.isVisible)
    names = [dialog.codersList.item(i).text() for i in range(dialog.codersList.count())]
    dialog.codersList.setFocus()
    dialog.codersList.setCurrentRow(names.index(coder))
    qtbot.keyClick(dialog.codersList, Qt.Key.Key_Return)
    session = window.session
    qtbot.waitUntil(lambda: session.coder is not None and session.coder.name == coder)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.playerPanel.surface.setFocus()


def step_to(qtbot: QtBot, window: MainWindow, frame: int) -> None:
    player = window.playerPanel.player
    while player.position() < frame:
        here = player.position()
        press(qtbot, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda h=here: player.position() == h + 1)


def newcomers_videos(window: MainWindow) -> list[int]:
    study = window.study
    coder = study.coders.get(NEW_CODER)
    assert coder is not None
    return sorted(a.video_id for a in study.assignments.all() if a.coder_id == coder.id)


def test_a_video_reopens_where_the_coder_left_it(qtbot: QtBot, demo_study_file: Path) -> None:
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, second = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    step_to(qtbot, window, 17)
    click_video(qtbot, window, row_of(window, second))  # leaving the first video
    assert window.playerPanel.player.position() == 0  # never opened by this coder: the start
    step_to(qtbot, window, 5)
    click_video(qtbot, window, row_of(window, first))  # back: where they left it
    player = window.playerPanel.player
    qtbot.waitUntil(lambda: player.position() == 17, timeout=5_000)
    step_to(qtbot, window, 23)
    window.close()  # closing writes the place too

    again = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, again, NEW_CODER)
    click_video(qtbot, again, row_of(again, second))
    qtbot.waitUntil(lambda: again.playerPanel.player.position() == 5, timeout=5_000)
    click_video(qtbot, again, row_of(again, first))
    qtbot.waitUntil(lambda: again.playerPanel.player.position() == 23, timeout=5_000)
    # another coder has their own place: Coder A never moved in this video
    switch_coder(qtbot, again, CODERS[0])
    qtbot.waitUntil(lambda: again.playerPanel.player.position() == 23)  # stays on screen
    positions = again.study.positions
    coder_a = again.study.coders.get(CODERS[0])
    assert coder_a is not None and positions.get(first, coder_a.id) is None


def test_the_in_hint_goes_once_o_made_the_segment(qtbot: QtBot, demo_study_file: Path) -> None:
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, _ = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    bar = window.statusBar()
    step_to(qtbot, window, 3)
    press(qtbot, Qt.Key.Key_I)
    assert bar.currentMessage().startswith("In at")
    window.playerPanel.surface.setFocus()
    step_to(qtbot, window, 9)
    count = len(window.session.my_segments())
    press(qtbot, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == count + 1)
    qtbot.waitUntil(lambda: not bar.currentMessage().startswith("In at"), timeout=3_000)
    # O without a new I: the refusal says why, and stays (it is news, not stale)
    window.playerPanel.surface.setFocus()
    press(qtbot, Qt.Key.Key_O)
    qtbot.wait(50)
    assert bar.currentMessage() == "Press I at the first frame of the episode first"


def test_hints_go_after_undo_another_video_and_another_coder(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, second = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    bar = window.statusBar()
    count = len(window.session.my_segments())
    press(qtbot, Qt.Key.Key_I)
    window.playerPanel.surface.setFocus()
    step_to(qtbot, window, 6)
    press(qtbot, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == count + 1)
    window.playerPanel.surface.setFocus()
    press(qtbot, Qt.Key.Key_O)  # a hint: press I first
    assert bar.currentMessage().startswith("Press I")
    press(qtbot, Qt.Key.Key_Z, CTRL)  # the segment is undone: the hint about it is old news
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == count)
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=3_000)
    # an In mark on one video is no mark on another: its hint and the mark both go
    step_to(qtbot, window, 8)
    press(qtbot, Qt.Key.Key_I)
    assert bar.currentMessage().startswith("In at")
    click_video(qtbot, window, row_of(window, second))
    assert not bar.currentMessage().startswith("In at")
    assert window.controller.mark_in is None
    press(qtbot, Qt.Key.Key_I)
    assert bar.currentMessage().startswith("In at")
    switch_coder(qtbot, window, CODERS[1])
    assert not bar.currentMessage().startswith("In at")
    assert window.controller.mark_in is None


def test_ctrl_y_redoes(qtbot: QtBot, demo_study_file: Path) -> None:
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, _ = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    before = len(window.session.my_segments())
    step_to(qtbot, window, 2)
    press(qtbot, Qt.Key.Key_I)
    window.playerPanel.surface.setFocus()
    step_to(qtbot, window, 8)
    press(qtbot, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before + 1)
    window.playerPanel.surface.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before)
    press(qtbot, Qt.Key.Key_Y, CTRL)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before + 1)
    # Ctrl+Shift+Z still redoes too
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before)
    press(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before + 1)


def test_a_new_study_shows_no_video_of_the_last_one(
    qtbot: QtBot, demo_study_file: Path, tmp_path: Path
) -> None:
    window = open_demo(qtbot, demo_study_file)
    window.sign_in(None, manager=True)
    click_video(qtbot, window, 0)
    assert window.playerPanel.player.path is not None
    assert window.details._label("participantValue").text() != "–"
    dialog = window.study_actions.new_study()
    qtbot.waitUntil(dialog.isVisible)
    fill_new_study(qtbot, dialog, tmp_path / "empty.sqlite")
    qtbot.waitUntil(lambda: window.study.info.name == "Empty study", timeout=10_000)
    coder_dialog = window.findChild(QDialog, "coderDialog")
    if coder_dialog is not None:
        coder_dialog.reject()
    assert window.playerPanel.player.path is None
    assert window.details._label("participantValue").text() == "–"
    assert window.details._label("fileValue").text() == "–"
    assert window.session.video is None


def fill_new_study(qtbot: QtBot, dialog: QDialog, path: Path) -> None:
    """Name, file and passphrase typed as a person would, then OK."""
    for edit, text in (
        (dialog.nameEdit, "Empty study"),  # type: ignore[attr-defined]
        (dialog.passphraseEdit, "lab-manager-7"),  # type: ignore[attr-defined]
        (dialog.repeatEdit, "lab-manager-7"),  # type: ignore[attr-defined]
    ):
        edit.setFocus()
        qtbot.keyClicks(edit, text)
    location = dialog.locationEdit  # type: ignore[attr-defined]
    location.setFocus()
    location.selectAll()
    qtbot.keyClicks(location, str(path))
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)  # type: ignore[attr-defined]
    qtbot.waitUntil(ok.isEnabled)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_ctrl_drag_draws_a_segment_where_alt_drag_is_taken(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    """Openbox, Xfce, MATE and Cinnamon move the window on Alt+drag: Ctrl+drag draws too,
    even starting on the thumbnail strip, where a plain drag only scrubs."""
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, _ = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    timeline = window.playerPanel.timeline
    strip_y = RULER_H + STRIP_H // 2
    left, right = timeline.width() // 5, timeline.width() // 2
    before = len(window.session.my_segments())
    # a plain drag on the strip scrubs: no segment
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(left, strip_y))
    qtbot.mouseMove(timeline, QPoint(right, strip_y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(right, strip_y))
    qtbot.wait(100)
    assert len(window.session.my_segments()) == before
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, CTRL, QPoint(left, strip_y))
    for x in range(left, right + 1, 20):
        qtbot.mouseMove(timeline, QPoint(x, strip_y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, CTRL, QPoint(right, strip_y))
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == before + 1)
    drawn = window.session.my_segments()[-1]
    assert drawn.start_ms < drawn.end_ms


def test_leaving_before_the_remembered_place_is_reached_keeps_it(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    """The player reports the first frame of a reopened video before its seek to the
    coder's remembered place lands; a coder who leaves in that instant (a fast click, a
    busy machine) had the place overwritten with the start (seen in CI)."""
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    first, second = newcomers_videos(window)
    click_video(qtbot, window, row_of(window, first))
    step_to(qtbot, window, 17)
    click_video(qtbot, window, row_of(window, second))  # 17 is kept for the first video
    click_video(qtbot, window, row_of(window, first))
    player = window.playerPanel.player
    qtbot.waitUntil(lambda: player.position() == 17, timeout=5_000)
    place = player.position_ms()
    everyday = window.study_actions.everyday
    everyday._on_opened(None)  # the first video opens again, seeking to its place...
    player.positionChanged.emit(0, 0)  # ...and its first frame is reported before it lands
    everyday.remember_place()  # the coder leaves now
    study, coder = window.study, window.session.coder
    assert coder is not None
    assert study.positions.get(first, coder.id) == place
