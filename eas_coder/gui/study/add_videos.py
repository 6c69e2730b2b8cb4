"""Add videos to the study: pick or drop files and folders, check the dyad code and timepoint
read from each name (``add_videos_dialog.py``; the study's file name pattern first, which
the dialog can set and the study remembers), then check, probe and register them
in the background (``eas_coder/adding_videos.py``), with progress; bad files are listed
after. Truncated or damaged files are refused by the job; the lab manager is then shown each
one's problem and asked whether to add them anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog, QWidget

from eas_coder.adding_videos import (
    VIDEO_SUFFIXES,
    AddVideosJob,
    AddVideosSummary,
    VideoEntry,
    collect_video_files,
    format_summary,
)
from eas_coder.errors import EasCoderError
from eas_coder.gui.common.workers import JobRunner
from eas_coder.gui.study.add_videos_dialog import AddVideosDialog
from eas_coder.location import Location
from eas_coder.store.study import Study

__all__ = ["AddVideosDialog", "VideoAdder", "VideoDropFilter", "ask_damaged", "show_summary"]
NAME_PATTERN = "videos.name_pattern"  # store/settings.py

VIDEO_FILTER = "Videos (" + " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES)) + ");;All files (*)"


def show_summary(parent: QWidget | None, summary: AddVideosSummary) -> QMessageBox:
    """Show what was added and, with details, each file that was not and why."""
    headline, details = format_summary(summary)
    failed = bool(summary.failures)
    box = QMessageBox(
        QMessageBox.Icon.Warning if failed else QMessageBox.Icon.Information,
        "Add Videos",
        headline,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    if failed:
        shown = [f"{path.name}: {reason}" for path, reason in summary.failures[:8]]
        if len(summary.failures) > len(shown):
            shown.append(f"… and {len(summary.failures) - len(shown)} more (see Details)")
        box.setInformativeText("\n".join(shown))
        box.setDetailedText(details)
    box.open()
    return box


def ask_damaged(parent: QWidget | None, summary: AddVideosSummary) -> QMessageBox:
    """Ask the lab manager whether to add the damaged files anyway, naming each file's
    problem; "Don't Add" is the default (Escape too)."""
    lines = [f"{entry.path.name}: {'; '.join(found.problems)}" for entry, found in
             summary.damaged]  # fmt: skip
    count = len(lines)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Add Videos",
        f"{count} file{'s are' if count != 1 else ' is'} damaged or truncated: coders would "
        "see only what is left of the recording. Add anyway?",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("damagedVideosBox")
    box.setInformativeText(
        "\n".join(lines[:8]) + (f"\n… and {count - 8} more" if count > 8 else "")
    )
    box.setDetailedText("\n\n".join(
        f"{entry.path}:\n{found.describe()}" for entry, found in summary.damaged
    ))  # fmt: skip
    add = box.addButton("Add Anyway", QMessageBox.ButtonRole.AcceptRole)
    add.setObjectName("addDamagedButton")
    skip = box.addButton("Don't Add", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(skip)
    box.setEscapeButton(skip)
    return box


def _merged(first: AddVideosSummary, second: AddVideosSummary) -> AddVideosSummary:
    """The first run's result with the accepted damaged files' second run folded in."""
    accepted = {entry.path for entry, _found in first.damaged}
    return AddVideosSummary(
        added=first.added + second.added,
        failures=[f for f in first.failures if f[0] not in accepted] + second.failures,
        cancelled=first.cancelled or second.cancelled,
        findings=first.findings + second.findings,
    )


# --- drag and drop ---------------------------------------------------------------------------


def _local_paths(event: QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class VideoDropFilter(QObject):
    """Lets ``window`` accept dropped files and folders; emits their paths on a drop.

    ``VideoDropFilter(window)`` turns on the window's drops and installs itself.
    """

    filesDropped = Signal(list)  # list[Path]

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # QDragEnterEvent and QDragMoveEvent are kinds of QDropEvent
        if not isinstance(event, QDropEvent):
            return False
        paths = _local_paths(event)
        if not paths:
            return False  # text or remote URLs: not for us
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self.filesDropped.emit(paths)
        return True


# --- the whole flow, for the window ----------------------------------------------------------


class VideoAdder(QObject):
    """File ▸ Add Videos and drops: collect, confirm codes, add in the background, report."""

    finished = Signal(object)  # the AddVideosSummary, after the summary was shown
    failed = Signal(str)  # the study could not be opened: the message shown

    def __init__(
        self,
        window: QWidget,
        location: Callable[[], Location],
        actor: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._location = location
        self._actor = actor
        self._runner: JobRunner | None = None
        self._job: AddVideosJob | None = None
        self.progress: QProgressDialog | None = None
        self.summary_box: QMessageBox | None = None
        self.damaged_box: QMessageBox | None = None
        self._earlier: AddVideosSummary | None = None  # the run whose damaged files we add

    def busy(self) -> bool:
        """True while videos are being added."""
        return self._runner is not None and self._runner.is_running()

    def choose_files(self) -> None:
        """Ask for video files, then add them."""
        names, _ = QFileDialog.getOpenFileNames(self._window, "Add videos", "", VIDEO_FILTER)
        if names:
            self.add([Path(n) for n in names])

    def choose_folder(self) -> None:
        """Ask for a folder; add every video in it and its subfolders."""
        name = QFileDialog.getExistingDirectory(self._window, "Add all videos in a folder")
        if name:
            self.add([Path(name)])

    def add(self, paths: Iterable[Path]) -> None:
        """Collect the videos under ``paths``, let the person check them, add them."""
        if self.busy():
            return
        given = list(paths)
        files = collect_video_files(given)
        if not files:
            where = ", ".join(p.name or str(p) for p in given)
            QMessageBox.information(self._window, "Add Videos", f"No video files in {where}.")
            return
        pattern, known = self._naming()
        dialog = AddVideosDialog(files, self._window, pattern, known)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        remembered = dialog.pattern_to_remember()
        if remembered is not None:
            self._remember(remembered)
        self.start(dialog.entries())

    def _naming(self) -> tuple[str, list[str]]:
        """The study's file name pattern and timepoints ("" and none when it cannot be read
        now: the job that adds the files says why)."""
        try:
            with Study.open(self._location(), self._actor(), backup=False) as study:
                return str(study.settings.get(NAME_PATTERN)), study.timepoints.ordered()
        except EasCoderError:
            return "", []

    def _remember(self, pattern: str) -> None:
        """Store the pattern in the study (audited), for the next Add Videos anywhere."""
        try:
            with Study.open(self._location(), self._actor(), backup=False) as study:
                study.settings.set(NAME_PATTERN, pattern)
        except EasCoderError as exc:
            QMessageBox.warning(
                self._window, "Add Videos", f"The file name pattern was not remembered: {exc}"
            )

    def start(self, entries: Sequence[VideoEntry], accept_damaged: bool = False) -> None:
        """Add ``entries`` in the background with a progress dialog (Cancel stops early);
        ``accept_damaged``: the lab manager accepted their damage."""
        job = AddVideosJob(self._location(), entries, self._actor(), accept_damaged)
        if self.progress is not None:
            self.progress.deleteLater()  # the previous one, closed
        self.progress = QProgressDialog("Adding videos…", "Stop", 0, len(entries), self._window)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(job.cancel)
        runner = JobRunner(job, self)
        runner.progressed.connect(self._on_progressed)
        runner.succeeded.connect(self._on_succeeded)
        runner.failed.connect(self._on_failed)
        self._job, self._runner = job, runner
        self.progress.show()
        runner.start()

    def _on_progressed(self, what: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(what)
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        self._job, self._runner = None, None  # the runner deletes itself
        if self.progress is not None:
            self.progress.canceled.disconnect()  # closing must not count as "Stop"
            self.progress.close()  # kept until the next start, which deletes it

    def _on_succeeded(self, summary: AddVideosSummary) -> None:
        self._close_progress()
        if self._earlier is not None:  # the accepted damaged files are in
            summary, self._earlier = _merged(self._earlier, summary), None
        elif summary.damaged and not summary.cancelled:
            self.damaged_box = ask_damaged(self._window, summary)
            self.damaged_box.finished.connect(lambda _r: self._on_damaged_answered(summary))
            self.damaged_box.open()
            return
        self.summary_box = show_summary(self._window, summary)
        self.finished.emit(summary)

    def _on_damaged_answered(self, summary: AddVideosSummary) -> None:
        box = self.damaged_box
        accepted = box is not None and box.buttonRole(box.clickedButton()) == (
            QMessageBox.ButtonRole.AcceptRole
        )
        if accepted:
            self._earlier = summary
            self.start([entry for entry, _found in summary.damaged], accept_damaged=True)
            return
        self.summary_box = show_summary(self._window, summary)
        self.finished.emit(summary)

    def _on_failed(self, exc: object) -> None:
        self._close_progress()
        QMessageBox.warning(self._window, "Add Videos", str(exc))
        self.failed.emit(str(exc))
