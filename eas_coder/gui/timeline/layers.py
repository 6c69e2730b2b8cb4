"""The timeline's static layers (ruler, thumbnail strip, waveform, tracks), in one pixmap.

The widget caches the result and rebuilds it only when the view or the content changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H, LayerView
from eas_coder.gui.timeline.ruler import (
    HOUR_MS,
    MIN_LABEL_PX,
    choose_step,
    frame_index_at,
    ruler_ticks,
)
from eas_coder.gui.timeline.thumbnails import Thumbnails, strip_tiles
from eas_coder.gui.timeline.tracks import DEFAULT_TRACK_COLOR, TimelineTrack
from eas_coder.gui.timeline.waveform import paint_waveform

if TYPE_CHECKING:  # PyAV and numpy come with the first waveform, not at start-up
    from eas_coder.media.waveform import Waveform

HINT = "No video loaded — open a video to see its timeline"
PLAYHEAD_COLOR = "#e8590c"
Role = QPalette.ColorRole


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
