"""The Import Measures dialog: every row of the chosen sheet (participant, timepoint, measure,
value, direction) with the problems of each named beside it; Import only while there are none.

The check and the write run off the GUI thread (``gui/common/workers.py``), each job opening
its own study; the check is the core's own (``exchange.measures_import.plan_measures``), so the
dialog refuses exactly what ``eas-coder import-measures`` refuses, and the write checks again
inside its one transaction (all rows or none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.exchange.cells import cell_text
from eas_coder.exchange.importer import ImportRejected
from eas_coder.exchange.measures_import import (
    MEASURES_SHEET,
    import_measures,
    plan_measures,
)
from eas_coder.exchange.reader import read_sheet
from eas_coder.gui.common.workers import JobRunner, ProgressCallback
from eas_coder.location import Location
from eas_coder.store.measures import MeasureSummary
from eas_coder.store.study import Study

COLUMNS = ("participant", "timepoint", "measure", "value", "direction")
HEADERS = ("Row", "Participant", "Timepoint", "Measure", "Value", "Direction", "Problem")
PROBLEM_COLOUR = QColor("#fde8e7")
ERROR_STYLE = "color: #b42318; font-weight: 600;"
SHOWN_ROWS = 5000  # a preview of a huge sheet shows its start; problems are all counted


@dataclass
class Preview:
    """What the check found: the rows as text, the problems by row, what would be written."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)
    sheet_problems: list[str] = field(default_factory=list)  # not of one data row
    to_write: int = 0
    skipped: int = 0

    @property
    def problem_count(self) -> int:
        return sum(map(len, self.problems.values())) + len(self.sheet_problems)


def check_sheet(study: Study, path: Path, replace: bool) -> Preview:
    """Read ``path`` and check every row as the import would (writes nothing)."""
    sheet = read_sheet(path, sheet=MEASURES_SHEET)
    preview = Preview()
    for number, cells in sheet.rows:
        preview.rows.append((number, [cell_text(cells.get(name)) for name in COLUMNS]))
    numbers = {number for number, _cells in sheet.rows}
    try:
        plan = plan_measures(study, path, replace=replace)
    except ImportRejected as exc:
        for problem in exc.problems:
            # the core speaks the command line's words; here the option is the tick box
            reason = problem.reason.replace("import with --replace", "tick Replace below")
            text = f"{problem.column}: {reason}"
            if problem.row in numbers:
                preview.problems.setdefault(problem.row, []).append(text)
            else:
                preview.sheet_problems.append(str(problem))
        return preview
    preview.to_write, preview.skipped = len(plan.values), plan.skipped
    return preview


class MeasuresImportDialog(QDialog):
    """Preview, check and import one sheet of measures into the study at ``location``."""

    imported = Signal(object)  # the MeasureSummary written

    def __init__(
        self, location: Location, actor: str | None, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("measuresImportDialog")
        self.setWindowTitle(f"Import Measures — {path.name}")
        self._location, self._actor, self._path = location, actor, path
        self._runner: JobRunner | None = None
        self._writing = False
        self.preview: Preview | None = None
        self.fileLabel = QLabel(f"File: {path}", self)
        self.fileLabel.setWordWrap(True)
        self.againButton = QPushButton("Check &Again", self)
        self.againButton.setObjectName("againButton")
        self.againButton.setToolTip("Read the file again (after correcting it)")
        self.againButton.setAutoDefault(False)
        self.againButton.clicked.connect(self.check)
        top = QHBoxLayout()
        top.addWidget(self.fileLabel, 1)
        top.addWidget(self.againButton)
        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("summaryLabel")
        self.summaryLabel.setWordWrap(True)
        self.previewTable = QTableWidget(0, len(HEADERS), self)
        self.previewTable.setObjectName("previewTable")
        self.previewTable.setHorizontalHeaderLabels(HEADERS)
        self.previewTable.verticalHeader().setVisible(False)
        self.previewTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.previewTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.previewTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.replaceCheck = QCheckBox(
            "&Replace values the study holds when the file gives another", self
        )
        self.replaceCheck.setObjectName("replaceCheck")
        self.replaceCheck.toggled.connect(lambda _on: self.check())
        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setRange(0, 0)  # busy
        self.progressBar.setTextVisible(False)
        self.progressBar.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.importButton = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.importButton.setObjectName("importButton")
        self.buttons.accepted.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for widget in (self.summaryLabel, self.previewTable, self.replaceCheck,
                       self.progressBar, self.buttons):  # fmt: skip
            layout.addWidget(widget)
        self.resize(820, 460)
        self.check()

    # -- state --------------------------------------------------------------------------------

    def checking(self) -> bool:
        """True while the sheet is being checked."""
        return self.busy() and not self._writing

    def busy(self) -> bool:
        """True while a check or the write runs."""
        return self._runner is not None and self._runner.is_running()

    def _set_busy(self, text: str) -> None:
        self.summaryLabel.setStyleSheet("")
        self.summaryLabel.setText(text)
        self.progressBar.show()
        self.importButton.setEnabled(False)
        self.againButton.setEnabled(False)
        self.replaceCheck.setEnabled(False)

    def _set_idle(self) -> None:
        self.progressBar.hide()
        self.againButton.setEnabled(True)
        self.replaceCheck.setEnabled(True)

    def _run(self, job: Callable[[ProgressCallback], Any], done: Callable[[Any], None]) -> None:
        runner = JobRunner(job, self)
        runner.succeeded.connect(lambda result: self._finish(lambda: done(result)))
        runner.failed.connect(lambda exc: self._finish(lambda: self._failed(exc)))
        self._runner = runner
        runner.start()

    def _finish(self, then: Callable[[], None]) -> None:
        self._runner = None  # it deletes itself
        self._set_idle()
        then()
        self._writing = False

    # -- check --------------------------------------------------------------------------------

    def check(self) -> None:
        """Read and check the sheet in the background, then show every row."""
        if self.busy():
            return
        location, actor, path = self._location, self._actor, self._path
        replace = self.replaceCheck.isChecked()

        def job(_progress: ProgressCallback) -> Preview:
            with Study.open(location, actor, backup=False) as study:  # this thread's own
                return check_sheet(study, path, replace)

        self._set_busy(f"Checking {path.name}…")
        self._run(job, self._show)

    def _show(self, preview: Preview) -> None:
        self.preview = preview
        table = self.previewTable
        shown = preview.rows[:SHOWN_ROWS]
        table.setRowCount(len(shown))
        for index, (number, cells) in enumerate(shown):
            problems = preview.problems.get(number, [])
            texts = [str(number), *cells, "; ".join(problems)]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if problems:
                    item.setBackground(QBrush(PROBLEM_COLOUR))
                    item.setToolTip("\n".join(problems))
                table.setItem(index, column, item)
        bad_rows = len(preview.problems)
        if preview.problem_count:
            parts = []
            if bad_rows:
                rows_have = f"{bad_rows} rows have" if bad_rows != 1 else "1 row has"
                parts.append(f"{rows_have} problems (marked below)")
            parts += preview.sheet_problems
            self._say_problem(
                "; ".join(parts) + ". Correct the file and press Check Again. Nothing is "
                "written until every row is right."
            )
            self.importButton.setEnabled(False)
            if bad_rows:
                first = min(preview.problems)
                rows = [number for number, _cells in shown]
                if first in rows:  # the first bad row in sight
                    table.scrollTo(table.model().index(rows.index(first), 0))
            return
        self.summaryLabel.setStyleSheet("")
        if preview.to_write == 0:
            self.summaryLabel.setText(
                f"Nothing to import: all {preview.skipped} rows are in the study already."
            )
            self.importButton.setEnabled(False)
            return
        plural = "s" if preview.to_write != 1 else ""
        self.summaryLabel.setText(
            f"{preview.to_write} value{plural} to import; {preview.skipped} rows are in the "
            "study already. Every row is written, or none."
        )
        self.importButton.setEnabled(True)
        self.importButton.setFocus()

    def _say_problem(self, text: str) -> None:
        self.summaryLabel.setStyleSheet(ERROR_STYLE)
        self.summaryLabel.setText(text)

    # -- write --------------------------------------------------------------------------------

    def write(self) -> None:
        """Import every checked row in one transaction, in the background."""
        if self.busy() or not self.importButton.isEnabled():
            return
        location, actor, path = self._location, self._actor, self._path
        replace = self.replaceCheck.isChecked()

        def job(_progress: ProgressCallback) -> MeasureSummary:
            with Study.open(location, actor, backup=True) as study:  # this thread's own
                return import_measures(study, path, replace=replace)[1]

        self._writing = True
        self._set_busy(f"Importing {path.name}…")
        self._run(job, self._written)

    def _written(self, summary: MeasureSummary) -> None:
        self.imported.emit(summary)
        self.accept()

    def _failed(self, exc: object) -> None:
        if isinstance(exc, ImportRejected):
            details = "; ".join(map(str, exc.problems[:5]))
            self._say_problem(f"Nothing was imported: {details}. Press Check Again.")
        else:
            self._say_problem(f"Nothing was imported: {exc}")
        self.importButton.setEnabled(False)

    # -- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._writing:  # the write finishes (all or nothing) before the dialog may close
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._writing:
            event.ignore()
            return
        super().closeEvent(event)
