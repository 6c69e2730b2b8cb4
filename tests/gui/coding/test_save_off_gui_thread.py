"""Saves leave the GUI thread (issue 18, item 2): a key press returns at once even while
another program holds the study's write lock; the row says "saving…", then "saved" once
the lock is gone, and the score is in the study. Before, the key handler waited inside
SQLite for the lock (up to its 10-s busy timeout) with the window frozen."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.controller import SESSION
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.study import Study
from tests.gui.coding.saving import wait_saved

CODER = "Coder B (demo)"
NEW_CODER = "Coder C (demo)"  # assigned tapes, nothing coded yet
KEY = "sensitivity"

# Another program: takes the write lock of the study and keeps it until told to let go.
_HOLDER = """
import sqlite3, sys, time
from pathlib import Path
study, held, release = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
connection = sqlite3.connect(study, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
held.write_text("held")
while not release.exists():
    time.sleep(0.02)
connection.execute("ROLLBACK")
connection.close()
"""


@contextmanager
def write_lock_held(study_file: Path, tmp: Path) -> Iterator[Path]:
    """Another process holds the study's write lock until the yielded path is created."""
    held, release = tmp / "held", tmp / "release"
    command = [sys.executable, "-c", _HOLDER, str(study_file), str(held), str(release)]
    holder = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + 60
        while not held.exists():
            assert holder.poll() is None, "the lock holder ended early"
            assert time.monotonic() < deadline, "the lock holder never took the lock"
            time.sleep(0.02)
        yield release
    finally:
        release.touch()
        holder.wait(timeout=60)


def _row_state(window: MainWindow, key: str) -> str:
    label = window.ratingPanel.findChild(QLabel, f"saveState:{key}")
    assert label is not None, f"no save state shown for {key}"
    return label.text() if label.isVisible() else ""


def test_a_score_typed_while_the_study_is_locked_does_not_freeze_the_window(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.sign_in(CODER)
    session = window.session
    assert session.video is not None and session.coder is not None
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    path = window.study.location.path
    assert path is not None
    window.ratingPanel.focus_dimension(KEY)
    target = QApplication.focusWidget()
    assert isinstance(target, QWidget)
    failures: list[str] = []
    session.failed.connect(failures.append)
    with write_lock_held(path, tmp_path) as release:
        qtbot.keyClick(target, Qt.Key.Key_6)
        # The key handler came back with the lock still held: the save waits in the queue.
        assert not release.exists()
        assert failures == []  # (before: "the study stayed locked ... nothing was saved")
        assert _row_state(window, KEY) == "saving…"
        assert window.ratingPanel.scores().get(KEY) == 6  # what was typed stays shown
    qtbot.waitUntil(lambda: _row_state(window, KEY) == "saved", timeout=30_000)
    with Study.open(window.study.location, backup=False) as check:
        stored = [
            r.score
            for r in check.ratings.all(video_id=session.video.id, coder_id=session.coder.id)
            if r.dimension == KEY and r.segment_id == segment.id
        ]
    assert stored == [6]


def test_saves_run_on_the_save_thread_in_the_order_typed(qtbot: QtBot, window: MainWindow) -> None:
    window.sign_in(CODER)
    session = window.session
    assert session.video is not None and session.coder is not None
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    window.ratingPanel.focus_dimension(KEY)
    for digit in (Qt.Key.Key_2, Qt.Key.Key_5, Qt.Key.Key_4):  # three saves of one score
        qtbot.keyClick(QApplication.focusWidget(), digit)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: _row_state(window, KEY) == "saved", timeout=30_000)
    with Study.open(window.study.location, backup=False) as check:
        entries = sorted(check.audit_log(), key=lambda e: e.id)
    saved = [json.loads(e.new) for e in entries if e.entity == "rating" and e.new]
    scores = [s["score"] for s in saved if s["dimension"] == KEY and s["segment_id"] == segment.id]
    assert scores[-3:] == [2, 5, 4]  # in the order typed: the last one typed is kept
    assert session.find_rating(KEY, segment.id).score == 4  # type: ignore[union-attr]


def test_scores_typed_before_a_new_segment_is_saved_go_to_that_segment(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """I, O, then digits at once, while another program holds the lock: the segment waits
    in the queue, the scores follow it there (never onto the segment shown before)."""
    window.sign_in(NEW_CODER)  # the newcomer's tape has no segments yet: room for two
    session, player = window.session, window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=30_000)
    surface = window.playerPanel.surface
    surface.setFocus()

    def mark(key: Qt.Key) -> None:
        qtbot.keyClick(surface, key)
        for _ in range(3):
            here = player.position()
            qtbot.keyClick(surface, Qt.Key.Key_Right)
            qtbot.waitUntil(lambda h=here: player.position() == h + 1)

    mark(Qt.Key.Key_I)
    mark(Qt.Key.Key_O)  # the segment shown before, saved
    wait_saved(qtbot, session)
    before = {s.id for s in session.my_segments()}
    assert len(before) == 1
    old_scores = {s: session.scores_of(s)[0] for s in before}
    path = window.study.location.path
    assert path is not None
    mark(Qt.Key.Key_I)
    with write_lock_held(path, tmp_path) as release:
        qtbot.keyClick(surface, Qt.Key.Key_O)
        assert not release.exists()
        assert "saving" in window.ratingPanel.findChild(QLabel, "ratingTarget").text()  # type: ignore[union-attr]
        for digit in (Qt.Key.Key_3, Qt.Key.Key_4):
            qtbot.keyClick(QApplication.focusWidget(), digit)  # type: ignore[arg-type]
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # type: ignore[arg-type]
    wait_saved(qtbot, session)
    (new,) = [s for s in session.my_segments() if s.id not in before]
    keys = window.study.scheme.keys
    assert session.scores_of(new.id)[0] == {keys[0]: 3.0, keys[1]: 4.0}
    assert {s: session.scores_of(s)[0] for s in before} == old_scores  # untouched
    assert window.controller.target == new.id


def test_a_save_refused_is_shown_not_saved_and_the_typed_score_stays(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The lock outlasts the busy timeout: the save fails, the row says "not saved", the
    typed 6 stays on screen (not the stored value), and trying again saves it."""
    window.sign_in(CODER)
    session = window.session
    assert session.video is not None and session.coder is not None
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    stored_before = session.scores_of(segment.id)[0].get(KEY)
    window.ratingPanel.focus_dimension(KEY)
    failures: list[str] = []
    session.failed.connect(failures.append)
    path = window.study.location.path
    assert path is not None
    with write_lock_held(path, tmp_path):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_6)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bool(failures), timeout=60_000)  # the 10-s busy timeout
    wait_saved(qtbot, session)
    assert "nothing was saved" in failures[0]
    assert _row_state(window, KEY) == "not saved"
    assert window.ratingPanel.scores().get(KEY) == 6  # kept for the retry
    assert [u.state.score for u in session.unsaved()] == [6]  # type: ignore[union-attr]
    assert session.find_rating(KEY, segment.id).score == stored_before  # type: ignore[union-attr]
    session.retry_unsaved()  # what closing the window offers ("Retry")
    wait_saved(qtbot, session)
    assert session.unsaved() == []
    assert session.find_rating(KEY, segment.id).score == 6  # type: ignore[union-attr]


def _refuse_a_save(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> int:
    """Type a 6 while another program outlasts the busy timeout: the save is refused."""
    window.sign_in(CODER)
    session = window.session
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    window.ratingPanel.focus_dimension(KEY)
    failures: list[str] = []
    session.failed.connect(failures.append)
    path = window.study.location.path
    assert path is not None
    with write_lock_held(path, tmp_path):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_6)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
    wait_saved(qtbot, session)
    assert [u.state.score for u in session.unsaved()] == [6]  # type: ignore[union-attr]
    return segment.id


def _stored_score(window: MainWindow, segment_id: int) -> float | None:
    with Study.open(window.study.location, backup=False) as check:
        found = [r for r in check.ratings.all() if (r.dimension, r.segment_id) == (KEY, segment_id)]
    return found[0].score if found else None


def test_closing_with_a_refused_save_asks_and_try_again_saves_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The question at closing is not a nested loop: the window stays open behind it (before,
    close() waited inside the Close event for an answer), and Retry saves, then closes."""
    segment_id = _refuse_a_save(qtbot, window, tmp_path)
    assert window.close() is False  # refused: the question is up, nothing was dropped
    box = window.controller.save_guard.box
    assert box is not None and box.isVisible()
    assert "1 score you typed could not be saved" in box.text()
    assert window.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Retry), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
    assert _stored_score(window, segment_id) == 6


def test_closing_with_a_refused_save_can_stay_or_drop_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Cancel keeps the window and the typed score; Discard closes without it (told first)."""
    segment_id = _refuse_a_save(qtbot, window, tmp_path)
    stored_before = _stored_score(window, segment_id)
    assert window.close() is False
    box = window.controller.save_guard.box
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.save_guard.box is None)
    assert window.isVisible()
    assert [u.state.score for u in window.session.unsaved()] == [6]  # type: ignore[union-attr]
    assert window.close() is False  # asked again
    box = window.controller.save_guard.box
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
    assert _stored_score(window, segment_id) == stored_before


def test_a_segment_saved_late_does_not_pull_the_coder_off_the_whole_session(
    qtbot: QtBot, window: MainWindow
) -> None:
    """O then Ctrl+Shift+S while the queue lags: when the new segment's save is done, the
    rating panel stays on the whole session (before, it jumped to the new segment, and the
    next score typed for the session went to the segment)."""
    window.sign_in(NEW_CODER)
    session, player = window.session, window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=30_000)
    surface = window.playerPanel.surface
    surface.setFocus()
    qtbot.keyClick(surface, Qt.Key.Key_I)
    for _ in range(3):
        here = player.position()
        qtbot.keyClick(surface, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda h=here: player.position() == h + 1)
    gate = threading.Event()
    session.saves.submit(lambda: gate.wait(60), lambda _error: None)  # the queue lags
    qtbot.keyClick(surface, Qt.Key.Key_O)
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(surface, Qt.Key.Key_S, both)  # rate the whole session
    assert window.controller.target == SESSION
    gate.set()
    wait_saved(qtbot, session)
    assert len(session.my_segments()) == 1  # the segment was saved
    assert window.controller.target == SESSION
    assert "whole session" in window.ratingPanel.findChild(QLabel, "ratingTarget").text().lower()  # type: ignore[union-attr]
