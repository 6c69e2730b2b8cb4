"""Two coders' scores of one dimension, drawn with QPainter: a Bland–Altman plot (mean of the
two against their difference, with the mean difference and 95% limits of agreement) or a
scatter plot (one coder against the other, with the identity line).

The limits come from ``eas_coder.stats.bland_altman``, the same function the reliability
report uses, so the lines sit where the report's numbers say. Points that coincide are spread
on a small circle (always the same way) and their tooltip says how many share the place.
Where things go is ``plot_frame.py``; the axes are painted by ``plot_axes.py``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from eas_coder.gui.rating.score_text import format_score
from eas_coder.gui.reliability.plot_axes import paint_axes
from eas_coder.gui.reliability.plot_frame import (
    MARGIN_RIGHT,
    MODES,
    Mode,
    PlotFrame,
    PlotPoint,
    layout_points,
    plot_area,
    x_range,
    y_range,
)
from eas_coder.stats import BlandAltman, bland_altman

Role = QPalette.ColorRole
POINT_RADIUS = 4.0
HIT_PX = 7.0
_NAN = float("nan")


class AgreementPlot(QWidget):
    """Agreement of two coders on one dimension; emits the unit key of a clicked point."""

    pointClicked = Signal(object)
    pointActivated = Signal(object)  # double-click

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._a = np.empty(0)
        self._b = np.empty(0)
        self._units: list[Hashable] = []
        self._labels: list[str] = []
        self._label_a, self._label_b, self._unit_name = "", "", "unit"
        self._scale = (1.0, 7.0, 1.0)
        self._mode: Mode = "bland-altman"
        self._limits = BlandAltman(_NAN, _NAN, _NAN, _NAN, 0)
        self._message = "No data"
        self._points: list[PlotPoint] = []
        self._hover: Hashable | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(360, 260)
        self.setAccessibleName("Agreement plot")

    # --- data ------------------------------------------------------------------------------

    def set_data(
        self,
        a: Sequence[float],
        b: Sequence[float],
        label_a: str,
        label_b: str,
        scale_min: float,
        scale_max: float,
        mode: Mode = "bland-altman",
        *,
        step: float = 1.0,
        units: Sequence[Hashable] | None = None,
        unit_labels: Sequence[str] | None = None,
        unit_name: str = "unit",
    ) -> None:
        """Show coder A's scores ``a`` against coder B's ``b`` (same units, same order)."""
        if len(a) != len(b):
            raise ValueError(f"a and b differ in length ({len(a)} and {len(b)})")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not scale_max > scale_min or not step > 0:
            raise ValueError(f"bad scale {scale_min}–{scale_max} by {step}")
        self._a, self._b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        self._units = list(units) if units is not None else list(range(len(a)))
        self._labels = (
            list(unit_labels) if unit_labels is not None else [str(u) for u in self._units]
        )
        if not len(self._units) == len(self._labels) == len(self._a):
            raise ValueError("units and unit_labels must match the scores in length")
        self._label_a, self._label_b, self._unit_name = label_a, label_b, unit_name
        self._scale = (float(scale_min), float(scale_max), float(step))
        self._limits = bland_altman(np.column_stack([self._a, self._b]))
        self._message = f"No {unit_name} scored by both {label_a} and {label_b}"
        self._mode = mode
        self._relayout()

    def clear(self, message: str = "No data") -> None:
        """Show no points, only ``message``."""
        self._a, self._b, self._units, self._labels = np.empty(0), np.empty(0), [], []
        self._limits = BlandAltman(_NAN, _NAN, _NAN, _NAN, 0)
        self._message = message
        self._relayout()

    def set_mode(self, mode: Mode) -> None:
        """Switch between the Bland–Altman and the scatter plot of the same data."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self._mode = mode
        self._relayout()

    def mode(self) -> Mode:
        """The plot shown now."""
        return self._mode

    def limits(self) -> BlandAltman:
        """Mean difference (A − B) and 95% limits of agreement of the data shown."""
        return self._limits

    def points(self) -> list[PlotPoint]:
        """The points as drawn, in data order."""
        return list(self._points)

    # --- geometry --------------------------------------------------------------------------

    def plot_rect(self) -> QRectF:
        """The area inside the axes."""
        return plot_area(QRectF(self.rect()), self._mode)

    def x_range(self) -> tuple[float, float]:
        """Data values at the left and right edges of the plot area."""
        return x_range(self._scale)

    def y_range(self) -> tuple[float, float]:
        """Data values at the bottom and top edges of the plot area."""
        return y_range(self._scale, self._mode, self._a, self._b, self._limits)

    def to_pixel(self, x: float, y: float) -> QPointF:
        """Widget coordinates of the data point (x, y), before any jitter."""
        return self._frame().to_pixel(x, y)

    def _frame(self) -> PlotFrame:
        return PlotFrame(self.plot_rect(), self.x_range(), self.y_range())

    def point_at(self, pos: QPointF) -> PlotPoint | None:
        """The point drawn nearest ``pos`` within a few pixels, if any."""
        best, best_d = None, HIT_PX
        for point in self._points:
            d = math.hypot(point.pos.x() - pos.x(), point.pos.y() - pos.y())
            if d <= best_d:
                best, best_d = point, d
        return best

    def tooltip_at(self, pos: QPointF) -> str:
        """What the tooltip says at ``pos``: the unit, both scores, and who shares the place."""
        point = self.point_at(pos)
        if point is None:
            return ""
        text = (
            f"{self._unit_name.capitalize()} {point.label}\n"
            f"{self._label_a}: {format_score(point.a)} · {self._label_b}: {format_score(point.b)}"
        )
        if point.count > 1:
            others = [
                p.label for p in self._points if (p.x, p.y) == (point.x, point.y) and p is not point
            ]
            text += f"\n{point.count} {self._unit_name}s here (also {', '.join(others)})"
        return text

    def _relayout(self) -> None:
        self._points = layout_points(
            self._frame(), self._mode, self._a, self._b, self._units, self._labels
        )
        self.update()

    # --- events ----------------------------------------------------------------------------

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            text = self.tooltip_at(QPointF(help_event.pos()))
            if text:
                QToolTip.showText(help_event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = self.point_at(event.position())
        unit = None if point is None else point.unit
        if unit != self._hover:
            self._hover = unit
            shape = Qt.CursorShape.PointingHandCursor if point else Qt.CursorShape.ArrowCursor
            self.setCursor(shape)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = self.point_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and point is not None:
            self.pointClicked.emit(point.unit)
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = self.point_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and point is not None:
            self.pointActivated.emit(point.unit)
            return
        super().mouseDoubleClickEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(560, 380)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self.palette()
        p = QPainter(self)
        p.fillRect(self.rect(), pal.color(Role.Base))
        area = self.plot_rect()
        if area.width() < 10 or area.height() < 10:
            p.end()
            return
        paint_axes(p, pal, self.font(), self._frame(), self._scale, self._mode,
                   self._label_a, self._label_b)  # fmt: skip
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setClipRect(area.adjusted(-1, -1, 1, 1))
        if self._mode == "scatter":
            self._paint_identity(p, pal)
        else:
            self._paint_limits(p, pal, area)
        self._paint_points(p, pal)
        p.setClipping(False)
        if self._mode == "bland-altman":
            self._paint_limit_labels(p, pal, area)
        self._paint_caption(p, pal, area)
        p.end()

    def _paint_identity(self, p: QPainter, pal: QPalette) -> None:
        low, high, step = self._scale
        p.setPen(QPen(pal.color(Role.Mid), 1.5, Qt.PenStyle.DashLine))
        p.drawLine(self.to_pixel(low - step, low - step), self.to_pixel(high + step, high + step))

    def limit_lines(self) -> dict[str, float]:
        """The horizontal lines of the Bland–Altman plot: name -> difference (NaN ones omitted)."""
        lines = {
            "mean": self._limits.mean_difference,
            "upper": self._limits.upper,
            "lower": self._limits.lower,
        }
        return {name: value for name, value in lines.items() if value == value}

    def line_colour(self, name: str) -> QColor:
        """The colour of a limit line (``mean``, ``upper`` or ``lower``) in this palette."""
        return self.palette().color(Role.Text if name == "mean" else Role.Link)

    def _paint_limits(self, p: QPainter, pal: QPalette, area: QRectF) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for name, value in self.limit_lines().items():
            style = Qt.PenStyle.SolidLine if name == "mean" else Qt.PenStyle.DashLine
            p.setPen(QPen(self.line_colour(name), 1.5 if name == "mean" else 1, style))
            y = self.to_pixel(0, value).y()
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)

    def _paint_limit_labels(self, p: QPainter, pal: QPalette, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        texts = {"mean": "mean", "upper": "+1.96 SD", "lower": "−1.96 SD"}
        placed: list[float] = []
        lines = sorted(self.limit_lines().items(), key=lambda item: -item[1])
        for name, value in lines:  # top to bottom, nudged apart so labels never overlap
            y = self.to_pixel(0, value).y()
            if placed and y < placed[-1] + metrics.height():
                y = placed[-1] + metrics.height()
            placed.append(y)
            p.setPen(self.line_colour(name))
            box = QRectF(
                area.right() + 6, y - metrics.height() / 2, MARGIN_RIGHT - 8, metrics.height()
            )
            p.drawText(box, Qt.AlignmentFlag.AlignVCenter, f"{texts[name]} {value:+.2f}")

    def _paint_points(self, p: QPainter, pal: QPalette) -> None:
        fill = pal.color(Role.Highlight)
        for point in self._points:
            hovered = point.unit == self._hover
            p.setPen(QPen(pal.color(Role.Base), 1))
            p.setBrush(fill)
            radius = POINT_RADIUS + (1.5 if hovered else 0)
            p.drawEllipse(point.pos, radius, radius)

    def _paint_caption(self, p: QPainter, pal: QPalette, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        top = QRectF(area.left(), 4, self.width() - area.left() - 8, metrics.height())
        if not self._points:
            p.setPen(pal.color(Role.PlaceholderText))
            p.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        p.setPen(pal.color(Role.Text))
        n = len(self._points)
        text = f"n = {n} {self._unit_name}{'' if n == 1 else 's'}"
        if self._mode == "bland-altman" and self._limits.lower == self._limits.lower:
            limits = self._limits
            text += (
                f" · mean difference {limits.mean_difference:+.2f}, "
                f"95% limits {limits.lower:+.2f} to {limits.upper:+.2f}"
            )
        p.drawText(top, Qt.AlignmentFlag.AlignLeft, text)
