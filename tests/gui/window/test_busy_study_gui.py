"""A score typed while another program holds the study file locked is refused in plain words
("Not saved"), the window keeps working, and the next key once the lock is gone saves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store import database
from tests.store.test_busy_study import _lock

CODER = "Coder B (demo)"
KEY = "structuring"


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the window opens its connections, which take the timeout when made."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)


def test_a_score_typed_while_the_file_is_locked_is_refused_then_saved(
    qtbot: QtBot, short_busy_timeout: None, window: MainWindow
) -> None:
    window.sign_in(CODER)
    session = window.session
    segment = session.my_segments()[0]
    assert window.segmentTable.select_segment(segment.id)
    before = window.ratingPanel.scores().get(KEY)
    path = window.study.location.path
    assert path is not None
    locker = _lock(path, 2.0)
    window.ratingPanel.focus_dimension(KEY)
    target = QApplication.focusWidget()
    assert isinstance(target, QWidget)
    qtbot.keyClick(target, Qt.Key.Key_2)
    # the save runs off the GUI thread: the refusal arrives once the lock wait gives up
    qtbot.waitUntil(lambda: window.saveState_label.text() == "Not saved", timeout=10_000)
    assert "locked by another program" in window.statusBar().currentMessage()
    stored = session.find_rating(KEY, segment.id)
    assert (stored.score if stored else None) == before  # nothing reached the study
    assert locker.wait(10) == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: window.saveState_label.text().startswith("Saved"), timeout=10_000)
    assert session.find_rating(KEY, segment.id).score == 3  # type: ignore[union-attr]
    assert window.ratingPanel.scores().get(KEY) == 3
    assert session.unsaved() == []  # the refused 2 was replaced by the 3, not left pending
