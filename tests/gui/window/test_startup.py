"""Start-up (issue 18): libVLC loads in a background thread while the window is built, one
libVLC instance serves every player, and Designer forms are loaded by one shared loader
without walking every Qt-internal child. What is started early must still arrive, and a key
pressed as soon as the window is up must not be lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.common.forms import load_form
from eas_coder.gui.player.choose import create_backend, prepare_backend
from eas_coder.gui.player.vlc_backend import VlcBackend, load_vlc
from eas_coder.gui.window.app import open_window
from eas_coder.location import from_string
from eas_coder.resources import ui_dir
from tests.support import need


def test_a_key_pressed_as_the_window_appears_plays_with_the_vlc_loaded_meanwhile(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    """The app starts libVLC loading, builds and shows the window and at once presses Space:
    the backend made in the background arrives, and the key is applied (the video plays,
    its frames delivered by VLC) rather than dropped while the video was still opening."""
    prepare_backend()  # what app.launch does before building the window
    window = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(window)
    window.show()
    # Shortcuts reach the active window only; a window manager activates it as it maps.
    # Offscreen, activating through the event loop would let the video open first.
    with warnings.catch_warnings(category=DeprecationWarning, action="ignore"):
        QApplication.setActiveWindow(window)
    window.sign_in(None, manager=True)
    player = window.playerPanel.player
    need(isinstance(player.backend, VlcBackend), "libVLC (libvlc5, vlc-plugin-base) is missing")
    assert player.is_loading()  # the first video is still opening: the key must wait
    qtbot.keyClick(window.playerPanel.surface, Qt.Key.Key_Space)
    assert player.is_loading(), "the video opened before the key: the test proves nothing"
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=15_000)
    qtbot.waitUntil(lambda: player.frames_delivered > 3, timeout=15_000)
    assert player.is_playing()
    qtbot.keyClick(window.playerPanel.surface, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5_000)
    window.close()


def test_every_vlc_player_shares_the_one_libvlc_instance(qtbot: QtBot) -> None:
    """Loading libVLC's plugins is the slow part (0.3 s); the app's backend and each camera
    angle's clone play through the same instance, each with a player of its own."""
    prepare_backend()
    backend, note = create_backend()
    module = load_vlc()
    need(module is not None, "libVLC (libvlc5, vlc-plugin-base) is missing")
    assert isinstance(backend, VlcBackend) and note == ""
    angle = backend.clone()
    try:
        assert angle._instance is backend._instance
        assert angle._player is not backend._player
    finally:
        angle.release()
    # releasing one backend leaves the instance usable for the others
    assert backend._instance.media_player_new() is not None
    backend.release()


def _named_children(base: QWidget) -> set[str]:
    """What the form loader used to attach: every named child, Qt's own internals aside."""
    return {
        child.objectName()
        for child in base.findChildren(QObject)
        if child.objectName() and not child.objectName().startswith(("qt_", "_q_", "_layout"))
    }


def test_every_form_gets_the_same_named_children_from_the_shared_loader(
    qtbot: QtBot,
) -> None:
    QApplication.instance()
    for path in sorted(ui_dir().glob("*.ui")):
        top = re.search(r'<widget class="(\w+)"', path.read_text(encoding="utf-8"))
        assert top is not None, path
        base = {"QDialog": QDialog, "QMainWindow": QMainWindow}.get(top[1], QWidget)()
        qtbot.addWidget(base)
        load_form(base, path.name)
        attached = {name for name, value in vars(base).items() if isinstance(value, QObject)}
        # names the class has already (QMainWindow.statusBar, …) are left to the class
        expected = {name for name in _named_children(base) if not hasattr(type(base), name)}
        assert attached == expected, path.name
        for name in attached:
            assert getattr(base, name).objectName() == name


_FORM_IN_A_FRESH_PROCESS = """
from PySide6.QtWidgets import QApplication, QMainWindow
from eas_coder.gui.common.forms import load_form
app = QApplication([])
window = QMainWindow()
load_form(window, "main_window.ui")
print(window.videoTable.objectName())
mapped = {line.split()[-1] for line in open("/proc/self/maps")}
print("\\n".join(sorted(path for path in mapped if "/designer/" in path)))
"""


def test_loading_a_form_loads_no_designer_plugin() -> None:
    """Qt Designer's plugins (QtWebEngine's view among them) cost 30 ms and 29 MB at start-up
    and no form of ours uses them (issue 18); the old code loaded all three."""
    done = subprocess.run(
        [sys.executable, "-c", _FORM_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    lines = done.stdout.split()
    assert lines[0] == "videoTable"  # the form was built
    assert lines[1:] == []  # no library from a designer plugin folder is mapped
