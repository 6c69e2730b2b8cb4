"""One row of the rating panel: label, hint and live band on one line, the score control, and
the note (dimensions only; items share their dimension's note). A zone's row names the zone
chosen; a score derived from its items says so, and how many items are typed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from eas_coder.gui.rating.control import ScoreControl
from eas_coder.scheme import Scale

HINT_MS = 2500  # how long a hint ("no half points here") stays
_K = Qt.Key
# Keys that only modify others (Qt's shortcut map ignores them too).
_MODIFIER_KEYS = frozenset(
    {_K.Key_Shift, _K.Key_Control, _K.Key_Meta, _K.Key_Alt, _K.Key_CapsLock, _K.Key_NumLock,
     _K.Key_ScrollLock, _K.Key_AltGr, _K.Key_Super_L, _K.Key_Super_R, _K.Key_Hyper_L,
     _K.Key_Hyper_R, _K.Key_Mode_switch, _K.Key_unknown}
)  # fmt: skip


def set_style(widget: QWidget, sheet: str) -> None:
    """``widget``'s style sheet, set only when it differs: each set re-polishes the widget
    (~0.2 ms), and the rating panel sets them on every video switch and every save."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def band_chip(index: int, bands: int, dark: bool, derived: bool) -> str:
    """The style sheet of a band's chip: the ``index``-th of ``bands``, amber for the lowest
    to green for the top; dashed and italic for a band of a derived value."""
    hue = round(35 + 105 * index / max(bands - 1, 1))
    tint = QColor.fromHsv(hue, 120, 85) if dark else QColor.fromHsv(hue, 60, 240)
    look = (
        "background: transparent; border: 1px dashed palette(mid); font-style: italic;"
        if derived
        else f"background: {tint.name()}; border: 1px solid palette(midlight);"
    )
    shape = "color: palette(window-text); border-radius: 8px; padding: 1px 8px;"
    return f"QLabel {{ {look} {shape} }}"


class NoteEdit(QLineEdit):
    """The "Why this score?" field. What is typed is finished (``editingFinished``, which
    saves it) before any window shortcut acts, as a shortcut keeps the focus here and may lock
    or re-read the target; Escape finishes it and asks to give the keyboard back."""

    leaveRequested = Signal()  # Escape: the window puts the keyboard on the player

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # Qt offers every key to the focused field first (ShortcutOverride); a key the field
        # does not take (Ctrl+Enter, Alt+1, Ctrl+Down, Escape…) goes on to the shortcuts.
        # Shift pressed for a capital is typing, not a shortcut.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not event.isAccepted()
            and event.key() not in _MODIFIER_KEYS
        ):
            self.finish_in_place()
        return handled

    def finish_in_place(self) -> None:
        """Save what is typed before a shortcut acts, the cursor staying where it is."""
        # Saving re-shows the target, which puts the cursor at the end: keep it where it was.
        text, cursor = self.text(), self.cursorPosition()
        start, length = self.selectionStart(), self.selectionLength()
        self.editingFinished.emit()
        if self.text() == text:
            if length > 0 and start >= 0:
                self.setSelection(start, length)
            else:
                self.setCursorPosition(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.editingFinished.emit()
            self.leaveRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ScoreRow(QWidget):
    """Label, hint and live band on one line; the score control; the note (dimensions only)."""

    def __init__(
        self,
        key: str,
        label: str,
        scale: Scale,
        with_note: bool,
        indent: int,
        levels: Sequence[str] = (),
        from_items: str = "",
    ) -> None:
        super().__init__()
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(indent, 2, 2, 6)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.name = QLabel(label)
        self.hint = QLabel()
        self.hint.setObjectName(f"hint:{key}")
        self.hint.setStyleSheet("color: palette(highlight); font-style: italic;")
        self.hint.hide()
        self.band = QLabel()
        self.band.setObjectName(f"band:{key}")
        self.band.hide()
        self.level = QLabel()  # the zone chosen, by name (zones only)
        self.level.setObjectName(f"level:{key}")
        self.level.setStyleSheet("font-weight: 600;")
        self.level.hide()
        self.save_state = QLabel()  # "saving…", "saved", "not saved" (none: nothing typed)
        self.save_state.setObjectName(f"saveState:{key}")
        self.save_state.hide()
        top.addWidget(self.name)
        top.addStretch(1)
        top.addWidget(self.hint)
        top.addWidget(self.level)
        top.addWidget(self.band)
        top.addWidget(self.save_state)
        layout.addLayout(top)
        self.derived_hint: QLabel | None = None  # "Derived from items …" (derived only)
        if from_items:
            self.derived_hint = QLabel()
            self.derived_hint.setObjectName(f"derivedHint:{key}")
            self.derived_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self.derived_hint.setWordWrap(True)
            layout.addWidget(self.derived_hint)
        self.control = ScoreControl(scale, label, levels=levels, from_items=from_items)
        self.control.setObjectName(f"score:{key}")
        self.name.setBuddy(self.control)
        layout.addWidget(self.control)
        self.note: NoteEdit | None = None
        if with_note:
            self.note = NoteEdit()
            self.note.setObjectName(f"note:{key}")
            self.note.setPlaceholderText("Why this score? (optional note)")
            self.note.setClearButtonEnabled(True)
            layout.addWidget(self.note)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.setInterval(HINT_MS)
        self._hint_timer.timeout.connect(self.hint.hide)

    def show_hint(self, text: str) -> None:
        """Say briefly why a key or click changed nothing."""
        self.hint.setText(text)
        self.hint.show()
        self._hint_timer.start()

    def show_level(self, text: str) -> None:
        """Name the zone chosen (empty: none)."""
        self.level.setText(text)
        self.level.setVisible(bool(text))

    def show_save_state(self, state: str) -> None:
        """Say whether what was typed here is saved yet ("" : say nothing)."""
        self.save_state.setText(state)
        failed = state == "not saved"
        set_style(self.save_state, "color: #b00020; font-weight: 600;" if failed else "")
        self.save_state.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.save_state.setVisible(bool(state))

    def hide_hint(self) -> None:
        """Drop a hint left over from another target."""
        self._hint_timer.stop()
        self.hint.hide()
