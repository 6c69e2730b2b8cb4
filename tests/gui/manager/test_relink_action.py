"""File ▸ Relink Moved Videos… in the real window: search in the background, confirm, relink,
and the player opens the moved file again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.relink_action import RelinkAction, install_relink
from eas_coder.gui.window.main_window import MainWindow


def _move_videos(study_dir: Path) -> dict[str, Path]:
    """Move the demo's videos into nested folders of another place, renamed."""
    target = study_dir.parent / "lab drive" / "EAS 2026"
    moved = {}
    for number, old in enumerate(sorted((study_dir / "videos").glob("*.mp4"))):
        new = target / f"wave {number % 2}" / f"tape-{number:02}.mp4"
        new.parent.mkdir(parents=True, exist_ok=True)
        old.rename(new)
        moved[old.name] = new
    return moved


def test_relink_moved_videos_from_the_file_menu(
    demo_study_file: Path,
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moved = _move_videos(demo_study_file.parent)
    window: MainWindow = request.getfixturevalue("window")  # opened after the move
    player = window.playerPanel.player
    assert player.path is None
    assert "not where the study says" in window.playerPanel.surface.message()

    action = install_relink(window)
    helper = action.parent()
    assert isinstance(helper, RelinkAction)
    menu = window.menuFile.actions()
    assert menu.index(action) + 1 == menu.index(window.actionImport)
    assert action.isEnabled()
    window.sign_in("Coder A (demo)")
    assert not action.isEnabled()  # lab manager only
    window.sign_in(None, manager=True)
    assert action.isEnabled()

    folder = moved["d001_t1.mp4"].parents[1]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    shown: list[tuple[str, str]] = []

    def yes(box: QMessageBox) -> int:
        shown.append((box.text(), box.detailedText()))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", yes)
    # the live refresh may put the study summary back a moment later: keep what was shown
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    with qtbot.waitSignals([helper.relinked, player.mediaOpened], timeout=60_000):
        action.trigger()
    ((text, details),) = shown
    assert "Found 8 of 8 missing file(s)" in text
    assert "Found (8):" in details and f"→ {moved['d003_t2.mp4']}" in details
    assert "Not found" not in details

    study = window.study
    for video in study.videos.all():
        path = study.videos.file_of(video)
        assert path == moved[video.name or ""] and path.is_file()
    assert study.check().ok
    selected = window.current_video()
    assert selected is not None
    assert player.path == moved[selected.name or ""]
    assert any("Relinked 8 file(s)" in message for message in messages), messages


def test_nothing_found_changes_nothing(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    helper = install_relink(window).parent()
    assert isinstance(helper, RelinkAction)
    base = window.study.location.base_dir
    assert base is not None
    (base / "videos" / "d002_t1.mp4").rename(tmp_path / "gone.bin")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(empty))
    before = [v.path for v in window.study.videos.all()]
    with qtbot.waitSignal(helper.searched, timeout=60_000) as searched:
        helper.action.trigger()
    assert len(searched.args[0].not_found) == 1
    assert helper.box is not None and "Nothing was changed" in helper.box.text()
    assert "D002 · T1 pre" in helper.box.detailedText()
    assert [v.path for v in window.study.videos.all()] == before
    helper.box.close()
