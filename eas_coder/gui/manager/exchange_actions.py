"""File ▸ Export and File ▸ Import: ask, then run the core's export/import in the background
with a progress dialog; the window stays responsive and shows problems in plain words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from eas_coder.gui.common.workers import JobRunner, ProgressCallback
from eas_coder.gui.manager.export_dialog import (
    ExportDialog,
    default_export_path,
    remember_folder,
)
from eas_coder.location import Location
from eas_coder.store.bulk import ImportSummary
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the writers and readers load on first use (in the worker), not at start
    from eas_coder.exchange.importer import ImportPlan, Problem
    from eas_coder.exchange.sheets import ExportOptions

_SUFFIX = {"xlsx": ".xlsx", "csv": ".csv", "sav": ".sav"}


class ExchangeActions(QObject):
    """Runs exports and imports for the window that owns it."""

    exported = Signal(list)  # the paths written
    imported = Signal(object)  # the ImportSummary
    failed = Signal(str)  # the message shown

    def __init__(
        self,
        window: QWidget,
        location: Callable[[], Location],
        actor: Callable[[], str | None] = lambda: None,
        study_name: Callable[[], str] = lambda: "study",
    ) -> None:
        super().__init__(window)
        self._window = window
        self._study_name = study_name  # the offered file name starts with it
        self._location = location
        self._actor = actor
        self._runner: JobRunner | None = None
        self.progress: QProgressDialog | None = None
        self.confirm_box: QMessageBox | None = None  # while the import is being confirmed

    def busy(self) -> bool:
        """True while an export or import runs."""
        return self._runner is not None and self._runner.is_running()

    def _run(
        self,
        title: str,
        work: Callable[[Study, ProgressCallback], Any],
        done: Callable[[Any], None],
        writes: bool = False,
    ) -> None:
        location, actor = self._location(), self._actor()

        def job(progress: ProgressCallback) -> Any:
            # this thread's own Study, closed (engine disposed) here before the plain result
            # goes back; a read-only look leaves the backups as they are
            with Study.open(location, actor, backup=writes) as study:
                return work(study, progress)

        progress = QProgressDialog(title, "", 0, 0, self._window)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        self.progress = progress
        runner = JobRunner(job, self)
        runner.progressed.connect(self._on_progress)
        runner.succeeded.connect(lambda result: self._finish(lambda: done(result)))
        runner.failed.connect(lambda exc: self._finish(lambda: self._on_failed(exc)))
        self._runner = runner
        progress.show()
        runner.start()

    def _finish(self, then: Callable[[], None]) -> None:
        self._runner = None  # it deletes itself
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        then()

    def _on_progress(self, what: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(what)
            self.progress.setRange(0, max(total, 1) if total > 1 else 0)
            self.progress.setValue(done)

    def _on_failed(self, exc: object) -> None:
        from eas_coder.exchange.importer import ImportRejected

        if isinstance(exc, ImportRejected):
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Nothing was imported",
                f"The sheet has {len(exc.problems)} problem(s); fix them and "
                "import again. Nothing was changed.",
                parent=self._window,
            )
            box.setDetailedText("\n".join(map(str, exc.problems)))
            box.open()
            message = str(exc)
        else:
            message = str(exc)
            QMessageBox.warning(self._window, "EAS Coder", message)
        self.failed.emit(message)

    # --- export -------------------------------------------------------------------------------

    def export(self, coders: list[str], timepoints: list[str]) -> None:
        """Ask for options and a file name, then export in the background."""
        dialog = ExportDialog(coders, timepoints, self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, options = dialog.format, dialog.options()
        offered = default_export_path(self._study_name(), "ratings", _SUFFIX[fmt])
        name, _ = QFileDialog.getSaveFileName(
            self._window, "Export to", str(offered), f"*{_SUFFIX[fmt]}"
        )
        if not name:
            return
        out = Path(name) if name.endswith(_SUFFIX[fmt]) else Path(name + _SUFFIX[fmt])
        remember_folder(out)
        self._run(
            "Exporting…",
            lambda study, progress: _export(study, out, fmt, options, progress),
            self.exported.emit,
        )

    # --- import -------------------------------------------------------------------------------

    def import_sheet(self) -> None:
        """Ask for a sheet; check it in the background (a dry run under every rule), show
        what it would create, confirm, then import."""
        name, _ = QFileDialog.getOpenFileName(
            self._window, "Import ratings", "", "Rating sheets (*.xlsx *.csv *.sav)"
        )
        if not name:
            return
        path = Path(name)
        self._run("Checking the sheet…", lambda study, _: _check(study, path), self._confirm_on)

    def _confirm_on(
        self, checked: tuple[Path, ImportPlan, ImportSummary | None, list[Problem]]
    ) -> None:
        self._confirm(*checked)

    def _confirm(
        self, path: Path, plan: ImportPlan, summary: ImportSummary | None, near: list[Problem]
    ) -> None:
        if not plan.ratings:
            QMessageBox.information(
                self._window, "Import", f"All {plan.skipped} rows are already in the study."
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import ratings",
            f"Import {len(plan.ratings)} ratings from {path.name}? "
            f"({plan.skipped} rows are already in the study.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._window,
        )
        created = _created(summary)
        details = [*(str(p) for p in near), *created]
        if details:
            box.setDetailedText("\n".join(details))
        confirm: QCheckBox | None = None
        if near:
            # a name one letter from an existing one is likely a typo: create it only when asked
            confirm = QCheckBox(
                f"Create new coders and participants ({len(near)} name(s) are one letter "
                "from existing ones: see Details)"
            )
            box.setCheckBox(confirm)
        self.confirm_box = box
        answer = box.exec()
        self.confirm_box = None
        if answer != QMessageBox.StandardButton.Yes:
            return
        from eas_coder.exchange.importer import import_ratings

        allow_new = confirm is not None and confirm.isChecked()
        if near and not allow_new:
            QMessageBox.information(
                self._window,
                "Import",
                "Nothing was imported: tick “Create new coders and participants” to create "
                "the names listed, or correct them in the sheet.",
            )
            return
        self._run(
            "Importing…",
            lambda study, progress: import_ratings(study, path, allow_new=allow_new)[1],
            self.imported.emit,
            writes=True,
        )


def _export(
    study: Study, out: Path, fmt: str, options: ExportOptions, progress: ProgressCallback
) -> list[Path]:
    """The export, run in the worker: the writers (openpyxl, pandas, scipy) load there on
    first use instead of with the window."""
    from eas_coder.exchange.export import export_study

    return export_study(study, out, fmt, options, progress)  # type: ignore[arg-type]


def _check(
    study: Study, path: Path
) -> tuple[Path, ImportPlan, ImportSummary | None, list[Problem]]:
    """A dry run; when the only problems are new names near existing ones, a second dry run
    that allows them, so the person can confirm them by name."""
    from eas_coder.exchange.importer import ImportRejected, import_ratings, is_near_name

    try:
        plan, summary = import_ratings(study, path, dry_run=True)
        return path, plan, summary, []
    except ImportRejected as exc:
        if not exc.problems or not all(map(is_near_name, exc.problems)):
            raise
        near = exc.problems
    plan, summary = import_ratings(study, path, dry_run=True, allow_new=True)
    return path, plan, summary, near


def _created(summary: ImportSummary | None) -> list[str]:
    if summary is None:
        return []
    return [
        *(f"new coder: {n}" for n in summary.new_coders),
        *(f"new participant: {n}" for n in summary.new_participants),
        *(f"new video: {n}" for n in summary.new_videos),
    ]
