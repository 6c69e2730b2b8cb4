"""Tools ▸ Reliability Report…: the lab manager names a .pdf or .html file; the methods-section
report (eas_coder.methods_report) is computed and written in the background behind a progress
dialog, and the window says where it went."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.export_dialog import offer_folder
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.study import Study

TITLE = "Reliability Report"
_FILTERS = "PDF (*.pdf);;Web page (*.html)"
NAME = "reliability-report.pdf"  # offered beside the study file


def install_report(window: ManagerHost) -> QAction:
    """Add Tools ▸ Reliability Report… for the lab manager; returns the action, whose parent
    is the ``ReportAction`` running it."""
    job = ReportAction(*job_wiring(window))
    connect_job(window, job)
    window.menuTools.addAction(job.action)
    return job.action


class ReportAction(ManagerJob):
    """Writes the report of all coders at the session level, off the GUI thread."""

    written = Signal(str)  # the file written
    failed = Signal(str)  # the message shown

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.action = self.add_action(
            "Reliability &Report…",
            "actionReliabilityReport",
            "Write a methods-section report of inter-rater reliability (PDF or HTML)",
            self._on_triggered,
        )
        self.exported_box: QMessageBox | None = None  # the last "Open Folder" box shown

    def _on_triggered(self) -> None:
        self.start()

    def start(self, path: Path | None = None) -> None:
        """Ask for the file (unless given), then write the report in the background."""
        if not self.may_start():
            return
        if path is None:
            base = self.study().location.base_dir
            suggested = str(Path(base) / NAME) if base else NAME
            name, _ = QFileDialog.getSaveFileName(self.owner, TITLE, suggested, _FILTERS)
            if not name:
                return
            path = Path(name)
            if path.suffix.lower() not in (".pdf", ".html", ".htm"):
                path = path.with_suffix(".pdf")
        study = self.study()
        location, actor = study.location, study.actor
        target = path

        def job(progress: ProgressCallback) -> str:
            from eas_coder import methods_report

            with Study.open(location, actor, backup=False) as study:  # this thread's own
                report = methods_report.build(study, progress=progress)
            progress("Writing the report…", 3, 4)
            methods_report.write(report, target)
            return str(target)

        self.run(f"Writing {target.name}…", job, self._on_written, self._on_failed)

    def _on_written(self, path: str) -> None:
        self.status(f"Reliability report written to {path}", 15_000)
        detail = f"The reliability report was written to {path}."
        self.box = self.exported_box = offer_folder(self.owner, [Path(path)], detail)
        self.written.emit(path)

    def _on_failed(self, exc: object) -> None:
        message = f"The report was not written: {exc}"
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)
