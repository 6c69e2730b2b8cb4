"""Who is coding? A coder picks their name with the keyboard; the lab manager signs in."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from eas_coder.gui.study.coder_dialog import CoderDialog
from eas_coder.gui.window.app import application

CODERS = ("Ana", "Ben", "Cleo")


@pytest.fixture(autouse=True)
def _app() -> None:
    application()


class Verifier:
    """A passphrase check that remembers what it was asked."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.asked: list[str] = []

    def __call__(self, text: str) -> bool:
        self.asked.append(text)
        return text == self.secret


def _open(
    qtbot: QtBot,
    coders: Sequence[str] = CODERS,
    verify: Callable[[str], bool] | None = None,
    manager_available: bool = True,
    last_coder: str | None = None,
) -> CoderDialog:
    dialog = CoderDialog(coders, verify or Verifier("secret"), manager_available, last_coder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus, as a person does."""
    qtbot.keyClicks(_focused(), text)


def _press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(_focused(), key)


def _click_radio(qtbot: QtBot, radio: QRadioButton) -> None:
    """Click on the radio button's label (its right part is empty layout space)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(20, radio.height() // 2))


def test_arrow_keys_and_enter_choose_a_coder(qtbot: QtBot) -> None:
    dialog = _open(qtbot, last_coder="Ana")
    assert dialog.windowTitle() == "Who is coding?"
    assert _focused() is dialog.codersList
    assert dialog.codersList.currentItem().text() == "Ana"
    assert not dialog.passphraseRow.isVisible()
    _press(qtbot, Qt.Key.Key_Down)
    _press(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice() == ("Cleo", False)


def test_last_coder_is_preselected_and_typing_jumps(qtbot: QtBot) -> None:
    dialog = _open(qtbot, last_coder="Ben")
    assert dialog.codersList.currentItem().text() == "Ben"
    _type(qtbot, "c")
    assert dialog.codersList.currentItem().text() == "Cleo"
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    assert dialog.choice() == ("Cleo", False)


def test_unknown_last_coder_falls_back_to_the_first(qtbot: QtBot) -> None:
    dialog = _open(qtbot, last_coder="Someone who left")
    assert dialog.codersList.currentItem().text() == "Ana"


def test_escape_cancels(qtbot: QtBot) -> None:
    dialog = _open(qtbot)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        _press(qtbot, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_wrong_passphrase_shows_an_inline_error_and_stays_open(qtbot: QtBot) -> None:
    verify = Verifier("secret")
    dialog = _open(qtbot, verify=verify)
    _click_radio(qtbot, dialog.managerRadio)
    assert dialog.managerRadio.isChecked()
    assert dialog.passphraseRow.isVisible()
    assert _focused() is dialog.passphraseEdit
    assert dialog.passphraseEdit.echoMode() == dialog.passphraseEdit.EchoMode.Password
    _type(qtbot, "nope")
    _press(qtbot, Qt.Key.Key_Return)
    assert verify.asked == ["nope"]
    assert dialog.isVisible()
    assert dialog.errorLabel.isVisible()
    assert dialog.errorLabel.text() == "Wrong passphrase"
    assert dialog.passphraseEdit.text() == ""
    assert _focused() is dialog.passphraseEdit
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]

    _type(qtbot, "secret")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        _press(qtbot, Qt.Key.Key_Return)
    assert verify.asked == ["nope", "secret"]
    assert dialog.choice() == (None, True)


def test_empty_passphrase_is_not_checked(qtbot: QtBot) -> None:
    verify = Verifier("secret")
    dialog = _open(qtbot, verify=verify)
    _click_radio(qtbot, dialog.managerRadio)
    _press(qtbot, Qt.Key.Key_Return)
    assert verify.asked == []
    assert dialog.isVisible() and dialog.errorLabel.isVisible()


def test_clicking_a_coder_after_manager_switches_back(qtbot: QtBot) -> None:
    dialog = _open(qtbot)
    _click_radio(qtbot, dialog.managerRadio)
    _type(qtbot, "half")
    item = dialog.codersList.item(1)
    rect = dialog.codersList.visualItemRect(item)
    qtbot.mouseClick(dialog.codersList.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.coderRadio.isChecked()
    assert not dialog.passphraseRow.isVisible()
    assert dialog.passphraseEdit.text() == ""
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        _press(qtbot, Qt.Key.Key_Return)
    assert dialog.choice() == ("Ben", False)


def test_manager_is_disabled_without_a_passphrase(qtbot: QtBot) -> None:
    dialog = _open(qtbot, manager_available=False)
    assert not dialog.managerRadio.isEnabled()
    assert dialog.managerRadio.toolTip() == "This study has no lab-manager passphrase"
    _click_radio(qtbot, dialog.managerRadio)
    assert not dialog.managerRadio.isChecked()
    assert not dialog.passphraseRow.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        _press(qtbot, Qt.Key.Key_Return)
    assert dialog.choice() == ("Ana", False)


def test_a_study_without_coders_offers_only_the_manager(qtbot: QtBot) -> None:
    dialog = _open(qtbot, coders=[])
    assert dialog.emptyHint.isVisible()
    assert dialog.emptyHint.text() == (
        "No coders yet — ask the lab manager to add coders (File ▸ Coders…)"
    )
    assert not dialog.codersList.isVisible()
    assert not dialog.coderRadio.isVisible()
    assert dialog.managerRadio.isChecked() and dialog.passphraseRow.isVisible()
    assert _focused() is dialog.passphraseEdit
    _type(qtbot, "secret")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        _press(qtbot, Qt.Key.Key_Return)
    assert dialog.choice() == (None, True)


def test_no_coders_and_no_passphrase_cannot_be_confirmed(qtbot: QtBot) -> None:
    dialog = _open(qtbot, coders=[], manager_available=False)
    assert dialog.emptyHint.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
