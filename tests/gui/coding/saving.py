"""Saves run on the window's save thread (issue 18): a test that reads the study right after
a key press or an edit first waits until the window says every queued save is done."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.session import CodingSession

SAVE_WAIT_MS = 60_000  # generous: the machine may be loaded; the wait ends once saved


def wait_saved(qtbot: QtBot, session: CodingSession) -> None:
    """Wait (the event loop running) until the session's queued saves are all done."""
    qtbot.waitUntil(lambda: session.saves.pending() == 0, timeout=SAVE_WAIT_MS)


def flushed(session: CodingSession) -> None:
    """The same wait where no qtbot is at hand: the window's own flush (events run)."""
    assert session.flush_saves(), "the queued saves did not finish"
