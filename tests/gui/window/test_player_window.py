"""The player inside the main window, driven with the keyboard and mouse as a coder would."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.timecode import clock


def ready(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The window active and its first video open, paused on frame 0."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    player = window.playerPanel.player
    qtbot.waitUntil(lambda: player.frame_index is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.playerPanel.surface.image().isNull())
    return window


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.playerPanel.surface, key, modifier)


def at_frame(qtbot: QtBot, window: MainWindow, frame: int) -> None:
    qtbot.waitUntil(lambda: window.playerPanel.player.position() == frame, timeout=5_000)


def test_selecting_a_video_opens_it_in_the_player(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    panel = window.playerPanel
    first = panel.player.path
    assert first is not None and first.name.startswith("d001")
    assert panel.transport.frameLabel.text() == "frame 0 / 99"
    window.videoTable.setFocus()
    qtbot.keyClick(window.videoTable, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: panel.player.path != first and panel.player.frame_index is not None)
    assert panel.player.path is not None and panel.player.path.name.startswith("d001_t2")
    assert panel.timeline.duration() == panel.player.frame_index.duration_ms  # type: ignore[union-attr]


def test_transport_keys(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    player = window.playerPanel.player
    index = player.frame_index
    assert index is not None
    press(qtbot, window, Qt.Key.Key_Right)
    at_frame(qtbot, window, 1)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Right)
    at_frame(qtbot, window, 4)
    press(qtbot, window, Qt.Key.Key_Left)
    at_frame(qtbot, window, 3)
    press(qtbot, window, Qt.Key.Key_End)
    at_frame(qtbot, window, index.frame_count - 1)
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # back 5 s? 4 s video
    at_frame(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    at_frame(qtbot, window, index.index_at(5000))
    press(qtbot, window, Qt.Key.Key_Home)
    at_frame(qtbot, window, 0)
    assert window.playerPanel.transport.timeLabel.text() == clock(0)
    press(qtbot, window, Qt.Key.Key_BracketRight)
    assert player.rate() == 1.25
    press(qtbot, window, Qt.Key.Key_BracketLeft)
    press(qtbot, window, Qt.Key.Key_BracketLeft)
    assert player.rate() == 0.75
    assert window.playerPanel.transport.rateLabel.text() == "0.75×"


def test_space_plays_and_pauses_on_an_exact_frame(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    player = window.playerPanel.player
    press(qtbot, window, Qt.Key.Key_Space)
    assert player.is_playing()
    qtbot.waitUntil(lambda: player.position() >= 10, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Space)
    assert not player.is_playing()
    paused = player.position()
    qtbot.wait(300)
    assert player.position() == paused
    label = window.playerPanel.transport.timeLabel.text()
    assert label == clock(player.position_ms())


def test_jkl_shuttle(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    player = window.playerPanel.player
    press(qtbot, window, Qt.Key.Key_L)
    assert player.is_playing() and player.rate() == 1.0
    press(qtbot, window, Qt.Key.Key_L)
    assert player.rate() == 2.0
    qtbot.waitUntil(lambda: player.position() >= 40, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_K)
    assert not player.is_playing()
    qtbot.wait(100)
    here = player.position()
    press(qtbot, window, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: player.position() <= here - 5, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_K)
    assert not player.is_playing()


@pytest.mark.parametrize(("typed", "frame"), [("50", 50), ("00:02.000", 50), ("0:00:01.5", 37)])
def test_jump_to_time_or_frame(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, typed: str, frame: int
) -> None:
    ready(qtbot, window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (typed, True))
    qtbot.keyClick(window.playerPanel.surface, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    at_frame(qtbot, window, frame)  # 25 fps: 1.5 s is frame 37.5 -> the frame on screen, 37


def test_clicking_the_timeline_seeks(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    timeline = window.playerPanel.timeline
    x = round(timeline.x_of(2000))
    y = timeline.height() - 10
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    expected = window.playerPanel.player.frame_index.index_at(timeline.ms_at(x))  # type: ignore[union-attr]
    at_frame(qtbot, window, expected)
    assert abs(window.playerPanel.player.position_ms() - 2000) <= 40


def test_loop_selection(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    panel = window.playerPanel
    window.actionLoopSelection.trigger()  # nothing selected: refused with a hint
    assert not window.actionLoopSelection.isChecked()
    assert "Shift+drag" in window.statusBar().currentMessage()
    panel.timeline.set_selection(1000, 1600)
    window.actionLoopSelection.trigger()
    assert panel.player.loop() == (1000, 1600)
    panel.player.seek_ms(1000)
    panel.player.play()
    seen: list[int] = []
    panel.player.positionChanged.connect(lambda _i, ms: seen.append(ms))
    qtbot.waitUntil(lambda: len(seen) > 40, timeout=15_000)  # longer than the loop
    panel.player.pause()
    assert max(seen) < 1700 and min(seen) >= 960


def test_missing_file_is_explained_and_the_study_stays_usable(
    qtbot: QtBot, window: MainWindow
) -> None:
    ready(qtbot, window)
    study = window.study
    second = study.videos.all()[1]
    path = study.videos.file_of(second)
    assert path is not None
    path.unlink()
    window.videoTable.selectRow(1)
    qtbot.waitUntil(lambda: "not where the study says" in window.playerPanel.surface.message())
    assert str(path) in window.playerPanel.surface.message()
    assert window.playerPanel.player.frame_index is None
    window.videoTable.selectRow(2)
    qtbot.waitUntil(lambda: window.playerPanel.player.frame_index is not None, timeout=10_000)
    assert window.playerPanel.surface.message() == ""


def test_switching_videos_releases_decoders(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    player = window.playerPanel.player
    threads = threading.active_count()
    for row in [1, 2, 3, 4, 5, 0, 1]:
        window.videoTable.selectRow(row)
        qtbot.waitUntil(lambda: player.frame_index is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not window.playerPanel.thumbnails.is_busy(), timeout=10_000)
    assert threading.active_count() <= threads + 1
    assert player.decoders_open() == 1


def test_window_layout_is_kept(qtbot: QtBot, demo_study_file: Path) -> None:
    window = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.detailsDock.hide()
    window.close()
    assert QSettings().value("window/state") is not None
    again = open_window(from_string(demo_study_file), explicit=True)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.detailsDock.isHidden() and not again.videosDock.isHidden()
    again.detailsDock.show()
    again.close()


def test_skip_distance_and_engine_preferences(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    skip_menu = window.findChild(QMenu, "menuSkipDistance")
    one_second = next(a for a in skip_menu.actions() if a.text() == "1 s")
    one_second.trigger()
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    at_frame(qtbot, window, 25)  # 1 s at 25 fps
    engine_menu = window.findChild(QMenu, "menuPlaybackEngine")
    qt_engine = next(a for a in engine_menu.actions() if a.text() == "Qt Multimedia")
    qt_engine.trigger()
    assert QSettings().value("player/backend") == "qt"
    assert "next start" in window.statusBar().currentMessage()
    again = open_window(from_string(window.study.location.path), explicit=True)  # type: ignore[arg-type]
    qtbot.addWidget(again)
    assert again.playerPanel.player.backend.name == "qt"
    again.close()
    QSettings().remove("player/backend")
    QSettings().remove("player/skip_seconds")
