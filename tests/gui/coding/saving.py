"""Saves run on the window's save thread (issue 18): a test that reads the study right after
a key press or an edit first waits until the window says every queued save is done."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.window.main_window import MainWindow

SAVE_WAIT_MS = 60_000  # generous: the machine may be loaded; the wait ends once saved


def wait_saved(qtbot: QtBot, session: CodingSession) -> None:
    """Wait (the event loop running) until the session's queued saves are all done."""
    qtbot.waitUntil(lambda: session.saves.pending() == 0, timeout=SAVE_WAIT_MS)


def flushed(session: CodingSession) -> None:
    """The same wait where no qtbot is at hand: the window's own flush (events run)."""
    assert session.flush_saves(), "the queued saves did not finish"


def focus_first_score(window: MainWindow, qtbot: QtBot) -> tuple[int, str, QWidget]:
    """Coder B signed in on the demo: their first segment selected and the first dimension's
    score under the keyboard. (segment id, dimension key, the score widget)."""
    window.sign_in("Coder B (demo)")
    session = window.session
    qtbot.waitUntil(lambda: session.video is not None and bool(session.my_segments()))
    first = session.my_segments()[0]
    window.segmentTable.select_segment(first.id)
    key = window.study.scheme.keys[0]
    window.ratingPanel.focus_dimension(key)
    focus = QApplication.focusWidget()
    assert isinstance(focus, QWidget)
    return first.id, key, focus
