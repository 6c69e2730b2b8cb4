"""One row of the rating panel: label, hint and live band on one line, the score control, and
the note (dimensions only; items share their dimension's note)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from eas_coder.gui.rating_control import ScoreControl
from eas_coder.scheme import Scale

HINT_MS = 2500  # how long a hint ("no half points here") stays


class ScoreRow(QWidget):
    """Label, hint and live band on one line; the score control; the note (dimensions only)."""

    def __init__(self, key: str, label: str, scale: Scale, with_note: bool, indent: int) -> None:
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
        top.addWidget(self.name)
        top.addStretch(1)
        top.addWidget(self.hint)
        top.addWidget(self.band)
        layout.addLayout(top)
        self.control = ScoreControl(scale, label)
        self.control.setObjectName(f"score:{key}")
        self.name.setBuddy(self.control)
        layout.addWidget(self.control)
        self.note: QLineEdit | None = None
        if with_note:
            self.note = QLineEdit()
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

    def hide_hint(self) -> None:
        """Drop a hint left over from another target."""
        self._hint_timer.stop()
        self.hint.hide()
