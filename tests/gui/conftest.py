"""GUI fixtures: a demo study built once per session (videos take a moment to write);
faulthandler on, and garbage collected on the GUI thread as in the app."""

from __future__ import annotations

import faulthandler
import gc
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eas_coder.demo import build_demo
from eas_coder.gui.common.workers import GuiThreadCollector
from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string


@pytest.fixture(scope="session", autouse=True)
def fault_dumps() -> None:
    """A crash of the window prints every thread's Python stack. pytest's faulthandler
    plugin has it on already, writing to the terminal past the output capture; this covers a
    run with ``-p no:faulthandler`` (best effort: that stderr may be captured)."""
    if not faulthandler.is_enabled() and sys.__stderr__ is not None:
        faulthandler.enable(file=sys.__stderr__, all_threads=True)


@pytest.fixture(scope="package", autouse=True)
def collection_back_to_cpython() -> Iterator[None]:
    """GUI tests collect garbage on the GUI thread, as the app does (``application()``);
    the tests after them run no event loop to do it, so CPython's automatic collection
    comes back at the end of this package."""
    yield
    app = QApplication.instance()
    collector = app.findChild(GuiThreadCollector) if app is not None else None
    if isinstance(collector, GuiThreadCollector):
        collector.stop()
    gc.enable()


@pytest.fixture(autouse=True)
def fresh_settings() -> None:
    """Every GUI test starts with no saved preferences, layout or recent studies."""
    application()
    QSettings().clear()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo-template"), seconds=4.0).parent


@pytest.fixture(autouse=True)
def no_file_manager(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """The desktop's file manager or browser cannot run here: a test that presses Return on
    an "Open Folder" box (its default button) records the folder instead of opening it.
    Tests that check what was opened patch ``openUrl`` again with their own recorder."""
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    return opened


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
