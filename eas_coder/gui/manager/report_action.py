"""Tools ▸ Reliability Report…: the lab manager names a .pdf or .html file; the methods-section
report (eas_coder.methods_report) is computed and written in the background behind a progress
dialog, and the window says where it went."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.job import ManagerJob
from eas_coder.store.study import Study

if TYPE_CHECKING:
    from eas_coder.gui.window.main_window import MainWindow

TITLE = "Reliability Report"
_FILTERS = "PDF (*.pdf);;Web page (*.html)"


def install_report(window: MainWindow) -> QAction:
    """Add Tools ▸ Reliability Report… for the lab manager; returns the action, whose parent
    is the ``ReportAction`` running it."""
    return ReportAction(window).action


class ReportAction(ManagerJob):
    """Writes the report of all coders at the session level, off the GUI thread."""

    written = Signal(str)  # the file written
    failed = Signal(str)  # the message shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, TITLE)
        self.action = self.add_action(
            "Reliability &Report…",
            "actionReliabilityReport",
            "Write a methods-section report of inter-rater reliability (PDF or HTML)",
            self._on_triggered,
        )
        window.menuTools.addAction(self.action)

    def _on_triggered(self) -> None:
        self.start()

    def start(self, path: Path | None = None) -> None:
        """Ask for the file (unless given), then write the report in the background."""
        if not self.may_start():
            return
        if path is None:
            base = self.window.study.location.base_dir
            suggested = str(Path(base) / "reliability-report.pdf") if base else ""
            name, _ = QFileDialog.getSaveFileName(self.window, TITLE, suggested, _FILTERS)
            if not name:
                return
            path = Path(name)
            if path.suffix.lower() not in (".pdf", ".html", ".htm"):
                path = path.with_suffix(".pdf")
        location, actor = self.window.study.location, self.window.study.actor
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
        self.window.statusBar().showMessage(f"Reliability report written to {path}", 15_000)
        self.show(QMessageBox.Icon.Information, f"The reliability report was written to {path}.")
        self.written.emit(path)

    def _on_failed(self, exc: object) -> None:
        message = f"The report was not written: {exc}"
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)
