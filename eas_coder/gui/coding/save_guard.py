"""No save is left behind: before the window closes (or its study is switched), the queued
saves are waited for, with the window responsive, and a value that could still not be saved
is never dropped silently: the person is asked whether to try again or to drop it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from eas_coder.gui.coding.session import CodingSession

TRY_AGAIN_LIMIT = 3  # then the question offers only dropping or staying open


def settle_saves(parent: QWidget, session: CodingSession, can_stay: bool) -> bool:
    """Wait for the queued saves; ask about any that failed. False: the person chose to
    stay (only offered when ``can_stay``), so the window must not close."""
    for _ in range(TRY_AGAIN_LIMIT + 1):
        session.flush_saves()
        unsaved = session.unsaved()
        if not unsaved:
            return True
        choice = _ask(parent, len(unsaved), can_stay)
        if choice == QMessageBox.StandardButton.Retry:
            session.retry_unsaved()
            continue
        if choice == QMessageBox.StandardButton.Cancel:
            return False
        session.drop_unsaved()  # the person chose to drop them, having been told
        return True
    return True


def _ask(parent: QWidget, count: int, can_stay: bool) -> QMessageBox.StandardButton:
    buttons = QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard
    if can_stay:
        buttons |= QMessageBox.StandardButton.Cancel
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Not saved",
        f"{count} score{'s' if count != 1 else ''} you typed could not be saved "
        "(see the status bar for why).",
        buttons,
        parent,
    )
    box.setObjectName("unsavedBox")
    box.setInformativeText("Try again, or close without them (they will be lost)?")
    box.setDefaultButton(QMessageBox.StandardButton.Retry)
    return QMessageBox.StandardButton(box.exec())


class SaveGuard(QObject):
    """Watches the window's Close event: saves first (see the module doc)."""

    def __init__(self, window: QWidget, session: CodingSession) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        closing = watched is self.window and event.type() == QEvent.Type.Close
        if closing and not settle_saves(self.window, self.session, can_stay=True):
            event.ignore()
            return True  # the window stays open
        if closing:
            self.session.saves.stop()  # nothing is queued any more: the thread ends
        return False


def install_save_guard(window: QWidget, session: CodingSession) -> SaveGuard:
    """Make closing ``window`` wait for ``session``'s saves (and ask about failed ones)."""
    return SaveGuard(window, session)
