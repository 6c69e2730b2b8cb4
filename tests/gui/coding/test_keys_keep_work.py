"""Keys that never lose work (issue 14, item 6), driven with keys and clicks on the real window:
any shortcut first saves the note being typed; Ctrl+Enter asks before locking, naming what it
locks; Escape takes the keyboard from a note back to the player; a click on the video or the
timeline takes it back too."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import flushed

CODER = "Coder B (demo)"  # has one unsubmitted segment on D001 T1, the video opened first
KEY = "sensitivity"
Mod = Qt.KeyboardModifier


def _signed_in(qtbot: QtBot, window: MainWindow) -> None:
    window.sign_in(CODER)
    player = window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=15_000)
    session = window.session
    assert session.video is not None and not session.is_locked()
    (segment,) = session.my_segments()
    session.set_score(KEY, 5, segment.id)  # a note goes with a score
    flushed(session)
    assert window.segmentTable.select_segment(segment.id)
    assert window.controller.target == segment.id


def _type_note(qtbot: QtBot, window: MainWindow, text: str) -> QLineEdit:
    field = window.ratingPanel.findChild(QLineEdit, f"note:{KEY}")
    assert field is not None
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    qtbot.keyClicks(field, text)
    assert QApplication.focusWidget() is field
    return field


def _stored_note(window: MainWindow, segment_id: int | None) -> str:
    """The note as the study file holds it (read through SQLite, not from the widgets)."""
    session = window.session
    assert session.video is not None and session.coder is not None
    flushed(session)  # saved once the window says so
    ratings = window.study.ratings.all(video_id=session.video.id, coder_id=session.coder.id)
    return next((r.note for r in ratings if r.dimension == KEY and r.segment_id == segment_id), "")


def _rate_everything(window: MainWindow) -> None:
    session = window.session
    for segment in session.my_segments():
        for dim in window.study.scheme.dimensions:
            if dim.key not in session.scores_of(segment.id)[0]:
                session.set_score(dim.key, 4, segment.id)
    flushed(session)
    assert session.missing() == []


def _modal_box(qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    return box


def _button(box: QMessageBox, role: QMessageBox.ButtonRole) -> QAbstractButton:
    (button,) = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


def test_window_shortcuts_save_the_note_being_typed_first(qtbot: QtBot, window: MainWindow) -> None:
    """A shortcut fired with the cursor still in the note (the focus never leaves it) saves
    the note before it acts: zoom keeps the target (the note stayed unsaved until the cursor
    left the field), an episode (Alt+1) and a split (Ctrl+K) re-read it."""
    _signed_in(qtbot, window)
    (segment,) = window.session.my_segments()
    player = window.playerPanel.player
    mid = (segment.start_ms + segment.end_ms) // 2
    player.seek_ms(mid)
    qtbot.waitUntil(lambda: abs(player.position_ms() - mid) < 200, timeout=10_000)
    presses = [
        ("zoomed in", Qt.Key.Key_Equal, Mod.ControlModifier),
        ("episode set", Qt.Key.Key_1, Mod.AltModifier),
        ("split here", Qt.Key.Key_K, Mod.ControlModifier),
    ]
    for text, key, modifier in presses:
        field = _type_note(qtbot, window, f"note before {text}")
        qtbot.keyClick(field, key, modifier)
        assert _stored_note(window, segment.id) == f"note before {text}", text
    assert window.session.my_segments()[0].episode is not None  # Alt+1 did act
    assert len(window.session.my_segments()) == 2  # and so did Ctrl+K


def test_saving_for_a_shortcut_leaves_the_cursor_where_the_coder_types(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Shift for a capital is typing, not a shortcut (nothing saved, the cursor stays); a real
    shortcut saves the note and leaves the cursor in place for the next word."""
    _signed_in(qtbot, window)
    (segment,) = window.session.my_segments()
    field = _type_note(qtbot, window, "calm voice")
    field.setCursorPosition(4)
    qtbot.keyClick(field, Qt.Key.Key_Shift, Mod.ShiftModifier)
    qtbot.keyClicks(field, "X")
    assert field.text() == "calmX voice"
    qtbot.keyClick(field, Qt.Key.Key_Equal, Mod.ControlModifier)  # zoom in: saved first
    assert _stored_note(window, segment.id) == "calmX voice"
    assert field.cursorPosition() == 5
    qtbot.keyClicks(field, "Y")
    assert field.text() == "calmXY voice"


def test_ctrl_enter_in_a_note_asks_naming_what_it_locks_and_keeps_the_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    _signed_in(qtbot, window)
    _rate_everything(window)
    session = window.session
    (segment,) = session.my_segments()
    assert session.video is not None
    field = _type_note(qtbot, window, "mother follows the baby's gaze")
    qtbot.keyClick(field, Qt.Key.Key_Return, Mod.ControlModifier)
    box = _modal_box(qtbot)
    assert _stored_note(window, segment.id) == "mother follows the baby's gaze"
    text = box.text() + box.informativeText()
    assert session.video.participant_code in text and session.video.timepoint in text
    assert CODER in text
    assert "1 segment" in text and f"{len(session.my_ratings())} scores" in text
    cancel = _button(box, QMessageBox.ButtonRole.RejectRole)
    assert box.defaultButton() is cancel  # Enter or a repeated Return must not lock
    assert box.escapeButton() is cancel
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()  # offscreen, closing a box that opened after the saves does not
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # give the window back
    assert not session.is_locked()
    assert window.session.study.assignments.of_video(session.video.id)  # still there

    # Return on the default button cancels as well
    field = _type_note(qtbot, window, "second thoughts")
    qtbot.keyClick(field, Qt.Key.Key_Return, Mod.ControlModifier)
    qtbot.keyClick(_modal_box(qtbot), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()  # offscreen, closing a box that opened after the saves does not
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # give the window back
    assert not session.is_locked()
    assert _stored_note(window, segment.id) == "second thoughts"

    field = _type_note(qtbot, window, "final word")
    qtbot.keyClick(field, Qt.Key.Key_Return, Mod.ControlModifier)
    box = _modal_box(qtbot)
    qtbot.mouseClick(_button(box, QMessageBox.ButtonRole.AcceptRole), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(session.is_locked)
    assert _stored_note(window, segment.id) == "final word"
    assert window.ratingPanel.is_locked()


def test_escape_in_a_note_gives_the_keyboard_back_to_the_player(
    qtbot: QtBot, window: MainWindow
) -> None:
    _signed_in(qtbot, window)
    (segment,) = window.session.my_segments()
    field = _type_note(qtbot, window, "brief look away")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.playerPanel.surface
    assert field.text() == "brief look away"
    assert _stored_note(window, segment.id) == "brief look away"
    # the keys are the player's again: I marks, it is not typed into the note
    player = window.playerPanel.player
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I)
    assert window.controller.mark_in == player.position_ms()
    assert field.text() == "brief look away"


def _click_takes_the_keyboard(qtbot: QtBot, window: MainWindow, target: QWidget) -> None:
    _signed_in(qtbot, window)
    (segment,) = window.session.my_segments()
    field = _type_note(qtbot, window, f"then a click on {target.objectName()}")
    player = window.playerPanel.player
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(5, target.height() // 2))
    assert QApplication.focusWidget() is target
    assert _stored_note(window, segment.id) == f"then a click on {target.objectName()}"
    player.go_to_start()
    qtbot.waitUntil(lambda: player.position() == 0, timeout=10_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # a frame on, not a cursor move
    qtbot.waitUntil(lambda: player.position() == 1, timeout=10_000)
    assert field.text() == f"then a click on {target.objectName()}"


def test_a_click_on_the_video_takes_the_keyboard_back(qtbot: QtBot, window: MainWindow) -> None:
    _click_takes_the_keyboard(qtbot, window, window.playerPanel.surface)


def test_a_click_on_the_timeline_takes_the_keyboard_back(qtbot: QtBot, window: MainWindow) -> None:
    _click_takes_the_keyboard(qtbot, window, window.playerPanel.timeline)
