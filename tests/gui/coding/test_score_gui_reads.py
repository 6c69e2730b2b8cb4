"""A score typed and saved asks the study little on the GUI thread (issue 18): the key press
reads the coder's ratings once, and the screen update after the save shows what the save
thread read once the score was written. Before, one score read the study seven times on the
GUI thread (the coder's ratings three times, the coding status twice), ~1 ms each quiet and
two to three times that on a busy machine: most of a score's stall."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import focus_first_score, wait_saved
from tests.gui.sql_watch import gui_thread_sql


def _score_a_segment(window: MainWindow, qtbot: QtBot) -> tuple[int, str, list[str]]:
    first, key, focus = focus_first_score(window, qtbot)
    session = window.session
    qtbot.wait(50)  # what the selection read is forgotten (one event's reads)
    with gui_thread_sql() as sent:
        QTest.keyClick(focus, "3")
        QTest.keyClick(focus, Qt.Key.Key_Return)
        wait_saved(qtbot, session)
        qtbot.wait(100)  # the finished save's screen update runs on the GUI thread
    return first, key, [s.sql for s in sent if s.sql.startswith("SELECT")]


def test_a_score_and_its_save_read_the_study_once_on_the_gui_thread(
    window: MainWindow, qtbot: QtBot
) -> None:
    segment, key, selects = _score_a_segment(window, qtbot)

    assert window.session.scores_of(segment)[0][key] == 3.0  # saved, and shown
    assert window.ratingPanel.findChild(QWidget, f"score:{key}") is not None
    assert 1 <= len(selects) <= 2, selects  # the old score (to undo to); nothing after


def test_the_screen_after_a_save_shows_what_was_saved(window: MainWindow, qtbot: QtBot) -> None:
    segment, key, _selects = _score_a_segment(window, qtbot)

    study, session = window.study, window.session
    assert session.video is not None and session.coder is not None
    stored = study.ratings.all(video_id=session.video.id, coder_id=session.coder.id)
    assert [r.score for r in stored if r.segment_id == segment and r.dimension == key] == [3.0]
    rated = {r.dimension for r in stored if r.segment_id == segment}
    assert window.segmentTable.model().index(0, 0).isValid()
    assert session.my_ratings() == stored  # what the window holds is what is stored
    assert f"{len(rated)}/" in " ".join(_row_texts(window))


def _row_texts(window: MainWindow) -> list[str]:
    model = window.segmentTable.model()
    return [
        str(model.index(r, c).data())
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]


def test_a_segment_just_marked_is_shown_without_reading_the_coders_ratings(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Its save is still queued: the study has no score of it to read (issue 18: two reads,
    ~2 ms of the O key's turn)."""
    focus_first_score(window, qtbot)
    session, player = window.session, window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=10_000)
    (first,) = session.my_segments()  # the demo's one segment, the whole video: room after it
    session.update_segment(first, end_ms=2_000)
    wait_saved(qtbot, session)
    surface = window.playerPanel.surface
    surface.setFocus()
    player.seek_ms(3_000)  # (after the demo's segments)
    qtbot.waitUntil(lambda: player.position_ms() >= 2_900)
    QTest.keyClick(surface, Qt.Key.Key_I)
    for _ in range(4):
        QTest.keyClick(surface, Qt.Key.Key_Right)
    qtbot.wait(50)  # (what those keys read is forgotten)
    with gui_thread_sql() as sent:
        QTest.keyClick(surface, Qt.Key.Key_O)
    ratings = [s.sql for s in sent if "FROM rating" in s.sql or "FROM item_draft" in s.sql]
    assert ratings == []  # the old code read both
    assert window.ratingPanel.findChild(QWidget, "ratingTarget") is not None
    wait_saved(qtbot, session)
    assert [s.start_ms for s in session.my_segments()] == [0, 3_000]
