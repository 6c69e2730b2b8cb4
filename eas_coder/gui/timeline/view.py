"""The timeline's view: which stretch of the tape is shown, and zooming and scrolling it.

``Timeline`` builds on this with content, the playhead, seeking and segment editing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QNativeGestureEvent, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from eas_coder.gui.timeline.geometry import LayerView
from eas_coder.gui.timeline.ruler import DEFAULT_FRAME_MS, clamp_view
from eas_coder.gui.timeline.thumbnails import Thumbnails, strip_tiles

MIN_FRAME_PX = 40.0  # deepest zoom: one (median) frame is this wide
ZOOM_STEP = 1.25  # per wheel notch (angleDelta 120)
PIXELS_PER_STEP = 60.0  # trackpad pixelDelta that counts as one wheel notch when zooming


class TimelineView(QWidget):
    """A time axis from 0 to the tape's duration, zoomable down to single frames."""

    viewChanged = Signal(int, int)
    tilesWanted = Signal(list, float)  # the frames under the strip's tiles, a tile's ms

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration = 0
        self._frames: list[float] = []
        self._frame_ms = DEFAULT_FRAME_MS
        self._start = 0.0
        self._span = 1.0
        self._position = 0
        self._wave_h = 0  # the waveform lane's height (0: hidden)
        self._static: QPixmap | None = None  # the cached layers; None when they need painting
        self._thumbs = Thumbnails()
        self._wanted: tuple[list[int], float] | None = None  # the tiles last asked for

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

    def exact_tiles(self) -> list[bool]:
        """Per tile of the thumbnail strip: does it show the frame under its middle yet?"""
        return [tile.exact(self._thumbs) for tile in strip_tiles(self._view(), self._thumbs)]

    # ------------------------------------------------------------- Qt events
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
        pinch = Qt.NativeGestureType.ZoomNativeGesture
        if isinstance(event, QNativeGestureEvent) and event.gestureType() == pinch:
            x = event.position().x()
            self._zoom_around(1.0 + event.value(), self._time_at(x), x)
            event.accept()
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

    # -------------------------------------------------------------- internals
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

    def _clear_thumbnails(self) -> None:
        self._thumbs.clear()
        self._wanted = None

    def _want_tiles(self, view: LayerView) -> None:
        """Tell the loader which frames the strip's tiles stand on (when that changed): zoomed
        in past the keyframes it decodes them, in the background."""
        tiles = strip_tiles(view, self._thumbs)
        frames = [tile.frame for tile in tiles if tile.frame is not None]
        if not frames:
            return
        tile_ms = self._thumbs.slot_width() * view.span_ms / view.width
        wanted = (frames, round(tile_ms, 3))
        if wanted != self._wanted:
            self._wanted = wanted
            self.tilesWanted.emit(frames, tile_ms)

    def _invalidate(self) -> None:
        self._static = None
        self.update()

    def _view(self) -> LayerView:
        height, frames = float(self.height()), self._frames
        return LayerView(
            self._width(),
            height,
            self._start,
            self._span,
            self._duration,
            frames,
            self._frame_ms,
            self._wave_h,
        )
