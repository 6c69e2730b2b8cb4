"""The segment table of the dock, driven like a person: clicks, double-clicks and keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.segment_model import (
    COL_DURATION,
    COL_END,
    COL_EPISODE,
    COL_NOTE,
    COL_NUMBER,
    COL_RATED,
    COL_START,
)
from eas_coder.gui.coding.segment_table import EMPTY_HINT, SegmentTable
from eas_coder.gui.window.app import application
from eas_coder.model import Segment
from eas_coder.scheme import load_scheme

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

# Given out of order on purpose: the table shows them by start.
LATE = Segment(13, 1, 7, 125_500, 190_000, "clean_up", "")
EARLY = Segment(11, 1, 7, 1_000, 61_250, "free_play", "mother leaves\nreturns at 0:40")
MIDDLE = Segment(12, 1, 7, 61_250, 120_000, None, "")
SEGMENTS = (LATE, EARLY, MIDDLE)
RATED = {11: (6, 6), 12: (2, 6)}


@pytest.fixture
def table(qtbot: QtBot) -> SegmentTable:
    application()
    scheme = load_scheme("eas-demo")
    assert [e.key for e in scheme.episodes] == ["free_play", "structured_task", "clean_up"]
    widget = SegmentTable(scheme)
    qtbot.addWidget(widget)
    widget.resize(900, 320)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_segments(SEGMENTS, RATED)
    return widget


def cell(table: SegmentTable, row: int, column: int = COL_START) -> QPoint:
    """Centre of a cell in viewport coordinates."""
    return table.view.visualRect(table.model().index(row, column)).center()


def click(qtbot: QtBot, table: SegmentTable, row: int, column: int = COL_START, mods=None) -> None:
    modifier = mods if mods is not None else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.view.viewport(), LEFT, modifier, cell(table, row, column))


def double_click(qtbot: QtBot, table: SegmentTable, row: int, column: int = COL_START) -> None:
    # A person's double-click is a press, a release, then the double-click event.
    click(qtbot, table, row, column)
    qtbot.mouseDClick(table.view.viewport(), LEFT, pos=cell(table, row, column))


def text(table: SegmentTable, row: int, column: int) -> str:
    return table.model().index(row, column).data()


def test_rows_are_sorted_by_start_with_formatted_times(table: SegmentTable) -> None:
    model = table.model()
    assert model.rowCount() == 3
    assert [model.segment(r).id for r in range(3)] == [11, 12, 13]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        "#",
        "Start",
        "End",
        "Duration",
        "Episode",
        "Rated",
        "Note",
    ]
    assert [text(table, 0, c) for c in range(7)] == [
        "1",
        "00:00:01.000",
        "00:01:01.250",
        "00:01:00.250",
        "Free play",
        "6/6",
        "mother leaves …",
    ]
    assert [text(table, 1, c) for c in (COL_NUMBER, COL_EPISODE, COL_RATED, COL_NOTE)] == [
        "2",
        "",
        "2/6",
        "",
    ]
    assert text(table, 2, COL_START) == "00:02:05.500"
    assert text(table, 2, COL_END) == "00:03:10.000"
    assert text(table, 2, COL_DURATION) == "00:01:04.500"
    assert text(table, 2, COL_EPISODE) == "Clean-up"
    assert text(table, 2, COL_RATED) == "–"  # nothing known about its ratings
    assert model.row_of(13) == 2 and model.row_of(99) is None
    # the full note as a tooltip; only a completely rated segment is coloured
    tip = model.index(0, COL_NOTE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == EARLY.note
    background = Qt.ItemDataRole.BackgroundRole
    assert model.index(0, COL_RATED).data(background) is not None
    assert model.index(1, COL_RATED).data(background) is None
    assert model.index(2, COL_RATED).data(background) is None


def test_an_empty_table_shows_how_to_start(table: SegmentTable) -> None:
    assert not table.view.hint.isVisible()
    table.set_segments([], {})
    assert table.view.hint.isVisible()
    assert table.view.hint.text() == EMPTY_HINT
    assert table.view.hint.geometry() == table.view.viewport().rect()
    table.set_segments([MIDDLE], {})
    assert not table.view.hint.isVisible()


def test_double_click_on_a_row_asks_to_jump_to_its_start(qtbot: QtBot, table: SegmentTable) -> None:
    with qtbot.waitSignal(table.jumpRequested, timeout=1000) as blocker:
        double_click(qtbot, table, 1, COL_DURATION)
    assert blocker.args == [MIDDLE.start_ms]
    # on the episode cell a double-click edits instead of jumping
    with qtbot.assertNotEmitted(table.jumpRequested):
        double_click(qtbot, table, 2, COL_EPISODE)
    assert table.view.state() == QAbstractItemView.State.EditingState


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_row_asks_to_jump_to_its_start(
    qtbot: QtBot, table: SegmentTable, key: Qt.Key
) -> None:
    click(qtbot, table, 0)
    qtbot.keyClick(table.view, Qt.Key.Key_Down)  # the keyboard moves the current row
    with qtbot.waitSignal(table.jumpRequested, timeout=1000) as blocker:
        qtbot.keyClick(table.view, key)
    assert blocker.args == [MIDDLE.start_ms]


def open_episode_editor(qtbot: QtBot, table: SegmentTable, row: int) -> QComboBox:
    double_click(qtbot, table, row, COL_EPISODE)
    editor = table.view.indexWidget(table.model().index(row, COL_EPISODE))
    assert isinstance(editor, QComboBox)
    qtbot.waitUntil(lambda: editor.view().isVisible())  # the list opens by itself
    return editor


def test_choosing_an_episode_in_the_editor_reports_its_key(
    qtbot: QtBot, table: SegmentTable
) -> None:
    editor = open_episode_editor(qtbot, table, 0)
    assert [editor.itemText(i) for i in range(editor.count())] == [
        "(none)",
        "Free play",
        "Structured task",
        "Clean-up",
    ]
    assert editor.currentText() == "Free play"
    popup = editor.view()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(table.episodeEdited, timeout=1000) as blocker:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert blocker.args == [EARLY.id, "clean_up"]
    qtbot.waitUntil(lambda: table.view.state() != QAbstractItemView.State.EditingState)
    # the table changes nothing itself: the window saves, then hands the segments back
    assert text(table, 0, COL_EPISODE) == "Free play"


def test_choosing_none_clears_and_the_window_can_reload_at_once(
    qtbot: QtBot, qtlog: Any, table: SegmentTable
) -> None:
    shown = list(SEGMENTS)

    def save(segment_id: int, key: str | None) -> None:  # what the window does
        shown[:] = [replace(s, episode=key) if s.id == segment_id else s for s in shown]
        table.set_segments(shown, RATED)

    table.episodeEdited.connect(save)
    editor = open_episode_editor(qtbot, table, 2)
    assert editor.currentText() == "Clean-up"
    popup = editor.view()
    for _ in range(3):
        qtbot.keyClick(popup, Qt.Key.Key_Up)
    with (
        qtbot.waitSignal(table.segmentSelected, timeout=1000) as selected,
        qtbot.waitSignal(table.episodeEdited, timeout=1000) as blocker,
    ):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert blocker.args == [LATE.id, None]
    assert selected.args == [replace(LATE, episode=None)]
    assert text(table, 2, COL_EPISODE) == ""
    assert table.current_segment() == replace(LATE, episode=None)
    # the editor was closed before the reload, not committed again once the focus moves on
    qtbot.wait(50)
    assert not [r.message for r in qtlog.records if "editor" in r.message]
    # choosing the episode it already has reports nothing
    editor = open_episode_editor(qtbot, table, 0)
    with qtbot.assertNotEmitted(table.episodeEdited, wait=100):  # it would come queued
        qtbot.keyClick(editor.view(), Qt.Key.Key_Return)
    assert table.view.state() != QAbstractItemView.State.EditingState


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_delete_key_asks_to_delete_the_selected_segments(
    qtbot: QtBot, table: SegmentTable, key: Qt.Key
) -> None:
    click(qtbot, table, 2)
    click(qtbot, table, 0, mods=CTRL)
    assert table.selected_ids() == [11, 13]
    with qtbot.waitSignal(table.deleteRequested, timeout=1000) as blocker:
        qtbot.keyClick(table.view, key)
    assert blocker.args == [[11, 13]]


def test_delete_button_asks_to_delete_the_selected_segment(
    qtbot: QtBot, table: SegmentTable
) -> None:
    assert not table.delete_button.isEnabled()  # nothing selected yet
    click(qtbot, table, 1)
    assert table.delete_button.isEnabled()
    with qtbot.waitSignal(table.deleteRequested, timeout=1000) as blocker:
        qtbot.mouseClick(table.delete_button, LEFT)
    assert blocker.args == [[12]]


def test_merge_needs_two_selected_and_reports_them(qtbot: QtBot, table: SegmentTable) -> None:
    click(qtbot, table, 0)
    assert not table.merge_button.isEnabled()
    with qtbot.assertNotEmitted(table.mergeRequested):
        qtbot.mouseClick(table.merge_button, LEFT)
    click(qtbot, table, 1, mods=SHIFT)
    assert table.merge_button.isEnabled()
    with qtbot.waitSignal(table.mergeRequested, timeout=1000) as blocker:
        qtbot.mouseClick(table.merge_button, LEFT)
    assert blocker.args == [[11, 12]]


def test_split_is_offered_only_with_the_playhead_inside_the_current_segment(
    qtbot: QtBot, table: SegmentTable
) -> None:
    click(qtbot, table, 1)  # MIDDLE: 61 250 – 120 000
    for outside in (None, 10_000, MIDDLE.start_ms, MIDDLE.end_ms, 150_000):
        table.set_playhead(outside)
        assert not table.split_button.isEnabled(), outside
        with qtbot.assertNotEmitted(table.splitRequested):
            qtbot.mouseClick(table.split_button, LEFT)
    table.set_playhead(90_000)
    assert table.split_button.isEnabled()
    with qtbot.waitSignal(table.splitRequested, timeout=1000) as blocker:
        qtbot.mouseClick(table.split_button, LEFT)
    assert blocker.args == [MIDDLE.id]
    qtbot.keyClick(table.view, Qt.Key.Key_Down)  # to LATE: the playhead is not inside it
    assert table.current_segment() == LATE
    assert not table.split_button.isEnabled()
    qtbot.keyClick(table.view, Qt.Key.Key_Up)
    assert table.split_button.isEnabled()


def test_changing_the_current_row_reports_the_segment(qtbot: QtBot, table: SegmentTable) -> None:
    with qtbot.waitSignal(table.segmentSelected, timeout=1000) as blocker:
        click(qtbot, table, 2, COL_NOTE)
    assert blocker.args == [LATE]
    with qtbot.waitSignal(table.segmentSelected, timeout=1000) as blocker:
        qtbot.keyClick(table.view, Qt.Key.Key_Up)
    assert blocker.args == [MIDDLE]
    assert table.select_segment(11)
    assert table.current_segment() == EARLY and table.selected_ids() == [11]
    assert not table.select_segment(99)
    assert table.current_segment() == EARLY
    with qtbot.waitSignal(table.segmentSelected, timeout=1000) as blocker:
        table.select_segment(None)
    assert blocker.args == [None]
    assert table.selected_ids() == []


def test_selection_follows_segments_by_id_across_a_reload(
    qtbot: QtBot, table: SegmentTable
) -> None:
    click(qtbot, table, 0)
    click(qtbot, table, 2, mods=CTRL)  # current: LATE; selected: EARLY and LATE
    assert table.selected_ids() == [11, 13]
    # a new segment before them all shifts every row down; a rating changes a count
    first = Segment(20, 1, 7, 0, 500, None, "")
    with qtbot.assertNotEmitted(table.segmentSelected):
        table.set_segments([*SEGMENTS, first], {**RATED, 13: (1, 6)})
    assert table.model().segment(0) == first
    assert table.selected_ids() == [11, 13]
    assert table.current_segment() == LATE
    assert table.view.currentIndex().row() == 3
    assert text(table, 3, COL_RATED) == "1/6"
    assert table.merge_button.isEnabled()
    # the current segment changed under it (a split shortened it): told once, the new one
    shorter = replace(LATE, end_ms=150_000)
    with qtbot.waitSignal(table.segmentSelected, timeout=1000) as blocker:
        table.set_segments([EARLY, MIDDLE, shorter], RATED)
    assert blocker.args == [shorter]
    # the current segment was deleted: nothing is current any more
    with qtbot.waitSignal(table.segmentSelected, timeout=1000) as blocker:
        table.set_segments([EARLY, MIDDLE], RATED)
    assert blocker.args == [None]
    assert table.selected_ids() == [11]
    assert table.current_segment() is None


def test_a_locked_table_changes_nothing_but_still_jumps(qtbot: QtBot, table: SegmentTable) -> None:
    click(qtbot, table, 0)
    click(qtbot, table, 1, mods=SHIFT)
    table.set_playhead(90_000)
    buttons = (table.split_button, table.merge_button, table.delete_button)
    assert all(b.isEnabled() for b in buttons)
    table.set_locked(True)
    assert table.is_locked()
    assert not any(b.isEnabled() for b in buttons)
    with (
        qtbot.assertNotEmitted(table.deleteRequested),
        qtbot.assertNotEmitted(table.episodeEdited),
    ):
        qtbot.keyClick(table.view, Qt.Key.Key_Delete)
        double_click(qtbot, table, 0, COL_EPISODE)
        assert table.view.state() != QAbstractItemView.State.EditingState
        assert table.view.indexWidget(table.model().index(0, COL_EPISODE)) is None
        qtbot.keyClick(table.view, Qt.Key.Key_F2)
        assert table.view.state() != QAbstractItemView.State.EditingState
        assert not table.model().setData(table.model().index(0, COL_EPISODE), "clean_up")
    with qtbot.waitSignal(table.jumpRequested, timeout=1000) as blocker:
        double_click(qtbot, table, 1, COL_START)
    assert blocker.args == [MIDDLE.start_ms]
    table.set_locked(False)
    assert table.delete_button.isEnabled() and table.split_button.isEnabled()
    assert not table.merge_button.isEnabled()  # the double-click left one row selected
