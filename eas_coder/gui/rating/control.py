"""One score, keyboard first: a value box and a clickable segmented bar of the scale's points.

Digits type a score (``5``, ``5.5``; ``.`` after a score adds the fraction), Up/Down step,
Backspace/Delete clear, Enter moves on. Left/Right also step when they reach the control,
but the control does not claim them (nor Space, Home, End) from the window's player
shortcuts, so the video keeps its keys while a score has focus.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QWidget

from eas_coder.errors import ScoreError
from eas_coder.scheme import STEP_TOLERANCE, Scale

PENDING_MS = 1000  # a typed "5" may still become "5.5" or "15" for this long
BOX_W = 46  # the value box left of the bar
GAP = 6
MAX_CELL_W = 34  # a 1–3 item scale should not stretch across the dock
HEIGHT = 30
_NICE_STRIDES = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)

Key = Qt.Key
Mod = Qt.KeyboardModifier
Role = QPalette.ColorRole
_DIGITS = {getattr(Key, f"Key_{n}"): str(n) for n in range(10)}
_POINT_KEYS = (Key.Key_Period, Key.Key_Comma)  # a comma for decimal-comma keyboards
_EDIT_KEYS = (Key.Key_Backspace, Key.Key_Delete, Key.Key_Up, Key.Key_Down)
_ENTER_KEYS = (Key.Key_Return, Key.Key_Enter)


def format_score(value: float) -> str:
    """A score as a person writes it: 5, 5.5, 5.25 (never 5.0 or 5.500000001)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class ScoreControl(QWidget):
    """A score on one scale; emits ``scoreEdited`` only for the coder's own changes."""

    scoreEdited = Signal(object)  # float, or None when cleared
    refused = Signal(str)  # a short reason a key or click changed nothing
    advanceRequested = Signal()  # Enter: on to the next dimension
    noteRequested = Signal()  # N: to this dimension's note
    focusEntered = Signal()

    def __init__(self, scale: Scale, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = scale
        self._values = scale.values()
        self._texts = tuple(format_score(v) for v in self._values)
        self._score: float | None = None
        self._derived: float | None = None
        self._locked = False
        self._pending = ""
        self._hover: int | None = None
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(PENDING_MS)
        self._pending_timer.timeout.connect(self._on_pending_expired)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(name)
        self.setToolTip(self.help_text())
        self._describe()

    # --- state ------------------------------------------------------------------------------

    def scale(self) -> Scale:
        """The range and step this control takes."""
        return self._scale

    def score(self) -> float | None:
        """The coder's own score, or None when unrated."""
        return self._score

    def set_score(self, score: float | None) -> None:
        """Show a score without emitting (loading a target, undo/redo)."""
        self._score = None if score is None else float(score)
        self._pending = ""
        self._describe()
        self.update()

    def derived(self) -> float | None:
        """The value shown greyed while there is no own score."""
        return self._derived

    def set_derived(self, value: float | None) -> None:
        """Show ``value`` greyed and italic whenever the coder has no own score."""
        self._derived = None if value is None else float(value)
        self._describe()
        self.update()

    def is_locked(self) -> bool:
        """Whether keys and clicks are refused (a submitted target)."""
        return self._locked

    def set_locked(self, locked: bool) -> None:
        """Refuse (True) or take (False) the coder's keys and clicks."""
        self._locked = locked
        self._pending = ""
        self.update()

    def display_text(self) -> str:
        """What the value box shows: the score, a half-typed score, the derived value or –."""
        if self._pending.endswith("."):
            return self._pending
        if self._score is not None:
            return format_score(self._score)
        if self._derived is not None:
            return format_score(self._derived)
        return "–"

    # --- keys --------------------------------------------------------------------------------

    def claims(self, event: QKeyEvent) -> bool:
        """Keys taken from the window's shortcuts while focused (never Space, Left, Right)."""
        key, mods = event.key(), event.modifiers() & ~Mod.KeypadModifier
        if key in _DIGITS or key in _POINT_KEYS:
            # Shift: digits and the point need it on some layouts (AZERTY).
            return mods in (Mod.NoModifier, Mod.ShiftModifier)
        return mods == Mod.NoModifier and (
            key in _EDIT_KEYS or key in _ENTER_KEYS or key == Key.Key_N
        )

    def event(self, event: QEvent) -> bool:
        overridden = event.type() == QEvent.Type.ShortcutOverride
        if overridden and isinstance(event, QKeyEvent) and self.claims(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = (event.modifiers() & ~Mod.KeypadModifier) == Mod.NoModifier
        if key in _ENTER_KEYS and plain:
            self._end_typing()
            self.advanceRequested.emit()
        elif key == Key.Key_N and plain:
            self.noteRequested.emit()
        elif self._locked and (self.claims(event) or key in (Key.Key_Left, Key.Key_Right)):
            self.refused.emit("Submitted — locked")
        elif not self.claims(event) and not (plain and key in (Key.Key_Left, Key.Key_Right)):
            super().keyPressEvent(event)
        elif key in _DIGITS:
            self._type(_DIGITS[key])
        elif key in _POINT_KEYS:
            self._type_point()
        elif key in (Key.Key_Backspace, Key.Key_Delete):
            self._end_typing()
            self._commit(None)
        elif key in (Key.Key_Up, Key.Key_Right):
            self._step(+1)
        elif key in (Key.Key_Down, Key.Key_Left):
            self._step(-1)

    def _type(self, char: str) -> None:
        text = self._pending + char
        if self._fits(text):
            self._commit(float(text))
            self._keep_pending(text if self._could_grow(text) else "")
        elif self._could_grow(text):
            self._keep_pending(text)
        elif self._pending and "." not in self._pending:
            self._pending = ""  # "1" then "5" on 1–7 means 5, not 15
            self._type(char)
        else:
            self._end_typing()
            self.refused.emit(self._why_not(text))

    def _type_point(self) -> None:
        if "." in self._pending:
            return
        if self._pending:
            base = self._pending
        elif self._score is not None:
            base = str(math.floor(self._score))  # "." after 5 starts 5.x
        else:
            base = ""
        text = base + "."
        if self._could_grow(text):
            self._keep_pending(text)
        else:
            self._end_typing()
            self.refused.emit(self._why_not(text))

    def _why_not(self, text: str) -> str:
        low, high = format_score(self._scale.minimum), format_score(self._scale.maximum)
        step = self._scale.step
        if "." in text and float(step).is_integer():
            return f"Whole points only (steps of {format_score(step)})"
        try:
            value = float(text.rstrip(".") or "nan")
        except ValueError:
            value = math.nan
        if not math.isnan(value) and not (
            self._scale.minimum - STEP_TOLERANCE <= value <= self._scale.maximum + STEP_TOLERANCE
        ):
            return f"{text.rstrip('.')} is outside {low}–{high}"
        if "." not in text or text.endswith("."):
            return f"Type a whole number first ({low}–{high})"
        return f"{text} is not on the scale (steps of {format_score(step)})"

    def _fits(self, text: str) -> bool:
        try:
            value = float(text)
        except ValueError:
            return False
        try:
            self._scale.check(value, "")
        except ScoreError:
            return False
        return True

    def _could_grow(self, text: str) -> bool:
        return any(t.startswith(text) and t != text for t in self._texts)

    def _keep_pending(self, text: str) -> None:
        self._pending = text
        if text:
            self._pending_timer.start()
        self.update()

    def _end_typing(self) -> None:
        self._pending = ""
        self._pending_timer.stop()
        self.update()

    def _on_pending_expired(self) -> None:
        self._pending = ""
        self.update()

    def _step(self, direction: int) -> None:
        self._end_typing()
        values = self._values
        start = self._score if self._score is not None else self._derived
        if start is None:
            self._commit(values[0] if direction > 0 else values[-1])
            return
        if direction > 0:
            above = [v for v in values if v > start + STEP_TOLERANCE]
            if not above:
                self.refused.emit(f"{format_score(values[-1])} is the top of the scale")
                return
            self._commit(above[0])
        else:
            below = [v for v in values if v < start - STEP_TOLERANCE]
            if not below:
                self.refused.emit(f"{format_score(values[0])} is the bottom of the scale")
                return
            self._commit(below[-1])

    def _commit(self, score: float | None) -> None:
        if score is not None:
            score = self._scale.check(score, self.accessibleName())
        if score == self._score:
            return
        self._score = score
        self._describe()
        self.update()
        self.scoreEdited.emit(score)

    # --- mouse and focus ---------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._cell_at(event.position().x())
        if event.button() != Qt.MouseButton.LeftButton or index is None:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._locked:
            self.refused.emit("Submitted — locked")
            return
        self._end_typing()
        self._commit(self._values[index])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._cell_at(event.position().x())
        if index != self._hover:
            self._hover = index
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focusEntered.emit()
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._end_typing()
        super().focusOutEvent(event)
        self.update()

    # --- geometry and painting ---------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(BOX_W + GAP + len(self._values) * 26, HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(BOX_W + GAP + len(self._values) * 12, HEIGHT)

    def _bar(self) -> QRectF:
        inner = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        left = inner.left() + BOX_W + GAP
        width = min(inner.right() - left, len(self._values) * MAX_CELL_W)
        return QRectF(left, inner.top(), max(width, 1.0), inner.height())

    def point_of(self, score: float) -> QPoint:
        """The centre of the bar's cell for ``score`` (where a click sets it)."""
        index = min(range(len(self._values)), key=lambda i: abs(self._values[i] - score))
        bar = self._bar()
        cell_w = bar.width() / len(self._values)
        return QPointF(bar.left() + (index + 0.5) * cell_w, bar.center().y()).toPoint()

    def _cell_at(self, x: float) -> int | None:
        bar = self._bar()
        if not bar.left() <= x < bar.right():
            return None
        return min(int((x - bar.left()) / (bar.width() / len(self._values))), len(self._values) - 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self.palette()
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        inner = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        box = QRectF(inner.left(), inner.top(), BOX_W, inner.height())
        p.setPen(QPen(pal.color(group, Role.Mid), 1))
        p.setBrush(pal.color(group, Role.Base))
        p.drawRoundedRect(box, 4, 4)
        font = QFont(self.font())
        font.setBold(self._score is not None)
        font.setItalic(self._score is None and self._derived is not None)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        p.setFont(font)
        own = self._score is not None or self._pending
        p.setPen(pal.color(group, Role.Text if own else Role.PlaceholderText))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.display_text())
        locked = QPalette.ColorGroup.Disabled if self._locked else group
        self._paint_bar(p, pal, locked)
        if self.hasFocus():
            p.setPen(QPen(pal.color(group, Role.Highlight), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            frame = QRectF(self.rect()).adjusted(1, 1, -1, -1)
            frame.setRight(min(frame.right(), self._bar().right() + 2))  # hug a short bar
            p.drawRoundedRect(frame, 5, 5)
        p.end()

    def _paint_bar(self, p: QPainter, pal: QPalette, group: QPalette.ColorGroup) -> None:
        bar = self._bar()
        count = len(self._values)
        cell_w = bar.width() / count
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        p.setFont(small)
        stride = _label_stride(QFontMetrics(small).horizontalAdvance("00") + 4, cell_w, self._scale)
        highlight = pal.color(group, Role.Highlight)
        hover = QColor(highlight)
        hover.setAlpha(50)
        p.setPen(QPen(pal.color(group, Role.Mid), 1))
        p.setBrush(pal.color(group, Role.Base))
        p.drawRoundedRect(bar, 4, 4)
        for index, value in enumerate(self._values):
            cell = QRectF(bar.left() + index * cell_w, bar.top(), cell_w, bar.height())
            chosen = self._score is not None and abs(value - self._score) <= STEP_TOLERANCE
            if chosen:
                p.fillRect(cell.adjusted(1, 1, -1, -1), highlight)
            elif index == self._hover and not self._locked and self.isEnabled():
                p.fillRect(cell.adjusted(1, 1, -1, -1), hover)
            if index:
                p.setPen(QPen(pal.color(group, Role.Midlight), 1))
                p.drawLine(cell.topLeft(), cell.bottomLeft())
            role = Role.HighlightedText if chosen else Role.Text
            p.setPen(pal.color(group, role))
            if float(value).is_integer() and round(value) % stride == 0:
                p.drawText(cell, Qt.AlignmentFlag.AlignCenter, format_score(value))
            elif cell_w >= 8:
                dot = cell.center()
                p.setBrush(pal.color(group, role if chosen else Role.PlaceholderText))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawEllipse(dot, 1.5, 1.5)
        if self._score is None and self._derived is not None:
            span = self._scale.maximum - self._scale.minimum
            x = (
                bar.left()
                + cell_w / 2
                + (self._derived - self._scale.minimum) / span * (bar.width() - cell_w)
            )
            p.setPen(QPen(pal.color(group, Role.PlaceholderText), 2, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, bar.top() + 2), QPointF(x, bar.bottom() - 2))

    # --- text for people and screen readers --------------------------------------------------

    def help_text(self) -> str:
        """The keys and the range, for a tooltip."""
        low, high = format_score(self._scale.minimum), format_score(self._scale.maximum)
        half = "" if float(self._scale.step).is_integer() else " (. for the fraction: 5 . 5)"
        return (
            f"Type {low}–{high}{half}; Up/Down step by {format_score(self._scale.step)}; "
            "Backspace clears; Enter goes to the next dimension; N goes to the note"
        )

    def _describe(self) -> None:
        if self._score is not None:
            text = f"score {format_score(self._score)}"
        elif self._derived is not None:
            text = f"not rated; derived {format_score(self._derived)}"
        else:
            text = "not rated"
        self.setAccessibleDescription(text)


def _label_stride(label_w: float, cell_w: float, scale: Scale) -> int:
    """Label every n-th whole point so labels never overlap (1 for a 1–7 scale)."""
    per_whole = cell_w / scale.step  # pixels between consecutive whole points
    for stride in _NICE_STRIDES:
        if per_whole * stride >= label_w:
            return stride
    return _NICE_STRIDES[-1]
