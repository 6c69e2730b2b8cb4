"""Tools ▸ Audit Log…: the menu entry, enabled for whoever is signed in, and who the log is
shown to; the dialog (``audit_log_dialog.py``) and its readers load when it first opens, not
with the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from eas_coder.gui.manager.host import ManagerHost
from eas_coder.model import Coder
from eas_coder.viewer import Viewer

if TYPE_CHECKING:  # the dialog loads when it opens, not with the window
    from eas_coder.gui.manager.audit_log_dialog import AuditLogDialog

SIGN_IN_FIRST = "Sign in first: the audit log is shown as the person signed in may see it"


def viewer_of(session: object) -> Viewer | None:
    """Who the log is shown to: the lab manager (everyone's details), the coder signed in
    (blind), or None when nobody is signed in."""
    if getattr(session, "manager", False) is True:
        return Viewer.everyone()
    coder = getattr(session, "coder", None)
    return Viewer(coder) if isinstance(coder, Coder) else None  # assignments: read by the log


def install_audit_log(host: ManagerHost) -> list[QAction]:
    """Put Tools ▸ Audit Log… at the end of the Tools menu, enabled for whoever is signed in
    (a coder sees it blind)."""
    owner = host.window()
    action = QAction("&Audit Log…", owner)
    action.setObjectName("actionAuditLog")
    opened: list[AuditLogDialog] = []

    def update_enabled(_who: str = "") -> None:
        for dialog in opened:  # shown as the one who signed out may see it: not for the next
            dialog.close()
        signed_in = viewer_of(host.session) is not None
        action.setEnabled(signed_in)
        action.setStatusTip(
            "Who changed what and when; other coders' work hidden while coding is blind"
            if signed_in
            else SIGN_IN_FIRST
        )

    def open_dialog() -> None:
        viewer = viewer_of(host.session)
        if viewer is None:
            return
        from eas_coder.gui.manager.audit_log_dialog import AuditLogDialog

        dialog = AuditLogDialog(host.study, viewer, owner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        opened[:] = [dialog]
        dialog.destroyed.connect(lambda: opened.clear())
        dialog.open()

    action.triggered.connect(open_dialog)
    host.signedIn.connect(update_enabled)
    update_enabled()
    host.menuTools.addAction(action)
    return [action]
