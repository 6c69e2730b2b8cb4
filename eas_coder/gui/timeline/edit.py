"""Segment editing on the timeline: hit testing, edge drags, drawing new spans and their overlay.

Nothing here touches the widget: the timeline asks what lies under the mouse, keeps an
``EdgeDrag`` or a ``SpanDraw`` while the button is down, and paints them over its cached layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen

from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H, LayerView
from eas_coder.gui.timeline.ruler import (
    DEFAULT_FRAME_MS,
    boundary_after,
    boundary_before,
    nearest_boundary,
)
from eas_coder.gui.timeline.tracks import DEFAULT_TRACK_COLOR, TimelineSegment, TimelineTrack

EDGE_PX = 5.0  # how close to an edge the mouse must be to grab it
Role = QPalette.ColorRole


@dataclass(frozen=True)
class Hit:
    """A segment under the mouse: its row, and which edge ("start", "end") or "" for the body."""

    row: int
    segment: TimelineSegment
    edge: str = ""


@dataclass(frozen=True)
class Span:
    """A time span drawn in one track row (a selected segment, a preview)."""

    row: int
    start_ms: int
    end_ms: int
    color: str = DEFAULT_TRACK_COLOR


def track_row_at(y: float, count: int, top: float = RULER_H + STRIP_H) -> int | None:
    """The track row at a widget y, or None above the tracks (which start at ``top``) or
    below the last one."""
    if y < top:
        return None
    row = int((y - top) // TRACK_H)
    return row if row < count else None


def segment_x(view: LayerView, start_ms: float, end_ms: float) -> tuple[float, float]:
    """A segment's left and right x as painted (clamped near the widget, at least 2 px wide)."""
    x1 = max(-4.0, view.x_of(start_ms))
    return x1, max(x1 + 2, min(view.width + 4, view.x_of(end_ms)))


def edge_at(view: LayerView, tracks: Sequence[TimelineTrack], x: float, y: float) -> Hit | None:
    """The editable segment edge within ``EDGE_PX`` of the mouse, the nearest one first.

    An edge reaches at most a third into its segment, so a narrow segment keeps a body to
    click. Of two edges at the same place (adjacent segments) the one whose segment the
    mouse is over wins.
    """
    row = track_row_at(y, len(tracks), view.tracks_top)
    if row is None or not tracks[row].editable:
        return None
    best: Hit | None = None
    best_key = (EDGE_PX + 1, True)
    for seg in tracks[row].segments:
        if seg.id is None:
            continue
        x1, x2 = view.x_of(seg.start_ms), view.x_of(seg.end_ms)
        inner = min(EDGE_PX, max(0.0, x2 - x1) / 3)
        for edge, lo, hi, ex in (
            ("start", x1 - EDGE_PX, x1 + inner, x1),
            ("end", x2 - inner, x2 + EDGE_PX, x2),
        ):
            if lo <= x <= hi:
                key = (abs(x - ex), not x1 <= x <= x2)
                if key < best_key:
                    best, best_key = Hit(row, seg, edge), key
    return best


def hit_test(view: LayerView, tracks: Sequence[TimelineTrack], x: float, y: float) -> Hit | None:
    """An editable edge under the mouse, else the topmost segment body there, else None."""
    edge = edge_at(view, tracks, x, y)
    if edge is not None:
        return edge
    row = track_row_at(y, len(tracks), view.tracks_top)
    if row is None:
        return None
    for seg in reversed(tracks[row].segments):  # the last painted lies on top
        x1, x2 = segment_x(view, seg.start_ms, seg.end_ms)
        if x1 <= x <= x2:
            return Hit(row, seg)
    return None


def find_segment(tracks: Sequence[TimelineTrack], segment_id: int | None) -> Span | None:
    """Where the segment with an id is shown (the first one found), or None."""
    if segment_id is None:
        return None
    for row, track in enumerate(tracks):
        for seg in track.segments:
            if seg.id == segment_id:
                return Span(row, seg.start_ms, seg.end_ms, track.color)
    return None


def draws_anywhere(modifiers: Qt.KeyboardModifier) -> bool:
    """True when a drag draws a new span wherever it starts (over a segment, on the ruler).

    Ctrl+drag, as window managers leave it alone; Alt+drag too, but Openbox, Xfce, MATE
    and Cinnamon take Alt+drag to move the window. A plain drag in the empty part of the
    coder's own lane draws as well; Shift+drag selects a range instead."""
    return bool(modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))


def draw_row(tracks: Sequence[TimelineTrack], pressed: int | None) -> int:
    """The row a new span is drawn in: the first editable track, else the one pressed."""
    for row, track in enumerate(tracks):
        if track.editable:
            return row
    return pressed if pressed is not None else 0


@dataclass
class EdgeDrag:
    """An edge of an editable segment being dragged; ``start_ms``/``end_ms`` are the preview."""

    row: int
    segment: TimelineSegment
    edge: str
    color: str
    offset: float  # the edge's time less the time pressed: the edge never jumps to the mouse
    lo: int
    hi: int
    start_ms: int
    end_ms: int

    @classmethod
    def begin(
        cls,
        hit: Hit,
        track: TimelineTrack,
        pressed_ms: float,
        frames: Sequence[float],
        duration_ms: int,
        frame_ms: float = DEFAULT_FRAME_MS,
    ) -> EdgeDrag:
        """Grab an edge: it may move up to a neighbour (not overlapping it already), the tape's
        ends, or one frame short of the segment's other edge."""
        seg = hit.segment
        others = [s for s in track.segments if s is not seg]
        if hit.edge == "start":
            lo = max([0, *(s.end_ms for s in others if s.end_ms <= seg.start_ms)])
            hi = max(seg.start_ms, boundary_before(frames, seg.end_ms, frame_ms))
            edge_ms = seg.start_ms
        else:
            lo = min(seg.end_ms, boundary_after(frames, seg.start_ms, duration_ms, frame_ms))
            after = (s.start_ms for s in others if s.start_ms >= seg.end_ms)
            hi = max(seg.end_ms, min([duration_ms, *after]))
            edge_ms = seg.end_ms
        offset = edge_ms - pressed_ms
        color = track.color
        return cls(hit.row, seg, hit.edge, color, offset, lo, hi, seg.start_ms, seg.end_ms)

    @property
    def edge_ms(self) -> int:
        """Where the dragged edge is now."""
        return self.start_ms if self.edge == "start" else self.end_ms

    @property
    def changed(self) -> bool:
        """True when the preview differs from the segment."""
        return (self.start_ms, self.end_ms) != (self.segment.start_ms, self.segment.end_ms)

    def move(self, mouse_ms: float, frames: Sequence[float], duration_ms: int) -> bool:
        """Follow the mouse (snapped to frame starts, clamped); True when the edge moved."""
        edge = nearest_boundary(frames, mouse_ms + self.offset, duration_ms)
        edge = max(self.lo, min(edge, self.hi))
        if edge == self.edge_ms:
            return False
        if self.edge == "start":
            self.start_ms = edge
        else:
            self.end_ms = edge
        return True

    def span(self) -> Span:
        """The preview to paint."""
        return Span(self.row, self.start_ms, self.end_ms, self.color)


@dataclass
class SpanDraw:
    """A new segment span being drawn from ``anchor_ms`` to wherever the mouse is."""

    row: int
    color: str
    anchor_ms: int
    min_ms: float  # the shortest span worth a segment: any frame, or one typical frame
    edge_ms: int = -1

    def __post_init__(self) -> None:
        if self.edge_ms < 0:
            self.edge_ms = self.anchor_ms

    @property
    def start_ms(self) -> int:
        """The span's start."""
        return min(self.anchor_ms, self.edge_ms)

    @property
    def end_ms(self) -> int:
        """The span's end."""
        return max(self.anchor_ms, self.edge_ms)

    @property
    def long_enough(self) -> bool:
        """True when the span covers at least one frame."""
        return self.end_ms - self.start_ms >= self.min_ms

    def move(self, mouse_ms: float, frames: Sequence[float], duration_ms: int) -> bool:
        """Follow the mouse (snapped to frame starts); True when the span changed."""
        edge = nearest_boundary(frames, mouse_ms, duration_ms)
        if edge == self.edge_ms:
            return False
        self.edge_ms = edge
        return True

    def span(self) -> Span:
        """The preview to paint."""
        return Span(self.row, self.start_ms, self.end_ms, self.color)


def span_rect(view: LayerView, span: Span | None) -> QRect:
    """The widget rectangle a span's highlight or preview may paint (empty for None)."""
    if span is None or span.end_ms <= span.start_ms:
        return QRect()
    x1, x2 = segment_x(view, span.start_ms, span.end_ms)
    top = view.tracks_top + span.row * TRACK_H
    return QRectF(x1 - 3, top, x2 - x1 + 6, TRACK_H).toAlignedRect()


def paint_edits(
    p: QPainter, view: LayerView, pal: QPalette, selected: Span | None, preview: Span | None
) -> None:
    """The selected segment (brightened, thick outline) and a drag's dashed preview."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = pal.color(Role.WindowText)
    for span, dashed in ((selected, False), (preview, True)):
        if span is None or span.end_ms <= span.start_ms:
            continue
        top = view.tracks_top + span.row * TRACK_H
        if top >= view.height:
            continue
        x1, x2 = segment_x(view, span.start_ms, span.end_ms)
        rect = QRectF(x1, top + 2, x2 - x1, TRACK_H - 4)
        if dashed:
            fill = QColor(span.color)
            fill = fill if fill.isValid() else QColor(DEFAULT_TRACK_COLOR)
            fill.setAlpha(110)
            pen = QPen(ink, 1.5, Qt.PenStyle.DashLine)
        else:
            fill = QColor(255, 255, 255, 80)
            pen = QPen(ink, 2.0)
        p.setPen(pen)
        p.setBrush(fill)
        p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
