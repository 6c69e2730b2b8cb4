"""A score's save changes no segment: the coding view's update after it (segment table,
timeline tracks, rating panel: ``controller.refresh``) shows the new score without reading
the segments again on the GUI thread (issue 18: each save's update is a GUI-thread stall;
six scores a segment, all day). The Videos row and the details still read the coding
status, which counts segments."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import wait_saved


@contextmanager
def _segment_reads() -> Iterator[list[list[str]]]:
    """The GUI thread's reads of segments meanwhile: the files and functions that asked."""
    seen: list[list[str]] = []
    gui = threading.get_ident()

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == gui and "FROM segment" in statement:
            seen.append([f"{Path(f.filename).name}:{f.name}" for f in traceback.extract_stack()])

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def test_a_score_saved_reads_no_segments_on_the_gui_thread(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.sign_in("Coder B (demo)")
    session = window.session
    qtbot.waitUntil(lambda: session.video is not None and bool(session.my_segments()))
    first = session.my_segments()[0]
    window.segmentTable.select_segment(first.id)
    key = window.study.scheme.keys[0]
    window.ratingPanel.focus_dimension(key)
    focus = QApplication.focusWidget()
    assert isinstance(focus, QWidget)

    with _segment_reads() as seen:
        QTest.keyClick(focus, "2")
        QTest.keyClick(focus, Qt.Key.Key_Return)
        wait_saved(qtbot, session)
        qtbot.wait(100)  # the finished save's screen update runs on the GUI thread
    assert session.scores_of(first.id)[0][key] == 2.0  # it was saved and is shown

    assert seen  # the list's row and the details count segments (so this can fail)
    by_the_view = [stack for stack in seen if any(f.startswith("controller.py") for f in stack)]
    assert by_the_view == [], by_the_view
