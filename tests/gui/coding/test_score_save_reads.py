"""A score's save changes no segment: the coding view's update after it (segment table,
timeline tracks, rating panel: ``controller.refresh``) shows the new score without reading
the segments again on the GUI thread (issue 18: each save's update is a GUI-thread stall;
six scores a segment, all day). Nor do the Videos row and the details, whose coding status
counts segments: the save thread read it after the save (``read_memo.after_save_reads``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import focus_first_score, wait_saved
from tests.gui.sql_watch import gui_thread_sql


def test_a_score_saved_reads_no_segments_on_the_gui_thread(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, key, focus = focus_first_score(window, qtbot)
    session = window.session

    with gui_thread_sql() as sent:
        QTest.keyClick(focus, "2")
        QTest.keyClick(focus, Qt.Key.Key_Return)
        wait_saved(qtbot, session)
        qtbot.wait(100)  # the finished save's screen update runs on the GUI thread
    seen = [s.stack for s in sent if "FROM segment" in s.sql]
    assert session.scores_of(first)[0][key] == 2.0  # it was saved and is shown

    assert seen == [], seen
