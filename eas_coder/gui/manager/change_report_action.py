"""Tools ▸ Change Report… (lab manager): the change from the first timepoint to the last
(eas_coder.change_report), of the whole study or one participant, as PDF or HTML. It is laid
out and written in the background behind a progress dialog; the message at the end names the
file and has a button that opens its folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the dialog loads when it is opened, not with the window
    from eas_coder.gui.manager.change_report_dialog import ChangeReportDialog

TITLE = "Change Report"


def install_change_report(host: ManagerHost, menu: QMenu) -> QAction:
    """Add Change Report… to ``menu`` right after Reliability Report… (or at its end),
    enabled for the lab manager only; returns the action, whose parent is the job."""
    job = ChangeReportAction(*job_wiring(host))
    connect_job(host, job)
    actions = menu.actions()
    after = next((a for a in actions if a.objectName() == "actionReliabilityReport"), None)
    if after is not None and actions.index(after) + 1 < len(actions):
        menu.insertAction(actions[actions.index(after) + 1], job.action)
    else:
        menu.addAction(job.action)
    return job.action


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file browser."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def participants_of(study: Study) -> list[str]:
    """Every participant with a video or a measure value, by code."""
    codes = {video.participant_code for video in study.videos.all()}
    codes |= {value.participant for value in study.measures.values()}
    return sorted(codes)


class ChangeReportAction(ManagerJob):
    """Asks what to report and where, then writes the report off the GUI thread."""

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
        self.dialog: ChangeReportDialog | None = None  # the last one opened (tests read it)
        self._of = "the whole study"  # what the running report covers, for its message
        self.action = self.add_action(
            "&Change Report…",
            "actionChangeReport",
            "Write the change from the first timepoint to the last, per participant and for "
            "the study (PDF or HTML)",
            self._on_triggered,
        )

    def _on_triggered(self) -> None:
        self.choose()

    def choose(self) -> ChangeReportDialog | None:
        """Open the dialog (returned, open); Write starts the report."""
        if not self.may_start():
            return None
        from eas_coder.gui.manager.change_report_dialog import ChangeReportDialog

        study = self.study()
        dialog = ChangeReportDialog(participants_of(study), study.location.base_dir, self.owner)
        dialog.accepted.connect(lambda: self.start(dialog.participant(), dialog.path()))
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def start(self, participant: str | None, path: Path) -> None:
        """Lay out and write the report of ``participant`` (None: the whole study)."""
        if not self.may_start():
            return
        study = self.study()
        location, actor, target = study.location, study.actor, path
        of = f"participant {participant}" if participant else "the whole study"

        def job(progress: ProgressCallback) -> str:
            from eas_coder import change_report  # scipy/fpdf2 only when needed

            progress(f"Reading the study for {of}…", 0, 3)
            with Study.open(location, actor, backup=False) as study:  # this thread's own
                report = change_report.build(study, participant)
            progress(f"Writing {target.name}…", 2, 3)
            change_report.write(report, target)  # whole, or no file at all
            return str(target)

        self._of = of
        self.run(f"Writing the change report of {of}…", job, self._on_written, self._on_failed)

    def _on_written(self, path: str) -> None:
        self.status(f"Change report written to {path}", 15_000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            TITLE,
            f"The change report of {self._of} was written to {path}.",
            QMessageBox.StandardButton.Ok,
            self.owner,
        )
        folder = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
        folder.setObjectName("openFolderButton")
        folder.clicked.connect(lambda: open_folder(Path(path).parent))
        self.box = box
        box.open()
        self.written.emit(path)

    def _on_failed(self, exc: object) -> None:
        message = f"The change report was not written: {exc}"
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)
