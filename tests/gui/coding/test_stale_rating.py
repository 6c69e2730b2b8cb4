"""Two people edit one score at once: the later one is told, and sees the other's value."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.study import Study
from tests.gui.coding.saving import wait_saved

CODER = "Coder B (demo)"
KEY = "sensitivity"


def test_a_score_changed_elsewhere_is_not_overwritten_and_is_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.sign_in(CODER)
    session = window.session
    assert session.video is not None and session.coder is not None
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    shown = window.ratingPanel.scores().get(KEY)
    # Meanwhile, on another computer, the same score is changed.
    with Study.open(window.study.location, actor="colleague") as other:
        theirs = other.ratings.set(
            session.video.id, session.coder.id, KEY, 6.5, segment_id=segment.id
        )
    assert window.ratingPanel.scores().get(KEY) == shown  # this window has not re-read yet
    window.ratingPanel.focus_dimension(KEY)
    target = QApplication.focusWidget()
    assert isinstance(target, QWidget)
    qtbot.keyClick(target, Qt.Key.Key_2)
    wait_saved(qtbot, session)
    message = window.statusBar().currentMessage()
    assert "changed meanwhile by colleague: now 6.5" in message
    assert "your 2 was not saved" in message
    assert window.ratingPanel.scores().get(KEY) == 6.5
    assert not session.undo_stack.canUndo()  # the refused edit is not on the undo stack
    with Study.open(window.study.location) as check:
        (stored,) = [
            r
            for r in check.ratings.all(video_id=session.video.id, coder_id=session.coder.id)
            if r.dimension == KEY and r.segment_id == segment.id
        ]
    assert (stored.score, stored.version) == (6.5, theirs.version)
    # Now that the window shows the current value, the next edit is saved over it.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)  # type: ignore[arg-type]
    wait_saved(qtbot, session)
    assert window.ratingPanel.scores().get(KEY) == 3
    assert session.find_rating(KEY, segment.id).version == theirs.version + 1  # type: ignore[union-attr]


def test_undo_does_not_overwrite_a_score_changed_elsewhere(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.sign_in(CODER)
    session = window.session
    assert session.video is not None and session.coder is not None
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    session.set_score(KEY, 2, segment.id)
    session.set_score(KEY, 2.5, segment.id)  # merged into one undo step
    assert session.undo_stack.count() == 1
    wait_saved(qtbot, session)
    with Study.open(window.study.location, actor="colleague") as other:
        other.ratings.set(session.video.id, session.coder.id, KEY, 6.5, segment_id=segment.id)
    session.undo_stack.undo()
    wait_saved(qtbot, session)
    assert "changed meanwhile by colleague: now 6.5" in window.statusBar().currentMessage()
    assert session.find_rating(KEY, segment.id).score == 6.5  # type: ignore[union-attr]
    assert window.ratingPanel.scores().get(KEY) == 6.5
