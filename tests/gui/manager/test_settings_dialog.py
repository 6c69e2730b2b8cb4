"""File ▸ Study Settings… in the real window (issue 23, item 1): every setting with a
sentence, changed by keys and saved in one audited transaction, bad values named under their
field with nothing saved, and the timepoint order through its own dialog."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.settings_action import SettingsAction
from eas_coder.gui.manager.settings_dialog import SettingsDialog
from eas_coder.gui.manager.settings_texts import TEXTS
from eas_coder.gui.study.timepoints_dialog import TimepointsDialog
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.settings import DEFAULTS
from eas_coder.store.study import Study
from tests.gui.manager.signing import sign_in_as_manager

LEFT = Qt.MouseButton.LeftButton
SELECT_ALL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    action = window.findChild(QAction, "actionStudySettings")
    assert action is not None and action in window.menuFile.actions()
    job = action.parent()
    assert isinstance(job, SettingsAction)
    assert action.isEnabled()
    action.trigger()
    dialog = job.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _editor(dialog: SettingsDialog, key: str) -> QWidget:
    editor = dialog.findChild(QWidget, f"setting:{key}")
    assert editor is not None, key
    return editor


def _retype(qtbot: QtBot, editor: QWidget, text: str) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, SELECT_ALL)
    qtbot.keyClicks(editor, text)


def test_every_setting_has_a_sentence_and_an_editor(qtbot: QtBot, window: MainWindow) -> None:
    assert set(TEXTS) == set(DEFAULTS)  # a key added to the store needs its sentence here
    dialog = _open(qtbot, window)
    for key, default in DEFAULTS.items():
        text = TEXTS[key]
        assert text.label and text.sentence.endswith("."), key
        editor = _editor(dialog, key)
        kind = QCheckBox if isinstance(default, bool) else (QComboBox, QLineEdit)
        assert isinstance(editor, kind), key
        field = dialog.fields[key]
        assert field.sentence.text() == text.sentence and field.sentence.isVisibleTo(dialog)
    dialog.reject()


def test_only_the_lab_manager_opens_it(qtbot: QtBot, window: MainWindow) -> None:
    window.sign_in("Coder A (demo)")
    action = window.findChild(QAction, "actionStudySettings")
    assert action is not None and not action.isEnabled()
    sign_in_as_manager(qtbot, window)
    assert action.isEnabled()


def test_change_settings_by_keys_in_one_audited_save(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    before = len(study.audit_log())
    dialog = _open(qtbot, window)
    _retype(qtbot, _editor(dialog, "reliability.target"), "0,8")  # a decimal comma
    _retype(qtbot, _editor(dialog, "backups.keep"), "25")
    form = _editor(dialog, "reliability.target_form")
    form.setFocus()
    qtbot.keyClick(form, Qt.Key.Key_Down)  # ICC2 -> ICC3
    self_assign = _editor(dialog, "coding.self_assign")
    self_assign.setFocus()
    qtbot.keyClick(self_assign, Qt.Key.Key_Space)
    qtbot.keyClick(_editor(dialog, "backups.keep"), Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: not dialog.isVisible())
    values = study.settings.all()
    assert values["reliability.target"] == 0.8 and values["backups.keep"] == 25
    assert values["reliability.target_form"] == "ICC3" and values["coding.self_assign"] is True
    entries = study.audit_log()[: len(study.audit_log()) - before]
    changed = {
        k: v
        for e in entries
        if e.action == "setting.set"
        for k, v in json.loads(e.new or "").items()
    }
    assert changed == {
        "reliability.target": 0.8,
        "backups.keep": 25,
        "reliability.target_form": "ICC3",
        "coding.self_assign": True,
    }
    assert "Study settings saved" in window.statusBar().currentMessage()


def test_bad_values_are_named_and_nothing_is_saved(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    before = len(study.audit_log())
    dialog = _open(qtbot, window)
    _retype(qtbot, _editor(dialog, "reliability.target"), "1.5")
    _retype(qtbot, _editor(dialog, "reliability.min_n"), "ten")
    _retype(qtbot, _editor(dialog, "backups.keep"), "20")  # good, but not saved alone
    qtbot.keyClick(_editor(dialog, "backups.keep"), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.fields["reliability.target"].problem.text() == (
        "Reliability target: must be a number from 0 to 1, not 1.5"
    )
    assert dialog.fields["reliability.min_n"].problem.text() == (
        "Minimum units: must be a whole number, not 'ten'"
    )
    assert not dialog.fields["backups.keep"].problem.isVisibleTo(dialog)
    assert "2 settings need fixing" in dialog.errorLabel.text()
    assert len(study.audit_log()) == before  # nothing written
    assert study.settings.get("backups.keep") == DEFAULTS["backups.keep"]
    # put right, saved: what was typed in the good field was kept
    _retype(qtbot, _editor(dialog, "reliability.target"), "0.75")
    _retype(qtbot, _editor(dialog, "reliability.min_n"), "12")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert study.settings.get("backups.keep") == 20
    assert study.settings.get("reliability.min_n") == 12


def test_timepoint_order_opens_from_the_settings(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    first, second = study.timepoints.ordered()[:2]
    dialog = _open(qtbot, window)
    assert dialog.timepointsOrder.text().startswith(f"{first} → {second}")
    qtbot.mouseClick(dialog.timepointsButton, LEFT)
    order = dialog.timepoints_dialog
    assert isinstance(order, TimepointsDialog)  # the study's own Timepoint Order dialog
    qtbot.waitUntil(order.isVisible)
    order.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is order)
    assert QApplication.activeModalWidget() is order  # on top, taking the keys
    order.timepointsList.setCurrentRow(0)
    qtbot.keyClick(order.timepointsList, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(order.buttons.button(order.buttons.StandardButton.Save), LEFT)
    qtbot.waitUntil(lambda: not order.isVisible())
    assert study.timepoints.ordered()[:2] == [second, first]
    assert dialog.timepointsOrder.text().startswith(f"{second} → {first}")
    assert dialog.isVisible()  # back in the settings
    dialog.reject()


def test_a_setting_changed_elsewhere_meanwhile_is_kept(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    dialog = _open(qtbot, window)
    # another workstation changes the target while this dialog is open
    with Study.open(study.location, actor="workstation-2", backup=False) as other:
        other.settings.set("reliability.target", 0.9)
    _retype(qtbot, _editor(dialog, "backups.keep"), "12")
    qtbot.keyClick(_editor(dialog, "backups.keep"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert study.settings.get("backups.keep") == 12
    assert study.settings.get("reliability.target") == 0.9  # not put back to what was shown
