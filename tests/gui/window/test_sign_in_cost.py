"""A coder's sign-in shows their status on every video without loading the whole study on
the GUI thread (issue 18: at 10,000 videos the sign-in stalled the window 0.4-0.7 s: every
video, every rating, the coder's segments and drafts read as objects; the status filter run
over every row twice, each row asking the model through ``data``; and the settings file
rewritten with the same coder's name)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.video_list import NOT_MINE, VideoFilter
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.model import Video
from tests.gui.sql_watch import gui_thread_sql
from tests.gui.thread_starts import gui_thread_starts

CODER = "Coder B (demo)"


def test_sign_in_reads_columns_not_the_whole_study(window: MainWindow, qtbot: QtBot) -> None:
    with gui_thread_sql() as sent:
        window.sign_in(CODER)
    sql = [s.sql for s in sent if s.sql.startswith("SELECT")]
    assert sql  # (so this can fail)
    whole_videos = [s for s in sql if s.startswith("SELECT video.id, participant.code")]
    assert whole_videos == []  # the list has its videos; the old code read them all again
    every_rating = [s for s in sql if "max(rating.updated_at)" in s]
    assert every_rating == []  # the old code read when each coder last rated each video
    assignments = [s for s in sql if "FROM assignment WHERE assignment.coder_id" in s]
    assert len(assignments) <= 1, assignments  # the old code: twice
    # what is shown is still right: the coder's own videos with their own status
    model = window._model
    assert model is not None
    session = window.session
    assert session.coder is not None
    mine = {a.video_id for a in window.study.assignments.all(session.coder.id)}
    keys = [model.status_key(row) for row in range(model.rowCount())]
    expected = [
        session.status_of(v.id).value if v.id in mine else NOT_MINE for v in model.rows()[0]
    ]
    assert keys == expected
    assert len(set(keys)) > 1  # (the demo has videos in several states)


class _CountingModel(VideoTableModel):
    asked = 0

    def data(self, index: Any, role: int = 0) -> Any:
        type(self).asked += 1
        return super().data(index, role)


def test_the_status_filter_reads_keys_without_asking_the_model_per_row(qtbot: QtBot) -> None:
    videos = [
        Video(id=i, participant_code=f"P{i:03d}", timepoint="T1", path=None) for i in range(200)
    ]
    statuses = [("done", "done") if i % 2 else ("not started", "not started") for i in range(200)]
    model = _CountingModel(videos, [False] * 200, None, statuses)
    proxy = VideoFilter()
    proxy.setSourceModel(model)
    _CountingModel.asked = 0
    proxy.set_status("done")
    assert proxy.rowCount() == 100  # filtered right
    assert _CountingModel.asked == 0  # the old code asked data() once per row


def test_signing_in_as_the_same_coder_again_does_not_rewrite_the_settings(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.sign_in(CODER)
    qtbot.waitUntil(lambda: QSettings().value(window._last_coder_key()) == CODER)
    writes: list[str] = []
    real = QSettings.setValue

    def spy(self: QSettings, key: str, value: Any) -> None:
        writes.append(key)
        real(self, key, value)

    monkeypatch.setattr(QSettings, "setValue", spy)
    window.sign_in(None, manager=True)
    window.sign_in(CODER)
    qtbot.waitUntil(lambda: window.session.saves.pending() == 0)  # (remembered there)
    assert writes == []  # the old code rewrote the settings file at every sign-in


def test_a_first_sign_in_starts_no_thread_on_the_gui_thread(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Thread.start`` waits until the new thread has run (7-13 ms each on a busy machine):
    the save thread starts with the window, before anyone signs in, not at the sign-in's
    first read behind the saves."""
    qtbot.wait(50)  # the window's first turns of the event loop (as before a person clicks)
    started = gui_thread_starts(monkeypatch)
    window.sign_in("Coder A (demo)")
    assert started == []
    qtbot.waitUntil(lambda: window.session.saves.pending() == 0)
    assert window.session.coder is not None


def test_a_new_coder_is_remembered_off_the_gui_thread(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed last coder rewrites the whole settings file under a lock (6 ms measured in
    ``benchmarks/stalls.py``): the save thread writes it, the sign-in does not wait."""
    writers: list[bool] = []
    real = QSettings.setValue

    def spy(self: QSettings, key: str, value: Any) -> None:
        writers.append(threading.current_thread() is threading.main_thread())
        real(self, key, value)

    monkeypatch.setattr(QSettings, "setValue", spy)
    window.sign_in("Coder B (demo)")
    qtbot.waitUntil(lambda: window.session.saves.pending() == 0)
    assert writers == [False]
    assert QSettings().value(window._last_coder_key()) == "Coder B (demo)"
