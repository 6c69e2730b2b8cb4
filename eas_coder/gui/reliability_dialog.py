"""Tools ▸ Reliability: the per-dimension table with Koo & Li labels and target flags, and
the disagreements, largest first. The numbers come from eas_coder.reliability."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.forms import load_form
from eas_coder.reliability import compute, koo_li_label
from eas_coder.review import disagreements
from eas_coder.store.study import Study

_FLAG = QColor("#f8d7da")


def _num(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"


def _fill(table: QTableWidget, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table.clear()
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(list(header))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()


class ReliabilityDialog(QDialog):
    """Shows the study's reliability at the chosen level; recomputes when the level changes."""

    def __init__(self, study: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "reliability_dialog.ui")
        self._study = study
        self.levelBox.addItem("Whole session", "session")
        self.levelBox.addItem("Segments", "segment")
        self.levelBox.currentIndexChanged.connect(self._on_level_changed)
        self.buttons.rejected.connect(self.reject)
        for table in (self.statsTable, self.disagreementsTable):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
        self._show("session")

    def _on_level_changed(self, _index: int) -> None:
        self._show(str(self.levelBox.currentData()))

    def _show(self, level: str) -> None:
        try:
            report = compute(self._study, level=level)  # type: ignore[arg-type]
            found = disagreements(self._study, level=level)  # type: ignore[arg-type]
        except EasCoderError as exc:
            self.summaryLabel.setText(str(exc))
            _fill(self.statsTable, [], [])
            _fill(self.disagreementsTable, [], [])
            return
        form, target = report.target_form, report.target
        self.summaryLabel.setText(
            f"{', '.join(report.coders)} · target {form} ≥ {target:.2f} · labels Koo & Li (2016)"
        )
        rows, flagged = [], []
        for result in report.dimensions.values():
            main = result.icc[form]
            rows.append(
                [
                    result.label,
                    str(result.n_units),
                    _num(main.value),
                    f"[{_num(main.ci[0])}, {_num(main.ci[1])}]",
                    koo_li_label(main.value),
                    _num(result.values["kappa_quadratic"]),
                    _num(result.values["alpha_interval"]),
                    _num(result.values["within_one"]),
                    "below target" if result.flagged(form, target) else "",
                ]
            )
            flagged.append(result.flagged(form, target))
        header = [
            "Dimension",
            "n",
            form,
            "95% CI",
            "Label",
            "κ quadratic",
            "α interval",
            f"within ±{report.tolerance:g}",
            "Flag",
        ]
        _fill(self.statsTable, header, rows)
        for r, is_flagged in enumerate(flagged):
            if is_flagged:
                for c in range(len(header)):
                    self.statsTable.item(r, c).setBackground(QBrush(_FLAG))
        labels = {v.id: v.label for v in self._study.videos.all()}
        _fill(
            self.disagreementsTable,
            ["Size", "Video", "Dimension", "Scores", "Consensus"],
            [
                [
                    f"{d.size:g}",
                    labels.get(d.video_id, str(d.video_id)),
                    d.dimension,
                    ", ".join(f"{n} {s:g}" for n, s in d.scores.items()),
                    "" if d.consensus is None else f"{d.consensus:g}",
                ]
                for d in found
            ],
        )
