"""No save is left behind: before the window closes (or its study is switched), the queued
saves are waited for, with the window responsive, and a value that could still not be saved
is never dropped silently: the person is asked whether to try again or to drop it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from eas_coder.gui.coding.session import CodingSession

TRY_AGAIN_LIMIT = 3  # then the question offers only dropping or staying open
Button = QMessageBox.StandardButton


def settle_saves(parent: QWidget, session: CodingSession, can_stay: bool) -> bool:
    """Wait for the queued saves; ask about any that failed (a modal question: the caller
    needs the answer before it goes on). False: the person chose to stay (only offered when
    ``can_stay``)."""
    tries = 0
    while True:
        session.flush_saves()
        unsaved = session.unsaved()
        if not unsaved:
            return True
        box = unsaved_box(parent, len(unsaved), tries < TRY_AGAIN_LIMIT, can_stay)
        choice = Button(box.exec())
        box.deleteLater()
        if choice == Button.Retry:
            tries += 1
            session.retry_unsaved()
        elif choice == Button.Discard:
            session.drop_unsaved()  # the person chose to drop them, having been told
            return True
        elif can_stay:
            return False


def unsaved_box(parent: QWidget, count: int, retry: bool, can_stay: bool) -> QMessageBox:
    """The question about ``count`` scores that could not be saved."""
    buttons = Button.Discard
    if retry:
        buttons |= Button.Retry
    if can_stay:
        buttons |= Button.Cancel
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Not saved",
        f"{count} score{'s' if count != 1 else ''} you typed could not be saved "
        "(see the status bar for why).",
        buttons,
        parent,
    )
    box.setObjectName("unsavedBox")
    lost = "close without them (they will be lost)"
    box.setInformativeText(
        f"Try again, or {lost}?" if retry else f"Trying again did not help. Stay open, or {lost}?"
    )
    box.setDefaultButton(Button.Retry if retry else Button.Cancel if can_stay else Button.Discard)
    return box


class SaveGuard(QObject):
    """Watches the window's Close event: saves first (see the module doc). The question is
    asked without a nested event loop (``open``, not ``exec``): the close is refused, and the
    answer closes the window again, so nothing waits inside a Close event for a person."""

    def __init__(self, window: QWidget, session: CodingSession) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.box: QMessageBox | None = None  # the question, while it is shown
        self._tries = 0
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self.box is None:
            self.session.flush_saves()
            unsaved = self.session.unsaved()
            if not unsaved:
                self.session.saves.stop()  # nothing is queued any more: the thread ends
                return False  # the window closes
            self._ask(len(unsaved))
        event.ignore()  # the window stays open until the question is answered
        return True

    def _ask(self, count: int) -> None:
        box = unsaved_box(self.window, count, self._tries < TRY_AGAIN_LIMIT, can_stay=True)
        box.finished.connect(lambda _result: self._answered(box))
        self.box = box
        box.open()

    def _answered(self, box: QMessageBox) -> None:
        self.box = None
        clicked = box.clickedButton()
        choice = box.standardButton(clicked) if clicked is not None else Button.Cancel
        box.deleteLater()
        if choice == Button.Retry:
            self._tries += 1
            self.session.retry_unsaved()
        elif choice == Button.Discard:
            self.session.drop_unsaved()  # the person chose to drop them, having been told
        else:
            self._tries = 0  # stay open: a later close may try again
            return
        self.window.close()  # again: waits for the retried saves, asks if one still fails


def install_save_guard(window: QWidget, session: CodingSession) -> SaveGuard:
    """Make closing ``window`` wait for ``session``'s saves (and ask about failed ones)."""
    return SaveGuard(window, session)
