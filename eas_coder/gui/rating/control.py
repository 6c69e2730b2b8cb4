"""One score, keyboard first: a value box and a clickable segmented bar of the scale's points.

Digits type a score (``5``, ``5.5``; ``.`` after a score adds the fraction), Up/Down step,
Backspace/Delete clear, Enter moves on. Left/Right also step when they reach the control,
but the control does not claim them (nor Space, Home, End) from the window's player
shortcuts, so the video keeps its keys while a score has focus.

A zone (ordered labels stored as 1..n) takes the same keys, its bar naming each zone. A
score derived from its items takes no score keys at all (the items are typed instead): it
refuses them with a hint; Enter and N still work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QWidget

from eas_coder.gui.rating.score_bar import FaceCache, paint_bar
from eas_coder.gui.rating.score_text import description, fits, format_score, help_text, why_not
from eas_coder.scheme import STEP_TOLERANCE, Scale

PENDING_MS = 1000  # a typed "5" may still become "5.5" or "15" for this long
BOX_W = 46  # the value box left of the bar
GAP = 6
MAX_CELL_W = 34  # a 1–3 item scale should not stretch across the dock
ZONE_CELL_W = 120  # a zone's cell carries its label
HEIGHT = 30
FACES = FaceCache()  # shared: the panel's controls mostly look alike (empty, one scale)

Key = Qt.Key
Mod = Qt.KeyboardModifier
Role = QPalette.ColorRole
_DIGITS = {getattr(Key, f"Key_{n}"): str(n) for n in range(10)}
_POINT_KEYS = (Key.Key_Period, Key.Key_Comma)  # a comma for decimal-comma keyboards
_EDIT_KEYS = (Key.Key_Backspace, Key.Key_Delete, Key.Key_Up, Key.Key_Down)
_ENTER_KEYS = (Key.Key_Return, Key.Key_Enter)


class ScoreControl(QWidget):
    """A score on one scale; emits ``scoreEdited`` only for the coder's own changes."""

    scoreEdited = Signal(object)  # float, or None when cleared
    refused = Signal(str)  # a short reason a key or click changed nothing
    advanceRequested = Signal()  # Enter: on to the next dimension
    noteRequested = Signal()  # N: to this dimension's note
    focusEntered = Signal()

    def __init__(
        self,
        scale: Scale,
        name: str = "",
        parent: QWidget | None = None,
        levels: Sequence[str] = (),
        from_items: str = "",
    ) -> None:
        super().__init__(parent)
        self._scale = scale
        self._levels = tuple(levels)  # a zone's labels, lowest first
        self._from_items = from_items  # not "": derived from items, this says so on a key
        self._max_cell = ZONE_CELL_W if levels else MAX_CELL_W
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

    def levels(self) -> tuple[str, ...]:
        """A zone's labels, lowest first (empty for a score)."""
        return self._levels

    def is_derived(self) -> bool:
        """True for a score derived from its items, which takes no score keys or clicks."""
        return bool(self._from_items)

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
        elif self._from_items and (self.claims(event) or key in (Key.Key_Left, Key.Key_Right)):
            self.refused.emit(self._from_items)
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
        if fits(self._scale, text):
            self._commit(float(text))
            self._keep_pending(text if self._could_grow(text) else "")
        elif self._could_grow(text):
            self._keep_pending(text)
        elif self._pending and "." not in self._pending:
            self._pending = ""  # "1" then "5" on 1–7 means 5, not 15
            self._type(char)
        else:
            self._end_typing()
            self.refused.emit(why_not(self._scale, text))

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
            self.refused.emit(why_not(self._scale, text))

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
        if self._locked or self._from_items:
            self.refused.emit(self._from_items or "Submitted — locked")
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
        width = min(inner.right() - left, len(self._values) * self._max_cell)
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
        takes = not self._locked and not self._from_items and self.isEnabled()
        hover = self._hover if takes else None
        look = (
            self.width(), self.height(), self.devicePixelRatioF(), pal.cacheKey(), group,
            self.font().key(), self._scale, self._levels, self._max_cell, self._score,
            self._derived, self._pending, self._locked, hover, self.display_text(),
        )  # fmt: skip
        p = QPainter(self)
        FACES.draw(
            p, look, self.width(), self.height(), self.devicePixelRatioF(),
            lambda face: self._paint_face(face, pal, group, hover),
        )  # fmt: skip
        if self.hasFocus():
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(pal.color(group, Role.Highlight), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            frame = QRectF(self.rect()).adjusted(1, 1, -1, -1)
            frame.setRight(min(frame.right(), self._bar().right() + 2))  # hug a short bar
            p.drawRoundedRect(frame, 5, 5)
        p.end()

    def _paint_face(
        self, p: QPainter, pal: QPalette, group: QPalette.ColorGroup, hover: int | None
    ) -> None:
        """Everything but the focus frame: the value box and the bar."""
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
        paint_bar(p, pal, locked, self._bar(), self.font(), self._scale, self._values,
                  self._score, self._derived, hover, self._levels)  # fmt: skip

    # --- text for people and screen readers --------------------------------------------------

    def help_text(self) -> str:
        """The keys and the range, for a tooltip."""
        return help_text(self._scale, self._levels)

    def _describe(self) -> None:
        self.setAccessibleDescription(description(self._score, self._derived, self._levels))
