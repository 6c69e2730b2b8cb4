"""Add videos to the study: pick or drop files and folders, check the guessed dyad code and
timepoint of each (form in ``ui/add_videos_dialog.ui``), then probe and register them in the
background; a bad file is reported and never stops the others.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QProgressDialog,
    QTableWidgetItem,
    QWidget,
)

from eas_coder.errors import Conflict, EasCoderError, VideoUnreadable
from eas_coder.exchange.naming import natural_key
from eas_coder.gui.forms import load_form
from eas_coder.gui.workers import JobRunner, ProgressCallback
from eas_coder.location import Location
from eas_coder.media.probe import _VIDEO_SUFFIXES, probe
from eas_coder.store.study import Study

VIDEO_SUFFIXES = frozenset(_VIDEO_SUFFIXES)
VIDEO_FILTER = "Videos (" + " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES)) + ");;All files (*)"
ALREADY = "already in the study"
# A timepoint in a file name: T1, t2, W3, wave2, visit1, M12, session2, tp1 (1-2 digits, so a
# dyad code such as M014 is not taken for one), optionally followed by pre/post.
_TIMEPOINT = re.compile(r"(?i)^(t|tp|time|w|wave|v|visit|m|month|session)\d{1,2}$")
_QUALIFIER = {"pre", "post"}
_SEPARATORS = re.compile(r"[\s_\-.]+")
_JOINED = re.compile(r"(?i)^(.*?\d)(t\d{1,2})$")  # D014T1


def collect_video_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for videos, in natural order.

    Hidden files and folders (names starting with a dot, such as macOS ``._D014.mp4``
    companions) are skipped; a file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        for file in _videos_in(path) if path.is_dir() else [path]:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _videos_in(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files += [
            Path(root, name)
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in VIDEO_SUFFIXES
        ]
    return sorted(files, key=lambda f: natural_key(f.relative_to(folder).as_posix()))


def guess_participant_timepoint(path: Path) -> tuple[str, str]:
    """A best guess at (dyad code, timepoint) from a file name; else (stem, "").

    ``D014_T1.mp4`` → ("D014", "T1"), ``D014 T1 pre.mov`` → ("D014", "T1 pre"),
    ``D014T2.mp4`` → ("D014", "T2"), ``T1/D014.mp4`` → ("D014", "T1").
    """
    stem = Path(path).stem
    tokens = [t for t in _SEPARATORS.split(stem) if t]
    at = next((i for i in reversed(range(len(tokens))) if _TIMEPOINT.match(tokens[i])), None)
    if at is not None and len(tokens) > 1:
        timepoint = tokens[at]
        rest = tokens[at + 1 :]
        if rest and rest[0].casefold() in _QUALIFIER:
            timepoint, rest = f"{timepoint} {rest[0]}", rest[1:]
        participant = "_".join(tokens[:at]) or "_".join(rest)
        if participant:
            return participant, timepoint
    joined = _JOINED.match(stem)
    if joined:
        return joined.group(1).rstrip(" _-."), joined.group(2)
    folder = Path(path).parent.name
    if _TIMEPOINT.match(folder):
        return stem, folder
    return stem, ""


# --- the background job ---------------------------------------------------------------------


@dataclass(frozen=True)
class VideoEntry:
    """One file to add, with the dyad code and timepoint it is filed under."""

    path: Path
    participant: str
    timepoint: str

    @classmethod
    def guessed(cls, path: Path) -> VideoEntry:
        """An entry with the code and timepoint guessed from the file name."""
        return cls(path, *guess_participant_timepoint(path))


@dataclass
class AddVideosSummary:
    """What adding videos did: the file names added, and each failure's file and reason."""

    added: list[str] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False


class AddVideosJob:
    """A JobRunner function: opens the study in its own thread, probes and adds each file."""

    def __init__(
        self, location: Location, entries: Sequence[VideoEntry], actor: str | None = None
    ) -> None:
        self._location = location
        self._entries = list(entries)
        self._actor = actor
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop after the file being added now (those added so far stay)."""
        self._stop.set()

    def __call__(self, progress: ProgressCallback) -> AddVideosSummary:
        summary = AddVideosSummary()
        total = len(self._entries)
        with Study.open(self._location, self._actor) as study:
            for done, entry in enumerate(self._entries):
                if self._stop.is_set():
                    summary.cancelled = True
                    break
                progress(f"Adding {entry.path.name} ({done + 1} of {total})…", done, total)
                reason = _add_one(study, entry)
                if reason is None:
                    summary.added.append(entry.path.name)
                else:
                    summary.failures.append((entry.path, reason))
        progress("Done", total, total)
        return summary


def _add_one(study: Study, entry: VideoEntry) -> str | None:
    """None when added, else why not, in plain words."""
    try:
        info = probe(entry.path)
        study.videos.add(entry.participant, entry.timepoint, entry.path, info)
    except VideoUnreadable as exc:
        return exc.reason
    except Conflict as exc:
        message = str(exc)
        return message[message.index(ALREADY) :] if ALREADY in message else ALREADY
    except EasCoderError as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    except Exception as exc:  # a decoder's surprise about one file must not stop the rest
        return f"unexpected error ({type(exc).__name__}: {exc})"
    return None


# --- showing the result ---------------------------------------------------------------------


def format_summary(summary: AddVideosSummary) -> tuple[str, str]:
    """(headline, one line per failure: file and reason)."""
    count = len(summary.added)
    if count:
        headline = f"Added {count} video{'s' if count != 1 else ''}."
    else:
        headline = "No videos were added."
    if summary.cancelled:
        headline += " Adding was stopped before the end."
    if summary.failures:
        headline += f" {len(summary.failures)} could not be added:"
    details = "\n".join(f"{path}: {reason}" for path, reason in summary.failures)
    return headline, details


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


# --- the dialog ------------------------------------------------------------------------------

_FILE, _CODE, _TIMEPOINT_COLUMN = range(3)


class AddVideosDialog(QDialog):
    """The files to add, with editable dyad code and timepoint columns; OK when all are set."""

    def __init__(self, files: Sequence[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "add_videos_dialog.ui")
        table = self.filesTable
        table.setRowCount(len(files))
        for row, path in enumerate(files):
            entry = VideoEntry.guessed(path)
            item = QTableWidgetItem(path.name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            table.setItem(row, _FILE, item)
            table.setItem(row, _CODE, QTableWidgetItem(entry.participant))
            table.setItem(row, _TIMEPOINT_COLUMN, QTableWidgetItem(entry.timepoint))
        header = table.horizontalHeader()
        header.setSectionResizeMode(_FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_TIMEPOINT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        table.itemChanged.connect(self._on_item_changed)
        self.fillButton.clicked.connect(self._on_fill)
        self.removeButton.clicked.connect(self._on_remove)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._check()
        if files:
            table.setCurrentCell(0, _CODE)
        table.setFocus()

    def entries(self) -> list[VideoEntry]:
        """The files with the dyad codes and timepoints as they stand."""
        table = self.filesTable
        return [
            VideoEntry(
                Path(table.item(row, _FILE).data(Qt.ItemDataRole.UserRole)),
                table.item(row, _CODE).text().strip(),
                table.item(row, _TIMEPOINT_COLUMN).text().strip(),
            )
            for row in range(table.rowCount())
        ]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the Fill field fills; the field leaves it unhandled, so it would press OK
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.focusWidget() is self.fillEdit
        ):
            self._on_fill()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._check()

    def _on_fill(self) -> None:
        value = self.fillEdit.text().strip()
        if not value:
            return
        table = self.filesTable
        table.blockSignals(True)  # one check at the end, not one per row
        try:
            for row in range(table.rowCount()):
                item = table.item(row, _TIMEPOINT_COLUMN)
                if not item.text().strip():
                    item.setText(value)
        finally:
            table.blockSignals(False)
        self._check()

    def _on_remove(self) -> None:
        rows = sorted({index.row() for index in self.filesTable.selectedIndexes()}, reverse=True)
        for row in rows:
            self.filesTable.removeRow(row)
        self._check()

    def _check(self) -> None:
        entries = self.entries()
        no_code = sum(1 for e in entries if not e.participant)
        no_time = sum(1 for e in entries if not e.timepoint)
        problems = []
        if not entries:
            problems.append("No files to add.")
        if no_code:
            problems.append(f"{no_code} file(s) have no dyad code.")
        if no_time:
            problems.append(f"{no_time} file(s) have no timepoint (type one, or use Fill).")
        self.statusLabel.setText(" ".join(problems))
        self.statusLabel.setVisible(bool(problems))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Add {len(entries)} Video{'s' if len(entries) != 1 else ''}")
        ok.setEnabled(not problems)


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
        dialog = AddVideosDialog(files, self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.start(dialog.entries())

    def start(self, entries: Sequence[VideoEntry]) -> None:
        """Add ``entries`` in the background with a progress dialog (Cancel stops early)."""
        job = AddVideosJob(self._location(), entries, self._actor())
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
        if self.progress is not None:
            self.progress.canceled.disconnect()  # closing must not count as "Stop"
            self.progress.close()

    def _on_succeeded(self, summary: AddVideosSummary) -> None:
        self._close_progress()
        self.summary_box = show_summary(self._window, summary)
        self.finished.emit(summary)

    def _on_failed(self, exc: object) -> None:
        self._close_progress()
        QMessageBox.warning(self._window, "Add Videos", str(exc))
        self.failed.emit(str(exc))
