"""File ▸ Coders… (lab manager): the menu entry and its enabling; the dialog
(``coders_dialog.py``) loads when it first opens, not with the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import DialogJob, connect_job, job_wiring
from eas_coder.gui.manager.settings_action import insert_before
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the dialog loads when it opens, not with the window
    from eas_coder.gui.manager.coders_dialog import CodersDialog

TITLE = "Coders"


class CodersAction(DialogJob):
    """File ▸ Coders…, for the lab manager."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.dialog: CodersDialog | None = None  # the last one opened (tests read it)
        self.action = self.add_action(
            "&Coders…",
            "actionCoders",
            "Add, rename or retire coders, and set their passphrases",
            self.open_dialog,
        )

    def open_dialog(self) -> CodersDialog | None:
        if not self.is_manager():
            return None
        from eas_coder.gui.manager.coders_dialog import CodersDialog

        dialog = CodersDialog(self.study(), self.owner)
        changes: list[bool] = []
        dialog.changed.connect(lambda: changes.append(True))
        # the window re-reads its names once, when the dialog closes (re-reading reopens the
        # video on screen, which would be a nuisance after each rename)
        dialog.finished.connect(lambda _result: self.changed.emit() if changes else None)
        self.keep_open(dialog)
        dialog.open()
        return dialog


def install_coders(host: ManagerHost) -> list[QAction]:
    """Put File ▸ Coders… before the lab-manager passphrase, enabled for the lab manager
    only; the video list is re-read after each change (it names coders)."""
    job = CodersAction(*job_wiring(host))
    connect_job(host, job)
    job.changed.connect(host.refresh_videos)
    insert_before(host.menuFile, "actionSetPassphrase", job.action)
    return [job.action]
