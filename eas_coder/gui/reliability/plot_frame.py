"""Where an agreement plot puts things: the area inside the axes, the data range on each axis,
data to pixels, and the points laid out (coinciding ones spread on a small circle, always the
same way). Geometry only; the widget paints and answers the mouse."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PySide6.QtCore import QPointF, QRectF

from eas_coder.stats import BlandAltman

Mode = Literal["bland-altman", "scatter"]
MODES: tuple[Mode, ...] = ("bland-altman", "scatter")
Scale = tuple[float, float, float]  # lowest score, highest score, step

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 58, 112, 26, 46
JITTER_PX = 5.0  # radius of the circle coinciding points are spread on


@dataclass(frozen=True)
class PlotPoint:
    """One unit as drawn: its key and label, its plotted values and where it landed."""

    unit: Hashable
    label: str
    a: float
    b: float
    x: float
    y: float
    pos: QPointF
    count: int  # units drawn at the same (x, y), this one included


def plot_area(rect: QRectF, mode: Mode) -> QRectF:
    """The area inside the axes of a widget with ``rect`` (the Bland–Altman plot keeps room on
    the right for its limit labels)."""
    right = MARGIN_RIGHT if mode == "bland-altman" else MARGIN_TOP
    return QRectF(rect).adjusted(MARGIN_LEFT, MARGIN_TOP, -right, -MARGIN_BOTTOM)


def x_range(scale: Scale) -> tuple[float, float]:
    """Data values at the left and right edges of the plot area."""
    low, high, step = scale
    return low - step / 2, high + step / 2


def y_range(
    scale: Scale, mode: Mode, a: np.ndarray, b: np.ndarray, limits: BlandAltman
) -> tuple[float, float]:
    """Data values at the bottom and top edges: the scale for a scatter plot; for Bland–Altman,
    symmetric about 0 and wide enough for every difference and both limits."""
    low, high, step = scale
    if mode == "scatter":
        return low - step / 2, high + step / 2
    reach = [step, *np.abs(a - b)]
    reach += [abs(v) for v in (limits.lower, limits.upper) if v == v]
    span = math.ceil(max(reach) / step - 1e-9) * step
    return -span - step / 2, span + step / 2


@dataclass(frozen=True)
class PlotFrame:
    """The plot area and the data ranges it shows, for mapping data to pixels."""

    area: QRectF
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def to_pixel(self, x: float, y: float) -> QPointF:
        """Widget coordinates of the data point (x, y), before any jitter."""
        area = self.area
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return QPointF(
            area.left() + (x - x0) / (x1 - x0) * area.width(),
            area.bottom() - (y - y0) / (y1 - y0) * area.height(),
        )


def layout_points(
    frame: PlotFrame,
    mode: Mode,
    a: np.ndarray,
    b: np.ndarray,
    units: Sequence[Hashable],
    labels: Sequence[str],
) -> list[PlotPoint]:
    """Every unit's point, in data order: (mean, difference) or (a, b) by ``mode``; units at
    the same place are spread evenly on a circle of JITTER_PX, starting at the top."""
    if mode == "scatter":
        xs, ys = a, b
    else:
        xs, ys = (a + b) / 2, a - b
    places: dict[tuple[float, float], list[int]] = {}
    for i, (x_value, y_value) in enumerate(zip(xs, ys, strict=True)):
        places.setdefault((round(float(x_value), 6), round(float(y_value), 6)), []).append(i)
    points: list[PlotPoint | None] = [None] * len(xs)
    for (x, y), members in places.items():
        centre = frame.to_pixel(x, y)
        for k, i in enumerate(members):
            offset = QPointF(0, 0)
            if len(members) > 1:
                angle = 2 * math.pi * k / len(members) - math.pi / 2
                offset = QPointF(math.cos(angle), math.sin(angle)) * JITTER_PX
            points[i] = PlotPoint(
                units[i], labels[i], float(a[i]), float(b[i]), x, y, centre + offset, len(members)
            )
    return [p for p in points if p is not None]
