"""File ▸ Relink Moved Videos…: the lab manager picks a folder; the missing video and attached
files are searched for there by content fingerprint in the background, the plan is shown
(found / not found / ambiguous), and the found files are relinked on confirmation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from eas_coder.gui.workers import JobRunner, ProgressCallback
from eas_coder.relink import RelinkMatch, RelinkOutcome, RelinkPlan, apply_plan, find_moved
from eas_coder.store.study import Study

if TYPE_CHECKING:
    from eas_coder.gui.main_window import MainWindow

TITLE = "Relink Moved Videos"


def install_relink(window: MainWindow) -> QAction:
    """Add File ▸ Relink Moved Videos… (before Import) for the lab manager; returns the
    action, whose parent is the ``RelinkAction`` running it."""
    return RelinkAction(window).action


class RelinkAction(QObject):
    """Runs the search and the relinking for one window, off the GUI thread."""

    searched = Signal(object)  # the RelinkPlan
    relinked = Signal(object)  # the RelinkOutcome
    failed = Signal(str)  # the message shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.action = QAction("Re&link Moved Videos…", self)
        self.action.setObjectName("actionRelink")
        window.menuFile.insertAction(window.actionImport, self.action)
        self.action.triggered.connect(self.start)
        window.signedIn.connect(self._on_signed_in)
        self._runner: JobRunner | None = None
        self._stop = threading.Event()
        self.progress: QProgressDialog | None = None
        self.box: QMessageBox | None = None  # the last message shown (tests read it)
        self._on_signed_in("")

    def busy(self) -> bool:
        """True while a search or relinking runs."""
        return self._runner is not None and self._runner.is_running()

    def _on_signed_in(self, _who: str) -> None:
        manager = self.window.session.manager
        self.action.setEnabled(manager)
        self.action.setStatusTip(
            "Find moved or renamed video files in a folder by their content"
            if manager
            else "Lab manager only"
        )

    # --- search -------------------------------------------------------------------------------

    def start(self) -> None:
        """Ask for a folder and search it for the missing files in the background."""
        window = self.window
        if not window.session.manager or self.busy():
            return
        base = window.study.location.base_dir
        name = QFileDialog.getExistingDirectory(
            window, "Folder holding the moved videos", str(base) if base else ""
        )
        if not name:
            return
        folder = Path(name)
        self._stop.clear()
        self._run(
            f"Looking for the missing files in {folder.name or folder}…",
            lambda study, progress: find_moved(study, folder, progress, self._stop.is_set),
            self._on_searched,
            cancellable=True,
        )

    def _on_searched(self, plan: RelinkPlan) -> None:
        self.searched.emit(plan)
        if plan.stopped:
            self.window.statusBar().showMessage("Search stopped; nothing was changed.", 10_000)
            return
        if not plan.matches:
            self._show(
                QMessageBox.Icon.Information,
                "Nothing is missing: every video and attached file is where the study says.",
            )
            return
        if not plan.found:
            self._show(
                QMessageBox.Icon.Warning,
                f"None of the {len(plan.matches)} missing file(s) is in {plan.folder} "
                f"({plan.files_seen} files searched). Nothing was changed.",
                plan_details(plan),
            )
            return
        if self.confirm(plan):
            self._run(
                "Relinking…",
                lambda study, progress: apply_plan(study, plan, progress),
                self._on_relinked,
            )

    def confirm(self, plan: RelinkPlan) -> bool:
        """Show the plan (details: found / not found / ambiguous); True to relink."""
        found, total = len(plan.found), len(plan.matches)
        left = total - found
        text = (
            f"Found {found} of {total} missing file(s) in {plan.folder}"
            + (f"; {left} will still be missing" if left else "")
            + ".\n\nRelink the files found? Each is checked once more against the "
            "fingerprint recorded when it was added."
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            TITLE,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setDetailedText(plan_details(plan))
        self.box = box
        return bool(box.exec() == QMessageBox.StandardButton.Yes)

    # --- relinking ----------------------------------------------------------------------------

    def _on_relinked(self, outcome: RelinkOutcome) -> None:
        window = self.window
        moved = {match.missing.video_id for match in outcome.relinked}
        shown = window.session.video
        if shown is not None and shown.id in moved:
            # the list keeps the same video selected; forget it so it is opened again, from
            # its new place
            window.session.show_video(None)
        window.refresh_videos()
        message = f"Relinked {len(outcome.relinked)} file(s)"
        window.statusBar().showMessage(message, 15_000)
        if outcome.refused:
            self._show(
                QMessageBox.Icon.Warning,
                f"{message}; {len(outcome.refused)} refused (see details).",
                "\n".join(f"{m.missing.label}: {reason}" for m, reason in outcome.refused),
            )
        self.relinked.emit(outcome)

    # --- running ------------------------------------------------------------------------------

    def _run(
        self,
        title: str,
        work: Callable[[Study, ProgressCallback], Any],
        done: Callable[[Any], None],
        cancellable: bool = False,
    ) -> None:
        location = self.window.study.location

        def job(progress: ProgressCallback) -> Any:
            with Study.open(location) as study:  # this thread's own connection
                return work(study, progress)

        progress = QProgressDialog(title, "Stop" if cancellable else "", 0, 0, self.window)
        if cancellable:
            progress.canceled.connect(self._stop.set)
        else:
            progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
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

    def _on_failed(self, exc: object) -> None:
        message = str(exc)
        self._show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)

    def _show(self, icon: QMessageBox.Icon, text: str, details: str = "") -> None:
        box = QMessageBox(icon, TITLE, text, QMessageBox.StandardButton.Ok, self.window)
        if details:
            box.setDetailedText(details)
        self.box = box
        box.open()


def plan_details(plan: RelinkPlan) -> str:
    """The plan as text, by outcome: found, not found, ambiguous."""
    sections: list[tuple[str, tuple[RelinkMatch, ...]]] = [
        ("Found", plan.found),
        ("Not found", plan.not_found),
        ("Ambiguous: several identical copies, not guessed between", plan.ambiguous),
    ]
    lines: list[str] = []
    for title, matches in sections:
        if matches:
            lines.append(f"{title} ({len(matches)}):")
            lines.extend(f"  {match.describe()}" for match in matches)
            lines.append("")
    lines.append(f"{plan.files_seen} files searched in {plan.folder}.")
    if plan.unreadable:
        lines.append(f"{len(plan.unreadable)} could not be read, e.g. {plan.unreadable[0]}")
    return "\n".join(lines)
