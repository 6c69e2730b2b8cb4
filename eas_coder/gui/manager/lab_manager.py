"""The lab manager's window entries of issue 23 (study settings, coders, videos, assignments,
audit log): each part's ``install_*`` function adds its entries here, so the main window
installs them with one line and stays short."""

from __future__ import annotations

from PySide6.QtGui import QAction

from eas_coder.gui.manager.host import ManagerHost


def install_lab_manager(host: ManagerHost) -> list[QAction]:
    """Install every lab-manager entry in the window's menus; returns their actions."""
    actions: list[QAction] = []
    # one line per part:  actions += install_<part>(host)
    return actions
