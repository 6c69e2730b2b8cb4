"""A switch of videos does on the GUI thread only what it must (issue 18: the switch was the
window's longest stall, ~60-90 ms at 10,000 videos): each thing is read once, in as few
queries as the screen needs; nothing is written (the coder's place in the video they leave
goes to the save thread); and the rating panel is disabled once, not enabled and disabled
again (every change of a widget's enabled state goes to each of its ~60 children)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import wait_saved
from tests.gui.sql_watch import gui_thread_sql

CODER = "Coder B (demo)"


class _EnabledChanges(QObject):
    """Counts each widget's enabled-state changes below ``root``."""

    def __init__(self, root: QWidget) -> None:
        super().__init__()
        self.root, self.count = root, Counter[int]()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        below = isinstance(watched, QWidget) and (
            watched is self.root or self.root.isAncestorOf(watched)
        )
        if event.type() == QEvent.Type.EnabledChange and below:
            self.count[id(watched)] += 1
        return False


def _click_video(window: MainWindow, qtbot: QtBot, video_id: int) -> None:
    model, proxy = window._model, window._filter
    assert model is not None
    row = model.row_of(video_id)
    assert row is not None
    index = proxy.mapFromSource(model.index(row, 0))
    window.videoTable.scrollTo(index)
    click = window.videoTable.visualRect(index).center()
    QTest.mouseClick(window.videoTable.viewport(), Qt.MouseButton.LeftButton, pos=click)
    session = window.session
    qtbot.waitUntil(lambda: session.video is not None and session.video.id == video_id)


def _coding_first_of_two(window: MainWindow, qtbot: QtBot) -> tuple[int, int]:
    """Signed in as the coder, with the first of two of their videos open."""
    window.sign_in(CODER)
    first, second = _two_of_mine(window)
    _click_video(window, qtbot, first)
    return first, second


def _two_of_mine(window: MainWindow) -> tuple[int, int]:
    session = window.session
    assert session.coder is not None
    mine = [a.video_id for a in window.study.assignments.all(session.coder.id)]
    listed = [v for v in mine if window._model is not None and window._model.row_of(v) is not None]
    assert len(listed) >= 2, listed
    return listed[0], listed[1]


def test_a_switch_of_videos_reads_each_thing_once_and_writes_nothing(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, second = _coding_first_of_two(window, qtbot)
    window.playerPanel.player.seek_ms(1_000)  # a place in the video, to be remembered
    qtbot.wait(200)
    wait_saved(qtbot, window.session)

    with gui_thread_sql() as sent:
        _click_video(window, qtbot, second)
    sql = [s.sql for s in sent]
    selects = [s for s in sql if s.startswith("SELECT")]  # (most now on the save thread:
    # ``test_switch_prepared.py``)
    writes = [s for s in sql if s.startswith(("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE"))]
    assert writes == []  # the place in the first video is written on the save thread
    assignments = [s for s in selects if "FROM assignment" in s]
    assert len(assignments) <= 1, assignments  # the old code read them three times
    repeated = [s for s, n in Counter(selects).items() if n > 1 and "FROM assignment" in s]
    assert repeated == []
    assert len(selects) <= 11, "\n".join(selects)  # the old code: 17

    wait_saved(qtbot, window.session)
    assert window.session.coder is not None
    assert window.study.positions.get(first, window.session.coder.id) is not None  # written


def test_a_switch_changes_the_rating_panel_enabled_state_at_most_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    _first, second = _coding_first_of_two(window, qtbot)
    changes = _EnabledChanges(window.ratingPanel)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(changes)
    try:
        _click_video(window, qtbot, second)
        qtbot.wait(50)
    finally:
        app.removeEventFilter(changes)
    twice = [n for n in changes.count.values() if n > 1]
    assert twice == []  # the old code enabled the whole panel, then disabled it again


def test_the_open_videos_row_shows_another_workstations_change_at_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The session keeps the open video's assignments for half a second (key presses ask
    often); a change read by the live refresh is shown from a fresh read, not that copy."""
    from eas_coder.model import AssignmentStatus
    from eas_coder.store.study import Study

    first, _second = _coding_first_of_two(window, qtbot)
    session = window.session
    assert session.coder is not None
    assigned = [a for a in session.assignments_of(first) if a.coder_id == session.coder.id]
    assert assigned and assigned[0].status != AssignmentStatus.DONE  # (its copy is fresh)

    with Study.open(window.study.location, actor="workstation-2", backup=False) as other:
        other.assignments.set_status(assigned[0].id, AssignmentStatus.DONE)
    window.refresh_rows({first})  # what the live refresh calls with the news

    model = window._model
    assert model is not None
    row = model.row_of(first)
    assert row is not None
    assert model.status_key(row) == "submitted"
