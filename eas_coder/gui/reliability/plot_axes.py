"""The agreement plot's axes: grid, ticks labelled as often as they fit, the frame and the
two axis titles. Painting only, from the plot's frame and scale."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen

from eas_coder.gui.rating.score_text import format_score
from eas_coder.gui.reliability.plot_frame import Mode, PlotFrame, Scale

Role = QPalette.ColorRole
_STRIDES = (1, 2, 4, 5, 10, 20, 40, 50, 100)


def paint_axes(
    p: QPainter,
    pal: QPalette,
    font: QFont,
    frame: PlotFrame,
    scale: Scale,
    mode: Mode,
    label_a: str,
    label_b: str,
) -> None:
    """Grid lines and ticks at every step (labelled every few), the frame, and the titles:
    the two coders for a scatter plot, their mean and difference for Bland–Altman."""
    area = frame.area
    metrics = QFontMetrics(font)
    grid = QColor(pal.color(Role.Mid))
    grid.setAlpha(70)
    text = pal.color(Role.Text)
    low, high, step = scale
    (x0, x1), (y0, y1) = frame.x_range, frame.y_range
    x_stride = _stride(area.width() / (x1 - x0) * step, metrics.horizontalAdvance("0.5") + 10)
    y_stride = _stride(area.height() / (y1 - y0) * step, metrics.height() + 4)
    y_origin = low if mode == "scatter" else 0.0
    first = math.ceil((y0 - y_origin) / step - 1e-9)
    last = math.floor((y1 - y_origin) / step + 1e-9)
    for k in range(round((high - low) / step) + 1):
        x = frame.to_pixel(low + k * step, 0).x()
        labelled = k % x_stride == 0
        if labelled:
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        p.setPen(QPen(text, 1))
        p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + (5 if labelled else 3)))
        if labelled:
            box = QRectF(x - 30, area.bottom() + 6, 60, metrics.height())
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter, format_score(low + k * step))
    for k in range(first, last + 1):
        value = y_origin + k * step
        y = frame.to_pixel(low, value).y()
        labelled = k % y_stride == 0
        if labelled:
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        p.setPen(QPen(text, 1))
        p.drawLine(QPointF(area.left() - (5 if labelled else 3), y), QPointF(area.left(), y))
        if labelled:
            box = QRectF(area.left() - 48, y - metrics.height() / 2, 40, metrics.height())
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            p.drawText(box, align, format_score(value))
    p.setPen(QPen(pal.color(Role.Mid), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(area)
    p.setPen(text)
    if mode == "scatter":
        x_title, y_title = label_a, label_b
    else:
        x_title = f"Mean of {label_a} and {label_b}"
        y_title = f"{label_a} − {label_b}"
    bottom = QRectF(area.left(), area.bottom() + 8 + metrics.height(), area.width(), 20)
    p.drawText(bottom, Qt.AlignmentFlag.AlignHCenter, x_title)
    p.save()
    p.translate(14, area.center().y())
    p.rotate(-90)
    p.drawText(
        QRectF(-area.height() / 2, -10, area.height(), 20),
        Qt.AlignmentFlag.AlignCenter,
        y_title,
    )
    p.restore()


def _stride(pixels_per_step: float, needed: float) -> int:
    return next((s for s in _STRIDES if s * pixels_per_step >= needed), _STRIDES[-1])
