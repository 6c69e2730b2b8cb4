"""The main window: its frame comes from ``ui/main_window.ui``; it forwards to the core.

Docks: Videos and Selected video (from the form), Segments and Rating (built here from the
study's scheme). The player sits in the middle. Who is coding decides what is shown: a
coder sees only their own work until everyone assigned has submitted (blind coding).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.coding.controller import CodingController
from eas_coder.gui.coding.prepared_video import PreparedVideo
from eas_coder.gui.coding.segment_table import SegmentTable
from eas_coder.gui.coding.selected_video import VideoDetails, open_in_player
from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.video_columns import fit_video_columns, set_up_video_columns
from eas_coder.gui.coding.video_list import (
    VideoFilter,
    findings_of,
    offer_filters,
    status_row,
    status_rows,
)
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.gui.common.saved_settings import remember_setting
from eas_coder.gui.common.steady_text import set_steady_text
from eas_coder.gui.manager.actions import ManagerActions
from eas_coder.gui.manager.backup_actions import install_backups
from eas_coder.gui.manager.change_report_action import install_change_report
from eas_coder.gui.manager.exchange_actions import ExchangeActions
from eas_coder.gui.manager.interchange_actions import install_interchange
from eas_coder.gui.manager.lab_manager import install_lab_manager
from eas_coder.gui.manager.measures_action import install_measures
from eas_coder.gui.manager.merge_action import install_merge
from eas_coder.gui.manager.progress_dock import ProgressDock
from eas_coder.gui.manager.relink_action import install_relink
from eas_coder.gui.manager.report_action import install_report
from eas_coder.gui.manager.scheme_editor_action import install_scheme_editor
from eas_coder.gui.player.actions import connect_playback, playback_actions
from eas_coder.gui.player.audio_status import watch_audio
from eas_coder.gui.player.backend import PlaybackBackend
from eas_coder.gui.player.choose import create_backend
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.rating.panel import RatingPanel
from eas_coder.gui.study.coder_dialog import CoderDialog
from eas_coder.gui.study.timepoints_dialog import install_timepoints
from eas_coder.gui.window.help_dialogs import install_getting_started
from eas_coder.gui.window.layout import add_beside, restore_layout, save_layout
from eas_coder.gui.window.list_statuses import ListStatuses, row_to_select
from eas_coder.gui.window.live_refresh import LiveRefresh
from eas_coder.gui.window.open_at import open_video_at
from eas_coder.gui.window.shortcuts import apply_saved, capture_defaults
from eas_coder.gui.window.show_soon import ShowSoon
from eas_coder.gui.window.study_actions import StudyActions
from eas_coder.gui.window.texts import NOT_SAVED, saved_text, study_summary, window_title
from eas_coder.model import Video
from eas_coder.store.study import Study
from eas_coder.timecode import clock


class MainWindow(QMainWindow):
    """Shows one open study: its videos, the player, and the coder's segments and ratings."""

    studyChanged = Signal(object)  # the newly opened Study
    signedIn = Signal(str)  # who is at the keyboard
    # Made by load_form from ui/main_window.ui; named here for the type checker.
    menuFile: QMenu
    menuView: QMenu
    menuTools: QMenu
    menuCoding: QMenu
    menuHelp: QMenu
    actionImport: QAction
    actionSwitchCoder: QAction
    videosDock: QDockWidget
    detailsDock: QDockWidget
    videoTable: QTableView
    videoFilter: QLineEdit
    statusFilter: QComboBox
    playerLayout: QVBoxLayout

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
        self._filter = VideoFilter(self)
        set_up_video_columns(self.videoTable)
        self._show_soon = ShowSoon(self, self._show_chosen, self._prepare_chosen)
        self.videoFilter.textChanged.connect(self._filter.set_text)
        self.statusFilter.currentIndexChanged.connect(self._on_status_filter)
        note = ""
        if backend is None:
            backend, note = create_backend()
        self.playerPanel = PlayerPanel(backend, parent=self)
        self.playerLayout.addWidget(self.playerPanel)
        self.actions_by_name: dict[str, QAction] = playback_actions(self)
        self.default_shortcuts = capture_defaults(self.actions_by_name.values())
        apply_saved(self.actions_by_name.values())
        connect_playback(self, self.playerPanel)
        self.details = VideoDetails(self.detailsDock)
        self.playerPanel.mediaFailed.connect(
            lambda text: self.statusBar().showMessage(text, 15_000)
        )
        self.playerPanel.player.mediaOpened.connect(self.details.show_frames)
        self.segmentsDock = self._dock(
            "segmentsDock", "Segments", Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.ratingDock = self._dock("ratingDock", "Rating", Qt.DockWidgetArea.RightDockWidgetArea)
        self.menuView.addSeparator()
        all_angles = self.menuView.addAction("Show All Camera &Angles")
        all_angles.setObjectName("actionShowAngles")
        all_angles.setCheckable(True)
        all_angles.setChecked(True)
        all_angles.toggled.connect(self.playerPanel.show_all_angles)
        self.menuView.addSeparator()
        for dock in (self.videosDock, self.detailsDock, self.segmentsDock, self.ratingDock):
            self.menuView.addAction(dock.toggleViewAction())
        self.saveState_label = QLabel("Every change is saved at once")
        self.saveState_label.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.saveState_label)
        self.study_actions = StudyActions(
            self, self, self.menuFile, self.actions_by_name, self.default_shortcuts
        )
        self.manager_actions = ManagerActions(self)
        self.position_label = QLabel("")
        self.position_label.setObjectName("positionLabel")
        self.statusBar().addPermanentWidget(self.position_label)
        watch_audio(self, self.playerPanel.player.backend)  # no sound device: said once
        self.playerPanel.player.positionChanged.connect(
            lambda frame, ms: set_steady_text(self.position_label, f"{clock(ms)} · frame {frame}")
        )
        self.actionSwitchCoder.triggered.connect(self.choose_coder)
        self._build_coding()
        self.relink_action = install_relink(self)
        self.merge_action = install_merge(self)
        self.backup_actions = install_backups(self)
        self.report_action = install_report(self)  # Tools ▸ Reliability Report…
        install_getting_started(self, self.menuHelp)  # Help ▸ Getting Started
        self.change_report_action = install_change_report(self, self.menuTools)
        self.interchange_actions = install_interchange(self)  # ELAN / BORIS segments
        self.scheme_action = install_scheme_editor(self)  # Tools ▸ Scheme Editor…
        self.timepoints_action = install_timepoints(self, self, self.menuFile)
        self.measures_action = install_measures(self, self.menuFile)  # File ▸ Import Measures…
        self.lab_manager_actions = install_lab_manager(self)  # settings, coders, videos, …
        progress = ProgressDock(self)
        add_beside(self, progress, self.ratingDock, self.menuView)
        self.live = LiveRefresh(self, progress, self.statusBar(), parent=self)
        self.signedIn.connect(self.live.on_signed_in)
        self.studyChanged.connect(self.live.follow)
        restore_layout(self, self.videosDock, self.ratingDock, self.segmentsDock)
        self._show_study()
        self.sign_in(None, manager=False)  # nobody yet: the app asks who is coding
        if note:
            self.statusBar().showMessage(note, 15_000)

    # -- structure ----------------------------------------------------------------------------

    def _dock(self, name: str, title: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        self.addDockWidget(area, dock)
        return dock

    def _build_coding(self) -> None:
        """Session, rating panel and segment table for the study's scheme."""
        self.session = CodingSession(self._study, self)
        self.ratingPanel = RatingPanel(self._study.scheme, self.ratingDock)
        self.segmentTable = SegmentTable(self._study.scheme, self.segmentsDock)
        self.ratingPanel.setMinimumWidth(380)
        self.ratingDock.setWidget(self.ratingPanel)
        self.segmentsDock.setWidget(self.segmentTable)
        self.controller = CodingController(
            self, self.session, self.playerPanel, self.ratingPanel, self.segmentTable,
            self.actions_by_name,
        )  # fmt: skip
        self.session.saved.connect(self._on_saved)
        self.session.failed.connect(self._on_refused)
        self.session.changed.connect(self._on_session_changed)
        self.list_statuses = ListStatuses(self.session, self._filter, self._statuses_shown)

    @property
    def study(self) -> Study:
        """The study on screen."""
        return self._study

    @property
    def exchange(self) -> ExchangeActions:
        """Import and export (run in the background)."""
        return self.study_actions.exchange

    # -- who is coding ------------------------------------------------------------------------

    def sign_in(self, coder_name: str | None, manager: bool = False) -> None:
        """Code as ``coder_name``, or act as the lab manager (``manager`` True)."""
        coder = None if coder_name is None else self._study.coders.get(coder_name)
        self.session.sign_in(coder, manager)
        if coder is not None:  # (a changed name rewrites the settings file: 6 ms, not here)
            key, name = self._last_coder_key(), coder.name
            self.session.save_quietly(lambda: remember_setting(key, name))
        self.manager_actions.set_manager(manager)
        self.study_actions.set_manager(manager)
        self._refresh_statuses(new_viewer=True)  # a long list is held (no row) until read,
        offer_filters(self.statusFilter, self._filter, self.session)  # so not filtered here
        self._update_title()
        self._show_current_video()
        self.signedIn.emit(self.session.who())

    def choose_coder(self) -> CoderDialog:
        """Ask who is coding (opens the dialog; returns it so tests can drive it)."""
        study = self._study
        dialog = CoderDialog(
            [c.name for c in study.coders.all() if c.active],  # a retired coder signs in no more
            study.manager.verify,
            study.manager.has_passphrase(),
            QSettings().value(self._last_coder_key()),
            self,
            verify_coder=study.coders.verify,
            coders_with_passphrase=study.coders.with_passphrase(),
        )
        dialog.setObjectName("coderDialog")
        dialog.accepted.connect(lambda: self.sign_in(*dialog.choice()))
        dialog.open()
        return dialog

    def _last_coder_key(self) -> str:
        return "coder/" + self._study.location.display().replace("/", "|")

    def _update_title(self) -> None:
        self.setWindowTitle(window_title(self._study, self.session.who()))

    # -- the study and its videos --------------------------------------------------------------

    def _show_study(self, keep: int | None = None) -> None:
        study = self._study
        videos = study.videos.in_use()  # archived ones leave the list (issue 23)
        present = [bool(p and p.is_file()) for p in map(study.videos.file_of, videos)]
        self._model = VideoTableModel(videos, present, self, status_rows(self.session, videos))
        self._filter.set_findings(findings_of(study))  # the accuracy checks' marks
        self._filter.setSourceModel(self._model)
        self.videoTable.setModel(self._filter)
        self.videoTable.selectionModel().currentRowChanged.connect(self._show_soon.request)
        fit_video_columns(self.videoTable)
        self._update_title()
        self.statusBar().showMessage(study_summary(study, len(videos), present.count(False)))
        row = self._model.row_of(keep) if keep is not None else None
        if videos:
            index = self._filter.mapFromSource(self._model.index(row or 0, 0))
            self.videoTable.selectRow(index.row())
            self._show_soon.cancel()  # a study opened: its first video shows with the list
            self._show_current_video()

    def reload_list(self) -> None:
        """Re-read the video list (videos added elsewhere), staying on the open video."""
        self._show_study(keep=self.session.video.id if self.session.video else None)

    def refresh_rows(self, video_ids: set[int]) -> None:
        """Re-read the status of these videos (changed at another workstation)."""
        self.session.reread_assignments()  # (kept half a second for key presses)
        for video_id in video_ids:
            row = self._model.row_of(video_id) if self._model is not None else None
            if row is not None and self._model is not None:
                self._model.set_status(row, status_row(self.session, self._model.video(row)))
        if self.session.video is not None and self.session.video.id in video_ids:
            self._show_details(self.session.video)

    def refresh_videos(self) -> None:
        """Re-read the study's videos (after adding, importing or relinking); the video on
        screen opens again, as its file may have moved."""
        self.session.show_video(None)
        self._show_study()

    def _refresh_statuses(self, new_viewer: bool = False) -> None:
        if self._model is not None:
            self.list_statuses.refresh(self._model, new_viewer)

    def _statuses_shown(self, reset: bool) -> None:
        video, model = self.session.video, self._model
        if reset and video is not None and model is not None:  # the selection was lost
            row = row_to_select(self._filter, model, video.id)
            if row is not None:
                self.videoTable.selectRow(row)

    def current_video(self) -> Video | None:
        """The video selected in the list."""
        index = self.videoTable.currentIndex()
        if self._model is None or not index.isValid():
            return None
        return self._model.video(self._filter.mapToSource(index).row())

    def open_video_at(self, video_id: int, start_ms: object) -> None:
        """Select a video and, once it is open, go to ``start_ms`` (e.g. a disagreement)."""
        open_video_at(self, video_id, start_ms)

    def show_chosen_now(self) -> None:
        """Show the video chosen in the list now (it is shown a moment after the choice)."""
        self._show_soon.now()

    def _prepare_chosen(self, done: Callable[[PreparedVideo | None], None]) -> None:
        chosen = self.current_video()
        if chosen is None:
            return done(None)
        self.session.prepare(chosen, done)  # read on the save thread, then shown

    def _show_chosen(self, prepared: PreparedVideo | None = None) -> None:
        chosen, shown = self.current_video(), self.session.video
        if chosen is not None and (shown is None or shown.id != chosen.id):
            self._show_current_video(prepared)  # (the open video chosen again: no-op)

    def _show_current_video(self, prepared: PreparedVideo | None = None) -> None:
        video = self.current_video()
        if video is None:
            return
        if self.session.video is None or self.session.video.id != video.id:
            self.session.show_video(video, prepared)  # its "segments" change shows the details
            extra = prepared.attachments if prepared and prepared.video_id == video.id else None
            open_in_player(self.playerPanel, self._study, video, self.statusBar(), extra)
        else:
            self._show_details(video)

    def _show_details(self, video: Video) -> None:
        self.details.show(self._study, self.session, video, self._filter.finding(video.id))

    def _on_status_filter(self, _row: int) -> None:
        self._filter.set_status(self.statusFilter.currentData() or "")

    def _on_session_changed(self, what: str, _focus: object) -> None:
        if what == "status":  # submit, reopen, assignments: any row may change
            self._refresh_statuses()
        video = self.session.video
        if what in ("status", "segments", "ratings") and video is not None:
            row = self._model.row_of(video.id) if self._model is not None else None
            if row is not None and self._model is not None and what != "status":
                self._model.set_status(row, status_row(self.session, video))
            self._show_details(video)

    def _on_saved(self, what: str) -> None:
        set_steady_text(self.saveState_label, saved_text(what))

    def _on_refused(self, message: str) -> None:
        set_steady_text(self.saveState_label, NOT_SAVED)
        self.statusBar().showMessage(message, 10_000)

    def reread_open_video(self) -> None:
        """Show the open video's segments and scores afresh (saved at another workstation)."""
        self.controller.rating.commit_notes()  # a note being typed is kept, not wiped
        self.session.reads.forget()  # what this event read before is older than the news
        self.controller.refresh()

    # -- switching studies, layout, closing ---------------------------------------------------

    def switch_to(self, study: Study) -> None:
        """Show another study (the old one is closed)."""
        self.controller.settle_saves()  # its saves are done (or dropped, if asked) first
        old, self._study = self._study, study
        old.close()
        self.controller.deleteLater()
        self.ratingPanel.deleteLater()
        self.segmentTable.deleteLater()
        self._build_coding()
        self._show_study()
        self.studyChanged.emit(study)
        self.choose_coder()

    def reload_scheme(self) -> None:
        """Build the coding docks again on the study's new scheme version (Scheme Editor),
        the same person signed in."""
        coder, manager = self.session.coder, self.session.manager
        for part in (self.controller, self.ratingPanel, self.segmentTable):
            part.deleteLater()
        self._build_coding()
        self.sign_in(coder.name if coder else None, manager)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.undo_stack.blockSignals(True)  # its actions go away with the window
        save_layout(self)
        self.playerPanel.shutdown()
        self.live.stop()
        self._study.close()
        super().closeEvent(event)
