"""Selecting and editing segments on the timeline by mouse, like a person (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPaintEvent
from pytestqt.qtbot import QtBot

import eas_coder.gui.timeline.timeline as timeline_module
from eas_coder.gui.timeline.edit import EDGE_PX, EdgeDrag, Hit
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H
from eas_coder.gui.timeline.timeline import PLAYHEAD_HALF, Timeline
from eas_coder.gui.timeline.tracks import TimelineSegment, TimelineTrack
from eas_coder.gui.window.app import application

WIDTH = 1000
DURATION = 20 * 60 * 1000
FRAMES_25 = [i * 40.0 for i in range(DURATION // 40)]
MINE_Y = RULER_H + STRIP_H + TRACK_H // 2  # the middle of row 0: my (editable) track
OTHER_Y = MINE_Y + TRACK_H  # row 1: another coder's track, display only
STRIP_Y = RULER_H + STRIP_H // 2
LEFT = Qt.MouseButton.LeftButton
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NO_MODS = Qt.KeyboardModifier.NoModifier
# The view is 10 000–11 000 ms over 1000 px: x is ms - 10 000, and a frame is 40 px wide.
A = TimelineSegment(10_200, 10_400, "a", 1)
B = TimelineSegment(10_600, 10_800, "b", 2)
C = TimelineSegment(10_200, 10_400, "c", 3)


class RecordingTimeline(Timeline):
    """Remembers the region of every paint."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: list[list[QRect]] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self.painted.append(list(event.region()))
        super().paintEvent(event)


@pytest.fixture
def timeline(qtbot: QtBot) -> RecordingTimeline:
    """A 20-minute, 25 fps tape at 1 px per ms with my track (A, B) and another coder's (C)."""
    application()
    widget = RecordingTimeline()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, 140)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_media(DURATION, FRAMES_25)
    widget.set_visible_range(10_000, 11_000)
    widget.set_tracks(
        [
            TimelineTrack("Me", (A, B), "#10a050", editable=True),
            TimelineTrack("Other", (C,), "#8030c0"),
        ]
    )
    return widget


def _record(timeline: Timeline) -> list[tuple[object, ...]]:
    """Every signal the window listens to, in order."""
    events: list[tuple[object, ...]] = []
    timeline.seekRequested.connect(lambda ms: events.append(("seek", ms)))
    timeline.segmentClicked.connect(lambda i: events.append(("clicked", i)))
    timeline.segmentEdgeMoved.connect(lambda i, s, e: events.append(("moved", i, s, e)))
    timeline.segmentDrawn.connect(lambda s, e: events.append(("drawn", s, e)))
    timeline.scrubStarted.connect(lambda: events.append(("scrub",)))
    return events


def _drag(
    qtbot: QtBot,
    timeline: Timeline,
    y: int,
    xs: list[int],
    mods: Qt.KeyboardModifier = NO_MODS,
) -> None:
    """Press at the first x, move through the others, release at the last."""
    qtbot.mousePress(timeline, LEFT, mods, QPoint(xs[0], y))
    for x in xs[1:]:
        qtbot.mouseMove(timeline, QPoint(x, y))
    qtbot.mouseRelease(timeline, LEFT, mods, QPoint(xs[-1], y))


def _of(events: list[tuple[object, ...]], kind: str) -> list[tuple[object, ...]]:
    return [e[1:] for e in events if e[0] == kind]


def _row(image: QImage, y: int, xs: range) -> list[int]:
    return [image.pixel(x, y) for x in xs]


# ------------------------------------------------------------------------------ hovering


def test_hover_shows_a_resize_cursor_only_on_editable_edges(
    timeline: Timeline, qtbot: QtBot
) -> None:
    resize, arrow = Qt.CursorShape.SizeHorCursor, Qt.CursorShape.ArrowCursor
    for x, y, shape in (
        (400, MINE_Y, resize),  # A's end
        (404, MINE_Y, resize),  # just outside it
        (197, MINE_Y, resize),  # A's start, from outside
        (300, MINE_Y, arrow),  # A's body
        (400 + EDGE_PX + 3, MINE_Y, arrow),  # too far
        (500, MINE_Y, arrow),  # empty track
        (400, OTHER_Y, arrow),  # C's end: another coder's track
        (200, OTHER_Y, arrow),
        (400, STRIP_Y, arrow),  # above the tracks
        (603, MINE_Y, resize),  # B's start
    ):
        qtbot.mouseMove(timeline, QPoint(x, y))
        assert timeline.cursor().shape() == shape, (x, y)


# --------------------------------------------------------------------------- edge drags


def test_dragging_an_end_edge_emits_once_with_the_snapped_end(
    timeline: RecordingTimeline, qtbot: QtBot
) -> None:
    events = _record(timeline)
    before = timeline.grab().toImage()
    qtbot.mousePress(timeline, LEFT, pos=QPoint(402, MINE_Y))  # grabbed 2 px right of the edge
    assert events == [] and timeline.cursor().shape() == Qt.CursorShape.SizeHorCursor
    qtbot.mouseMove(timeline, QPoint(445, MINE_Y))  # edge at 10 443 -> frame start 10 440
    assert events == [("seek", 10_440)]  # the video shows the frame under the edge
    during = timeline.grab().toImage()
    # The preview is live: the gap between the old and the new end is drawn on.
    assert _row(during, MINE_Y, range(405, 436)) != _row(before, MINE_Y, range(405, 436))
    assert _row(during, MINE_Y, range(470, 580)) == _row(before, MINE_Y, range(470, 580))
    qtbot.mouseMove(timeline, QPoint(470, MINE_Y))
    qtbot.mouseRelease(timeline, LEFT, pos=QPoint(495, MINE_Y))  # 10 493 -> 10 480
    assert _of(events, "moved") == [(1, 10_200, 10_480)]
    assert _of(events, "seek") == [(10_440,), (10_480,)]
    assert _of(events, "clicked") == [] and _of(events, "scrub") == []
    after = timeline.grab().toImage()  # the window has not applied it: the preview is gone
    assert _row(after, MINE_Y, range(405, 436)) == _row(before, MINE_Y, range(405, 436))


def test_a_start_edge_moves_too_and_a_drag_back_emits_nothing(
    timeline: Timeline, qtbot: QtBot
) -> None:
    events = _record(timeline)
    _drag(qtbot, timeline, MINE_Y, [600, 560, 525])  # B's start: 10 525 -> 10 520
    assert _of(events, "moved") == [(2, 10_520, 10_800)]
    events.clear()
    _drag(qtbot, timeline, MINE_Y, [399, 470, 300, 399])  # out and back to where it began
    assert _of(events, "moved") == []
    events.clear()
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(401, MINE_Y))  # a click on an edge: nothing
    assert events == []


def test_edges_stop_at_the_neighbour_and_one_frame_from_the_other_edge(
    timeline: Timeline, qtbot: QtBot
) -> None:
    events = _record(timeline)
    _drag(qtbot, timeline, MINE_Y, [400, 550, 700, 900])  # A's end runs into B
    _drag(qtbot, timeline, MINE_Y, [400, 100, -300])  # A's end past its own start
    _drag(qtbot, timeline, MINE_Y, [600, 300])  # B's start back into A
    _drag(qtbot, timeline, MINE_Y, [600, 900])  # B's start past its own end
    assert _of(events, "moved") == [
        (1, 10_200, 10_600),
        (1, 10_200, 10_240),
        (2, 10_400, 10_800),
        (2, 10_760, 10_800),
    ]
    assert all(isinstance(ms, int) and ms % 40 == 0 for (ms,) in _of(events, "seek"))


def test_edges_stay_on_the_tape_and_overlapping_neighbours_do_not_block(
    timeline: Timeline, qtbot: QtBot
) -> None:
    first, last = TimelineSegment(80, 400, id=7), TimelineSegment(DURATION - 400, DURATION, id=8)
    overlap = TimelineSegment(10_300, 10_500, id=9)  # already overlaps A: no wall for A's end
    timeline.set_tracks([TimelineTrack("Me", (first, A, overlap, last), editable=True)])
    events = _record(timeline)
    _drag(qtbot, timeline, MINE_Y, [400, 560])
    timeline.set_visible_range(0, 1000)
    _drag(qtbot, timeline, MINE_Y, [80, -200])
    timeline.set_visible_range(DURATION - 1000, DURATION)
    _drag(qtbot, timeline, MINE_Y, [600, 400])  # the last segment's start...
    _drag(qtbot, timeline, MINE_Y, [999, 900, WIDTH + 200])  # ...and its end, at the tape's end
    assert _of(events, "moved") == [
        (1, 10_200, 10_560),
        (7, 0, 400),
        (8, DURATION - 600, DURATION),
    ]


def test_escape_cancels_an_edge_drag(timeline: Timeline, qtbot: QtBot) -> None:
    events = _record(timeline)
    before = timeline.grab().toImage()
    qtbot.mousePress(timeline, LEFT, pos=QPoint(400, MINE_Y))
    qtbot.mouseMove(timeline, QPoint(520, MINE_Y))
    assert _row(timeline.grab().toImage(), MINE_Y, range(410, 510)) != _row(
        before, MINE_Y, range(410, 510)
    )
    qtbot.keyClick(timeline, Qt.Key.Key_Escape)
    qtbot.mouseMove(timeline, QPoint(560, MINE_Y))
    qtbot.mouseRelease(timeline, LEFT, pos=QPoint(560, MINE_Y))
    assert _of(events, "moved") == [] and _of(events, "drawn") == []
    assert _of(events, "seek") == [(10_520,)]  # only the seek while dragging
    image = timeline.grab().toImage()
    assert _row(image, MINE_Y, range(410, 510)) == _row(before, MINE_Y, range(410, 510))


def test_another_coders_track_ignores_edge_drags(timeline: Timeline, qtbot: QtBot) -> None:
    events = _record(timeline)
    _drag(qtbot, timeline, OTHER_Y, [399, 450, 480])
    assert _of(events, "moved") == [] and _of(events, "drawn") == []
    assert events[:3] == [("scrub",), ("seek", 10_360), ("clicked", 3)]  # a plain scrub
    assert timeline.position() == 10_480
    # A segment without an id cannot be edited either, even on my track.
    timeline.set_tracks([TimelineTrack("Me", (TimelineSegment(10_200, 10_400),), editable=True)])
    qtbot.mouseMove(timeline, QPoint(400, MINE_Y))
    assert timeline.cursor().shape() == Qt.CursorShape.ArrowCursor
    events.clear()
    _drag(qtbot, timeline, MINE_Y, [400, 480])
    assert _of(events, "moved") == [] and _of(events, "clicked") == []


def test_edge_drag_repaints_only_its_row_and_the_playhead(
    timeline: RecordingTimeline, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline.grab()
    renders: list[int] = []
    real_render = timeline_module.render_static
    monkeypatch.setattr(
        timeline_module, "render_static", lambda *a: renders.append(1) or real_render(*a)
    )
    qtbot.mousePress(timeline, LEFT, pos=QPoint(400, MINE_Y))
    timeline.painted.clear()
    for x in (430, 470, 520):
        qtbot.mouseMove(timeline, QPoint(x, MINE_Y))
    qtbot.waitUntil(lambda: bool(timeline.painted))
    rects = [r for region in timeline.painted for r in region]
    row_top = RULER_H + STRIP_H
    for r in rects:
        thin = r.width() <= 2 * PLAYHEAD_HALF + 1
        in_row = r.top() >= row_top and r.bottom() < row_top + TRACK_H
        assert thin or in_row, r
    assert any(r.right() >= 520 and r.height() <= TRACK_H for r in rects)  # the preview
    assert renders == []  # the cached layers were not rebuilt
    qtbot.mouseRelease(timeline, LEFT, pos=QPoint(520, MINE_Y))


# ------------------------------------------------------------------ clicks and selection


def test_clicking_a_segment_body_seeks_then_reports_the_segment(
    timeline: Timeline, qtbot: QtBot
) -> None:
    events = _record(timeline)
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(330, MINE_Y))
    assert [e for e in events if e[0] != "scrub"] == [("seek", 10_320), ("clicked", 1)]
    events.clear()
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(250, OTHER_Y))  # another coder's: still fine
    assert [e for e in events if e[0] != "scrub"] == [("seek", 10_240), ("clicked", 3)]
    events.clear()
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(500, OTHER_Y))  # empty: just a seek
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(300, STRIP_Y))  # above the tracks: likewise
    assert [e for e in events if e[0] != "scrub"] == [("seek", 10_480), ("seek", 10_280)]
    assert timeline.selected_segment() is None  # the window decides what is selected


def test_selected_segment_is_drawn_highlighted(timeline: Timeline, qtbot: QtBot) -> None:
    plain = timeline.grab().toImage()
    timeline.set_selected_segment(2)
    assert timeline.selected_segment() == 2
    selected = timeline.grab().toImage()
    b_row = range(600, 800)
    assert _row(selected, MINE_Y, b_row) != _row(plain, MINE_Y, b_row)
    assert _row(selected, MINE_Y, range(200, 400)) == _row(plain, MINE_Y, range(200, 400))
    assert _row(selected, OTHER_Y, b_row) == _row(plain, OTHER_Y, b_row)
    timeline.set_selected_segment(3)  # another coder's segment can be selected too
    other = timeline.grab().toImage()
    assert _row(other, MINE_Y, b_row) == _row(plain, MINE_Y, b_row)
    assert _row(other, OTHER_Y, range(200, 400)) != _row(plain, OTHER_Y, range(200, 400))
    timeline.set_selected_segment(None)
    assert timeline.grab().toImage() == plain
    timeline.set_selected_segment(1)
    timeline.set_media(DURATION, FRAMES_25)
    assert timeline.selected_segment() is None


# ------------------------------------------------------------------------------ drawing


def test_dragging_in_my_tracks_empty_area_draws_a_segment(timeline: Timeline, qtbot: QtBot) -> None:
    events = _record(timeline)
    before = timeline.grab().toImage()
    qtbot.mousePress(timeline, LEFT, pos=QPoint(853, MINE_Y))  # 10 853 -> 10 840
    qtbot.mouseMove(timeline, QPoint(930, MINE_Y))
    during = timeline.grab().toImage()
    assert _row(during, MINE_Y, range(860, 900)) != _row(before, MINE_Y, range(860, 900))
    qtbot.mouseRelease(timeline, LEFT, pos=QPoint(967, MINE_Y))  # 10 967 -> 10 960
    assert _of(events, "drawn") == [(10_840, 10_960)]
    assert _of(events, "seek")[0] == (10_840,)  # a press there still seeks, like any click
    assert _of(events, "moved") == [] and _of(events, "clicked") == []
    events.clear()
    _drag(qtbot, timeline, MINE_Y, [567, 500, 452])  # leftwards, between A and B
    assert _of(events, "drawn") == [(10_440, 10_560)]
    events.clear()
    qtbot.mouseClick(timeline, LEFT, pos=QPoint(500, MINE_Y))  # a click only seeks
    _drag(qtbot, timeline, MINE_Y, [853, 858])  # less than a frame: nothing
    assert _of(events, "drawn") == [] and _of(events, "seek") == [(10_480,), (10_840,)]
    events.clear()
    _drag(qtbot, timeline, MINE_Y, [853, 930], SHIFT)  # Shift still selects a range
    assert _of(events, "drawn") == [] and timeline.selection() == (10_840, 10_920)


def test_alt_drag_draws_anywhere_and_escape_cancels(timeline: Timeline, qtbot: QtBot) -> None:
    events = _record(timeline)
    before = timeline.grab().toImage()
    qtbot.mousePress(timeline, LEFT, ALT, QPoint(412, STRIP_Y))  # 10 412 -> 10 400
    qtbot.mouseMove(timeline, QPoint(95, STRIP_Y))
    during = timeline.grab().toImage()  # shown live in my track, where it will go
    assert _row(during, MINE_Y, range(100, 190)) != _row(before, MINE_Y, range(100, 190))
    qtbot.mouseRelease(timeline, LEFT, ALT, QPoint(95, STRIP_Y))  # 10 095 -> 10 080
    assert _of(events, "drawn") == [(10_080, 10_400)]
    events.clear()
    _drag(qtbot, timeline, OTHER_Y, [250, 333], ALT)  # over a segment: no click, no edge
    _drag(qtbot, timeline, MINE_Y, [400, 333], ALT)  # on my edge: a drawing, not an edge drag
    assert _of(events, "drawn") == [(10_240, 10_320), (10_320, 10_400)]
    assert _of(events, "clicked") == [] and _of(events, "moved") == []
    events.clear()
    qtbot.mousePress(timeline, LEFT, ALT, QPoint(500, STRIP_Y))
    qtbot.mouseMove(timeline, QPoint(700, STRIP_Y))
    qtbot.keyClick(timeline, Qt.Key.Key_Escape)
    qtbot.mouseRelease(timeline, LEFT, ALT, QPoint(700, STRIP_Y))
    assert _of(events, "drawn") == []
    image = timeline.grab().toImage()
    assert _row(image, MINE_Y, range(520, 580)) == _row(before, MINE_Y, range(520, 580))


# ---------------------------------------------------------------------------- pure logic


def test_edge_bounds_without_frame_times() -> None:
    track = TimelineTrack("Me", (A, B), editable=True)
    drag = EdgeDrag.begin(Hit(0, A, "end"), track, 10_400, [], 60_000)
    assert (drag.lo, drag.hi) == (10_240, 10_600)  # one 40 ms frame, and B
    assert drag.move(10_517.4, [], 60_000) and drag.end_ms == 10_517
    assert not drag.move(10_517.2, [], 60_000)
    drag = EdgeDrag.begin(Hit(0, B, "start"), track, 10_600, [], 60_000, frame_ms=33.3)
    assert (drag.lo, drag.hi) == (10_400, 10_767)
