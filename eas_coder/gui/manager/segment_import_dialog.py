"""The Import Segments dialog (form in ``ui/segment_import_dialog.ui``): the lab manager picks an
ELAN or BORIS file (or a folder), the coder, the video, the tier or behaviour and an optional
episode label; every change previews again in the background (``look``) and the table shows
each planned segment with its frames, the list every problem and warning. Import stays off
while there is a problem; clicking it hands the choices and the plan shown to the caller."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from eas_coder.exchange.segment_import import PlannedSegment, SegmentImportPlan
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.common.workers import JobRunner, ProgressCallback
from eas_coder.gui.manager.segment_import_jobs import ImportRequest, Look
from eas_coder.model import Video
from eas_coder.timecode import clock

COLUMNS = ("Video", "Start", "End", "First frame", "Last frame", "Episode", "From")
AUTOMATIC_TIER = "Automatic: the tier named as the coder, or the only tier used"
AUTOMATIC_BEHAVIOUR = "Automatic: the only state behaviour coded"
BY_NAME = "Matched by file name (the linked media, else the file's own name)"
FROM_FILE = "From the file (each annotation's value)"
FILE_FILTER = "ELAN or BORIS files (*.eaf *.boris);;ELAN (*.eaf);;BORIS (*.boris)"
PROBLEM, WARNING = QColor("#b42318"), QColor("#8a5a00")
# The core words its problems for the command line; here they point at the boxes instead.
_IN_WINDOW = {
    "with --video": "in the Video box",
    "with --tier": "in the Tier box",
    "with --behaviour": "in the Behaviour box",
    "with --episode": "in the Episode label box",
    "--video": "Video box",
    "--tier": "Tier box",
    "--behaviour": "Behaviour box",
    "--episode": "Episode label box",
    "--coder": "Coder box",
}
Looker = Callable[[ImportRequest, ProgressCallback], Look]


def in_window_words(text: str) -> str:
    """A core message with the CLI's option names replaced by the dialog's boxes."""
    for option, box in _IN_WINDOW.items():
        text = text.replace(option, box)
    return text


class SegmentImportDialog(QDialog):
    """Choices, preview and problems; ``importRequested`` carries the request and its plan."""

    importRequested = Signal(object, object)  # ImportRequest, SegmentImportPlan
    previewed = Signal(object)  # the plan shown (tests, and anyone who wants to know)
    # Made by load_form from ui/segment_import_dialog.ui; named here for the type checker.
    sourceEdit: QLineEdit
    fileButton: QPushButton
    folderButton: QPushButton
    coderBox: QComboBox
    videoBox: QComboBox
    tierBox: QComboBox
    tierCaption: QLabel
    behaviourBox: QComboBox
    behaviourCaption: QLabel
    episodeBox: QComboBox
    summaryLabel: QLabel
    previewTable: QTableWidget
    problemsCaption: QLabel
    problemsList: QListWidget
    buttons: QDialogButtonBox

    def __init__(
        self,
        parent: QWidget,
        looker: Looker,
        coders: Sequence[str],
        videos: Sequence[Video],
        episodes: Mapping[str, str],  # scheme key -> label; empty: free text
        start_dir: str = "",
    ) -> None:
        super().__init__(parent)
        load_form(self, "segment_import_dialog.ui")
        self._looker = looker
        self._episodes = dict(episodes)
        self._start_dir = start_dir
        self._path: Path | None = None
        self._runner: JobRunner | None = None
        self._again = False  # the choices changed while a preview ran: preview once more
        self._progress = ""
        self.plan: SegmentImportPlan | None = None
        self.request: ImportRequest | None = None
        self.coderBox.addItems(list(coders))
        self.videoBox.addItem(BY_NAME, None)
        for video in videos:
            self.videoBox.addItem(f"{video.label}  ({video.name})", video.id)
        self.tierBox.addItem(AUTOMATIC_TIER, None)
        self.behaviourBox.addItem(AUTOMATIC_BEHAVIOUR, None)
        self.episodeBox.addItem(FROM_FILE, None)
        for label in self._episodes.values():
            self.episodeBox.addItem(label, label)
        self.episodeBox.setEditable(not self._episodes)  # no list in the scheme: free text
        self.previewTable.setColumnCount(len(COLUMNS))
        self.previewTable.setHorizontalHeaderLabels(list(COLUMNS))
        self.previewTable.verticalHeader().setVisible(False)
        header = self.previewTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.importButton = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.importButton.setObjectName("importButton")
        self.importButton.setEnabled(False)
        self.buttons.accepted.connect(self._on_import)
        self.buttons.rejected.connect(self.reject)
        self.fileButton.clicked.connect(self.choose_file)
        self.folderButton.clicked.connect(self.choose_folder)
        self._debounce = QTimer(self)  # one preview for a burst of changes (typing a label)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._start_look)
        for box in (self.coderBox, self.videoBox, self.tierBox, self.behaviourBox):
            box.currentIndexChanged.connect(self._changed)
        self.episodeBox.currentTextChanged.connect(self._changed)
        self._enable_boxes(tiers=False, behaviours=False)
        self._say("Choose an ELAN (.eaf) or BORIS (.boris) file, or a folder of them.")

    # --- choices ------------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Source: one file (the OS file picker)."""
        name, _ = QFileDialog.getOpenFileName(self, "Import segments from", self._start_dir,
                                              FILE_FILTER)  # fmt: skip
        if name:
            self.set_source(Path(name))

    def choose_folder(self) -> None:
        """Source: every .eaf and .boris in a folder, matched to videos by file name."""
        name = QFileDialog.getExistingDirectory(self, "Import segments from", self._start_dir)
        if name:
            self.set_source(Path(name))

    def set_source(self, path: Path) -> None:
        """Show ``path`` and preview it (its tiers or behaviours are listed afresh)."""
        self._path = path
        self.sourceEdit.setText(str(path))
        folder = path.is_dir()
        if folder:
            self.videoBox.setCurrentIndex(0)  # a folder's files go to videos by name
        self.videoBox.setEnabled(not folder)
        self._fill(self.tierBox, AUTOMATIC_TIER, [])
        self._fill(self.behaviourBox, AUTOMATIC_BEHAVIOUR, [])
        self._changed()

    def current_request(self) -> ImportRequest | None:
        """The choices as the import takes them (None without a source or a coder)."""
        if self._path is None or not self.coderBox.currentText():
            return None
        episode: str | None = self.episodeBox.currentData()
        if self.episodeBox.isEditable() and self.episodeBox.currentText() != FROM_FILE:
            episode = self.episodeBox.currentText().strip() or None
        return ImportRequest(
            self._path, self.coderBox.currentText(), self.videoBox.currentData(),
            self.tierBox.currentData() if self.tierBox.isEnabled() else None,
            self.behaviourBox.currentData() if self.behaviourBox.isEnabled() else None,
            episode,
        )  # fmt: skip

    def _fill(self, box: QComboBox, automatic: str, entries: Sequence[tuple[str, str]]) -> None:
        """Refill a choice box with (text, value) entries, keeping the chosen value."""
        kept = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(automatic, None)
        for text, value in entries:
            box.addItem(text, value)
        box.setCurrentIndex(max(0, box.findData(kept)))
        box.blockSignals(False)

    def _enable_boxes(self, tiers: bool, behaviours: bool) -> None:
        self.tierBox.setEnabled(tiers)
        self.tierCaption.setEnabled(tiers)
        self.behaviourBox.setEnabled(behaviours)
        self.behaviourCaption.setEnabled(behaviours)

    # --- preview ------------------------------------------------------------------------------

    def busy(self) -> bool:
        """True while a preview runs or is about to."""
        return self._debounce.isActive() or self._again or self._runner is not None

    def _changed(self, *_args: object) -> None:
        self.importButton.setEnabled(False)  # what is shown no longer answers the choices
        if self.current_request() is not None:
            self._debounce.start()

    def _start_look(self) -> None:
        request = self.current_request()
        if request is None:
            return
        if self._runner is not None:
            self._again = True
            return
        looker = self._looker
        runner = JobRunner(lambda progress: looker(request, progress), self)
        runner.progressed.connect(self._on_progress)
        runner.succeeded.connect(lambda found: self._on_look(request, found))
        runner.failed.connect(self._on_failed)
        self._runner = runner
        self._say("Reading the file and checking it against the study…")
        runner.start()

    def _on_progress(self, what: str, done: int, total: int) -> None:
        self._say(f"Checking… {what}" + (f" ({done} of {total})" if total > 1 else ""))

    def _ended(self) -> bool:
        """The preview ended; True if its result answers the current choices."""
        self._runner = None
        if self._again:
            self._again = False
            self._start_look()
            return False
        return True

    def _on_failed(self, exc: object) -> None:
        if self._ended():
            self._show(None, [f"The preview could not be made: {exc}"], [])

    def _on_look(self, request: ImportRequest, found: Look) -> None:
        if not self._ended():
            return
        tiers = [(f"{name} ({count} annotations)", name) for name, count in found.tiers]
        self._fill(self.tierBox, AUTOMATIC_TIER, tiers)
        self._fill(self.behaviourBox, AUTOMATIC_BEHAVIOUR, [(b, b) for b in found.behaviours])
        self._enable_boxes(bool(found.tiers), bool(found.behaviours))
        if self.current_request() != request:  # a chosen tier is gone from the new list
            self._changed()
            return
        plan = found.plan
        problems = [in_window_words(str(p)) for p in plan.problems] if plan else []
        warnings = [in_window_words(w) for w in plan.warnings] if plan else []
        self.request = request
        self._show(plan, problems, warnings)

    def _show(
        self, plan: SegmentImportPlan | None, problems: list[str], warnings: list[str]
    ) -> None:
        self.plan = plan
        segments = plan.segments if plan else []
        self._fill_table(segments)
        self.problemsList.clear()
        listed = [(p, PROBLEM) for p in problems] + [(f"Warning: {w}", WARNING) for w in warnings]
        for text, colour in listed:
            item = QListWidgetItem(text, self.problemsList)
            item.setForeground(QBrush(colour))
            item.setToolTip(text)
        self.problemsCaption.setText(
            f"Problems ({len(problems)}) and warnings ({len(warnings)})"
            if listed
            else "Problems and warnings: none"
        )
        self._say(self._summary(segments, len(problems), plan.skipped if plan else 0))
        self.importButton.setEnabled(bool(segments) and not problems and not self.busy())
        self.previewed.emit(plan)

    def _fill_table(self, segments: Sequence[PlannedSegment]) -> None:
        table = self.previewTable
        table.setRowCount(len(segments))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, p in enumerate(segments):
            episode = self._episodes.get(p.episode or "", p.episode or "")
            cells = (
                p.video_label,
                clock(p.start_ms),
                clock(p.end_ms),
                _frame(p.first_frame),
                _frame(p.last_frame),
                episode,
                p.source,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < column < 5:  # times and frames
                    item.setTextAlignment(right)
                table.setItem(row, column, item)

    def _summary(self, segments: Sequence[PlannedSegment], problems: int, skipped: int) -> str:
        if problems:
            return (
                f"{problems} problem(s): nothing can be imported until they are fixed in the "
                "file or in the choices above."
            )
        if not segments:
            already = f": all {skipped} segment(s) are already in the study" if skipped else ""
            return f"Nothing to import{already}."
        videos = len({p.video_id for p in segments})
        already = f"; {skipped} already in the study" if skipped else ""
        return (
            f"{len(segments)} segment(s) for {self.coderBox.currentText()} on {videos} "
            f"video(s){already}. Nothing is written until you click Import."
        )

    def _say(self, text: str) -> None:
        self.summaryLabel.setText(text)

    # --- import -------------------------------------------------------------------------------

    def _on_import(self) -> None:
        if self.request is None or self.plan is None or not self.importButton.isEnabled():
            return
        self.importRequested.emit(self.request, self.plan)
        self.accept()


def _frame(frame: int | None) -> str:
    return "—" if frame is None else str(frame)
