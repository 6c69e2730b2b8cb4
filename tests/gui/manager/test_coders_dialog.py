"""File ▸ Coders… in the real window (issue 23, item 2): add, rename, retire and bring back,
delete only a coder without work, set and clear a passphrase, all by keys and clicks; a
second process sees the coder added."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.coders_action import CodersAction
from eas_coder.gui.manager.coders_dialog import CodersDialog
from eas_coder.gui.study.coder_dialog import CoderDialog
from eas_coder.gui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
CONTROL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot: QtBot, window: MainWindow) -> CodersDialog:
    action = window.findChild(QAction, "actionCoders")
    assert action is not None and action in window.menuFile.actions()
    job = action.parent()
    assert isinstance(job, CodersAction)
    action.trigger()
    dialog = job.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()  # as the window manager does with a new dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _names(dialog: CodersDialog) -> list[str]:
    model = dialog.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _select(qtbot: QtBot, dialog: CodersDialog, name: str) -> None:
    row = _names(dialog).index(name)
    rect = dialog.codersTable.visualRect(dialog.model.index(row, 0))
    qtbot.mouseClick(dialog.codersTable.viewport(), LEFT, pos=rect.center())
    selected = dialog.selected()
    assert selected is not None and selected.coder.name == name


def test_only_the_lab_manager_opens_it(qtbot: QtBot, window: MainWindow) -> None:
    action = window.findChild(QAction, "actionCoders")
    assert action is not None and action.isEnabled()
    dialog = _open(qtbot, window)
    window.sign_in("Coder A (demo)")  # the manager signed out: the dialog goes with them
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not action.isEnabled()


def test_add_and_rename_by_keys_seen_by_a_second_process(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    dialog = _open(qtbot, window)
    assert dialog.newNameEdit.hasFocus()
    qtbot.keyClicks(dialog.newNameEdit, "  Dana   Ruiz ")
    qtbot.keyClick(dialog.newNameEdit, Qt.Key.Key_Return)  # Enter adds; the dialog stays
    assert dialog.isVisible()
    assert "Dana Ruiz" in _names(dialog) and dialog.messageLabel.text() == "Added Dana Ruiz"
    assert dialog.newNameEdit.text() == ""
    assert dialog.selected() is not None and dialog.selected().coder.name == "Dana Ruiz"
    # the same person typed again is refused, what was typed stays
    qtbot.keyClicks(dialog.newNameEdit, "dana ruiz")
    qtbot.keyClick(dialog.newNameEdit, Qt.Key.Key_Return)
    assert "a coder called 'Dana Ruiz' already exists" in dialog.messageLabel.text()
    assert dialog.newNameEdit.text() == "dana ruiz"
    # rename: NFC, unique
    dialog.renameEdit.setFocus()
    qtbot.keyClick(dialog.renameEdit, Qt.Key.Key_A, CONTROL)
    # pasted, as decomposed text comes (e.g. a name copied from a macOS file name)
    QApplication.clipboard().setText(unicodedata.normalize("NFD", "Dana Ruíz"))
    qtbot.keyClick(dialog.renameEdit, Qt.Key.Key_V, CONTROL)
    qtbot.keyClick(dialog.renameEdit, Qt.Key.Key_Return)
    assert dialog.messageLabel.text() == "Renamed Dana Ruiz to Dana Ruíz"
    assert study.coders.get("Dana Ruíz").name == unicodedata.normalize("NFC", "Dana Ruíz")
    qtbot.keyClick(dialog.renameEdit, Qt.Key.Key_A, CONTROL)
    qtbot.keyClicks(dialog.renameEdit, "Coder A (demo)")
    qtbot.mouseClick(dialog.renameButton, LEFT)
    assert "already exists" in dialog.messageLabel.text()
    # another process (the command line) reads the study file: the new coder is there
    location = study.location
    assert location.path is not None
    listed = subprocess.run(
        [sys.executable, "-m", "eas_coder", "--db", str(location.path), "coders", "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert unicodedata.normalize("NFC", "Dana Ruíz") in listed.stdout
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Close), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_retire_keeps_the_work_and_delete_only_without_work(
    qtbot: QtBot, window: MainWindow
) -> None:
    study = window.study
    coder_b = study.coders.get("Coder B (demo)")
    ratings_before = [r for r in study.ratings.all() if r.coder_id == coder_b.id]
    assert ratings_before
    dialog = _open(qtbot, window)
    _select(qtbot, dialog, "Coder B (demo)")
    assert not dialog.deleteButton.isEnabled()  # B has work
    assert "retire them instead" in dialog.deleteButton.toolTip()
    qtbot.keyClick(dialog.codersTable, Qt.Key.Key_Delete)  # refused, and said why
    assert "a coder with work is never deleted" in dialog.messageLabel.text()
    qtbot.mouseClick(dialog.retireButton, LEFT)
    assert not study.coders.get(coder_b.id).active
    row = _names(dialog).index("Coder B (demo)")
    assert dialog.model.index(row, 1).data().startswith("retired ")
    assert [r for r in study.ratings.all() if r.coder_id == coder_b.id] == ratings_before
    assert dialog.unretireButton.isEnabled() and not dialog.retireButton.isEnabled()
    # a retired coder is no longer offered at sign-in (old code listed every coder)
    sign_in = window.choose_coder()
    offered = [sign_in.codersList.item(i).text() for i in range(sign_in.codersList.count())]
    sign_in.reject()
    assert coder_b.name not in offered and "Coder A (demo)" in offered
    qtbot.mouseClick(dialog.unretireButton, LEFT)
    assert study.coders.get(coder_b.id).active
    # a coder added by mistake, with no work: Delete on the list deletes them
    qtbot.keyClicks(dialog.newNameEdit, "Typo Coder")
    qtbot.mouseClick(dialog.addButton, LEFT)
    assert dialog.deleteButton.isEnabled()
    dialog.codersTable.setFocus()
    qtbot.keyClick(dialog.codersTable, Qt.Key.Key_Delete)
    assert "Typo Coder" not in _names(dialog)
    assert "Typo Coder" not in [c.name for c in study.coders.all()]
    actions = [e.action for e in study.audit_log(limit=4)]
    assert actions == ["coder.delete", "coder.add", "coder.unretire", "coder.retire"]


def test_set_and_clear_a_passphrase(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    dialog = _open(qtbot, window)
    _select(qtbot, dialog, "Coder A (demo)")
    qtbot.keyClicks(dialog.passphraseEdit, "tulips in May")
    qtbot.keyClick(dialog.passphraseEdit, Qt.Key.Key_Return)  # on to the second box
    assert dialog.passphraseAgainEdit.hasFocus()
    qtbot.keyClicks(dialog.passphraseAgainEdit, "tulips in june")
    qtbot.keyClick(dialog.passphraseAgainEdit, Qt.Key.Key_Return)
    assert "differ" in dialog.messageLabel.text()
    assert not study.coders.has_passphrase("Coder A (demo)")
    assert dialog.passphraseEdit.text() == "" and dialog.passphraseAgainEdit.text() == ""
    qtbot.keyClicks(dialog.passphraseEdit, "tulips in May")
    qtbot.keyClicks(dialog.passphraseAgainEdit, "tulips in May")
    qtbot.mouseClick(dialog.setPassphraseButton, LEFT)
    assert study.coders.verify("Coder A (demo)", "tulips in May")
    assert not study.coders.verify("Coder A (demo)", "tulips in june")
    row = _names(dialog).index("Coder A (demo)")
    assert dialog.model.index(row, 2).data() == "set"
    # the sign-in dialog now asks Coder A for it
    sign_in = window.choose_coder()
    assert isinstance(sign_in, CoderDialog)
    sign_in.codersList.setCurrentRow(0)
    assert sign_in.coderPassphraseRow.isVisibleTo(sign_in)
    sign_in.reject()
    qtbot.mouseClick(dialog.clearPassphraseButton, LEFT)
    assert not study.coders.has_passphrase("Coder A (demo)")
    assert dialog.model.index(row, 2).data() == "none"
