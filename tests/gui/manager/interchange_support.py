"""What the interchange window tests share: the demo study in the real window with the lab
manager signed in through the sign-in dialog, a File menu entry by name, and picking a combo
entry with the mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from pytestqt.qtbot import QtBot

from eas_coder.demo import DEMO_PASSPHRASE
from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string


def pick(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Open the combo's list with a click and go to the entry starting with ``text`` with
    the arrow keys, then Return (a click into an offscreen popup is dropped as too soon)."""

    def found() -> int:
        return next((i for i in range(combo.count()) if combo.itemText(i).startswith(text)), -1)

    qtbot.waitUntil(lambda: found() >= 0, timeout=30_000)  # lists fill in the background
    index = found()
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentIndex() == index, (combo.currentText(), text)


@pytest.fixture
def manager_window(qtbot: QtBot, demo_study_file: Path) -> MainWindow:
    """The demo study in the real window, the lab manager signed in through the sign-in
    dialog with the demo's passphrase."""
    application()
    window = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    sign_in = window.choose_coder()
    radio = sign_in.managerRadio  # clicked on its round indicator, at the left
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()
    qtbot.keyClicks(sign_in.passphraseEdit, DEMO_PASSPHRASE)
    ok = sign_in.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(window.signedIn):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.session.manager
    return window


def menu_action(window: MainWindow, name: str) -> QAction:
    found = [a for a in window.menuFile.actions() if a.objectName() == name]
    assert found, f"no {name} in the File menu"
    return found[0]
