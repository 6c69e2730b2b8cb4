"""The timeline's static layers (ruler, thumbnail strip, waveform, tracks), in one pixmap.

The widget caches the result and rebuilds it only when the view or the content changes.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from eas_coder.gui.timeline.ruler import (
    HOUR_MS,
    MIN_LABEL_PX,
    choose_step,
    frame_index_at,
    nearest_index,
    ruler_ticks,
)
from eas_coder.gui.timeline.waveform import paint_waveform

if TYPE_CHECKING:
    from eas_coder.gui.timeline.timeline import TimelineTrack
    from eas_coder.media.waveform import Waveform

RULER_H = 22
STRIP_H = 48
TRACK_H = 18
DEFAULT_TRACK_COLOR = "#4f8bd6"
HINT = "No video loaded — open a video to see its timeline"
PLAYHEAD_COLOR = "#e8590c"
MAX_TILES = 1000  # zoomed-in tiles kept (~14 kB each at 16:9)
TILE_MARK = "eas-tile"  # QImage text key of a zoomed-in tile (the loader sets it)
Role = QPalette.ColorRole


@dataclass(frozen=True)
class LayerView:
    """What the layers need to know: the widget's size and the time range it shows."""

    width: float
    height: float
    start_ms: float
    span_ms: float
    duration_ms: int
    frames: Sequence[float]
    frame_ms: float
    wave_h: float = 0.0  # the waveform lane between the strip and the tracks (0: hidden)

    @property
    def tracks_top(self) -> float:
        """The y where the first track row starts."""
        return RULER_H + STRIP_H + self.wave_h

    def x_of(self, ms: float) -> float:
        """The x coordinate of a time."""
        return (ms - self.start_ms) * self.width / self.span_ms

    def time_at(self, x: float) -> float:
        """The time at an x coordinate."""
        return self.start_ms + x * self.span_ms / self.width


class Thumbnails:
    """Thumbnails scaled to the strip on arrival (painting never resamples), sorted by the time
    of the frame each shows. Zoomed-in tiles (images marked TILE_MARK) are forgotten oldest
    first beyond MAX_TILES, so a long session at frame zoom holds bounded memory."""

    def __init__(self) -> None:
        self.times: list[int] = []
        self.pixmaps: list[QPixmap] = []
        self._tiles: dict[int, None] = {}  # times of tiles, oldest first

    def clear(self) -> None:
        """Forget every thumbnail."""
        self.times, self.pixmaps, self._tiles = [], [], {}

    def add(self, time_ms: int, image: QImage, dpr: float) -> None:
        """Add the thumbnail for a time, replacing one already there."""
        if image.isNull():
            return
        scaled = image.scaledToHeight(
            max(1, round((STRIP_H - 4) * dpr)), Qt.TransformationMode.SmoothTransformation
        )
        pixmap = QPixmap.fromImage(scaled)
        pixmap.setDevicePixelRatio(dpr)
        i = bisect.bisect_left(self.times, time_ms)
        if i < len(self.times) and self.times[i] == time_ms:
            self.pixmaps[i] = pixmap
        else:
            self.times.insert(i, time_ms)
            self.pixmaps.insert(i, pixmap)
        if image.text(TILE_MARK):
            self._tiles.pop(time_ms, None)
            self._tiles[time_ms] = None
            if len(self._tiles) > MAX_TILES:
                self._remove(next(iter(self._tiles)))

    def _remove(self, time_ms: int) -> None:
        del self._tiles[time_ms]
        i = bisect.bisect_left(self.times, time_ms)
        if i < len(self.times) and self.times[i] == time_ms:
            del self.times[i], self.pixmaps[i]

    def slot_width(self) -> float:
        """The width of a tile of the strip: a thumbnail and a 1-px gap."""
        first = self.pixmaps[0]
        return max(8.0, first.width() / first.devicePixelRatio() + 1)


@dataclass(frozen=True)
class Tile:
    """One tile of the strip: where it is, the frame under its middle, what it shows."""

    x: float
    frame: int | None  # None without a frame index
    time_ms: float  # the start of that frame (else the tile's middle)
    shown: int  # index into Thumbnails.times / pixmaps

    def exact(self, thumbs: Thumbnails) -> bool:
        """True when the tile shows the frame under it."""
        return self.frame is not None and thumbs.times[self.shown] == round(self.time_ms)


def strip_tiles(view: LayerView, thumbs: Thumbnails) -> list[Tile]:
    """The strip's tiles, each with the thumbnail nearest the frame under its middle (its own
    frame once decoded): the strip is filled at every zoom with whatever has arrived."""
    if not thumbs.pixmaps or view.duration_ms <= 0:
        return []
    slot = thumbs.slot_width()
    tiles = []
    for n in range(math.ceil(view.width / slot)):
        x = n * slot
        middle = view.time_at(x + slot / 2)
        frame = None
        if view.frames:
            frame = frame_index_at(view.frames, middle)
            middle = view.frames[frame]
        tiles.append(Tile(x, frame, middle, nearest_index(thumbs.times, middle)))
    return tiles


def render_static(
    view: LayerView,
    size: QSize,
    dpr: float,
    palette: QPalette,
    font: QFont,
    thumbs: Thumbnails,
    tracks: Sequence[TimelineTrack],
    waveform: Waveform | None = None,
) -> QPixmap:
    """Ruler, strip, waveform and tracks (or the empty hint) in ``size`` device pixels."""
    pixmap = QPixmap(size)
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(palette.color(Role.Base))
    painter = QPainter(pixmap)
    painter.setFont(font)
    if view.duration_ms <= 0:
        painter.setPen(palette.color(Role.PlaceholderText))
        area = QRectF(0, 0, view.width, view.height)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, HINT)
    else:
        _paint_ruler(painter, view, palette)
        _paint_strip(painter, view, palette, thumbs)
        if waveform is not None and view.wave_h > 0:
            paint_waveform(painter, view, palette, waveform, RULER_H + STRIP_H, dpr)
        _paint_tracks(painter, view, palette, tracks)
    painter.end()
    return pixmap


def _paint_ruler(p: QPainter, view: LayerView, pal: QPalette) -> None:
    w = view.width
    p.fillRect(QRectF(0, 0, w, RULER_H), pal.color(Role.Window))
    p.setPen(pal.color(Role.Mid))
    p.drawLine(QPointF(0, RULER_H - 0.5), QPointF(w, RULER_H - 0.5))
    metrics = QFontMetricsF(p.font())
    # Labelled ticks must leave room for the widest label this font can produce.
    sample = "#00000 0:00:00.000" if view.frames else "0:00:00.000"
    min_px = max(MIN_LABEL_PX, metrics.horizontalAdvance(sample) + 12)
    frame_ms = view.frame_ms if view.frames else None
    step = choose_step(w / view.span_ms, frame_ms, min_px)
    end = view.start_ms + view.span_ms
    hours = view.duration_ms >= HOUR_MS
    text_pen, tick_pen = QPen(pal.color(Role.WindowText)), QPen(pal.color(Role.Dark))
    for t, label in ruler_ticks(view.start_ms, end, step, view.frames, hours):
        x = round(view.x_of(t)) + 0.5
        p.setPen(tick_pen)
        p.drawLine(QPointF(x, RULER_H - (9 if label else 4)), QPointF(x, RULER_H))
        if label:
            p.setPen(text_pen)
            p.drawText(QPointF(x + 3, metrics.ascent() + 1), label)


def _paint_strip(p: QPainter, view: LayerView, pal: QPalette, thumbs: Thumbnails) -> None:
    strip = QRectF(0, RULER_H, view.width, STRIP_H)
    p.fillRect(strip, pal.color(Role.AlternateBase))
    if not thumbs.pixmaps:
        return
    p.save()
    p.setClipRect(strip)
    for tile in strip_tiles(view, thumbs):
        p.drawPixmap(QPointF(tile.x, RULER_H + 2), thumbs.pixmaps[tile.shown])
    p.restore()


def _paint_frame_cells(p: QPainter, view: LayerView, pal: QPalette, top: float) -> None:
    # Only when frames are wide enough to aim at; thinner cells are just noise.
    if not view.frames or view.frame_ms * view.width / view.span_ms < 12:
        return
    p.setPen(QPen(pal.color(Role.Midlight)))
    first = frame_index_at(view.frames, view.start_ms)
    last = frame_index_at(view.frames, view.start_ms + view.span_ms)
    for t in view.frames[first : last + 1]:
        x = round(view.x_of(t)) + 0.5
        p.drawLine(QPointF(x, top), QPointF(x, view.height))


def _paint_tracks(
    p: QPainter, view: LayerView, pal: QPalette, tracks: Sequence[TimelineTrack]
) -> None:
    w, top0 = view.width, view.tracks_top
    _paint_frame_cells(p, view, pal, top0)  # behind the segments
    metrics = QFontMetricsF(p.font())
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    end = view.start_ms + view.span_ms
    for row, track in enumerate(tracks):
        top = top0 + row * TRACK_H
        if top >= view.height:
            break
        color = QColor(track.color)
        color = color if color.isValid() else QColor(DEFAULT_TRACK_COLOR)
        text = QColor("#ffffff") if color.lightness() < 150 else QColor("#1a202c")
        name_w = metrics.horizontalAdvance(track.name) + 8
        for seg in track.segments:
            if seg.end_ms < view.start_ms or seg.start_ms > end:
                continue
            # Clamp to just outside the widget so deep zoom never draws huge coordinates.
            x1 = max(-4.0, view.x_of(seg.start_ms))
            x2 = max(x1 + 2, min(w + 4, view.x_of(seg.end_ms)))
            rect = QRectF(x1, top + 2, x2 - x1, TRACK_H - 4)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(rect, 3, 3)
            if seg.label and rect.width() > 12:
                p.save()
                p.setClipRect(rect.adjusted(3, 0, -2, 0))
                p.setPen(text)
                # A label whose segment starts under the name plate starts after the plate.
                left = rect.left() + 4 if rect.left() >= name_w else name_w + 4
                label_rect = QRectF(left, rect.top(), rect.right() - 2 - left, rect.height())
                p.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter, seg.label)
                p.restore()
        # The name sits over the row's left end on a translucent plate, readable over segments.
        plate = pal.color(Role.Window)
        plate.setAlpha(200)
        p.fillRect(QRectF(0, top + 1, name_w, TRACK_H - 2), plate)
        p.setPen(pal.color(Role.WindowText))
        p.drawText(QRectF(4, top, name_w, TRACK_H), Qt.AlignmentFlag.AlignVCenter, track.name)
        p.setPen(pal.color(Role.Midlight))
        p.drawLine(QPointF(0, top + TRACK_H - 0.5), QPointF(w, top + TRACK_H - 0.5))


def paint_overlays(
    p: QPainter, view: LayerView, position_ms: int, selection: tuple[int, int] | None, pal: QPalette
) -> None:
    """The moving parts over the cached layers: a translucent selection and the playhead."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if selection is not None:
        x1, x2 = max(-2.0, view.x_of(selection[0])), min(view.width + 2, view.x_of(selection[1]))
        if x2 > x1:
            edge = pal.color(Role.Highlight)
            fill = QColor(edge)
            fill.setAlpha(60)
            p.fillRect(QRectF(x1, 0, x2 - x1, view.height), fill)
            p.setPen(QPen(edge, 1))
            p.drawLine(QPointF(x1, 0), QPointF(x1, view.height))
            p.drawLine(QPointF(x2, 0), QPointF(x2, view.height))
    x = math.floor(view.x_of(position_ms)) + 0.5
    if -8 <= x <= view.width + 8:
        color = QColor(PLAYHEAD_COLOR)
        p.setPen(QPen(color, 2))
        p.drawLine(QPointF(x, 0), QPointF(x, view.height))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPolygon(QPolygonF([QPointF(x - 5, 0), QPointF(x + 5, 0), QPointF(x, 8)]))
