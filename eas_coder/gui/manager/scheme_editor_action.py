"""Tools ▸ Scheme Editor…: lab manager only. A coder does not get it (the entry is disabled,
"Lab manager only"): the scheme decides what every coder's scores mean, and coders read it in
the export's Codebook. After a save the window builds its rating panel again on the new
version (``SchemeHost.reload_scheme``), the same person signed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the editor loads when it opens, not with the window
    from eas_coder.gui.manager.scheme_editor import SchemeEditor

TITLE = "Scheme Editor"  # = scheme_editor.TITLE, not imported: the editor loads on first use


class SchemeHost(ManagerHost, Protocol):
    def reload_scheme(self) -> None:
        """Show the study's scheme in force again (the rating panel is built on it)."""
        ...


def install_scheme_editor(window: SchemeHost) -> QAction:
    """Add Tools ▸ Scheme Editor… (enabled for the lab manager only)."""
    job = SchemeEditorAction(*job_wiring(window), reload=window.reload_scheme)
    connect_job(window, job)
    window.menuTools.addAction(job.action)
    return job.action


class SchemeEditorAction(ManagerJob):
    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        reload: Callable[[], None],
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.reload = reload
        self.dialog: SchemeEditor | None = None
        self.action = self.add_action(
            "Scheme &Editor…", "actionSchemeEditor",
            "Edit the study's coding scheme (each save is a new version)", self.open_editor,
        )  # fmt: skip

    def open_editor(self) -> SchemeEditor | None:
        if not self.is_manager():
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        from eas_coder.gui.manager.scheme_editor import SchemeEditor

        self.dialog = SchemeEditor(self.study(), self.owner, on_saved=self.reload)
        self.dialog.open()
        return self.dialog
