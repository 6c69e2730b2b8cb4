"""File ▸ Import Measures… (lab manager): pick a CSV or xlsx of other measures (BDI, PSI, …:
participant, timepoint, measure, value and optionally direction), see every row and its
problems in ``MeasuresImportDialog``, and import it in the background, all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.measures import MeasureSummary
from eas_coder.store.study import Study

if TYPE_CHECKING:  # spreadsheet readers load on first use, not with the window
    from eas_coder.gui.manager.measures_dialog import MeasuresImportDialog

TITLE = "Import Measures"
_FILTERS = "Measure sheets (*.csv *.xlsx);;All files (*)"


def install_measures(host: ManagerHost, menu: QMenu) -> QAction:
    """Add Import Measures… to ``menu`` after Import Ratings… (or at its end), enabled for
    the lab manager only; returns the action, whose parent is the ``MeasuresImportAction``."""
    job = MeasuresImportAction(*job_wiring(host))
    connect_job(host, job)
    actions = menu.actions()
    after = next((a for a in actions if a.objectName() == "actionImport"), None)
    if after is not None and actions.index(after) + 1 < len(actions):
        menu.insertAction(actions[actions.index(after) + 1], job.action)
    else:
        menu.addAction(job.action)
    return job.action


class MeasuresImportAction(ManagerJob):
    """Asks for the sheet and opens the import dialog over the window."""

    imported = Signal(object)  # the MeasureSummary written

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.dialog: MeasuresImportDialog | None = None  # the last one opened (tests read it)
        self.action = self.add_action(
            "Import &Measures…",
            "actionImportMeasures",
            "Import other measures (BDI, PSI, …) per participant and timepoint from CSV or xlsx",
            self._on_triggered,
        )

    def _on_triggered(self) -> None:
        self.choose()

    def choose(self, path: Path | None = None) -> None:
        """Ask for the sheet (unless given), then show its rows, checked in the background."""
        if not self.is_manager() or (self.dialog is not None and self.dialog.busy()):
            return
        if path is None:
            base = self.study().location.base_dir
            name, _ = QFileDialog.getOpenFileName(
                self.owner, TITLE, str(base) if base else "", _FILTERS
            )
            if not name:
                return
            path = Path(name)
        from eas_coder.gui.manager.measures_dialog import MeasuresImportDialog

        study = self.study()
        dialog = MeasuresImportDialog(study.location, study.actor, path, self.owner)
        dialog.imported.connect(self._on_imported)
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def _on_imported(self, summary: MeasureSummary) -> None:
        new = f", new measures: {', '.join(summary.new_measures)}" if summary.new_measures else ""
        replaced = f" ({summary.replaced} replaced)" if summary.replaced else ""
        plural = "s" if summary.added + summary.replaced != 1 else ""
        self.status(
            f"Imported {summary.added + summary.replaced} value{plural} of other "
            f"measures{replaced}{new}",
            15_000,
        )
        self.imported.emit(summary)
