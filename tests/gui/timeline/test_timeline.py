"""The timeline widget, driven like a person: clicks, drags, wheel, pinch and keys (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QImage,
    QNativeGestureEvent,
    QPaintEvent,
    QPointingDevice,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

import eas_coder.gui.timeline.timeline as timeline_module
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H
from eas_coder.gui.timeline.timeline import PLAYHEAD_HALF, Timeline
from eas_coder.gui.timeline.tracks import TimelineSegment, TimelineTrack
from eas_coder.gui.window.app import application

WIDTH = 1000
DURATION = 20 * 60 * 1000  # a 20-minute tape
FRAMES_25 = [i * 40.0 for i in range(DURATION // 40)]
STRIP_Y = RULER_H + STRIP_H // 2
CTRL = Qt.KeyboardModifier.ControlModifier
NO_MODS = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton


class RecordingTimeline(Timeline):
    """Remembers the region of every paint, to check how much a playhead move repaints."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: list[list[QRect]] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self.painted.append(list(event.region()))
        super().paintEvent(event)


def _show(qtbot: QtBot, widget: Timeline) -> Timeline:
    qtbot.addWidget(widget)
    widget.resize(WIDTH, 140)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def timeline(qtbot: QtBot) -> Iterator[Timeline]:
    """A 20-minute, 25 fps tape in a 1000-px-wide timeline."""
    application()
    widget = _show(qtbot, RecordingTimeline())
    widget.set_media(DURATION, FRAMES_25)
    yield widget
    QToolTip.hideText()


def _wheel(
    widget: Timeline,
    x: float,
    angle: tuple[int, int] = (0, 0),
    pixel: tuple[int, int] = (0, 0),
    mods: Qt.KeyboardModifier = NO_MODS,
) -> bool:
    pos = QPointF(x, 100)
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos)),
        QPoint(*pixel),
        QPoint(*angle),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def _span(widget: Timeline) -> int:
    start, end = widget.visible_range()
    return end - start


def _pixel(widget: Timeline, x: float, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(round(x), y)


def _solid(color: str, width: int = 160, height: int = 90) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return image


def _close(a: QColor, b: QColor, tolerance: int = 8) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


# ----------------------------------------------------------------------------- seeking


def test_click_seeks_to_the_start_of_the_frame_under_the_mouse(
    timeline: Timeline, qtbot: QtBot
) -> None:
    timeline.set_visible_range(4000, 5000)  # 1 px per ms: a frame is 40 px wide
    assert timeline.visible_range() == (4000, 5000)
    with qtbot.waitSignal(timeline.seekRequested) as seek:
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(500, 100))  # 4500 ms, mid frame 112
    assert seek.args == [4480]
    assert timeline.position() == 4480
    with qtbot.waitSignal(timeline.seekRequested) as seek:
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(520, 100))  # 4520 ms: frame 113 starts
    assert seek.args == [4520]


def test_click_at_whole_tape_zoom_snaps_to_a_frame(timeline: Timeline, qtbot: QtBot) -> None:
    with qtbot.waitSignal(timeline.seekRequested) as seek:
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(333, 60))
    expected = int(333 * DURATION / WIDTH) // 40 * 40
    assert seek.args == [expected]
    assert abs(timeline.ms_at(333) - expected) < 40


def test_drag_scrubs_and_ends_at_the_release_position(timeline: Timeline, qtbot: QtBot) -> None:
    events: list[object] = []
    timeline.scrubStarted.connect(lambda: events.append("started"))
    timeline.seekRequested.connect(events.append)
    timeline.scrubFinished.connect(lambda: events.append("finished"))
    qtbot.mousePress(timeline, LEFT, pos=QPoint(100, 100))
    for x in (150, 200, 300):
        qtbot.mouseMove(timeline, QPoint(x, 100))
    qtbot.mouseRelease(timeline, LEFT, pos=QPoint(400, 100))
    seeks = [e for e in events if isinstance(e, int)]
    assert events[0] == "started" and events[-1] == "finished"
    assert events.count("started") == 1 and events.count("finished") == 1
    assert seeks == sorted(seeks) and len(seeks) == 5
    assert seeks[-1] == timeline.snap_ms(timeline.ms_at(400)) == timeline.position()
    assert all(s % 40 == 0 for s in seeks)


def test_drag_past_the_end_is_clamped_to_the_last_frame(timeline: Timeline, qtbot: QtBot) -> None:
    with qtbot.waitSignal(timeline.scrubFinished):
        qtbot.mousePress(timeline, LEFT, pos=QPoint(900, 100))
        qtbot.mouseMove(timeline, QPoint(WIDTH + 300, 100))
        qtbot.mouseRelease(timeline, LEFT, pos=QPoint(WIDTH + 300, 100))
    assert timeline.position() == FRAMES_25[-1] == DURATION - 40


def test_variable_frame_rate_clicks_snap_to_the_containing_frame(
    timeline: Timeline, qtbot: QtBot
) -> None:
    frames = [0.0, 33.3, 70.0, 100.1, 166.7, 200.0, 233.4, 300.0, 333.3, 400.0]
    timeline.set_media(440, frames)
    assert timeline.visible_range() == (0, 440)  # already deeper than 40 px per frame allows
    for t, start in ((20, 0), (69, 33), (70, 70), (150, 100), (290, 233), (420, 400)):
        x = timeline.x_of(t + 0.4)  # inside the pixel of time t
        with qtbot.waitSignal(timeline.seekRequested) as seek:
            qtbot.mouseClick(timeline, LEFT, pos=QPoint(int(x), 100))
        clicked = timeline.ms_at(int(x))
        expected = round(max(f for f in frames if f <= clicked + 0.5))
        assert seek.args == [expected]
        assert abs(expected - start) <= 1


def test_without_frame_times_clicks_are_not_snapped(timeline: Timeline, qtbot: QtBot) -> None:
    timeline.set_media(10_000)
    with qtbot.waitSignal(timeline.seekRequested) as seek:
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(123, 100))
    assert seek.args == [timeline.ms_at(123)] == [1230]


# ---------------------------------------------------------------------------- zooming


def test_ctrl_wheel_zooms_in_around_the_mouse(timeline: Timeline, qtbot: QtBot) -> None:
    anchor = timeline.ms_at(300)
    with qtbot.waitSignal(timeline.viewChanged) as changed:
        assert _wheel(timeline, 300, angle=(0, 120), mods=CTRL)
    assert _span(timeline) == pytest.approx(DURATION / 1.25, abs=2)
    assert abs(timeline.x_of(anchor) - 300) <= 1
    assert tuple(changed.args) == timeline.visible_range()
    for _ in range(5):
        _wheel(timeline, 700, angle=(0, 240), mods=CTRL)
        assert abs(timeline.x_of(timeline.ms_at(700)) - 700) <= 1


def test_trackpad_pixel_delta_and_pinch_zoom_too(timeline: Timeline) -> None:
    anchor = timeline.ms_at(600)
    _wheel(timeline, 600, angle=(0, 15), pixel=(0, 60), mods=CTRL)  # a trackpad sends both
    assert _span(timeline) == pytest.approx(DURATION / 1.25, abs=2)
    assert abs(timeline.x_of(anchor) - 600) <= 1
    before = _span(timeline)
    pos = QPointF(250, 80)
    gesture = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        pos,
        pos,
        QPointF(timeline.mapToGlobal(pos)),
        1.0,  # scale delta: twice as close
        QPointF(),
    )
    anchor = timeline.ms_at(250)
    QApplication.sendEvent(timeline, gesture)
    assert _span(timeline) == pytest.approx(before / 2, abs=2)
    assert abs(timeline.x_of(anchor) - 250) <= 1


def test_zoom_limits_hold(timeline: Timeline) -> None:
    for _ in range(10):
        _wheel(timeline, 500, angle=(0, -120), mods=CTRL)
    assert timeline.visible_range() == (0, DURATION)
    for _ in range(80):
        _wheel(timeline, 500, angle=(0, 120), mods=CTRL)
    frame_px = timeline.x_of(40) - timeline.x_of(0)
    assert 40 - 0.01 <= frame_px <= 41
    assert _span(timeline) == WIDTH  # 25 frames of 40 ms at 40 px each
    timeline.zoom_at(8.0, 12_345)
    assert timeline.x_of(40) - timeline.x_of(0) == pytest.approx(frame_px)
    timeline.zoom_at(1e-6, 0)
    assert timeline.visible_range() == (0, DURATION)


def test_zoom_at_keeps_the_anchor_under_its_pixel(timeline: Timeline) -> None:
    timeline.set_visible_range(60_000, 180_000)
    x = timeline.x_of(100_000)
    timeline.zoom_at(3.0, 100_000)
    assert _span(timeline) == 40_000
    assert timeline.x_of(100_000) == pytest.approx(x, abs=0.5)


def test_plain_wheel_scrolls_only_when_zoomed(timeline: Timeline, qtbot: QtBot) -> None:
    assert not _wheel(timeline, 500, angle=(0, -120))  # whole tape: nothing to scroll
    assert timeline.visible_range() == (0, DURATION)
    timeline.set_visible_range(60_000, 120_000)
    with qtbot.waitSignal(timeline.viewChanged):
        assert _wheel(timeline, 500, angle=(0, -120))  # wheel down: later
    assert timeline.visible_range() == (67_500, 127_500)
    _wheel(timeline, 500, angle=(120, 0))  # horizontal wheel to the left: earlier
    assert timeline.visible_range() == (60_000, 120_000)
    _wheel(timeline, 500, pixel=(-100, 0))  # trackpad: 100 px of content
    assert timeline.visible_range() == (66_000, 126_000)
    for _ in range(100):
        _wheel(timeline, 500, angle=(0, 120))
    assert timeline.visible_range() == (0, 60_000)


def test_keys_zoom_around_the_playhead_and_fit(timeline: Timeline, qtbot: QtBot) -> None:
    timeline.set_position(300_000)
    timeline.setFocus()
    x = timeline.x_of(300_000)
    qtbot.keyClicks(timeline, "+")
    assert _span(timeline) == DURATION // 2
    assert timeline.x_of(300_000) == pytest.approx(x, abs=0.5)
    qtbot.keyClicks(timeline, "=")
    assert _span(timeline) == DURATION // 4
    qtbot.keyClicks(timeline, "-")
    assert _span(timeline) == DURATION // 2
    qtbot.keyClicks(timeline, "0")
    assert timeline.visible_range() == (0, DURATION)
    assert timeline.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_playback_pages_a_zoomed_view(timeline: Timeline) -> None:
    timeline.set_visible_range(0, 60_000)
    timeline.set_position(59_000)
    assert timeline.visible_range() == (0, 60_000)
    timeline.set_position(61_000)
    start, end = timeline.visible_range()
    assert start < 61_000 < end and end - start == 60_000
    assert 0 <= timeline.x_of(61_000) < WIDTH / 10


def test_set_media_resets_view_tracks_and_selection(timeline: Timeline, qtbot: QtBot) -> None:
    timeline.zoom_in()
    timeline.set_tracks([TimelineTrack("A", (TimelineSegment(0, 1000),))])
    timeline.set_selection(1000, 2000)
    with qtbot.waitSignal(timeline.selectionChanged) as cleared:
        timeline.set_media(60_000, [i * 40.0 for i in range(1500)])
    assert cleared.args == [-1, -1]
    assert timeline.visible_range() == (0, 60_000)
    assert timeline.tracks() == () and timeline.selection() is None
    assert timeline.position() == 0


# --------------------------------------------------------------------------- selection


def test_shift_drag_selects_and_a_plain_click_clears(timeline: Timeline, qtbot: QtBot) -> None:
    timeline.set_visible_range(10_000, 11_000)  # 1 px per ms
    plain = _pixel(timeline, 400, STRIP_Y)
    ranges: list[tuple[int, int]] = []
    timeline.selectionChanged.connect(lambda a, b: ranges.append((a, b)))
    qtbot.mousePress(timeline, LEFT, SHIFT, QPoint(205, 100))  # 10 205 -> boundary 10 200
    qtbot.mouseMove(timeline, QPoint(350, 100))
    qtbot.mouseRelease(timeline, LEFT, SHIFT, QPoint(625, 100))  # 10 625 -> boundary 10 640
    assert ranges[-1] == (10_200, 10_640) == timeline.selection()
    assert ranges[0] == (10_200, 10_360)
    assert timeline.position() == 0  # a selection does not seek
    assert _pixel(timeline, 400, STRIP_Y) != plain  # drawn translucent over the strip
    assert _pixel(timeline, 800, STRIP_Y) == plain
    with qtbot.waitSignal(timeline.selectionChanged) as cleared:
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(800, 100))
    assert cleared.args == [-1, -1]
    assert timeline.selection() is None


def test_set_selection_from_code(timeline: Timeline, qtbot: QtBot) -> None:
    with qtbot.waitSignal(timeline.selectionChanged) as changed:
        timeline.set_selection(5000, 3000)
    assert changed.args == [3000, 5000] and timeline.selection() == (3000, 5000)
    with qtbot.assertNotEmitted(timeline.selectionChanged):
        timeline.set_selection(3000, 5000)
    timeline.set_selection(-1, -1)
    assert timeline.selection() is None


# ---------------------------------------------------------------------------- painting


def test_thumbnails_fill_the_strip_at_every_zoom(timeline: Timeline) -> None:
    placeholder = _pixel(timeline, 500, STRIP_Y)
    timeline.set_thumbnails([(0, _solid("#d02020")), (DURATION - 1000, _solid("#2040e0"))])
    red, blue = QColor("#d02020"), QColor("#2040e0")
    assert _close(_pixel(timeline, 30, STRIP_Y), red)
    assert _close(_pixel(timeline, WIDTH - 40, STRIP_Y), blue)
    assert not _close(placeholder, red) and not _close(placeholder, blue)
    timeline.set_visible_range(100_000, 101_000)  # far from both: nearest is the red one
    image = timeline.grab().toImage()
    for x in range(20, WIDTH, 97):
        assert _close(image.pixelColor(x, STRIP_Y), red), x
    timeline.add_thumbnail(100_500, _solid("#20a040"))
    assert _close(_pixel(timeline, 500, STRIP_Y), QColor("#20a040"))


def test_refined_thumbnails_replace_the_coarse_set(timeline: Timeline) -> None:
    timeline.set_thumbnails([(0, _solid("#d02020"))])
    timeline.set_thumbnails([(t, _solid("#2040e0")) for t in range(0, DURATION, 60_000)])
    image = timeline.grab().toImage()
    assert all(_close(image.pixelColor(x, STRIP_Y), QColor("#2040e0")) for x in (30, 500, 960))


def test_tracks_draw_segments_in_their_colour(timeline: Timeline) -> None:
    green, purple = QColor("#10a050"), QColor("#8030c0")
    timeline.set_tracks(
        [
            TimelineTrack("Coder A", (TimelineSegment(600_000, 900_000, "play"),), "#10a050"),
            TimelineTrack("Coder B", (TimelineSegment(60_000, 120_000),), "#8030c0"),
        ]
    )
    row_a, row_b = RULER_H + STRIP_H + TRACK_H // 2, RULER_H + STRIP_H + TRACK_H + TRACK_H // 2
    image = timeline.grab().toImage()
    assert _close(image.pixelColor(round(timeline.x_of(850_000)), row_a), green)
    assert not _close(image.pixelColor(round(timeline.x_of(400_000)), row_a), green)
    assert _close(image.pixelColor(round(timeline.x_of(90_000)), row_b), purple)
    assert not _close(image.pixelColor(round(timeline.x_of(200_000)), row_b), purple)
    assert timeline.sizeHint().height() >= RULER_H + STRIP_H + 2 * TRACK_H
    timeline.set_visible_range(880_000, 940_000)  # segment end in view: drawn up to it
    image = timeline.grab().toImage()
    assert _close(image.pixelColor(round(timeline.x_of(895_000)), row_a), green)
    assert not _close(image.pixelColor(round(timeline.x_of(910_000)), row_a), green)


def test_playhead_move_repaints_only_two_thin_rects(
    timeline: Timeline, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(timeline, RecordingTimeline)
    timeline.painted.clear()
    timeline.set_tracks([TimelineTrack("A", (TimelineSegment(0, 60_000),))])
    qtbot.waitUntil(lambda: bool(timeline.painted))  # the full repaint the new content needs
    renders: list[int] = []
    real_render = timeline_module.render_static
    monkeypatch.setattr(
        timeline_module, "render_static", lambda *a: renders.append(1) or real_render(*a)
    )
    timeline.painted.clear()
    timeline.set_position(600_000)
    qtbot.waitUntil(lambda: bool(timeline.painted))
    rects = [r for region in timeline.painted for r in region]
    assert rects and all(r.width() <= 2 * PLAYHEAD_HALF + 1 for r in rects)
    for ms in (0, 600_000):  # the old and the new playhead
        assert any(r.left() <= timeline.x_of(ms) <= r.right() for r in rects), ms
    assert renders == []  # the cached layers were not rebuilt
    playhead = _pixel(timeline, timeline.x_of(600_000), RULER_H + STRIP_H + TRACK_H + 10)
    assert playhead.red() > 200 and playhead.blue() < 80  # orange-red line
    timeline.zoom_in()
    timeline.grab()
    assert renders == [1]  # a view change rebuilds them once


def test_ruler_labels_at_whole_tape_zoom_are_minutes(timeline: Timeline) -> None:
    ruler = timeline.grab().toImage()
    background = ruler.pixelColor(WIDTH - 1, 3)
    # 10:00 (x = 500) is labelled whatever the font: steps of 1, 2, 5 or 10 min all hit it.
    inked = [ruler.pixelColor(500 + dx, y) != background for dx in range(2, 30) for y in range(14)]
    assert any(inked)


def test_clear_draws_a_calm_empty_timeline(timeline: Timeline, qtbot: QtBot) -> None:
    timeline.set_tracks([TimelineTrack("A", (TimelineSegment(0, 60_000),))])
    timeline.clear()
    image = timeline.grab().toImage()
    base = image.pixelColor(2, 2)
    assert image.pixelColor(WIDTH - 3, 130) == base  # flat: no ruler, strip or tracks
    assert any(image.pixelColor(x, 70) != base for x in range(300, 700))  # the hint text
    with qtbot.assertNotEmitted(timeline.seekRequested):
        qtbot.mouseClick(timeline, LEFT, pos=QPoint(500, 60))
    assert not _wheel(timeline, 500, angle=(0, 120), mods=CTRL)
    assert timeline.visible_range() == (0, 0)


def test_tooltip_shows_the_time_and_frame_under_the_mouse(timeline: Timeline) -> None:
    timeline.set_visible_range(3_723_000 % DURATION, 3_723_000 % DURATION + 1000)
    x = 456
    t = timeline.ms_at(x)
    expected = f"00:02:03.{t % 1000:03d} · frame {t // 40}"
    assert timeline.time_text_at(x) == expected
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, 60), timeline.mapToGlobal(QPoint(x, 60)))
    QApplication.sendEvent(timeline, event)
    assert QToolTip.text() == expected


def test_size_hint_and_minimum_height() -> None:
    application()
    widget = Timeline()
    assert widget.sizeHint().height() == 120
    assert widget.minimumHeight() == RULER_H + STRIP_H + TRACK_H
    widget.set_tracks([TimelineTrack(str(n)) for n in range(4)])
    assert widget.sizeHint().height() >= RULER_H + STRIP_H + 4 * TRACK_H
    widget.deleteLater()
