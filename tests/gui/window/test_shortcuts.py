"""Keyboard shortcuts: recorded in the Preferences dialog, kept in QSettings, shown on F1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window import shortcuts
from eas_coder.gui.window.app import application
from eas_coder.gui.window.shortcut_sheet import ShortcutSheet
from eas_coder.gui.window.shortcuts import ShortcutsDialog

RED = QColor("#b42318")


@pytest.fixture(autouse=True)
def _clean_settings() -> Iterator[None]:
    application()
    QSettings().remove(shortcuts.SETTINGS_GROUP)
    yield
    QSettings().remove(shortcuts.SETTINGS_GROUP)
    QSettings().sync()


def _action(window: QMainWindow, name: str, text: str, keys: str = "") -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if keys:
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{text.replace('&', '')} ({keys})")
    return action


def build_window(qtbot: QtBot) -> QMainWindow:
    """File (Open, Save, a separator, a Recent submenu) and Playback, plus a window action."""
    window = QMainWindow()
    qtbot.addWidget(window)
    file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction(_action(window, "actionOpen", "&Open…", "Ctrl+O"))
    file_menu.addAction(_action(window, "actionSave", "&Save", "Ctrl+S"))
    file_menu.addSeparator()
    recent = file_menu.addMenu("&Recent")
    recent.addAction(_action(window, "actionClearRecent", "&Clear List", "Ctrl+Shift+R"))
    file_menu.addAction(_action(window, "actionExport", "&Export…"))  # no shortcut
    nameless = QAction("Nameless", window)
    nameless.setShortcut(QKeySequence("Ctrl+N"))
    file_menu.addAction(nameless)
    play = window.menuBar().addMenu("&Playback")
    play.addAction(_action(window, "actionPlayPause", "&Play / Pause", "Space"))
    play.addAction(_action(window, "actionMute", "&Mute", "M"))
    play.addAction(_action(window, "actionNextFrame", "&Next Frame", "Right"))
    window.addAction(_action(window, "actionFocusTimeline", "Focus &Timeline", "Ctrl+T"))
    return window


def actions_of(window: QWidget) -> list[QAction]:
    return window.findChildren(QAction)


def by_name(window: QWidget, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None
    return action


def stored(name: str) -> object:
    settings = QSettings()
    key = f"{shortcuts.SETTINGS_GROUP}/{name}"
    return settings.value(key) if settings.contains(key) else None


def show(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def row_of(dialog: ShortcutsDialog, text: str) -> int:
    rows = [r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == text]
    assert len(rows) == 1, f"{text!r} not listed once"
    return rows[0]


def click_row(qtbot: QtBot, dialog: ShortcutsDialog, text: str) -> int:
    row = row_of(dialog, text)
    rect = dialog.table.visualItemRect(dialog.table.item(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return row


def record(qtbot: QtBot, dialog: ShortcutsDialog, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    """Click into the recorder and press the combination, as a person does."""
    qtbot.mouseClick(dialog.keyEdit, Qt.MouseButton.LeftButton)
    assert dialog.keyEdit.hasFocus()
    qtbot.keyClick(focused(), key, mods)


def ok(dialog: ShortcutsDialog) -> QWidget:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_table_lists_named_menu_actions_with_plain_text(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    defaults = shortcuts.capture_defaults(actions_of(window))
    assert defaults["actionOpen"] == "Ctrl+O"
    assert defaults["actionExport"] == ""
    assert "" not in defaults and len(defaults) == 8
    dialog = show(qtbot, ShortcutsDialog(actions_of(window), defaults))
    assert dialog.windowTitle() == "Keyboard shortcuts"
    rows = {
        dialog.table.item(r, 0).text(): (
            dialog.table.item(r, 1).text(),
            dialog.table.item(r, 2).text(),
        )
        for r in range(dialog.table.rowCount())
    }
    assert rows == {
        "Open…": ("File", "Ctrl+O"),
        "Save": ("File", "Ctrl+S"),
        "Clear List": ("File ▸ Recent", "Ctrl+Shift+R"),
        "Export…": ("File", ""),
        "Play / Pause": ("Playback", "Space"),
        "Mute": ("Playback", "M"),
        "Next Frame": ("Playback", "Right"),
        "Focus Timeline": ("Other", "Ctrl+T"),
    }


def test_recorded_shortcut_is_saved_applied_and_restored(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    defaults = shortcuts.capture_defaults(actions_of(window))
    dialog = show(qtbot, ShortcutsDialog(actions_of(window), defaults))
    row = click_row(qtbot, dialog, "Mute")
    assert dialog.editorBox.isEnabled()
    assert dialog.keyEdit.keySequence().toString() == "M"
    record(qtbot, dialog, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert dialog.table.item(row, 2).text() == "Ctrl+U"
    assert stored("actionMute") is None  # nothing is kept before OK
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)

    assert stored("actionMute") == "Ctrl+U"
    assert stored("actionOpen") is None  # unchanged ones are not written
    mute = by_name(window, "actionMute")
    assert mute.shortcut().toString() == "Ctrl+U"
    assert mute.toolTip() == "Mute (Ctrl+U)"

    # next start: fresh actions, defaults captured first, then the saved keys applied
    fresh = build_window(qtbot)
    fresh_defaults = shortcuts.capture_defaults(actions_of(fresh))
    assert fresh_defaults["actionMute"] == "M"
    shortcuts.apply_saved(actions_of(fresh))
    assert by_name(fresh, "actionMute").shortcut().toString() == "Ctrl+U"
    assert by_name(fresh, "actionOpen").shortcut().toString() == "Ctrl+O"


def test_enter_on_a_row_starts_recording_instead_of_closing(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    dialog = show(qtbot, ShortcutsDialog(actions_of(window), {}))
    qtbot.keyClicks(dialog.searchEdit, "next")
    qtbot.keyClick(dialog.searchEdit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.table.hasFocus()
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert [dialog.table.item(r, 0).text() for r in visible] == ["Next Frame"]
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.keyEdit.hasFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Period)
    assert dialog.table.item(visible[0], 2).text() == "."
    assert dialog.table.hasFocus()  # back in the table, ready for the next row


def test_a_shared_sequence_is_flagged_and_ok_refused(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    dialog = show(qtbot, ShortcutsDialog(actions_of(window), {}))
    save_row = click_row(qtbot, dialog, "Save")
    record(qtbot, dialog, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    open_row = row_of(dialog, "Open…")
    for row in (save_row, open_row):
        assert dialog.table.item(row, 2).foreground().color() == RED
    assert dialog.table.item(row_of(dialog, "Mute"), 2).foreground().color() != RED
    assert "Open… (File)" in dialog.table.item(save_row, 2).toolTip()
    assert "Save (File)" in dialog.table.item(open_row, 2).toolTip()

    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.messageLabel.isVisible()
    assert "Ctrl+O" in dialog.messageLabel.text()
    assert stored("actionSave") is None
    assert by_name(window, "actionSave").shortcut().toString() == "Ctrl+S"

    # give Open no key at all: the conflict goes away and OK works
    click_row(qtbot, dialog, "Open…")
    qtbot.mouseClick(dialog.clearButton, Qt.MouseButton.LeftButton)
    assert dialog.table.item(open_row, 2).text() == ""
    assert dialog.table.item(save_row, 2).foreground().color() != RED
    assert not dialog.messageLabel.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert stored("actionSave") == "Ctrl+O"
    assert stored("actionOpen") == ""  # "no shortcut" is remembered too
    assert by_name(window, "actionOpen").shortcuts() == []
    fresh = build_window(qtbot)
    shortcuts.apply_saved(actions_of(fresh))
    assert by_name(fresh, "actionOpen").shortcuts() == []


def test_reset_to_default_forgets_the_stored_key(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    defaults = shortcuts.capture_defaults(actions_of(window))
    shortcuts.save({"actionPlayPause": "P", "actionMute": "Ctrl+M"})
    shortcuts.apply_saved(actions_of(window))
    assert by_name(window, "actionPlayPause").shortcut().toString() == "P"
    dialog = show(qtbot, ShortcutsDialog(actions_of(window), defaults))
    row = click_row(qtbot, dialog, "Play / Pause")
    assert dialog.table.item(row, 2).text() == "P"
    assert dialog.table.item(row, 2).font().bold()  # changed from the default
    qtbot.mouseClick(dialog.resetButton, Qt.MouseButton.LeftButton)
    assert dialog.table.item(row, 2).text() == "Space"
    assert not dialog.table.item(row, 2).font().bold()
    assert dialog.keyEdit.keySequence().toString() == "Space"
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert stored("actionPlayPause") is None
    assert stored("actionMute") == "Ctrl+M"  # the other change is kept
    assert by_name(window, "actionPlayPause").shortcut().toString() == "Space"


def test_reset_all_and_cancel(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    defaults = shortcuts.capture_defaults(actions_of(window))
    shortcuts.save({"actionMute": "Ctrl+M", "actionNextFrame": "F"})
    shortcuts.apply_saved(actions_of(window))

    dialog = show(qtbot, ShortcutsDialog(actions_of(window), defaults))
    qtbot.mouseClick(dialog.resetAllButton, Qt.MouseButton.LeftButton)
    assert dialog.pending() == defaults
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
            Qt.MouseButton.LeftButton,
        )
    assert stored("actionMute") == "Ctrl+M"  # Cancel keeps everything
    assert by_name(window, "actionMute").shortcut().toString() == "Ctrl+M"

    dialog = show(qtbot, ShortcutsDialog(actions_of(window), defaults))
    qtbot.mouseClick(dialog.resetAllButton, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert stored("actionMute") is None and stored("actionNextFrame") is None
    assert shortcuts.capture_defaults(actions_of(window)) == defaults


def test_conflicts_and_reset_all_functions() -> None:
    assert shortcuts.conflicts({"a": "Ctrl+J", "b": "ctrl+j", "c": "", "d": "K"}) == {
        "Ctrl+J": ["a", "b"]
    }
    assert shortcuts.conflicts({"a": "Space; K", "b": "K"}) == {"K": ["a", "b"]}
    assert shortcuts.conflicts({"a": "J", "b": "K"}) == {}
    shortcuts.save({"actionMute": "Ctrl+M"})
    assert stored("actionMute") == "Ctrl+M"
    shortcuts.reset_all()
    assert stored("actionMute") is None


def test_sheet_groups_by_menu_and_filters(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    shortcuts.save({"actionMute": "Ctrl+M"})
    shortcuts.apply_saved(actions_of(window))
    sheet = show(qtbot, ShortcutSheet(actions_of(window)))
    assert sheet.groups() == {
        "File": [("Ctrl+O", "Open…"), ("Ctrl+S", "Save")],
        "File ▸ Recent": [("Ctrl+Shift+R", "Clear List")],
        "Playback": [("Space", "Play / Pause"), ("Ctrl+M", "Mute"), ("Right", "Next Frame")],
        "Other": [("Ctrl+T", "Focus Timeline")],
    }
    assert sheet.searchEdit.hasFocus()
    qtbot.keyClicks(focused(), "mute")
    assert sheet.groups() == {"Playback": [("Ctrl+M", "Mute")]}
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "ctrl+o")
    assert sheet.groups() == {"File": [("Ctrl+O", "Open…")]}
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "playback")  # a menu's name shows its whole group
    assert list(sheet.groups()) == ["Playback"] and len(sheet.groups()["Playback"]) == 3
    with qtbot.waitSignal(sheet.rejected, timeout=2000):
        qtbot.mouseClick(
            sheet.buttons.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton
        )


def test_sheet_with_many_actions_fits_a_small_screen_and_scrolls(qtbot: QtBot) -> None:
    window = build_window(qtbot)
    menu = window.menuBar().addMenu("&Scores")
    for i in range(80):
        menu.addAction(_action(window, f"actionScore{i}", f"Score {i}", f"Ctrl+Alt+{i % 10}"))
    sheet = show(qtbot, ShortcutSheet(actions_of(window)))
    assert len(sheet.groups()["Scores"]) == 80
    frame = sheet.frameGeometry()
    assert frame.width() <= 1366 and frame.height() <= 768 - 40  # leaves room for a panel
    assert sheet.tree.verticalScrollBar().maximum() > 0
