"""File ▸ Back Up Now and Restore from Backup… in the window, for the lab manager: on a study
file (its backup folder) and on the PostgreSQL server (a snapshot file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.backup_actions import BackupActions
from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.scheme import Scheme
from eas_coder.store.backups import backup_folder
from eas_coder.store.study import Study


def _actions(window: MainWindow) -> BackupActions:
    return window.backup_actions


def _coders(window: MainWindow) -> list[str]:
    return [c.name for c in window.study.coders.all()]


def test_back_up_now_then_restore_it_on_a_study_file(qtbot: QtBot, window: MainWindow) -> None:
    actions = _actions(window)
    path = window.study.location.path
    assert path is not None
    before = set(backup_folder(path).iterdir()) if backup_folder(path).exists() else set()
    window.study.coders.add_many(["Before the backup"])  # so the new copy differs
    actions.back_up.trigger()
    qtbot.waitUntil(lambda: not actions.busy() and actions.progress is None, timeout=10_000)
    (made,) = set(backup_folder(path).iterdir()) - before
    assert window.statusBar().currentMessage() == f"Backup written to {made}"
    saved = _coders(window)

    window.study.coders.add_many(["Added after the backup"])
    actions.restore.trigger()
    chooser = actions.chooser
    assert chooser is not None and chooser.isVisible()
    assert chooser.chosen() == made  # the newest intact one is chosen already
    ok = chooser.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert _coders(window) == saved  # the window shows the restored study
    assert actions.box is not None and "Restored demo-study.sqlite" in actions.box.text()
    kept = [p for p in backup_folder(path).iterdir() if p.name.startswith("before-restore")]
    assert len(kept) == 1 and str(kept[0]) in actions.box.text()
    with Study.open(window.study.location, backup=False) as again:
        assert "Added after the backup" not in [c.name for c in again.coders.all()]
    with Study.open(from_string(kept[0]), backup=False) as k:
        assert "Added after the backup" in [c.name for c in k.coders.all()]
    actions.box.close()


def test_a_coder_has_neither(window: MainWindow) -> None:
    window.sign_in("Coder B (demo)")
    actions = _actions(window)
    assert not actions.back_up.isEnabled() and not actions.restore.isEnabled()
    assert actions.back_up.statusTip() == "Lab manager only"


def test_snapshot_and_restore_on_the_server(
    qtbot: QtBot,
    server_location: Location,
    scheme: Scheme,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Study.create(server_location, scheme, "Server lab", actor="t") as study:
        study.coders.add_many(["Ana"])
    window = open_window(server_location, explicit=True)
    qtbot.addWidget(window)
    window.show()
    window.sign_in(None, manager=True)
    actions = _actions(window)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    actions.back_up.trigger()
    qtbot.waitUntil(lambda: not actions.busy() and actions.progress is None, timeout=20_000)
    (snapshot,) = tmp_path.iterdir()
    assert snapshot.suffix == ".sqlite"
    window.study.coders.add_many(["Later"])

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(snapshot), ""))
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    actions.restore.trigger()
    qtbot.waitUntil(lambda: actions.box is not None, timeout=20_000)
    assert actions.box is not None and f"Restored from {snapshot.name}" in actions.box.text()
    assert _coders(window) == ["Ana"]
    kept = [p for p in tmp_path.iterdir() if "before-restore" in p.name]
    assert len(kept) == 1
    actions.box.close()
    window.close()
