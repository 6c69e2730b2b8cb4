"""The window's study-level actions: new, open, recent, add videos, import and export,
reliability, passphrase, shortcuts, about. Each forwards to the core or to a dialog.

They get the window's frame as a plain ``QMainWindow`` (parent of dialogs, status bar), its
File menu and actions, and what they ask of the open study as a ``StudyHost``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.file_filters import STUDY_FILTER
from eas_coder.gui.manager.exchange_actions import ExchangeActions
from eas_coder.gui.manager.export_dialog import offer_folder
from eas_coder.gui.study.add_videos import VideoAdder, VideoDropFilter
from eas_coder.gui.study.damaged_study import open_offering_restore
from eas_coder.gui.study.new_study_dialog import NewStudyDialog, create_study
from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.study.server_password import open_asking_password
from eas_coder.gui.study.server_study_dialog import ServerStudyDialog
from eas_coder.gui.window.everyday import CodingHost, Everyday
from eas_coder.gui.window.help_dialogs import AboutDialog, show_about
from eas_coder.gui.window.keys_everywhere import WindowKeysEverywhere
from eas_coder.gui.window.shortcut_sheet import WIDGET_KEYS, ShortcutSheet
from eas_coder.gui.window.shortcuts import ShortcutsDialog
from eas_coder.location import Location, from_string
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the statistics load on first use, not with the window
    from eas_coder.gui.reliability.dialog import ReliabilityDialog

# Only the lab manager may see everyone's scores at once (blind coding).
MANAGER_ACTIONS = ("actionReliability", "actionExport", "actionImport", "actionAddVideos")


class StudyHost(CodingHost, Protocol):
    """What these actions ask of the window: the open study, who is signed in, the coding
    parts (``CodingHost``), and the few things they make it do (the main window is one)."""

    def switch_to(self, study: Study) -> None: ...

    def refresh_videos(self) -> None: ...

    def open_video_at(self, video_id: int, start_ms: object) -> None: ...


class StudyActions(QObject):
    """Owns the File, Tools and Help actions of one main window."""

    def __init__(
        self,
        host: StudyHost,
        frame: QMainWindow,
        file_menu: QMenu,
        actions: Mapping[str, QAction],
        default_shortcuts: Mapping[str, str],
    ) -> None:
        super().__init__(frame)
        self.host, self.frame, self.actions = host, frame, actions
        self.default_shortcuts = default_shortcuts
        self.recent = RecentStudies()
        self.everyday = Everyday(frame, host, actions)  # last place, fresh hints (issue 23)
        self.keys_everywhere = WindowKeysEverywhere(frame, actions)  # search boxes too
        # background jobs open their own connection and write as the person signed in (the
        # window's study names them beside the computer's login in the audit log)
        self.exchange = ExchangeActions(
            frame, lambda: host.study.location, lambda: host.study.actor,
            study_name=lambda: host.study.info.name,
        )  # fmt: skip
        self.adder = VideoAdder(frame, lambda: host.study.location, lambda: host.study.actor)
        self.drops = VideoDropFilter(frame)  # installs itself and accepts drops
        self.drops.filesDropped.connect(self._on_dropped)
        self.adder.finished.connect(lambda _summary: host.refresh_videos())
        self.recent_menu = QMenu("Open &Recent", frame)
        self.recent_menu.setObjectName("menuRecent")
        file_menu.insertMenu(actions["actionSwitchCoder"], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.server_action = QAction("Open &Server Study…", frame)
        self.server_action.setObjectName("actionOpenServerStudy")
        self.server_action.setStatusTip("Open a study on the lab's PostgreSQL server")
        file_menu.insertAction(self.recent_menu.menuAction(), self.server_action)
        self.server_action.triggered.connect(self.open_server_dialog)
        self.passphrase_action = file_menu.addAction("Set Lab-Manager &Passphrase…")
        self.passphrase_action.setObjectName("actionSetPassphrase")
        file_menu.insertAction(actions["actionImport"], self.passphrase_action)
        connections = {
            "actionOpenStudy": self.open_dialog,
            "actionNewStudy": self.new_study,
            "actionQuit": frame.close,
            "actionAbout": self.about,
            "actionExport": self.export,
            "actionImport": self.exchange.import_sheet,
            "actionReliability": self.reliability,
            "actionAddVideos": self.adder.choose_files,
            "actionPreferences": self.shortcuts,
            "actionShortcutSheet": self.shortcut_sheet,
        }
        for name, handler in connections.items():
            actions[name].triggered.connect(handler)
        self.passphrase_action.triggered.connect(self.set_passphrase)
        self.exchange.exported.connect(self._on_exported)
        self.exchange.imported.connect(self._on_imported)
        self.recent.add(str(host.study.location.display()))
        self._fill_recent()

    def set_manager(self, manager: bool) -> None:
        """The import, export, reliability and add-videos actions are the lab manager's."""
        for name in MANAGER_ACTIONS:
            action = self.actions[name]
            action.setEnabled(manager)
            action.setStatusTip("" if manager else "Lab manager only (blind coding)")

    def _fill_recent(self) -> None:
        self.recent.fill_menu(self.recent_menu, self.open_location)

    # -- studies ------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        """File ▸ Open Study…"""
        name, _ = QFileDialog.getOpenFileName(self.frame, "Open study", "", STUDY_FILTER)
        if name:
            self.open_location(name)

    def open_server_dialog(self) -> ServerStudyDialog:
        """File ▸ Open Server Study… (returns the dialog, which is open, for tests)."""
        dialog = ServerStudyDialog(self.frame)
        dialog.accepted.connect(lambda: self.open_location(dialog.url()))
        dialog.open()
        return dialog

    def open_location(self, location: str) -> None:
        """Open a study by path or URL (recent menu, open dialog)."""
        notes: list[str] = []

        def opening(where: Location) -> Study:
            return open_offering_restore(self.frame, where, on_restored=notes.append)

        try:
            study = open_asking_password(self.frame, from_string(location), opening)
        except EasCoderError as exc:
            QMessageBox.warning(self.frame, "EAS Coder", str(exc))
            return
        if study is None:  # the password dialog was cancelled
            message = "No password given: nothing changed, this study stays open"
            self.frame.statusBar().showMessage(message, 10_000)
            return
        self.recent.add(location)  # stored without any password (RecentStudies strips it)
        self._switch_to(study)
        if notes:
            self.frame.statusBar().showMessage(notes[0], 30_000)

    def new_study(self) -> NewStudyDialog:
        """File ▸ New Study… (scheme, passphrase and coders in one dialog).

        The dialog creates the study itself, so a refusal keeps everything typed.
        """
        dialog = NewStudyDialog(self.frame, create=create_study)
        dialog.setObjectName("newStudyDialog")
        dialog.accepted.connect(lambda: self._created(dialog))
        dialog.open()
        return dialog

    def _created(self, dialog: NewStudyDialog) -> None:
        study = dialog.study
        if study is not None:
            self.recent.add(str(dialog.result_values().path))
            self._switch_to(study)

    def _switch_to(self, study: Study) -> None:
        self.everyday.on_study_left()  # the coder's place is written to the study they leave
        self.host.switch_to(study)
        self.everyday.on_study_shown()  # an empty study shows no video of the last one

    def set_passphrase(self) -> None:
        """Set the lab-manager passphrase (the first one freely, later only as manager)."""
        study, window = self.host.study, self.frame
        if study.manager.has_passphrase() and not self.host.session.manager:
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
        if not self.host.session.manager:
            self.frame.statusBar().showMessage("Only the lab manager adds videos", 8000)
            return
        self.adder.add(paths)

    # -- analysis (lab manager) ---------------------------------------------------------------

    def reliability(self) -> ReliabilityDialog:
        """Tools ▸ Reliability… (a disagreement opens its video at its segment)."""
        from eas_coder.gui.reliability.dialog import ReliabilityDialog
        from eas_coder.gui.reliability.placement import keep_clear_of

        dialog = ReliabilityDialog(self.host.study, self.frame)
        dialog.openRequested.connect(self.host.open_video_at)
        # the video it opens is to be watched: the dialog leaves the player free (issue 23)
        player = self.host.playerPanel
        dialog.openRequested.connect(lambda *_: keep_clear_of(dialog, player))
        dialog.open()
        return dialog

    def export(self) -> None:
        """File ▸ Export…"""
        study = self.host.study
        coders = [c.name for c in study.coders.all()]
        timepoints = study.timepoints.ordered()  # the study's order (Timepoint Order…)
        self.exchange.export(coders, timepoints)

    def _on_exported(self, paths: list[Path]) -> None:
        names = ", ".join(p.name for p in paths)
        self.frame.statusBar().showMessage(f"Exported to {names}", 10_000)
        if paths:
            self.exported_box = offer_folder(self.frame, paths)  # "Open Folder"

    def _on_imported(self, summary: object) -> None:
        self.host.refresh_videos()
        count = getattr(summary, "ratings", 0)
        self.frame.statusBar().showMessage(f"Imported {count} ratings", 10_000)

    # -- help -----------------------------------------------------------------------------------

    def shortcuts(self) -> ShortcutsDialog:
        """Edit ▸ Keyboard Shortcuts… (kept in QSettings)."""
        dialog = ShortcutsDialog(list(self.actions.values()), self.default_shortcuts, self.frame)
        dialog.open()
        return dialog

    def shortcut_sheet(self) -> ShortcutSheet:
        """F1: every shortcut (grouped by menu), the widgets' own keys and the gestures."""
        sheet = ShortcutSheet(list(self.actions.values()), self.frame, WIDGET_KEYS)
        sheet.setObjectName("shortcutSheet")
        sheet.show()
        return sheet

    def about(self) -> AboutDialog:
        """Help ▸ About: version, the licence in full and the third-party notices."""
        return show_about(self.frame)
