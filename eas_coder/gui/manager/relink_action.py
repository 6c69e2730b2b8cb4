"""File ▸ Relink Moved Videos…: the lab manager picks a folder; the missing video and attached
files are searched for there by content fingerprint in the background, the plan is shown
(found / not found / ambiguous), and the found files are relinked on confirmation — each
only if its whole content is the recorded one (``relink.apply_plan``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the relink search loads when it runs, not with the window
    from eas_coder.relink import RelinkMatch, RelinkOutcome, RelinkPlan

TITLE = "Relink Moved Videos"


def install_relink(window: ManagerHost) -> QAction:
    """Add File ▸ Relink Moved Videos… (before Import) for the lab manager; returns the
    action, whose parent is the ``RelinkAction`` running it."""
    job = RelinkAction(*job_wiring(window), window.refresh_videos)
    connect_job(window, job)
    window.menuFile.insertAction(window.actionImport, job.action)
    return job.action


class RelinkAction(ManagerJob):
    """Runs the search and the relinking for one window, off the GUI thread; ``refresh``
    re-reads the study's videos afterwards (the video on screen opens again, from its new
    place)."""

    searched = Signal(object)  # the RelinkPlan
    relinked = Signal(object)  # the RelinkOutcome
    failed = Signal(str)  # the message shown

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.refresh = refresh
        self.action = self.add_action(
            "Re&link Moved Videos…",
            "actionRelink",
            "Find moved or renamed video files in a folder by their content",
            self.start,
        )
        self._stop = threading.Event()

    # --- search -------------------------------------------------------------------------------

    def start(self) -> None:
        """Ask for a folder and search it for the missing files in the background."""
        if not self.may_start():
            return
        study = self.study()  # start where the videos are: the media root, else the study's folder
        base = study.videos.media_root() or study.location.base_dir
        name = QFileDialog.getExistingDirectory(
            self.owner, "Folder holding the moved videos", str(base) if base else ""
        )
        if not name:
            return
        folder = Path(name)
        self._stop.clear()
        stopped = self._stop.is_set  # the worker gets the Event, not this QObject
        from eas_coder.relink import find_moved  # on first use, not with the window

        self._run(
            f"Looking for the missing files in {folder.name or folder}…",
            lambda study, progress: find_moved(study, folder, progress, stopped),
            self._on_searched,
            stop=self._stop.set,
        )

    def _on_searched(self, plan: RelinkPlan) -> None:
        from eas_coder.relink import apply_plan

        self.searched.emit(plan)
        if plan.stopped:
            self.status("Search stopped; nothing was changed.", 10_000)
            return
        if not plan.matches:
            self.show(
                QMessageBox.Icon.Information,
                "Nothing is missing: every video and attached file is where the study says.",
            )
            return
        if not plan.found:
            self.show(
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
            + ".\n\nRelink the files found? Each is read whole first and compared with the "
            "file recorded when it was added; a file whose content differs is refused."
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            TITLE,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.owner,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setDetailedText(plan_details(plan))
        self.box = box
        return bool(box.exec() == QMessageBox.StandardButton.Yes)

    # --- relinking ----------------------------------------------------------------------------

    def _on_relinked(self, outcome: RelinkOutcome) -> None:
        from eas_coder.relink import FINGERPRINT_ONLY

        self.refresh()
        message = f"Relinked {len(outcome.relinked)} file(s)"
        unhashed = len(
            {m.missing for m, note in outcome.notes if note.startswith(FINGERPRINT_ONLY)}
        )
        if unhashed:
            message += (
                f"; {unhashed} on their fingerprint only (added before whole-file hashes were "
                "kept: hashed now)"
            )
        self.status(message, 15_000)
        if outcome.refused:
            refused = "\n".join(f"{m.missing.label}: {why}" for m, why in outcome.refused)
            notes = "\n".join(f"{m.missing.label}: {note}" for m, note in outcome.notes)
            self.show(
                QMessageBox.Icon.Warning,
                f"{message}; {len(outcome.refused)} refused (see details).",
                refused + ("\n\n" + notes if notes else ""),
            )
        self.relinked.emit(outcome)

    # --- running ------------------------------------------------------------------------------

    def _run(
        self,
        title: str,
        work: Callable[[Study, ProgressCallback], Any],
        done: Callable[[Any], None],
        stop: Callable[[], None] | None = None,
    ) -> None:
        study = self.study()
        location, actor = study.location, study.actor

        def job(progress: ProgressCallback) -> Any:
            with Study.open(location, actor) as study:  # this thread's own connection
                return work(study, progress)

        self.run(title, job, done, self._on_failed, stop)

    def _on_failed(self, exc: object) -> None:
        message = str(exc)
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)


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
