"""Opening a damaged study in the window: the newest good backup is offered; restoring opens
it (the damaged file kept), declining leaves every file as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.scheme import Scheme
from eas_coder.store.backups import backup_folder
from eas_coder.store.study import Study
from tests.store.test_backups import _garble_middle_page


def _damaged_study(tmp_path: Path, scheme: Scheme) -> Path:
    path = tmp_path / "lab" / "study.sqlite"
    with Study.create(from_string(path), scheme, "Lab", actor="t") as study:
        study.coders.add_many(["Ana", "Ben"])
        for number in range(40):  # pages enough that a middle one holds rows
            study.coders.add(f"Coder {number:02} " + "x" * 150)
    Study.open(from_string(path)).close()  # the backup taken on opening
    _garble_middle_page(path)
    return path


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        return button

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return asked


def test_restoring_the_offered_backup_opens_the_study(
    window: MainWindow, tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_study(tmp_path, scheme)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.study_actions.open_location(str(path))
    assert len(asked) == 1 and f"{path} is damaged" in asked[0]
    assert "The newest good backup was taken" in asked[0]
    assert window.study.location.path == path
    assert [c.name for c in window.study.coders.all()][:2] == ["Ana", "Ben"]
    assert window.study.check().ok
    message = window.statusBar().currentMessage()
    assert message.startswith("Restored study.sqlite from the backup") and "kept as" in message
    kept = [p for p in backup_folder(path).iterdir() if p.name.startswith("before-restore")]
    assert len(kept) == 1 and kept[0].name in message


def test_declining_changes_no_file_and_keeps_the_open_study(
    window: MainWindow, tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_study(tmp_path, scheme)
    before = _digests(path.parent)
    shown = window.study.location
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    window.study_actions.open_location(str(path))
    assert len(asked) == 1
    assert len(warnings) == 1 and "damaged" in warnings[0] and "restore" in warnings[0]
    assert window.study.location == shown
    assert _digests(path.parent) == before


def test_at_start_up_too(
    qtbot: QtBot, tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_study(tmp_path, scheme)
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    win = open_window(from_string(path), explicit=True)
    qtbot.addWidget(win)
    assert win.study.check().ok
    assert win.statusBar().currentMessage().startswith("Restored study.sqlite")
    win.close()
