"""Tools ▸ Assignment Matrix… (lab manager): the menu entry and its enabling; the matrix
itself (``assignment_matrix.py``) loads when it is first opened, not with the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the matrix loads when it opens, not with the window
    from eas_coder.gui.manager.assignment_matrix import AssignmentMatrix

TITLE = "Assignment Matrix"  # = assignment_matrix.TITLE, not imported: the matrix loads on use


def install_assignment_matrix(host: ManagerHost) -> list[QAction]:
    """Add Tools ▸ Assignment Matrix… (Ctrl+Shift+M) for the lab manager; returns its action."""
    opener = AssignmentMatrixAction(*job_wiring(host), changed=lambda: _tell(host))
    connect_job(host, opener)
    host.menuTools.addAction(opener.action)
    return [opener.action]


def _tell(host: ManagerHost) -> None:
    """Assignments changed: the video list and the Progress dock read them again."""
    host.session.changed.emit("status", None)


class AssignmentMatrixAction(ManagerJob):
    """The menu entry, enabled for the lab manager only; opens (or raises) the matrix."""

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.changed = changed
        self.dialog: AssignmentMatrix | None = None
        self.action = self.add_action(
            "Assignment &Matrix…",
            "actionAssignmentMatrix",
            "Assign or unassign many videos to coders at once",
            self.open,
        )
        self.action.setShortcut(QKeySequence("Ctrl+Shift+M"))

    def open(self) -> AssignmentMatrix | None:
        """Show the matrix of the study on screen (a new one after another study opened)."""
        if not self.is_manager():
            return None
        study = self.study()
        if self.dialog is not None and self.dialog.study is not study:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self.dialog is None:
            from eas_coder.gui.manager.assignment_matrix import AssignmentMatrix

            self.dialog = AssignmentMatrix(study, self.owner, self.changed, self.status)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
