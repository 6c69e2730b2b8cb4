"""Tools ▸ Reliability: the per-dimension table with Koo & Li labels and target flags (at
segment level, how the coders' segments met above it); below it the disagreements (largest
first, with consensus), a Bland–Altman or scatter plot of the selected dimension, drift over
time, and the selected dimension's details (every ICC form with its F test, bias, D-study).
The numbers come from eas_coder.reliability, eas_coder.review and eas_coder.drift; consensus
is saved through ``study.consensus``."""

from __future__ import annotations

import itertools
from collections.abc import Hashable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QTableWidget, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.rating.score_text import format_score
from eas_coder.gui.reliability.agreement_plot import AgreementPlot
from eas_coder.gui.reliability.consensus_dialog import ConsensusDialog
from eas_coder.gui.reliability.details import (
    ReliabilityDetails,
    make_matching_label,
    matching_text,
)
from eas_coder.gui.reliability.drift_view import DriftView
from eas_coder.gui.reliability.table import KEY_ROLE, fill, fill_stats
from eas_coder.reliability import Level, ReliabilityReport, compute, compute_tables
from eas_coder.review import Disagreement, disagreements
from eas_coder.store.study import Study
from eas_coder.timecode import clock

_KEY_ROLE = KEY_ROLE
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ReliabilityDialog(QDialog):
    """Shows the study's reliability for the chosen level and coders; recomputes on change.

    Emits ``openRequested(video_id, start_ms or None)`` when a disagreement (or a point of
    the plot) is opened, for the window to show the video there.
    """

    openRequested = Signal(int, object)

    def __init__(self, study: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "reliability_dialog.ui")
        self._study = study
        self._found: list[Disagreement] = []
        self._report: ReliabilityReport | None = None
        self._labels = {v.id: v.label for v in study.videos.all()}
        self.plot = AgreementPlot(self.plotTab)
        self.plot.setObjectName("agreementPlot")
        self.plotTabLayout.insertWidget(1, self.plot, 1)
        self.driftView = DriftView(study, self.driftTab)
        self.driftTabLayout.addWidget(self.driftView)
        # built in code: what they hold depends on the report (issue 19)
        self.details = ReliabilityDetails(self.tabs)
        self.tabs.addTab(self.details, "De&tails")
        self.segmentMatchingLabel = make_matching_label(self)
        self.reliabilityLayout.insertWidget(1, self.segmentMatchingLabel)
        self.levelBox.addItem("Whole session", "session")
        self.levelBox.addItem("Segments", "segment")
        self._add_coder_choices()
        for table in (self.statsTable, self.disagreementsTable):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
        self.disagreementsTable.installEventFilter(self)
        self.levelBox.currentIndexChanged.connect(self._on_level_changed)
        self.codersBox.currentIndexChanged.connect(self._on_coders_changed)
        self.pairBox.currentIndexChanged.connect(self._on_pair_changed)
        self.scatterRadio.toggled.connect(self._on_mode_toggled)
        self.statsTable.currentCellChanged.connect(self._on_dimension_changed)
        self.disagreementsTable.currentCellChanged.connect(self._on_disagreement_changed)
        self.disagreementsTable.doubleClicked.connect(self._on_disagreement_double_clicked)
        self.openButton.clicked.connect(self._on_open_clicked)
        self.consensusButton.clicked.connect(self._on_consensus_clicked)
        self.plot.pointClicked.connect(self._on_point_clicked)
        self.plot.pointActivated.connect(self._on_point_activated)
        self.buttons.rejected.connect(self.reject)
        self._sync_pair()
        self._refresh()

    # --- what is chosen --------------------------------------------------------------------

    def level(self) -> Level:
        """The level shown: ``session`` or ``segment``."""
        return "segment" if self.levelBox.currentData() == "segment" else "session"

    def chosen_coders(self) -> tuple[str, ...] | None:
        """The coders the table, disagreements and drift are about (None: there are none)."""
        data = self.codersBox.currentData()
        return tuple(data) if data else None

    def plot_pair(self) -> tuple[str, str] | None:
        """The two coders the plot compares."""
        data = self.pairBox.currentData()
        return (data[0], data[1]) if data else None

    def current_dimension(self) -> str | None:
        """The dimension key of the table's current row."""
        item = self.statsTable.item(max(self.statsTable.currentRow(), 0), 0)
        return None if item is None else item.data(_KEY_ROLE)

    def selected_disagreement(self) -> Disagreement | None:
        """The disagreement of the current row, if any."""
        row = self.disagreementsTable.currentRow()
        return self._found[row] if 0 <= row < len(self._found) else None

    def _add_coder_choices(self) -> None:
        names = [c.name for c in self._study.coders.all()]
        pairs = list(itertools.combinations(names, 2))
        if len(names) > 2:
            self.codersBox.addItem(f"All {len(names)} coders", tuple(names))
        for a, b in pairs:
            self.codersBox.addItem(f"{a} & {b}", (a, b))
            self.pairBox.addItem(f"{a} & {b}", (a, b))
        self.pairCaption.setVisible(len(pairs) > 1)
        self.pairBox.setVisible(len(pairs) > 1)
        if pairs:
            self.codersBox.setCurrentIndex(self._widest_choice(names, pairs))

    def _widest_choice(self, names: list[str], pairs: list[tuple[str, str]]) -> int:
        """All coders if they share as many units as the best pair, else that pair: a new
        coder with nothing rated yet should not empty the first view."""
        try:
            _, tables = compute_tables(self._study, None, "session", None)
        except EasCoderError:
            return 0

        def shared(columns: list[int]) -> int:
            return sum(
                int((~np.isnan(t.scores[:, columns])).all(axis=1).sum()) for t in tables.values()
            )

        counts = [shared([names.index(a), names.index(b)]) for a, b in pairs]
        best = counts.index(max(counts))
        if len(names) > 2:
            return 0 if shared(list(range(len(names)))) >= counts[best] else best + 1
        return best

    # --- handlers --------------------------------------------------------------------------

    def _on_level_changed(self, _index: int) -> None:
        self._refresh()

    def _on_coders_changed(self, _index: int) -> None:
        self._sync_pair()
        self._refresh()

    def _on_pair_changed(self, _index: int) -> None:
        self._update_plot()

    def _on_mode_toggled(self, scatter: bool) -> None:
        self.plot.set_mode("scatter" if scatter else "bland-altman")

    def _on_dimension_changed(self, *_cells: int) -> None:
        self._update_plot()
        key, report = self.current_dimension(), self._report
        self.details.show_dimension(
            report.dimensions.get(key) if report is not None and key is not None else None
        )
        self.driftView.set_selection(self.chosen_coders(), self.current_dimension())

    def _on_disagreement_changed(self, *_cells: int) -> None:
        chosen = self.selected_disagreement() is not None
        self.openButton.setEnabled(chosen)
        self.consensusButton.setEnabled(chosen)

    def _on_disagreement_double_clicked(self, *_index: object) -> None:
        self._open_selected()

    def _on_open_clicked(self) -> None:
        self._open_selected()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.disagreementsTable
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER_KEYS
        ):
            self._open_selected()
            return True
        return super().eventFilter(watched, event)

    def _on_consensus_clicked(self) -> None:
        found = self.selected_disagreement()
        if found is None:
            return
        segment_id = None
        if found.start_ms is not None:
            segment_id = self._segment_of(found.unit)
            if segment_id is None:
                return
        dialog = ConsensusDialog(self._study, found, self._unit_label(found.unit), segment_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_consensus_recorded)
        dialog.open()

    def _on_consensus_recorded(self) -> None:
        chosen = self.selected_disagreement()
        try:
            self._found = disagreements(self._study, self.chosen_coders(), self.level())
        except EasCoderError as exc:
            self.summaryLabel.setText(str(exc))
            return
        self._fill_disagreements()
        if chosen is not None:
            self._select_disagreement(chosen.unit, chosen.dimension)

    def _on_point_clicked(self, unit: Hashable) -> None:
        key = self.current_dimension()
        found = self._select_disagreement(unit, key)
        where = self._unit_label(unit)
        self.plotInfoLabel.setText(
            f"{where}: a disagreement of {format_score(found.size)} — selected under "
            "Disagreements; double-click the point to open the video."
            if found is not None
            else f"{where}: no disagreement on this dimension; double-click to open the video."
        )

    def _on_point_activated(self, unit: Hashable) -> None:
        video_id, start = (unit, None) if isinstance(unit, int) else (unit[0], unit[1])  # type: ignore[index]
        self.openRequested.emit(int(video_id), start)

    # --- showing ---------------------------------------------------------------------------

    def _sync_pair(self) -> None:
        """A pair chosen for the whole dialog is the plot's pair too."""
        coders = self.chosen_coders()
        is_pair = coders is not None and len(coders) == 2
        if is_pair:
            index = next(
                (i for i in range(self.pairBox.count()) if self.pairBox.itemData(i) == coders), 0
            )
            with QSignalBlocker(self.pairBox):
                self.pairBox.setCurrentIndex(index)
        self.pairBox.setEnabled(not is_pair)

    def _open_selected(self) -> None:
        found = self.selected_disagreement()
        if found is not None:
            self.openRequested.emit(found.video_id, found.start_ms)

    def _unit_label(self, unit: Hashable) -> str:
        if isinstance(unit, int):
            return self._labels.get(unit, str(unit))
        video_id, start = unit[0], unit[1]  # type: ignore[index]
        return f"{self._labels.get(video_id, str(video_id))} @ {clock(start)}"

    def _segment_of(self, unit: Hashable) -> int | None:
        """A segment with the unit's span (the lowest id), to attach a consensus score to."""
        video_id = unit[0]  # type: ignore[index]
        ids = [
            s.id
            for s in self._study.segments.all(video_id=video_id)
            if (s.video_id, s.start_ms, s.end_ms, s.episode) == unit
        ]
        return min(ids) if ids else None

    def _segment_consensus(self) -> dict[tuple[Hashable, str], float]:
        spans = {
            s.id: (s.video_id, s.start_ms, s.end_ms, s.episode) for s in self._study.segments.all()
        }
        return {
            (spans[c.segment_id], c.dimension): c.score
            for c in self._study.consensus.all()
            if c.segment_id in spans
        }

    def _select_disagreement(self, unit: Hashable, key: str | None) -> Disagreement | None:
        for row, found in enumerate(self._found):
            if found.unit == unit and found.dimension == key:
                self.disagreementsTable.setCurrentCell(row, 0)
                return found
        return None

    def _refresh(self) -> None:
        level, coders = self.level(), self.chosen_coders()
        key = self.current_dimension()
        try:
            report = compute(self._study, coders, level)
            self._found = disagreements(self._study, coders, level)
        except EasCoderError as exc:
            self.summaryLabel.setText(str(exc))
            self._found, self._report = [], None
            self.segmentMatchingLabel.setVisible(False)
            fill(self.statsTable, [], [])
            self._fill_disagreements()
            self._on_dimension_changed()
            return
        notes = " · ".join(report.notes)
        self.summaryLabel.setText(
            f"{', '.join(report.coders)} · target {report.target_form} ≥ {report.target:.2f} · "
            f"labels Koo & Li (2016), fewer than {report.min_n} units: too few"
            + (f"\n{notes}" if notes else "")
        )
        self._report = report
        matching = matching_text(report)
        self.segmentMatchingLabel.setText(matching)
        self.segmentMatchingLabel.setVisible(bool(matching))
        fill_stats(self.statsTable, report, key)
        self._fill_disagreements()
        self._on_dimension_changed()

    def _fill_disagreements(self) -> None:
        scheme = self._study.scheme
        agreed = self._segment_consensus() if self.level() == "segment" else {}
        with QSignalBlocker(self.disagreementsTable):
            fill(
                self.disagreementsTable,
                ["Size", "Video", "Dimension", "Scores", "Consensus"],
                [
                    [
                        format_score(d.size),
                        self._unit_label(d.unit),
                        scheme.dimension(d.dimension).label,
                        ", ".join(f"{n} {format_score(s)}" for n, s in d.scores.items()),
                        _consensus_text(
                            d.consensus if d.start_ms is None else agreed.get((d.unit, d.dimension))
                        ),
                    ]
                    for d in self._found
                ],
            )
        self._on_disagreement_changed()

    def _update_plot(self) -> None:
        key, pair, level = self.current_dimension(), self.plot_pair(), self.level()
        if key is None or pair is None:
            self.plot.clear("Choose a dimension in the table above, and two coders")
            return
        try:
            _, tables = compute_tables(self._study, pair, level, [key])
        except EasCoderError as exc:
            self.plot.clear(str(exc))
            return
        table = tables[key]
        keep = ~np.isnan(table.scores).any(axis=1)
        units = [u for u, kept in zip(table.units, keep, strict=True) if kept]
        scale = self._study.scheme.dimension(key).scale
        self.plot.set_data(
            table.scores[keep, 0],
            table.scores[keep, 1],
            pair[0],
            pair[1],
            scale.minimum,
            scale.maximum,
            "scatter" if self.scatterRadio.isChecked() else "bland-altman",
            step=scale.step,
            units=units,
            unit_labels=[self._unit_label(u) for u in units],
            unit_name="video" if level == "session" else "segment",
        )


def _consensus_text(score: float | None) -> str:
    return "" if score is None else format_score(score)
