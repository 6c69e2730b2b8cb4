"""A sign-in on a long Videos list (issue 18): the statuses of every video are read on the
save thread, not the GUI thread (30-60 ms of queries at 10,000 videos), and shown in one go
once read; meanwhile the list shows no row, so nobody sees the statuses of whoever was
signed in before (blind coding)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.video_list import NOT_MINE
from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.list_statuses import SYNC_ROWS
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.store.database import make_engine
from eas_coder.store.tables import VideoRow
from tests.gui.sql_watch import gui_thread_sql

CODER = "Coder B (demo)"
CODER_A = "Coder A (demo)"
HIS_ASSIGNMENTS = "FROM assignment WHERE assignment.coder_id"  # the statuses' query


@pytest.fixture
def long_window(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> MainWindow:
    """The demo study with videos enough that the list is read off the GUI thread (the
    extra ones are nobody's), the lab manager signed in and the list shown."""
    shutil.copytree(demo_template, tmp_path / "demo")
    study_file = next((tmp_path / "demo").glob("*.sqlite"))
    engine = make_engine(from_string(study_file))
    with engine.begin() as conn:
        person = conn.execute(sa.select(sa.func.min(VideoRow.participant_id))).scalar_one()
        rows = [
            {"participant_id": person, "timepoint": f"X{n:04d}", "path": None}
            for n in range(SYNC_ROWS + 1)
        ]
        conn.execute(sa.insert(VideoRow), rows)
    engine.dispose()
    application()
    window = open_window(from_string(study_file), explicit=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.sign_in(None, manager=True)
    qtbot.waitUntil(lambda: window.videoTable.model().rowCount() > 0)  # the statuses, read
    return window


def _expected_keys(window: MainWindow) -> list[str]:
    session = window.session
    assert session.coder is not None
    mine = {a.video_id for a in window.study.assignments.all(session.coder.id)}
    model = window._model
    assert model is not None
    return [session.status_of(v.id).value if v.id in mine else NOT_MINE for v in model.rows()[0]]


def test_a_long_lists_statuses_are_read_behind_the_window(
    qtbot: QtBot, long_window: MainWindow
) -> None:
    window = long_window
    list_ = window.videoTable.model()
    assert list_.rowCount() > SYNC_ROWS  # the manager sees every video
    with gui_thread_sql() as sent:
        window.sign_in(CODER)
    statuses_here = [s for s in sent if HIS_ASSIGNMENTS in s.sql]
    assert statuses_here == []  # the old code read them on the GUI thread
    assert list_.rowCount() == 0  # not the manager's rows, while the coder's are read
    qtbot.waitUntil(lambda: list_.rowCount() > 0)
    model = window._model
    assert model is not None
    keys = [model.status_key(row) for row in range(model.rowCount())]
    assert keys == _expected_keys(window)
    assert list_.rowCount() == len([k for k in keys if k != NOT_MINE])  # his videos only
    # the open video is selected again in the list shown anew
    current = window.current_video()
    assert current is not None and window.session.video is not None
    assert current.id == window.session.video.id


def test_a_read_that_a_live_update_overtook_is_read_again(
    qtbot: QtBot, long_window: MainWindow
) -> None:
    window = long_window
    gate = threading.Event()
    window.session.saves.submit(lambda: gate.wait(10), lambda _error: None)  # a slow save
    with gui_thread_sql(others=True) as read_behind:
        window.sign_in(CODER)  # its read waits behind the save
        model = window._model
        assert model is not None
        row = model.rowCount() - 1  # the live refresh shows a change of one row meanwhile
        model.set_row(row, model.video(row), model.present(row), model.status(row))
        gate.set()
        qtbot.waitUntil(lambda: window.videoTable.model().rowCount() > 0)
    reads = [s for s in read_behind if HIS_ASSIGNMENTS in s.sql]
    assert len(reads) == 2  # read once more: the first read may be older than the update
    keys = [model.status_key(r) for r in range(model.rowCount())]
    assert keys == _expected_keys(window)


def test_a_reopen_rereads_a_long_list_behind_the_window_and_keeps_it_shown(
    qtbot: QtBot, long_window: MainWindow
) -> None:
    """The lab manager reopens coder A's submitted D002 T2: every row's status is read again
    (an assignment may change any row) on the save thread; the list stays as it was until
    then (same person: nothing to hide), and the row then says so."""
    window = long_window
    study, list_ = window.study, window.videoTable.model()
    coder = study.coders.get(CODER_A)
    video = next(
        v
        for v in study.videos.all()
        if (v.participant_code, v.timepoint) == ("D002", "T2 follow-up")
    )
    model = window._model
    assert model is not None and coder is not None
    row = model.row_of(video.id)
    assert row is not None and "submitted" in model.status(row)[0]
    shown = list_.rowCount()
    with gui_thread_sql() as sent:
        window.session.reopen(video.id, coder.id)
    every_assignment = [s for s in sent if "FROM assignment" in s.sql and "WHERE" not in s.sql]
    assert every_assignment == []  # the old code read them all on the GUI thread
    assert list_.rowCount() == shown  # not held: the manager's own statuses stay meanwhile
    qtbot.waitUntil(lambda: "submitted" not in model.status(row)[0])
    assert model.status(row)[0] == f"{CODER_A}: in progress"
    assert list_.rowCount() == shown


def test_a_later_read_for_the_same_person_shows_the_list_and_selects_the_open_video(
    qtbot: QtBot, long_window: MainWindow
) -> None:
    """A status change (a submit, an assignment) asked for while a sign-in's read waits: the
    sign-in's read is dropped, the later one shows the rows, and the open video is selected
    again (the list had been set aside, so its selection was gone). The same coder signs in
    again, so no status changes: nothing else would select it."""
    window = long_window
    window.sign_in(CODER)
    qtbot.waitUntil(lambda: window.videoTable.model().rowCount() > 0)
    gate = threading.Event()
    window.session.saves.submit(lambda: gate.wait(10), lambda _error: None)
    window.sign_in(CODER)
    model, list_ = window._model, window.videoTable.model()
    assert model is not None and list_.rowCount() == 0
    window.list_statuses.refresh(model, new_viewer=False)  # what a submit asks for
    gate.set()
    qtbot.waitUntil(lambda: list_.rowCount() > 0)
    assert [model.status_key(r) for r in range(model.rowCount())] == _expected_keys(window)
    current = window.current_video()
    assert current is not None and window.session.video is not None
    assert current.id == window.session.video.id
