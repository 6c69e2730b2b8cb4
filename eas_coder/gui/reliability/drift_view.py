"""Drift: reliability of the chosen coders per month, or per batch of N videos in the order
they were finished, for one dimension. The ICC comes from ``eas_coder.drift``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.drift import Period, drift
from eas_coder.errors import EasCoderError
from eas_coder.store.study import Study

_FLAG = QColor("#f8d7da")
_FLAG_TEXT = QColor("#58151c")  # readable on the flag colour in light and dark palettes
DEFAULT_BATCH = 10


def _num(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"


class DriftView(QWidget):
    """A small table: period, n videos, the target ICC and agreement within tolerance."""

    def __init__(self, study: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._study = study
        self._coders: tuple[str, ...] | None = None
        self._dimension: str | None = None
        self._periods: list[Period] = []
        self._error = ""
        self.modeBox = QComboBox(self)
        self.modeBox.setObjectName("driftModeBox")
        self.modeBox.addItem("Per month", "month")
        self.modeBox.addItem("Per batch of", "batch")
        self.batchBox = QSpinBox(self)
        self.batchBox.setObjectName("driftBatchBox")
        self.batchBox.setRange(1, 10_000)
        self.batchBox.setValue(DEFAULT_BATCH)
        self.batchBox.setSuffix(" videos")
        self.batchBox.setAccessibleName("Videos per batch")
        self.batchBox.setEnabled(False)
        self.captionLabel = QLabel(self)
        self.captionLabel.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setObjectName("driftTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        row = QHBoxLayout()
        caption = QLabel("&Group", self)
        caption.setBuddy(self.modeBox)
        for widget in (caption, self.modeBox, self.batchBox):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.captionLabel)
        layout.addWidget(self.table, 1)
        self.modeBox.currentIndexChanged.connect(self._on_mode_changed)
        self.batchBox.valueChanged.connect(self._on_batch_changed)

    def batch(self) -> int | None:
        """Videos per batch, or None for calendar months."""
        return self.batchBox.value() if self.modeBox.currentData() == "batch" else None

    def periods(self) -> list[Period]:
        """What drift() reported for the current choice."""
        return list(self._periods)

    def set_selection(self, coders: Sequence[str] | None, dimension: str | None) -> None:
        """Show the drift of these coders on this dimension (recomputing if the coders changed)."""
        coders = None if coders is None else tuple(coders)
        changed = coders != self._coders or not self._periods
        self._coders, self._dimension = coders, dimension
        if changed:
            self._recompute()
        else:
            self._fill()

    def _on_mode_changed(self, _index: int) -> None:
        self.batchBox.setEnabled(self.modeBox.currentData() == "batch")
        self._recompute()

    def _on_batch_changed(self, _value: int) -> None:
        if self.batch() is not None:
            self._recompute()

    def _recompute(self) -> None:
        self._periods, self._error = [], ""
        try:
            batch = self.batch()
            self._periods = drift(self._study, self._coders, batch)
        except EasCoderError as exc:
            self._error = str(exc)
        self._fill()

    def _fill(self) -> None:
        study, key = self._study, self._dimension
        form = str(study.settings.get("reliability.target_form"))
        target = float(study.settings.get("reliability.target"))
        tolerance = float(study.settings.get("reliability.tolerance"))
        header = ["Period", "n videos", form, f"within ±{tolerance:g}"]
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setHorizontalHeaderLabels(header)
        self.table.setRowCount(len(self._periods) if key else 0)
        if self._error or key is None:
            self.captionLabel.setText(self._error)
            return
        self.captionLabel.setText(
            f"{study.scheme.dimension(key).label}, session level. A video counts in a period "
            "once the last of the chosen coders has finished it."
            + ("" if self._periods else " No video is finished by all of them yet.")
        )
        for r, period in enumerate(self._periods):
            value = period.icc.get(key, float("nan"))
            cells = [
                period.label,
                str(period.n_units),
                _num(value),
                _num(period.within.get(key, np.nan)),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not value >= target:
                    item.setBackground(QBrush(_FLAG))
                    item.setForeground(QBrush(_FLAG_TEXT))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
