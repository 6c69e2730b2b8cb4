"""Sign in as a person does: File ▸ Switch Coder (Ctrl+Shift+W), "Lab manager", the
passphrase typed, Enter. Shared by the tests of the change-over-time parts (issue 22)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from eas_coder.demo import DEMO_PASSPHRASE
from eas_coder.gui.window.main_window import MainWindow


def sign_in_as_manager(qtbot: QtBot, window: MainWindow) -> None:
    """Sign a coder out and the lab manager in through the coder dialog."""
    window.sign_in("Coder A (demo)")  # start from a coder, who may not do any of this
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_W, control_shift)
    dialog = window.findChild(QDialog, "coderDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    radio = dialog.managerRadio  # type: ignore[attr-defined]
    # on the round button itself: a radio button's label does not stretch its width
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    qtbot.keyClicks(dialog.passphraseEdit, DEMO_PASSPHRASE)  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.passphraseEdit, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.session.manager)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
