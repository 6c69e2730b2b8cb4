"""The lab manager's window entries of issue 23 (study settings, coders, videos, assignments,
audit log): each part's ``install_*`` function adds its entries here, so the main window
installs them with one line and stays short. Each entry's dialog loads when it first opens
(issue 18): the ``install_*`` functions live in light ``..._action`` modules."""

from __future__ import annotations

from PySide6.QtGui import QAction

from eas_coder.gui.manager.assignment_matrix_action import install_assignment_matrix
from eas_coder.gui.manager.audit_log_action import install_audit_log
from eas_coder.gui.manager.coders_action import install_coders
from eas_coder.gui.manager.host import ManagerHost
from eas_coder.gui.manager.settings_action import install_settings
from eas_coder.gui.manager.video_edit_actions import install_video_actions


def install_lab_manager(host: ManagerHost) -> list[QAction]:
    """Install every lab-manager entry in the window's menus; returns their actions."""
    actions: list[QAction] = []
    # one line per part:  actions += install_<part>(host)
    actions += install_assignment_matrix(host)
    actions += install_coders(host)
    actions += install_settings(host)
    actions += install_audit_log(host)
    actions += install_video_actions(host)
    return actions
