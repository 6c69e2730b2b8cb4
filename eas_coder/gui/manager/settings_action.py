"""File ▸ Study Settings… (lab manager): the menu entry and its enabling, and the way to the
timepoint order's own dialog; the settings dialog (``settings_dialog.py``) loads when it
first opens, not with the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import DialogJob, connect_job, job_wiring
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the dialog loads when it opens, not with the window
    from eas_coder.gui.manager.settings_dialog import SettingsDialog

TITLE = "Study Settings"
TIMEPOINTS_ACTION = "actionTimepoints"  # gui/study/timepoints_dialog.py names them so
TIMEPOINTS_DIALOG = "timepointsDialog"


class SettingsAction(DialogJob):
    """File ▸ Study Settings…, for the lab manager."""

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        timepoints: Callable[[], QDialog | None] | None = None,
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.timepoints = timepoints
        self.dialog: SettingsDialog | None = None  # the last one opened (tests read it)
        self.action = self.add_action(
            "Study &Settings…",
            "actionStudySettings",
            "Reliability target, backups, self-assignment, timepoint order and the other "
            "study settings",
            self.open_dialog,
        )

    def open_dialog(self) -> SettingsDialog | None:
        if not self.is_manager():
            return None
        from eas_coder.gui.manager.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.study(), self.owner, self.timepoints)
        dialog.accepted.connect(lambda: self._saved(dialog.saved_keys))
        self.keep_open(dialog)
        dialog.open()
        return dialog

    def _saved(self, keys: list[str]) -> None:
        from eas_coder.gui.manager.settings_texts import text_of

        names = ", ".join(text_of(key).label.replace("&", "") for key in keys)
        self.status(f"Study settings saved: {names}" if keys else "No setting changed", 10_000)


def install_settings(host: ManagerHost) -> list[QAction]:
    """Put File ▸ Study Settings… before the lab-manager passphrase, enabled for the lab
    manager only."""
    job = SettingsAction(*job_wiring(host), lambda: _open_timepoints(host))
    connect_job(host, job)
    insert_before(host.menuFile, "actionSetPassphrase", job.action)
    return [job.action]


def _open_timepoints(host: ManagerHost) -> QDialog | None:
    """File ▸ Timepoint Order… (the study room's dialog, installed by the window): triggered,
    and the dialog it opened returned."""
    action = next((a for a in host.menuFile.actions() if a.objectName() == TIMEPOINTS_ACTION), None)
    if action is None or not action.isEnabled():
        return None
    action.trigger()
    shown = [d for d in host.window().findChildren(QDialog, TIMEPOINTS_DIALOG) if d.isVisible()]
    return shown[-1] if shown else None


def insert_before(menu: QMenu, name: str, action: QAction) -> None:
    """Insert ``action`` before the menu's entry called ``name`` (or at its end)."""
    before = next((a for a in menu.actions() if a.objectName() == name), None)
    if before is not None:
        menu.insertAction(before, action)
    else:
        menu.addAction(action)
