"""The first launch (no study yet): a window at once, the demo study built in the background
behind its progress bar, and nothing half-built when the person quits halfway (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.demo import DEMO_STUDY_NAME, prepare_demo
from eas_coder.errors import Conflict
from eas_coder.gui.window.first_launch import TITLE, FirstLaunch
from eas_coder.location import from_string
from eas_coder.store.study import Study


def _watch(dialog: FirstLaunch, seen: list[str], then: object = None) -> QTimer:
    """A timer on the GUI thread noting each label the window shows while it builds; it
    only fires while the GUI thread is free, so it also shows the window stayed responsive."""
    timer = QTimer(dialog)
    timer.setInterval(10)

    def look() -> None:
        label = dialog.labelText()
        if dialog.isVisible() and (not seen or seen[-1] != label):
            seen.append(label)
        if callable(then):
            then()

    timer.timeout.connect(look)
    timer.start()
    return timer


def test_the_demo_study_is_built_behind_a_progress_window(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "demo"
    dialog = FirstLaunch(folder)
    qtbot.addWidget(dialog)
    seen: list[str] = []
    _watch(dialog, seen)
    study_file = dialog.build()
    assert study_file == folder.resolve() / DEMO_STUDY_NAME and study_file.exists()
    assert dialog.error is None
    assert dialog.windowTitle() == TITLE and dialog.isVisible()  # until the main window is up
    assert dialog.labelText() == "Opening the demo study…"
    # the window kept being redrawn with each step while the worker built the study
    assert any("Making demo video 1 of 8" in label for label in seen), seen
    assert any("Rating demo video 8 of 8" in label for label in seen), seen
    assert not list(folder.parent.glob(".demo-building-*"))  # built aside, then moved in
    with Study.open(from_string(study_file)) as study:
        assert len(study.videos.all()) == 8
        files = [study.videos.file_of(video) for video in study.videos.all()]
        assert all(file is not None and file.exists() for file in files)  # moved with it
        assert len(study.ratings.all()) > 0


def test_quitting_during_the_build_leaves_nothing_behind(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "demo"
    dialog = FirstLaunch(folder)
    qtbot.addWidget(dialog)
    seen: list[str] = []

    def quit_once_started() -> None:
        if dialog.value() >= 1 and not dialog.wasCanceled():  # the first video is written
            button = dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Quit"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    _watch(dialog, seen, quit_once_started)
    assert dialog.build() is None
    assert dialog.error is None  # quitting is not a failure
    assert any("Making demo video" in label for label in seen), seen
    assert not folder.exists()
    assert not list(folder.parent.glob(".demo-building-*"))  # the stopped build removed it


def test_a_folder_with_other_files_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Conflict, match="not empty"):
        prepare_demo(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
