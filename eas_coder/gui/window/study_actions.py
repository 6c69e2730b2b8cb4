"""The window's study-level actions: new, open, recent, add videos, import and export,
reliability, passphrase, shortcuts, about. Each forwards to the core or to a dialog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMenu, QMessageBox

from eas_coder import __version__
from eas_coder.errors import EasCoderError
from eas_coder.gui.manager.exchange_actions import ExchangeActions
from eas_coder.gui.reliability.dialog import ReliabilityDialog
from eas_coder.gui.study.add_videos import VideoAdder, VideoDropFilter
from eas_coder.gui.study.damaged_study import open_offering_restore
from eas_coder.gui.study.new_study_dialog import NewStudyDialog, create_study
from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.study.server_password import open_asking_password
from eas_coder.gui.study.server_study_dialog import ServerStudyDialog
from eas_coder.gui.window.shortcut_sheet import ShortcutSheet
from eas_coder.gui.window.shortcuts import ShortcutsDialog
from eas_coder.location import STUDY_SUFFIX, Location, from_string
from eas_coder.store.study import Study

if TYPE_CHECKING:
    from eas_coder.gui.window.main_window import MainWindow

STUDY_FILTER = f"EAS Coder studies (*{STUDY_SUFFIX});;All files (*)"


class StudyActions(QObject):
    """Owns the File, Tools and Help actions of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.recent = RecentStudies()
        # background jobs open their own connection and write as the person signed in (the
        # window's study names them beside the computer's login in the audit log)
        self.exchange = ExchangeActions(
            window, lambda: window.study.location, lambda: window.study.actor
        )
        self.adder = VideoAdder(window, lambda: window.study.location, lambda: window.study.actor)
        self.drops = VideoDropFilter(window)  # installs itself and accepts drops
        self.drops.filesDropped.connect(self._on_dropped)
        self.adder.finished.connect(lambda _summary: window.refresh_videos())
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setObjectName("menuRecent")
        window.menuFile.insertMenu(window.actionSwitchCoder, self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.server_action = QAction("Open &Server Study…", window)
        self.server_action.setObjectName("actionOpenServerStudy")
        self.server_action.setStatusTip("Open a study on the lab's PostgreSQL server")
        window.menuFile.insertAction(self.recent_menu.menuAction(), self.server_action)
        self.server_action.triggered.connect(self.open_server_dialog)
        self.passphrase_action = window.menuFile.addAction("Set Lab-Manager &Passphrase…")
        self.passphrase_action.setObjectName("actionSetPassphrase")
        window.menuFile.insertAction(window.actionImport, self.passphrase_action)
        connections = {
            window.actionOpenStudy: self.open_dialog,
            window.actionNewStudy: self.new_study,
            window.actionQuit: window.close,
            window.actionAbout: self.about,
            window.actionExport: self.export,
            window.actionImport: self.exchange.import_sheet,
            window.actionReliability: self.reliability,
            window.actionAddVideos: self.adder.choose_files,
            window.actionPreferences: self.shortcuts,
            window.actionShortcutSheet: self.shortcut_sheet,
            self.passphrase_action: self.set_passphrase,
        }
        for action, handler in connections.items():
            action.triggered.connect(handler)
        self.exchange.exported.connect(self._on_exported)
        self.exchange.imported.connect(self._on_imported)
        self.recent.add(str(window.study.location.display()))
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent.fill_menu(self.recent_menu, self.open_location)

    # -- studies ------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        """File ▸ Open Study…"""
        name, _ = QFileDialog.getOpenFileName(self.window, "Open study", "", STUDY_FILTER)
        if name:
            self.open_location(name)

    def open_server_dialog(self) -> ServerStudyDialog:
        """File ▸ Open Server Study… (returns the dialog, which is open, for tests)."""
        dialog = ServerStudyDialog(self.window)
        dialog.accepted.connect(lambda: self.open_location(dialog.url()))
        dialog.open()
        return dialog

    def open_location(self, location: str) -> None:
        """Open a study by path or URL (recent menu, open dialog)."""
        notes: list[str] = []

        def opening(where: Location) -> Study:
            return open_offering_restore(self.window, where, on_restored=notes.append)

        try:
            study = open_asking_password(self.window, from_string(location), opening)
        except EasCoderError as exc:
            QMessageBox.warning(self.window, "EAS Coder", str(exc))
            return
        if study is None:  # the password dialog was cancelled
            message = "No password given: nothing changed, this study stays open"
            self.window.statusBar().showMessage(message, 10_000)
            return
        self.recent.add(location)  # stored without any password (RecentStudies strips it)
        self.window.switch_to(study)
        if notes:
            self.window.statusBar().showMessage(notes[0], 30_000)

    def new_study(self) -> NewStudyDialog:
        """File ▸ New Study… (scheme, passphrase and coders in one dialog).

        The dialog creates the study itself, so a refusal keeps everything typed.
        """
        dialog = NewStudyDialog(self.window, create=create_study)
        dialog.setObjectName("newStudyDialog")
        dialog.accepted.connect(lambda: self._created(dialog))
        dialog.open()
        return dialog

    def _created(self, dialog: NewStudyDialog) -> None:
        study = dialog.study
        if study is not None:
            self.recent.add(str(dialog.result_values().path))
            self.window.switch_to(study)

    def set_passphrase(self) -> None:
        """Set the lab-manager passphrase (the first one freely, later only as manager)."""
        study, window = self.window.study, self.window
        if study.manager.has_passphrase() and not window.session.manager:
            QMessageBox.information(
                window, "Passphrase", "Only the lab manager can change the passphrase."
            )
            return
        text, ok = QInputDialog.getText(
            window, "Lab-manager passphrase", "New passphrase (at least 6 characters):",
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        if not ok:
            return
        try:
            study.manager.set_passphrase(text)
        except EasCoderError as exc:
            QMessageBox.warning(window, "Passphrase", str(exc))
            return
        window.statusBar().showMessage("Lab-manager passphrase set", 8000)

    def _on_dropped(self, paths: list[Path]) -> None:
        if not self.window.session.manager:
            self.window.statusBar().showMessage("Only the lab manager adds videos", 8000)
            return
        self.adder.add(paths)

    # -- analysis (lab manager) ---------------------------------------------------------------

    def reliability(self) -> ReliabilityDialog:
        """Tools ▸ Reliability… (a disagreement opens its video at its segment)."""
        dialog = ReliabilityDialog(self.window.study, self.window)
        dialog.openRequested.connect(self.window.open_video_at)
        dialog.open()
        return dialog

    def export(self) -> None:
        """File ▸ Export…"""
        study = self.window.study
        coders = [c.name for c in study.coders.all()]
        timepoints = sorted({v.timepoint for v in study.videos.all()})
        self.exchange.export(coders, timepoints)

    def _on_exported(self, paths: list[Path]) -> None:
        names = ", ".join(p.name for p in paths)
        self.window.statusBar().showMessage(f"Exported to {names}", 10_000)

    def _on_imported(self, summary: object) -> None:
        self.window.refresh_videos()
        count = getattr(summary, "ratings", 0)
        self.window.statusBar().showMessage(f"Imported {count} ratings", 10_000)

    # -- help -----------------------------------------------------------------------------------

    def shortcuts(self) -> ShortcutsDialog:
        """Edit ▸ Keyboard Shortcuts… (kept in QSettings)."""
        window = self.window
        dialog = ShortcutsDialog(
            list(window.actions_by_name.values()), window.default_shortcuts, window
        )
        dialog.open()
        return dialog

    def shortcut_sheet(self) -> ShortcutSheet:
        """F1: every shortcut, grouped by menu."""
        sheet = ShortcutSheet(list(self.window.actions_by_name.values()), self.window)
        sheet.setObjectName("shortcutSheet")
        sheet.show()
        return sheet

    def about(self) -> None:
        """Help ▸ About."""
        QMessageBox.about(
            self.window,
            "About EAS Coder",
            f"EAS Coder {__version__}\nCoding the Emotional Availability Scales from video.",
        )
