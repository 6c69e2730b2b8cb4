"""File ▸ Merge Coder's Copy…: the lab manager picks a coder's offline copy of the study; what
it would bring (segments, ratings, new coders, conflicts, videos not in this study) is worked
out in the background by a dry run and shown, and merged on confirmation.

The merge itself is ``eas_coder.merge.merge_study``: one transaction through the study's own
rules; it only adds, a score that differs on the two sides is a conflict, listed and left as it
is here, and what the rules refuse is listed and never counted. The dry run is that same
transaction rolled back, so the confirmation shows exactly what the merge will do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.file_filters import STUDY_FILTER
from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.location import Location, from_string
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the merge loads when it runs, not with the window
    from eas_coder.merge import MergeReport

TITLE = "Merge Coder's Copy"


def install_merge(window: ManagerHost) -> QAction:
    """Add File ▸ Merge Coder's Copy… (after Relink Moved Videos…) for the lab manager;
    returns the action, whose parent is the ``MergeAction`` running it."""
    job = MergeAction(*job_wiring(window), window.refresh_videos)
    connect_job(window, job)
    actions = window.menuFile.actions()
    relink = next((a for a in actions if a.objectName() == "actionRelink"), None)
    # next to Relink: before whatever follows it (Import, when Relink is not installed)
    after = actions.index(relink) + 1 if relink is not None else -1
    before = actions[after] if 0 <= after < len(actions) else window.actionImport
    window.menuFile.insertAction(before, job.action)
    return job.action


class MergeAction(ManagerJob):
    """Runs the dry run and the merge for one window, off the GUI thread; ``refresh``
    re-reads the study's videos after a merge (statuses and lists show the new work)."""

    planned = Signal(object)  # the dry run's MergeReport
    merged = Signal(object)  # the merge's MergeReport
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
            "&Merge Coder's Copy…",
            "actionMergeCopy",
            "Bring a coder's offline copy of this study (segments, ratings) into it",
            self.start,
        )

    # --- the plan -----------------------------------------------------------------------------

    def start(self) -> None:
        """Ask for the coder's copy and work out, in the background, what it would bring."""
        if not self.may_start():
            return
        main = self.study().location
        base = main.base_dir
        name, _ = QFileDialog.getOpenFileName(
            self.owner, "Coder's copy of the study to merge", str(base or ""), STUDY_FILTER
        )
        if not name:
            return
        path = Path(name).expanduser().resolve()
        if main.path is not None and _same_file(path, main.path):
            self.show(
                QMessageBox.Icon.Warning,
                f"{path} is this study itself. Choose the coder's copy to merge into it.",
            )
            return
        if not path.is_file():
            reason = "is a folder, not a study file" if path.is_dir() else "does not exist"
            self.show(QMessageBox.Icon.Warning, f"{path} {reason}. Nothing was changed.")
            return
        self._run(
            f"Comparing {path.name} with this study…",
            main,
            path,
            True,
            lambda report: self._on_planned(main, path, report),
        )

    def _on_planned(self, main: Location, path: Path, report: MergeReport) -> None:
        self.planned.emit(report)
        if not report.changed:
            self.show(
                QMessageBox.Icon.Information,
                f"Nothing to merge from {path.name}: everything in it is already in this study "
                f"({report.unchanged} segment(s) and rating(s) unchanged)." + _left_note(report),
                report_details(report),
            )
            return
        if self.study().location != main:
            return  # another study was opened meanwhile: the plan was for the old one
        if self.confirm(path, report):
            self._run(
                f"Merging {path.name}…",
                main,
                path,
                False,
                lambda done: self._on_merged(main, path, done),
            )

    def confirm(self, path: Path, report: MergeReport) -> bool:
        """Show what the copy would bring (details: conflicts, new coders, videos not here);
        True to merge."""
        text = (
            f"{path.name} has {_counts(report)} to add, "
            f"{len(report.coders_added)} coder(s) new, {report.unchanged} unchanged."
            + _left_note(report)
            + "\n\nMerge them into this study? Nothing here is changed or removed; "
            "conflicting scores stay as they are here."
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            TITLE,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.owner,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setDetailedText(report_details(report))
        self.box = box
        return bool(box.exec() == QMessageBox.StandardButton.Yes)

    # --- the merge ----------------------------------------------------------------------------

    def _on_merged(self, main: Location, path: Path, report: MergeReport) -> None:
        if self.study().location == main:
            self.refresh()  # statuses and lists show the new work
        message = f"Merged {_counts(report)} from {path.name}"
        self.status(message, 15_000)
        self.show(
            QMessageBox.Icon.Warning
            if report.conflicts or report.refused
            else QMessageBox.Icon.Information,
            f"{message}; {len(report.coders_added)} coder(s) added, "
            f"{report.unchanged} already here." + _left_note(report),
            report_details(report),
        )
        self.merged.emit(report)

    # --- running ------------------------------------------------------------------------------

    def _run(
        self, title: str, main: Location, path: Path, dry_run: bool, done: Callable[[Any], None]
    ) -> None:
        actor = self.study().actor  # the merge is written as the person signed in

        def job(_progress: ProgressCallback) -> MergeReport:
            from eas_coder.merge import merge_study  # on first use (issue 18)

            # this thread's own connections; the copy is only read, so it is not backed up,
            # and the main study is backed up (as on every opening) only before a real merge
            with (
                Study.open(main, actor, backup=not dry_run) as study,
                Study.open(from_string(path), backup=False) as other,
            ):
                return merge_study(study, other, dry_run=dry_run)

        self.run(title, job, done, lambda exc: self._on_failed(path, exc))

    def _on_failed(self, path: Path, exc: object) -> None:
        text = str(exc)
        if not isinstance(exc, EasCoderError) or str(path) not in text:
            # the core's messages name the file; anything else gets the name added
            text = f"Could not merge {path}: {text or type(exc).__name__}"
        message = f"{text}\n\nNothing was merged."
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)


def _same_file(path: Path, study: Path) -> bool:
    try:
        return path == study.resolve() or (path.exists() and path.samefile(study))
    except OSError:
        return False


def _counts(report: MergeReport) -> str:
    return f"{report.segments_added} segment(s) and {report.ratings_added} rating(s)"


def _left_note(report: MergeReport) -> str:
    """What the merge leaves aside, in one sentence (or nothing)."""
    parts = []
    if report.conflicts:
        parts.append(f"{len(report.conflicts)} conflict(s) left as they are here")
    if report.refused:
        parts.append(f"{len(report.refused)} refused by this study's rules (not counted)")
    if report.unmatched_videos:
        parts.append(f"{len(report.unmatched_videos)} video(s) of the copy not in this study")
    return f" {'; '.join(parts).capitalize()} (see details)." if parts else ""


def report_details(report: MergeReport) -> str:
    """The report as text: conflicts, new coders, videos not in this study."""
    sections = [
        ("Conflicts (the score here is kept)", report.conflicts),
        ("Refused (locked, overlapping, past the video's end, out of range)", report.refused),
        ("New coders", report.coders_added),
        ("Videos not in this study (no video with the same content)", report.unmatched_videos),
    ]
    lines: list[str] = []
    for title, items in sections:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)
            lines.append("")
    return "\n".join(lines).rstrip()
