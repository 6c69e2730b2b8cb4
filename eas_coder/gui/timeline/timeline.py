"""Custom-painted, zoomable timeline: ruler, playhead, thumbnail strip, the audio waveform and
one track per coder.

The static layers (ruler, thumbnails, waveform, tracks) are painted once into a pixmap that is
rebuilt only when the view or the content changes; a playhead move repaints two thin
rectangles, and the selected segment and a drag's preview are overlays that repaint only their
own rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from eas_coder.gui.timeline.edit import (
    EdgeDrag,
    Span,
    SpanDraw,
    draw_row,
    draws_anywhere,
    edge_at,
    find_segment,
    hit_test,
    paint_edits,
    span_rect,
    track_row_at,
)
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H
from eas_coder.gui.timeline.layers import paint_overlays, render_static
from eas_coder.gui.timeline.ruler import (
    DEFAULT_FRAME_MS,
    format_clock,
    frame_index_at,
    median_frame_ms,
    nearest_boundary,
    snap_to_frame,
)
from eas_coder.gui.timeline.tracks import DEFAULT_TRACK_COLOR, TimelineTrack
from eas_coder.gui.timeline.view import TimelineView
from eas_coder.gui.timeline.waveform import lane_height

if TYPE_CHECKING:  # PyAV and numpy come with the first waveform, not at start-up
    from eas_coder.media.waveform import Waveform

PLAYHEAD_HALF = 9  # half-width of the rectangle a playhead move repaints (triangle + smoothing)


class Timeline(TimelineView):
    """The whole video at a glance, zoomable down to single frames; click or drag to seek.

    On an editable track the edges of segments can be dragged and new spans drawn (a drag in
    its empty area, or Ctrl/Alt+drag anywhere); the window applies the edits the signals report.
    """

    seekRequested = Signal(int)
    scrubStarted = Signal()
    scrubFinished = Signal()
    selectionChanged = Signal(int, int)
    segmentClicked = Signal(int)  # segment id: a click on a segment's body (after the seek)
    segmentEdgeMoved = Signal(int, int, int)  # segment id, new start_ms, new end_ms
    segmentDrawn = Signal(int, int)  # start_ms, end_ms of a new span on the editable track

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        # Every pixel comes from the cached pixmap, so Qt need not erase the background first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._waveform: Waveform | None = None
        self._tracks: tuple[TimelineTrack, ...] = ()
        self._selection: tuple[int, int] | None = None
        self._drag: str | None = None  # "scrub", "select", "edge" or "draw" while pressed
        self._edit: EdgeDrag | SpanDraw | None = None  # an "edge" or "draw" drag's preview
        self._selected_id: int | None = None
        self._selected: Span | None = None  # where the selected segment is shown
        self._anchor = 0
        self._last_seek = -1
        self._set_waveform(None)

    # ----------------------------------------------------------------- content
    def set_media(self, duration_ms: int, frame_times_ms: Sequence[float] | None = None) -> None:
        """Show a new video: whole-tape zoom, no thumbnails, waveform, tracks or selection."""
        self._duration = max(0, int(duration_ms))
        self._frames = [float(t) for t in frame_times_ms] if frame_times_ms else []
        self._frame_ms = median_frame_ms(self._frames) if self._frames else DEFAULT_FRAME_MS
        self._clear_thumbnails()
        self._set_waveform(None)
        self._tracks = ()
        self._position = 0
        self._drag = self._edit = None
        self._selected_id = self._selected = None
        self._set_selection(None)
        self._start, self._span = 0.0, float(max(1, self._duration))
        self.updateGeometry()
        self._invalidate()
        self.viewChanged.emit(*self.visible_range())

    def clear(self) -> None:
        """No media: an empty timeline with a short hint."""
        self.set_media(0)

    def set_thumbnails(self, thumbs: Sequence[tuple[int, QImage]]) -> None:
        """Replace all thumbnails with (time_ms, image) pairs."""
        self._clear_thumbnails()
        for time_ms, image in thumbs:
            self._thumbs.add(int(time_ms), image, self.devicePixelRatioF())
        self._invalidate()

    def add_thumbnail(self, time_ms: int, image: QImage) -> None:
        """Add (or replace) the thumbnail at one time."""
        self._thumbs.add(int(time_ms), image, self.devicePixelRatioF())
        self._invalidate()

    def set_waveform(self, waveform: Waveform | None) -> None:
        """Show the audio's waveform in a lane above the tracks; None or a silent track hides
        the lane (the tracks move up, no empty band)."""
        self._set_waveform(waveform)
        self.updateGeometry()
        self._invalidate()

    def waveform(self) -> Waveform | None:
        """The waveform given, or None."""
        return self._waveform

    def set_tracks(self, tracks: Sequence[TimelineTrack]) -> None:
        """Replace the tracks (one row each, top to bottom)."""
        self._tracks = tuple(tracks)
        self._selected = find_segment(self._tracks, self._selected_id)
        self.updateGeometry()
        self._invalidate()

    def tracks(self) -> tuple[TimelineTrack, ...]:
        """The tracks shown."""
        return self._tracks

    def duration(self) -> int:
        """The video's duration in ms (0 without media)."""
        return self._duration

    # --------------------------------------------------------------- playhead
    def set_position(self, ms: int) -> None:
        """Move the playhead; a zoomed view pages along so the playhead stays visible."""
        ms = max(0, min(int(ms), self._duration))
        if ms == self._position:
            return
        old = self._position
        self._position = ms
        # Page a zoomed view so the playhead reappears near the left edge, with some context.
        outside = not self._start <= ms <= self._start + self._span
        if self._zoomed() and outside and self._set_view(ms - 0.05 * self._span, self._span):
            return
        self.update(self._playhead_rect(old))
        self.update(self._playhead_rect(ms))

    def position(self) -> int:
        """The playhead's time in ms."""
        return self._position

    # -------------------------------------------------------------- selection
    def set_selection(self, start_ms: int, end_ms: int) -> None:
        """Select a time range; an empty or negative range clears the selection."""
        lo, hi = sorted((int(start_ms), int(end_ms)))
        lo, hi = max(0, lo), min(hi, self._duration)
        self._set_selection((lo, hi) if hi > lo and start_ms >= 0 else None)

    def selection(self) -> tuple[int, int] | None:
        """The selected (start_ms, end_ms), or None."""
        return self._selection

    def set_selected_segment(self, segment_id: int | None) -> None:
        """Highlight the segment with this id (None: none)."""
        old = self._selected
        self._selected_id = segment_id
        self._selected = find_segment(self._tracks, segment_id)
        if self._selected != old:
            view = self._view()
            self.update(span_rect(view, old).united(span_rect(view, self._selected)))

    def selected_segment(self) -> int | None:
        """The id of the highlighted segment, or None."""
        return self._selected_id

    # ------------------------------------------------------------------- time
    def max_seek_ms(self) -> int:
        """The latest time a click can seek to: the start of the last frame."""
        if self._frames:
            return round(min(self._frames[-1], self._duration))
        return max(0, round(self._duration - self._frame_ms))

    def snap_ms(self, ms: float) -> int:
        """A time clamped to the tape and moved to the start of the frame that contains it."""
        return snap_to_frame(self._frames, ms, self.max_seek_ms())

    def time_text_at(self, x: float) -> str:
        """The tooltip text for a widget x: hh:mm:ss.fff, plus the frame number when known."""
        t = max(0, min(self.ms_at(x), self._duration))
        text = format_clock(t)
        return f"{text} · frame {frame_index_at(self._frames, t)}" if self._frames else text

    # ------------------------------------------------------------- Qt events
    def sizeHint(self) -> QSize:
        tracks = max(1, len(self._tracks))
        return QSize(640, max(120, RULER_H + STRIP_H + self._wave_h + TRACK_H * tracks + 4))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, RULER_H + STRIP_H + self._wave_h + TRACK_H)

    def paintEvent(self, event: QPaintEvent) -> None:
        view, size, pal = self._view(), self._pixel_size(), self.palette()
        if self._static is None or self._static.size() != size:
            dpr, font = self.devicePixelRatioF(), self.font()
            self._static = render_static(
                view, size, dpr, pal, font, self._thumbs, self._tracks, self._waveform
            )
            self._want_tiles(view)
        painter = QPainter(self)
        painter.setClipRegion(event.region())
        painter.drawPixmap(0, 0, self._static)
        if self._duration > 0:
            preview = self._edit.span() if self._edit is not None else None
            paint_edits(painter, view, pal, self._selected, preview)
            paint_overlays(painter, view, self._position, self._selection, pal)
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self._duration > 0:
                QToolTip.showText(event.globalPos(), self.time_text_at(event.pos().x()), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._edit is not None:
            self._end_edit()  # cancelled: nothing to report
            event.accept()
            return
        super().keyPressEvent(event)  # zoom keys

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._duration <= 0:
            super().mousePressEvent(event)
            return
        x, y = event.position().x(), event.position().y()
        t, mods = self._time_at(x), event.modifiers()
        alt = draws_anywhere(mods)  # Ctrl or Alt: Alt alone is taken by some desktops
        hit = None if alt else hit_test(self._view(), self._tracks, x, y)
        row = track_row_at(y, len(self._tracks), self._view().tracks_top)
        if mods & Qt.KeyboardModifier.ShiftModifier:
            self._drag = "select"
            self._anchor = nearest_boundary(self._frames, t, self._duration)
        elif hit is not None and hit.edge:
            track = self._tracks[hit.row]
            self._drag, self._last_seek = "edge", -1
            self.setCursor(Qt.CursorShape.SizeHorCursor)
            self._edit = EdgeDrag.begin(hit, track, t, self._frames, self._duration, self._frame_ms)
        elif alt or (hit is None and row is not None and self._tracks[row].editable):
            self._set_selection(None)
            self._last_seek = -1
            self._seek_to(t)  # a click here still seeks; a drag draws a new span
            row = draw_row(self._tracks, row)
            color = self._tracks[row].color if row < len(self._tracks) else DEFAULT_TRACK_COLOR
            anchor = nearest_boundary(self._frames, t, self._duration)
            self._drag = "draw"
            self._edit = SpanDraw(row, color, anchor, 1 if self._frames else self._frame_ms)
        else:
            self._set_selection(None)
            self._drag = "scrub"
            self._last_seek = -1
            self.scrubStarted.emit()
            self._seek_to(t)
            if hit is not None and hit.segment.id is not None:
                self.segmentClicked.emit(hit.segment.id)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag == "scrub":
            self._seek_to(self._time_at(x))
        elif self._drag == "select":
            self._on_select_drag(self._time_at(x))
        elif self._drag in ("edge", "draw"):
            self._on_edit_drag(self._time_at(x))
        else:
            self._hover(x, event.position().y())
            if QToolTip.isVisible() and self._duration > 0:
                # Keep an open tooltip following the mouse rather than freezing at the first time.
                QToolTip.showText(event.globalPosition().toPoint(), self.time_text_at(x), self)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            super().mouseReleaseEvent(event)
            return
        mode, self._drag = self._drag, None
        t = self._time_at(event.position().x())
        if mode == "scrub":
            self._seek_to(t)
            self.scrubFinished.emit()
        elif mode == "select":
            self._on_select_drag(t)
        else:
            self._on_edit_drag(t)
            edit = self._end_edit()
            if isinstance(edit, EdgeDrag) and edit.changed and edit.segment.id is not None:
                self.segmentEdgeMoved.emit(edit.segment.id, edit.start_ms, edit.end_ms)
            elif isinstance(edit, SpanDraw) and edit.long_enough:
                self.segmentDrawn.emit(edit.start_ms, edit.end_ms)
            self._hover(event.position().x(), event.position().y())
        event.accept()

    # -------------------------------------------------------------- internals
    def _on_select_drag(self, t: float) -> None:
        lo, hi = sorted((self._anchor, nearest_boundary(self._frames, t, self._duration)))
        self._set_selection((lo, hi) if hi > lo else None)

    def _on_edit_drag(self, t: float) -> None:
        edit = self._edit
        if edit is None:
            return
        view, old = self._view(), edit.span()
        if edit.move(t, self._frames, self._duration):
            self.update(span_rect(view, old).united(span_rect(view, edit.span())))
            self._seek_to(edit.edge_ms)  # the video shows the frame at the moving edge

    def _end_edit(self) -> EdgeDrag | SpanDraw | None:
        """Drop an edge drag or a drawn span (returned) and its preview."""
        edit, self._edit = self._edit, None
        if edit is not None:
            self.update(span_rect(self._view(), edit.span()))
        if self._drag in ("edge", "draw"):
            self._drag = None
        return edit

    def _hover(self, x: float, y: float) -> None:
        """A resize cursor over an editable segment's edge."""
        if self._duration > 0 and edge_at(self._view(), self._tracks, x, y) is not None:
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def _seek_to(self, t: float) -> None:
        ms = self.snap_ms(t)
        self.set_position(ms)
        if ms != self._last_seek:  # a drag inside one frame need not re-seek the player
            self._last_seek = ms
            self.seekRequested.emit(ms)

    def _set_waveform(self, waveform: Waveform | None) -> None:
        self._waveform = waveform
        self._wave_h = lane_height(waveform)
        self.setMinimumHeight(RULER_H + STRIP_H + self._wave_h + TRACK_H)

    def _set_selection(self, selection: tuple[int, int] | None) -> None:
        if selection == self._selection:
            return
        self._selection = selection
        self.update()
        self.selectionChanged.emit(*(selection or (-1, -1)))

    def _playhead_rect(self, ms: int) -> QRect:
        x = math.floor(self.x_of(ms))
        return QRect(x - PLAYHEAD_HALF, 0, 2 * PLAYHEAD_HALF + 1, self.height())
