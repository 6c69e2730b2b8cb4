"""The main window: its frame comes from ``ui/main_window.ui``; it forwards to the core."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFileDialog, QHeaderView, QMainWindow, QMessageBox, QWidget

from eas_coder import __version__
from eas_coder.errors import EasCoderError
from eas_coder.gui.exchange_actions import ExchangeActions
from eas_coder.gui.forms import load_form
from eas_coder.gui.models import VideoTableModel, format_duration
from eas_coder.gui.playback_actions import connect_playback
from eas_coder.gui.player.backend import PlaybackBackend
from eas_coder.gui.player.choose import create_backend
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.reliability_dialog import ReliabilityDialog
from eas_coder.location import STUDY_SUFFIX, from_string
from eas_coder.media.frame_index import FrameIndex
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

STUDY_FILTER = f"EAS Coder studies (*{STUDY_SUFFIX});;All files (*)"


class MainWindow(QMainWindow):
    """Shows one open study: its videos and what has been coded on each."""

    studyChanged = Signal(object)  # the newly opened Study

    def __init__(
        self,
        study: Study,
        backend: PlaybackBackend | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        load_form(self, "main_window.ui")
        self._study = study
        self._model: VideoTableModel | None = None
        self.videoTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.videoTable.horizontalHeader().setStretchLastSection(True)
        self.videoTable.verticalHeader().setVisible(False)
        note = ""
        if backend is None:
            backend, note = create_backend()
        self.playerPanel = PlayerPanel(backend, parent=self)
        self.playerLayout.addWidget(self.playerPanel)
        connect_playback(self, self.playerPanel)
        self.playerPanel.mediaFailed.connect(self._on_media_failed)
        self.playerPanel.player.mediaOpened.connect(self._on_media_opened)
        for dock in (self.videosDock, self.detailsDock):
            self.menuView.addAction(dock.toggleViewAction())
        self._restore_layout()
        self.actionOpenStudy.triggered.connect(self._on_open_study)
        self.actionNewStudy.triggered.connect(self._on_new_study)
        self.actionQuit.triggered.connect(self.close)
        self.actionAbout.triggered.connect(self._on_about)
        self.exchange = ExchangeActions(self, lambda: self._study.location)
        self.actionExport.triggered.connect(self._on_export)
        self.actionImport.triggered.connect(self.exchange.import_sheet)
        self.actionReliability.triggered.connect(self._on_reliability)
        self.exchange.exported.connect(self._on_exported)
        self.exchange.imported.connect(self._on_imported)
        self._show_study()
        if note:
            self.statusBar().showMessage(note, 15_000)

    @property
    def study(self) -> Study:
        """The study on screen."""
        return self._study

    def _show_study(self) -> None:
        study = self._study
        videos = study.videos.all()
        present = [bool(p and p.is_file()) for p in map(study.videos.file_of, videos)]
        self._model = VideoTableModel(videos, present, self)
        self.videoTable.setModel(self._model)
        self.videoTable.selectionModel().currentRowChanged.connect(self._on_video_selected)
        self.videoTable.resizeColumnsToContents()
        info = study.info
        self.setWindowTitle(f"{info.name} — EAS Coder")
        missing = present.count(False)
        self.statusBar().showMessage(
            f"{study.location.display()}  ·  scheme {info.scheme_id} v{info.scheme_version}  ·  "
            f"{len(videos)} videos, {len(study.coders.all())} coders"
            + (f"  ·  {missing} video file(s) missing" if missing else "")
        )
        if videos:
            self.videoTable.selectRow(0)

    def _on_video_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._model is None or not current.isValid():
            return
        video = self._model.video(current.row())
        self.participantValue.setText(video.participant_code)
        self.timepointValue.setText(video.timepoint)
        self.durationValue.setText(format_duration(video.duration_ms))
        frames = f"{video.frame_count} at {video.fps:.3f} fps" if video.fps else "–"
        self.framesValue.setText(frames)
        path = self._study.videos.file_of(video)
        self.fileValue.setText(str(path) if path else "No file (ratings entered from a sheet)")
        self._show_video(f"{video.participant_code} ({video.timepoint})", path)
        coders = {c.id: c.name for c in self._study.coders.all()}
        per_coder = Counter(r.coder_id for r in self._study.ratings.all(video_id=video.id))
        lines = [f"{coders.get(cid, cid)}: {n} scores" for cid, n in sorted(per_coder.items())]
        self.codingValue.setText("\n".join(lines) if lines else "Not coded yet")

    def _show_video(self, name: str, path: Path | None) -> None:
        if path is None:
            self.playerPanel.show_unavailable(
                f"{name} has no video file in this study (its ratings came from a sheet)."
            )
        elif not path.is_file():
            self.playerPanel.show_unavailable(
                f"The video file of {name} is not where the study says:\n{path}\n\n"
                "Was it moved, renamed, or is its drive not connected?"
            )
        else:
            self.playerPanel.open_video(path)

    def _on_media_opened(self, index: FrameIndex) -> None:
        if index.is_variable_rate:
            self.framesValue.setText(
                f"{index.frame_count}, variable frame rate (times are the file's own timestamps)"
            )

    def _on_media_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())

    def _switch_to(self, study: Study) -> None:
        old, self._study = self._study, study
        old.close()
        self._show_study()
        self.studyChanged.emit(study)

    def _on_open_study(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open study", "", STUDY_FILTER)
        if name:
            self._try(lambda: self._switch_to(Study.open(from_string(name))))

    def _on_new_study(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New study", "", STUDY_FILTER)
        if not name:
            return
        path = Path(name) if name.endswith(STUDY_SUFFIX) else Path(name + STUDY_SUFFIX)
        self._try(
            lambda: self._switch_to(Study.create(from_string(path), load_scheme(), path.stem))
        )

    def _try(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except EasCoderError as exc:
            QMessageBox.warning(self, "EAS Coder", str(exc))

    def _on_reliability(self) -> None:
        ReliabilityDialog(self._study, self).open()

    def _on_export(self) -> None:
        coders = [c.name for c in self._study.coders.all()]
        timepoints = sorted({v.timepoint for v in self._study.videos.all()})
        self.exchange.export(coders, timepoints)

    def _on_exported(self, paths: list[Path]) -> None:
        self.statusBar().showMessage(f"Exported to {', '.join(p.name for p in paths)}", 10_000)

    def _on_imported(self, summary: object) -> None:
        self._show_study()
        self.statusBar().showMessage(f"Imported {getattr(summary, 'ratings', 0)} ratings", 10_000)

    def _on_about(self) -> None:
        QMessageBox.about(
            self,
            "About EAS Coder",
            f"EAS Coder {__version__}\nCoding the Emotional Availability Scales from video.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        self.playerPanel.shutdown()
        self._study.close()
        super().closeEvent(event)
