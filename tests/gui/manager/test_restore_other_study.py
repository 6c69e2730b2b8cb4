"""File ▸ Restore from Backup… in the window, given another study's file among the backups
(issue 16, item 5): a second confirmation, whose default is Cancel; Cancel or Enter leaves
the study byte-identical, and only "Replace the Study" replaces it.

Old code (8d726e3): no second confirmation; the other study replaced this one at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.backups import backup_folder
from eas_coder.store.study import Study
from tests.bad_input import digest

Answer = Callable[[QtBot, QMessageBox], None]


def _foreign_backup(study_file: Path, tmp_path: Path) -> Path:
    """Another study's file, put among this study's backups (as a careless copy would)."""
    other = tmp_path / "elsewhere" / "other.sqlite"
    other.parent.mkdir()
    with Study.create(from_string(other), load_scheme(), "Another lab", actor="t") as study:
        study.coders.add("Zed of the other lab")
    folder = backup_folder(study_file)
    folder.mkdir(exist_ok=True)
    target = folder / f"{study_file.stem}-20300101T000000Z{study_file.suffix}"
    source, copy = sqlite3.connect(other), sqlite3.connect(target)
    try:
        source.backup(copy)  # a closed file: SQLite's own copy, as backups are made
    finally:
        source.close()
        copy.close()
    return target


def _window(qtbot: QtBot, where: Path | Location) -> MainWindow:
    application()
    window = open_window(where if isinstance(where, Location) else from_string(where), True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.sign_in(None, manager=True)
    return window


class _Confirmation:
    """Watches for the second confirmation (a modal box: ``exec`` blocks the click that
    opened it) and answers it as a person would, once."""

    def __init__(self, qtbot: QtBot, answer: Answer, needle: str = "another study") -> None:
        self.qtbot, self.answer, self.needle = qtbot, answer, needle
        self.text = ""
        self.default = ""
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._on_tick)
        self.timer.start()

    def _on_tick(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, QMessageBox)
                and widget.isVisible()
                and self.needle in widget.text()
                and not self.text
            ):
                self.timer.stop()
                self.text = widget.text()
                default = widget.defaultButton()
                self.default = default.text() if default is not None else ""
                self.answer(self.qtbot, widget)
                return


def _press_enter(qtbot: QtBot, box: QMessageBox) -> None:
    target: QWidget = box.focusWidget() or box  # where a person's key goes
    qtbot.keyClick(target, Qt.Key.Key_Return)


def _click(text: str) -> Answer:
    def click(qtbot: QtBot, box: QMessageBox) -> None:
        (button,) = [b for b in box.buttons() if b.text() == text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return click


def _restore_from(qtbot: QtBot, window: MainWindow, backup: Path, answer: Answer) -> _Confirmation:
    """File ▸ Restore from Backup…, click the backup in the list, click Restore."""
    actions = window.backup_actions
    actions.restore.trigger()
    chooser = actions.chooser
    assert chooser is not None and chooser.isVisible()
    (row,) = [i for i, b in enumerate(chooser.backups) if b.path == backup]
    item = chooser.list.item(row)
    qtbot.mouseClick(
        chooser.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=chooser.list.visualItemRect(item).center(),
    )
    assert chooser.chosen() == backup
    confirmation = _Confirmation(qtbot, answer)
    restore = chooser.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)  # returns once all is done
    confirmation.timer.stop()
    return confirmation


def _coders(window: MainWindow) -> list[str]:
    return [c.name for c in window.study.coders.all()]


@pytest.mark.parametrize(
    "answer", [pytest.param(_press_enter, id="enter"), pytest.param(_click("Cancel"), id="cancel")]
)
def test_another_studys_backup_is_not_restored_unless_confirmed(
    qtbot: QtBot, demo_study_file: Path, tmp_path: Path, answer: Answer
) -> None:
    before = digest(demo_study_file)  # not open yet: its bytes may be read
    window = _window(qtbot, demo_study_file)
    coders = _coders(window)
    foreign = _foreign_backup(demo_study_file, tmp_path)
    kept_before = {p.name for p in backup_folder(demo_study_file).iterdir()}
    foreign_before = digest(foreign)

    confirmation = _restore_from(qtbot, window, foreign, answer)

    assert confirmation.text, "no second confirmation was shown"
    assert confirmation.default == "Cancel"
    actions = window.backup_actions
    assert actions.box is not None and "another study" in actions.box.text()
    assert _coders(window) == coders  # the window shows this study again
    actions.box.close()
    window.close()  # lets the study go, so that its bytes may be read
    assert digest(demo_study_file) == before
    # no before-restore copy, and no -wal/-shm beside the foreign file (a WAL-mode study)
    assert {p.name for p in backup_folder(demo_study_file).iterdir()} == kept_before
    assert digest(foreign) == foreign_before


def test_confirming_replaces_the_study_with_the_other(
    qtbot: QtBot, demo_study_file: Path, tmp_path: Path
) -> None:
    window = _window(qtbot, demo_study_file)
    coders = _coders(window)
    foreign = _foreign_backup(demo_study_file, tmp_path)

    confirmation = _restore_from(qtbot, window, foreign, _click("Replace the Study"))

    assert confirmation.text and confirmation.default == "Cancel"
    assert _coders(window) == ["Zed of the other lab"]
    actions = window.backup_actions
    assert actions.box is not None and "Restored demo-study.sqlite" in actions.box.text()
    kept = [
        p for p in backup_folder(demo_study_file).iterdir() if p.name.startswith("before-restore")
    ]
    assert len(kept) == 1 and str(kept[0]) in actions.box.text()
    assert not [p for p in backup_folder(demo_study_file).iterdir() if p.name.endswith("-shm")]
    actions.box.close()
    window.close()
    with Study.open(from_string(kept[0]), backup=False) as previous:
        assert [c.name for c in previous.coders.all()] == coders  # nothing of it was lost


def test_another_studys_snapshot_is_not_restored_on_the_server_unless_confirmed(
    qtbot: QtBot, server_location: Location, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Study.create(server_location, load_scheme(), "Server lab", actor="t") as study:
        study.coders.add("Ana")
    other = tmp_path / "other.sqlite"
    with Study.create(from_string(other), load_scheme(), "Another lab", actor="t") as study:
        study.coders.add("Zed of the other lab")
    window = _window(qtbot, server_location)
    actions = window.backup_actions
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    first = _Confirmation(qtbot, _click("&Yes"), needle="Replace everything")
    second = _Confirmation(qtbot, _press_enter)
    actions.restore.trigger()  # the first question is answered inside
    # (the old code reported "Restored from ..." instead of asking)
    qtbot.waitUntil(lambda: bool(second.text) or actions.box is not None, timeout=20_000)
    first.timer.stop()
    second.timer.stop()
    assert first.text, "the first question was not asked"
    assert second.text, "no second confirmation was shown"
    assert second.default == "Cancel"
    assert not actions.busy()
    assert _coders(window) == ["Ana"] and window.study.info.name == "Server lab"
    assert [p.name for p in tmp_path.iterdir()] == ["other.sqlite"]  # nothing kept, no litter
    window.close()
