"""GUI fixtures: a demo study built once per session (videos take a moment to write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from eas_coder.demo import build_demo
from eas_coder.gui.app import application, open_window
from eas_coder.gui.main_window import MainWindow
from eas_coder.location import from_string


@pytest.fixture(autouse=True)
def fresh_settings() -> None:
    """Every GUI test starts with no saved preferences, layout or recent studies."""
    application()
    QSettings().clear()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo-template"), seconds=4.0).parent


@pytest.fixture
def demo_study_file(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo study (tests may change it)."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template, target)
    return next(target.glob("*.sqlite"))


@pytest.fixture
def window(qtbot: QtBot, demo_study_file: Path) -> MainWindow:
    """The real main window on a private copy of the demo study, shown offscreen, with the
    lab manager signed in (who sees and may do everything)."""
    application()
    win = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.sign_in(None, manager=True)
    return win
