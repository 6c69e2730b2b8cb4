"""A note being typed is saved to the segment it was typed for, even when a shortcut moves to
the next segment (or to the whole session) with the cursor still in the note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import wait_saved

CODER = "Coder B (demo)"
KEY = "sensitivity"


def _type_note(qtbot: QtBot, window: MainWindow, text: str) -> QLineEdit:
    field = window.ratingPanel.findChild(QLineEdit, f"note:{KEY}")
    assert field is not None
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    assert QApplication.focusWidget() is field
    return field


def test_next_segment_and_rate_session_shortcuts_keep_the_typed_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.sign_in(CODER)
    session = window.session
    (whole,) = session.my_segments()
    session.split_segment(whole.id, (whole.start_ms + whole.end_ms) // 2)
    wait_saved(qtbot, session)
    first, second = session.my_segments()
    session.set_score(KEY, 5, second.id)  # a note goes with a score
    wait_saved(qtbot, session)
    assert window.segmentTable.select_segment(first.id)
    field = _type_note(qtbot, window, "calm, follows the baby's lead")
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # next segment
    assert window.controller.target == second.id
    wait_saved(qtbot, session)
    notes = {r.segment_id: r.note for r in session.my_ratings() if r.dimension == KEY}
    assert notes[first.id] == "calm, follows the baby's lead"
    assert notes.get(second.id, "") != "calm, follows the baby's lead"

    field = _type_note(qtbot, window, "second segment note")
    qtbot.keyClick(
        field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    wait_saved(qtbot, session)
    notes = {r.segment_id: r.note for r in session.my_ratings() if r.dimension == KEY}
    assert notes[second.id] == "second segment note"
    assert notes.get(None, "") != "second segment note"  # not the session's
