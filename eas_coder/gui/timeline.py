"""Custom-painted, zoomable timeline: ruler, playhead, thumbnail strip and one track per coder.

The static layers (ruler, thumbnails, tracks) are painted once into a pixmap that is rebuilt
only when the view or the content changes; a playhead move repaints two thin rectangles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from eas_coder.gui.timeline_layers import (
    RULER_H,
    STRIP_H,
    TRACK_H,
    LayerView,
    Thumbnails,
    paint_overlays,
    render_static,
)
from eas_coder.gui.timeline_ruler import (
    DEFAULT_FRAME_MS,
    clamp_view,
    format_clock,
    frame_index_at,
    median_frame_ms,
    nearest_boundary,
    snap_to_frame,
)

MIN_FRAME_PX = 40.0  # deepest zoom: one (median) frame is this wide
ZOOM_STEP = 1.25  # per wheel notch (angleDelta 120)
PIXELS_PER_STEP = 60.0  # trackpad pixelDelta that counts as one wheel notch when zooming
PLAYHEAD_HALF = 9  # half-width of the rectangle a playhead move repaints (triangle + smoothing)


@dataclass(frozen=True)
class TimelineSegment:
    """A coded stretch of video on one track."""

    start_ms: int
    end_ms: int
    label: str = ""


@dataclass(frozen=True)
class TimelineTrack:
    """One coder's row of segments."""

    name: str
    segments: tuple[TimelineSegment, ...] = ()
    color: str = "#4f8bd6"


class Timeline(QWidget):
    """The whole video at a glance, zoomable down to single frames; click or drag to seek."""

    seekRequested = Signal(int)
    scrubStarted = Signal()
    scrubFinished = Signal()
    selectionChanged = Signal(int, int)
    viewChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        # Every pixel comes from the cached pixmap, so Qt need not erase the background first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumHeight(RULER_H + STRIP_H + TRACK_H)
        self._duration = 0
        self._frames: list[float] = []
        self._frame_ms = DEFAULT_FRAME_MS
        self._start = 0.0
        self._span = 1.0
        self._position = 0
        self._thumbs = Thumbnails()
        self._tracks: tuple[TimelineTrack, ...] = ()
        self._selection: tuple[int, int] | None = None
        self._drag: str | None = None  # "scrub" or "select" while the left button is down
        self._anchor = 0
        self._last_seek = -1
        self._static: QPixmap | None = None

    # ----------------------------------------------------------------- content
    def set_media(self, duration_ms: int, frame_times_ms: Sequence[float] | None = None) -> None:
        """Show a new video: whole-tape zoom, no thumbnails, tracks or selection."""
        self._duration = max(0, int(duration_ms))
        self._frames = [float(t) for t in frame_times_ms] if frame_times_ms else []
        self._frame_ms = median_frame_ms(self._frames) if self._frames else DEFAULT_FRAME_MS
        self._thumbs.clear()
        self._tracks = ()
        self._position = 0
        self._drag = None
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
        self._thumbs.clear()
        for time_ms, image in thumbs:
            self._thumbs.add(int(time_ms), image, self.devicePixelRatioF())
        self._invalidate()

    def add_thumbnail(self, time_ms: int, image: QImage) -> None:
        """Add (or replace) the thumbnail at one time."""
        self._thumbs.add(int(time_ms), image, self.devicePixelRatioF())
        self._invalidate()

    def set_tracks(self, tracks: Sequence[TimelineTrack]) -> None:
        """Replace the tracks (one row each, top to bottom)."""
        self._tracks = tuple(tracks)
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

    # ------------------------------------------------------------------- view
    def zoom_in(self) -> None:
        """Zoom in by 2 around the playhead."""
        self._zoom_on_playhead(2.0)

    def zoom_out(self) -> None:
        """Zoom out by 2 around the playhead."""
        self._zoom_on_playhead(0.5)

    def zoom_to_fit(self) -> None:
        """Show the whole tape."""
        self._set_view(0.0, float(self._duration))

    def zoom_at(self, factor: float, anchor_ms: int) -> None:
        """Zoom by ``factor`` (> 1 zooms in), keeping ``anchor_ms`` under the same pixel."""
        self._zoom_around(factor, float(anchor_ms), self.x_of(anchor_ms))

    def set_visible_range(self, start_ms: int, end_ms: int) -> None:
        """Show a time range (clamped to the zoom limits and the tape)."""
        self._set_view(float(start_ms), float(end_ms - start_ms))

    def visible_range(self) -> tuple[int, int]:
        """The (start_ms, end_ms) shown; (0, 0) without media."""
        if self._duration <= 0:
            return 0, 0
        return round(self._start), round(self._start + self._span)

    def ms_at(self, x: float) -> int:
        """The time under a widget x coordinate (not clamped)."""
        return round(self._time_at(x))

    def x_of(self, ms: float) -> float:
        """The widget x coordinate of a time."""
        return (ms - self._start) * self._width() / self._span

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
        return QSize(640, max(120, RULER_H + STRIP_H + TRACK_H * tracks + 4))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, RULER_H + STRIP_H + TRACK_H)

    def paintEvent(self, event: QPaintEvent) -> None:
        view, size, pal = self._view(), self._pixel_size(), self.palette()
        if self._static is None or self._static.size() != size:
            dpr, font = self.devicePixelRatioF(), self.font()
            self._static = render_static(view, size, dpr, pal, font, self._thumbs, self._tracks)
        painter = QPainter(self)
        painter.setClipRegion(event.region())
        painter.drawPixmap(0, 0, self._static)
        if self._duration > 0:
            paint_overlays(painter, view, self._position, self._selection, pal)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._static = None
        # The deepest zoom depends on the width, so the view may need clamping again.
        if self._duration > 0:
            self._set_view(self._start, self._span)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
            QEvent.Type.FontChange,
        ):
            self._invalidate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QNativeGestureEvent):
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                x = event.position().x()
                self._zoom_around(1.0 + event.value(), self._time_at(x), x)
                event.accept()
                return True
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self._duration > 0:
                QToolTip.showText(event.globalPos(), self.time_text_at(event.pos().x()), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._duration <= 0:
            event.ignore()
            return
        pixel, angle = event.pixelDelta(), event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if not pixel.isNull():
                steps = (pixel.y() or pixel.x()) / PIXELS_PER_STEP
            else:
                steps = (angle.y() or angle.x()) / 120.0
            x = event.position().x()
            self._zoom_around(ZOOM_STEP**steps, self._time_at(x), x)
            event.accept()
            return
        if not self._zoomed():
            event.ignore()  # nothing to scroll: let a parent scroll area have it
            return
        if not pixel.isNull():
            dx = float(pixel.x() if abs(pixel.x()) > abs(pixel.y()) else pixel.y())
        else:
            delta = angle.x() if abs(angle.x()) > abs(angle.y()) else angle.y()
            dx = delta / 120.0 * self._width() / 8  # one notch scrolls an eighth of the view
        self._set_view(self._start - dx * self._span / self._width(), self._span)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text, key = event.text(), event.key()
        mods = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if mods:
            super().keyPressEvent(event)
        elif text in ("+", "=") or key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif text == "-" or key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif text == "0" or key == Qt.Key.Key_0:
            self.zoom_to_fit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._duration <= 0:
            super().mousePressEvent(event)
            return
        t = self._time_at(event.position().x())
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._drag = "select"
            self._anchor = nearest_boundary(self._frames, t, self._duration)
        else:
            self._set_selection(None)
            self._drag = "scrub"
            self._last_seek = -1
            self.scrubStarted.emit()
            self._seek_to(t)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag == "scrub":
            self._seek_to(self._time_at(x))
        elif self._drag == "select":
            self._on_select_drag(self._time_at(x))
        elif QToolTip.isVisible() and self._duration > 0:
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
        else:
            self._on_select_drag(t)
        event.accept()

    # -------------------------------------------------------------- internals
    def _on_select_drag(self, t: float) -> None:
        lo, hi = sorted((self._anchor, nearest_boundary(self._frames, t, self._duration)))
        self._set_selection((lo, hi) if hi > lo else None)

    def _seek_to(self, t: float) -> None:
        ms = self.snap_ms(t)
        self.set_position(ms)
        if ms != self._last_seek:  # a drag inside one frame need not re-seek the player
            self._last_seek = ms
            self.seekRequested.emit(ms)

    def _set_selection(self, selection: tuple[int, int] | None) -> None:
        if selection == self._selection:
            return
        self._selection = selection
        self.update()
        self.selectionChanged.emit(*(selection or (-1, -1)))

    def _zoom_on_playhead(self, factor: float) -> None:
        x = self.x_of(self._position)
        if not 0 <= x <= self._width():
            x = self._width() / 2  # an off-screen playhead comes to the middle
        self._zoom_around(factor, float(self._position), x)

    def _zoom_around(self, factor: float, anchor_ms: float, anchor_x: float) -> None:
        if self._duration <= 0 or factor <= 0 or not math.isfinite(factor):
            return
        span = self._clamp(0.0, self._span / factor)[1]
        self._set_view(anchor_ms - anchor_x * span / self._width(), span)

    def _clamp(self, start: float, span: float) -> tuple[float, float]:
        deepest = self._frame_ms * self._width() / MIN_FRAME_PX
        return clamp_view(start, span, float(self._duration), deepest)

    def _set_view(self, start: float, span: float) -> bool:
        """Move the view (clamped); True when it changed."""
        if self._duration <= 0:
            return False
        start, span = self._clamp(start, span)
        if abs(start - self._start) < 1e-6 and abs(span - self._span) < 1e-6:
            return False
        self._start, self._span = start, span
        self._invalidate()
        self.viewChanged.emit(*self.visible_range())
        return True

    def _zoomed(self) -> bool:
        return self._duration > 0 and self._span < self._duration - 0.5

    def _time_at(self, x: float) -> float:
        return self._start + x * self._span / self._width()

    def _width(self) -> float:
        return float(max(1, self.width()))

    def _pixel_size(self) -> QSize:
        dpr = self.devicePixelRatioF()
        return QSize(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))

    def _invalidate(self) -> None:
        self._static = None
        self.update()

    def _playhead_rect(self, ms: int) -> QRect:
        x = math.floor(self.x_of(ms))
        return QRect(x - PLAYHEAD_HALF, 0, 2 * PLAYHEAD_HALF + 1, self.height())

    # ---------------------------------------------------------------- painting
    def _view(self) -> LayerView:
        height, frames = float(self.height()), self._frames
        return LayerView(
            self._width(), height, self._start, self._span, self._duration, frames, self._frame_ms
        )
