"""What the lab manager's long File menu actions share (relink, merge, back up, restore): the
entries enabled for the manager only, the work run off the GUI thread behind a window-modal
progress dialog, and the message box that reports the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog, QWidget

from eas_coder.gui.common.workers import JobFunction, JobRunner
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.store.study import Study

MANAGER_ONLY = "Lab manager only"


class ManagerJob(QObject):
    """Base of one window's manager-only actions; ``title`` heads its dialogs, which open over
    ``parent``. ``study`` returns the study on screen (it changes when another is opened),
    ``is_manager`` whether the lab manager is signed in; ``status`` shows a short outcome."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
    ) -> None:
        super().__init__(parent)
        self.owner = parent
        self.study = study
        self.is_manager = is_manager
        self.status = status
        self.title = title
        self._actions: list[tuple[QAction, str]] = []  # with their status tip for the manager
        self._runner: JobRunner | None = None
        self.progress: QProgressDialog | None = None
        self.box: QMessageBox | None = None  # the last message shown (tests read it)

    def add_action(self, text: str, name: str, tip: str, handler: Callable[[], Any]) -> QAction:
        """A File menu entry (placed by the caller) enabled only for the lab manager."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(handler)
        self._actions.append((action, tip))
        self.update_enabled()
        return action

    def update_enabled(self, _who: str = "") -> None:
        """Enable the entries for the lab manager only (call it when someone signs in)."""
        manager = self.is_manager()
        for action, tip in self._actions:
            action.setEnabled(manager)
            action.setStatusTip(tip if manager else MANAGER_ONLY)

    def may_start(self) -> bool:
        """True when the manager is signed in and nothing of this kind is running."""
        return self.is_manager() and not self.busy()

    def busy(self) -> bool:
        """True while a job runs."""
        return self._runner is not None and self._runner.is_running()

    def run(
        self,
        text: str,
        job: JobFunction,
        done: Callable[[Any], None],
        failed: Callable[[object], None],
        stop: Callable[[], None] | None = None,
    ) -> None:
        """Run ``job`` in the background behind a progress dialog; then ``done(result)`` or
        ``failed(exception)`` on the GUI thread. With ``stop`` the dialog has a Stop button."""
        progress = QProgressDialog(text, "Stop" if stop else "", 0, 0, self.owner)
        progress.setWindowTitle(self.title)
        if stop is not None:
            progress.canceled.connect(stop)
        else:
            progress.setCancelButton(None)  # work that must not be cut half-way
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        progress.setMinimumDuration(0)
        self.progress = progress
        runner = JobRunner(job, self)
        runner.progressed.connect(self._on_progress)
        runner.succeeded.connect(lambda result: self._finish(lambda: done(result)))
        runner.failed.connect(lambda exc: self._finish(lambda: failed(exc)))
        self._runner = runner
        progress.show()
        runner.start()

    def _finish(self, then: Callable[[], None]) -> None:
        self._runner = None  # it deletes itself
        if self.progress is not None:
            self.progress.blockSignals(True)  # closing it is not stopping the next job
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        then()

    def _on_progress(self, what: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(what)
            self.progress.setRange(0, max(total, 0))
            self.progress.setValue(min(done, total) if total else 0)

    def show(self, icon: QMessageBox.Icon, text: str, details: str = "") -> None:
        """Report, without blocking: the box stays until the person closes it."""
        box = QMessageBox(icon, self.title, text, QMessageBox.StandardButton.Ok, self.owner)
        if details:
            box.setDetailedText(details)
        self.box = box
        box.open()


class DialogJob(ManagerJob):
    """A manager-only entry that opens one dialog at a time (Coders, Study Settings): the
    dialog shown is ``dialog`` until it is destroyed, and closes if the manager signs out."""

    dialog: QDialog | None = None  # the last one opened (tests read it)

    def update_enabled(self, _who: str = "") -> None:
        super().update_enabled(_who)
        if self.dialog is not None and not self.is_manager():
            self.dialog.reject()  # the lab manager signed out: not for the next person

    def keep_open(self, dialog: QDialog) -> None:
        """``dialog`` is the one shown (``WA_DeleteOnClose``), forgotten once destroyed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.destroyed.connect(self._forget)

    def _forget(self) -> None:
        self.dialog = None


def connect_job(host: ManagerHost, job: ManagerJob) -> None:
    """Keep the job's entries enabled for the lab manager only, as people sign in."""
    host.signedIn.connect(job.update_enabled)


def job_wiring(
    host: ManagerHost,
) -> tuple[QWidget, Callable[[], Study], Callable[[], bool], Status]:
    """The plain objects a job takes, read from the window each time (it shows another study,
    and builds a new coding session, when another study is opened)."""
    return (
        host.window(),
        lambda: host.study,
        lambda: host.session.manager,
        host.statusBar().showMessage,
    )
