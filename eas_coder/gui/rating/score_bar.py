"""How a score control's bar looks: one cell per point of the scale. Painting only; the
control keeps the state and says where the bar is."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap

from eas_coder.gui.rating.score_text import format_score
from eas_coder.scheme import STEP_TOLERANCE, Scale

_NICE_STRIDES = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)
FACES_KEPT = 96  # painted controls kept (~50 KB each): a panel's states over a few targets
Role = QPalette.ColorRole


def paint_bar(
    p: QPainter,
    pal: QPalette,
    group: QPalette.ColorGroup,
    bar: QRectF,
    font: QFont,
    scale: Scale,
    values: Sequence[float],
    score: float | None,
    derived: float | None,
    hover: int | None,
    labels: Sequence[str] = (),
) -> None:
    """The bar in ``bar``: a cell per point of ``scale`` (``values``), the chosen one
    highlighted, the one under the mouse (``hover``; None when the control takes no clicks)
    tinted, whole points labelled as often as they fit, and a derived value as a dotted line
    while unrated. A zone's cells (``labels``, one per point) carry their digit and label."""
    count = len(values)
    cell_w = bar.width() / count
    small = QFont(font)
    small.setPointSizeF(small.pointSizeF() * 0.9)
    p.setFont(small)
    stride = _label_stride(QFontMetrics(small).horizontalAdvance("00") + 4, cell_w, scale)
    highlight = pal.color(group, Role.Highlight)
    tint = QColor(highlight)
    tint.setAlpha(50)
    p.setPen(QPen(pal.color(group, Role.Mid), 1))
    p.setBrush(pal.color(group, Role.Base))
    p.drawRoundedRect(bar, 4, 4)
    for index, value in enumerate(values):
        cell = QRectF(bar.left() + index * cell_w, bar.top(), cell_w, bar.height())
        chosen = score is not None and abs(value - score) <= STEP_TOLERANCE
        if chosen:
            p.fillRect(cell.adjusted(1, 1, -1, -1), highlight)
        elif index == hover:
            p.fillRect(cell.adjusted(1, 1, -1, -1), tint)
        if index:
            p.setPen(QPen(pal.color(group, Role.Midlight), 1))
            p.drawLine(cell.topLeft(), cell.bottomLeft())
        role = Role.HighlightedText if chosen else Role.Text
        p.setPen(pal.color(group, role))
        if labels:
            metrics = QFontMetrics(small)
            text = metrics.elidedText(
                f"{index + 1} {labels[index]}", Qt.TextElideMode.ElideRight, int(cell_w) - 6
            )
            shown = text if len(text.rstrip("…")) > 2 else str(index + 1)
            p.drawText(cell, Qt.AlignmentFlag.AlignCenter, shown)
        elif float(value).is_integer() and round(value) % stride == 0:
            p.drawText(cell, Qt.AlignmentFlag.AlignCenter, format_score(value))
        elif cell_w >= 8:
            dot = cell.center()
            p.setBrush(pal.color(group, role if chosen else Role.PlaceholderText))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawEllipse(dot, 1.5, 1.5)
    if score is None and derived is not None:
        span = scale.maximum - scale.minimum
        x = bar.left() + cell_w / 2 + (derived - scale.minimum) / span * (bar.width() - cell_w)
        p.setPen(QPen(pal.color(group, Role.PlaceholderText), 2, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(x, bar.top() + 2), QPointF(x, bar.bottom() - 2))


def _label_stride(label_w: float, cell_w: float, scale: Scale) -> int:
    """Label every n-th whole point so labels never overlap (1 for a 1–7 scale)."""
    per_whole = cell_w / scale.step  # pixels between consecutive whole points
    for stride in _NICE_STRIDES:
        if per_whole * stride >= label_w:
            return stride
    return _NICE_STRIDES[-1]


class FaceCache:
    """Painted score controls by everything that decides their look. Painting one in Python
    takes ~1 ms and a switch of videos repaints every control of the panel at once (issue
    18: the GUI thread's longest stall); the same look is drawn from a pixmap in ~0.05 ms."""

    def __init__(self, kept: int = FACES_KEPT) -> None:
        self._faces: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._kept = kept

    def draw(
        self, p: QPainter, key: Hashable, w: int, h: int, dpr: float,
        paint: Callable[[QPainter], None],
    ) -> None:  # fmt: skip
        """Draw the face ``key`` names at (0, 0), painting it with ``paint`` if new."""
        face = self._faces.get(key)
        if face is None:
            face = QPixmap(round(w * dpr), round(h * dpr))
            face.setDevicePixelRatio(dpr)
            face.fill(Qt.GlobalColor.transparent)
            painter = QPainter(face)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            paint(painter)
            painter.end()
            self._faces[key] = face
            if len(self._faces) > self._kept:
                self._faces.popitem(last=False)
        else:
            self._faces.move_to_end(key)
        p.drawPixmap(0, 0, face)
