"""The window's Playback and View actions, forwarded to the player panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMessageBox

from eas_coder.gui.player.choose import SETTING as ENGINE_SETTING
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.timecode import clock, parse_jump

SKIP_SETTING = "player/skip_seconds"
DEFAULT_SKIP_SECONDS = 5.0
SKIP_CHOICES = (1.0, 2.0, 5.0, 10.0, 30.0)
ENGINES = {"auto": "Automatic (VLC when installed)", "vlc": "VLC", "qt": "Qt Multimedia"}


def skip_ms() -> float:
    """Shift+←/→ distance in ms (a preference, 5 s unless changed)."""
    value = QSettings().value(SKIP_SETTING, DEFAULT_SKIP_SECONDS)
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = DEFAULT_SKIP_SECONDS
    return max(0.1, seconds) * 1000.0


def playback_actions(window: QMainWindow) -> dict[str, QAction]:
    """Every action of the window by object name."""
    return {a.objectName(): a for a in window.findChildren(QAction) if a.objectName()}


def connect_playback(window: QMainWindow, panel: PlayerPanel) -> None:
    """Wire the Playback and View menus (and so their shortcuts and buttons) to the panel."""
    actions = playback_actions(window)
    player, timeline = panel.player, panel.timeline
    handlers: dict[str, Callable[[], None]] = {
        "actionPlayPause": player.toggle,
        "actionNextFrame": lambda: player.step(1),
        "actionPreviousFrame": lambda: player.step(-1),
        "actionSkipForward": lambda: player.skip_ms(skip_ms()),
        "actionSkipBack": lambda: player.skip_ms(-skip_ms()),
        "actionGoToStart": player.go_to_start,
        "actionGoToEnd": player.go_to_end,
        "actionSlower": player.slower,
        "actionFaster": player.faster,
        "actionNormalSpeed": lambda: player.set_rate(1.0),
        "actionShuttleBack": player.shuttle_backward,
        "actionShuttlePause": player.pause,
        "actionShuttleForward": player.shuttle_forward,
        "actionJumpTo": lambda: jump_to(window, panel),
        "actionZoomIn": timeline.zoom_in,
        "actionZoomOut": timeline.zoom_out,
        "actionZoomFit": timeline.zoom_to_fit,
    }
    for name, handler in handlers.items():
        actions[name].triggered.connect(handler)
    _add_preference_menus(window)
    actions["actionMute"].toggled.connect(player.set_muted)
    actions["actionLoopSelection"].toggled.connect(lambda on: _toggle_loop(window, panel, on))
    panel.transport.bind(actions)


def _toggle_loop(window: QMainWindow, panel: PlayerPanel, on: bool) -> None:
    if not on:
        panel.player.clear_loop()
        panel.transport.show_loop(None)
        return
    selection = panel.timeline.selection()
    if selection is None or selection[1] <= selection[0]:
        playback_actions(window)["actionLoopSelection"].setChecked(False)
        window.statusBar().showMessage("Select a range first: Shift+drag on the timeline.", 6000)
        return
    panel.player.set_loop(*selection)
    panel.transport.show_loop(selection)


def jump_to(window: QMainWindow, panel: PlayerPanel) -> None:
    """Ctrl+G: ask for a time or frame number and go there."""
    index = panel.player.frame_index
    if index is None:
        return
    text, ok = QInputDialog.getText(
        window,
        "Jump to",
        f"Time (mm:ss or hh:mm:ss.fff) or frame number (0–{index.frame_count - 1}):",
        text=clock(panel.player.position_ms()),
    )
    if not ok:
        return
    try:
        target = parse_jump(text)
    except ValueError as exc:
        QMessageBox.warning(window, "Jump to", str(exc))
        return
    if target.frame is not None:
        if target.frame >= index.frame_count:
            QMessageBox.warning(
                window,
                "Jump to",
                f"Frame {target.frame} is past the last frame ({index.frame_count - 1}).",
            )
            return
        panel.player.seek_frame(target.frame)
    elif target.ms is not None:
        panel.player.seek_ms(target.ms)


def _add_preference_menus(window: QMainWindow) -> None:
    """Playback ▸ Skip Distance and Playback Engine: choices kept in QSettings."""
    menu = window.findChild(QMenu, "menuPlayback")
    if menu is None:
        return
    menu.addSeparator()
    skip_menu = menu.addMenu("Skip &Distance")
    skip_menu.setObjectName("menuSkipDistance")
    skip_group = QActionGroup(skip_menu)
    current = skip_ms() / 1000.0
    for seconds in SKIP_CHOICES:
        action = skip_menu.addAction(f"{seconds:g} s")
        action.setCheckable(True)
        action.setChecked(abs(seconds - current) < 1e-6)
        action.triggered.connect(lambda _=False, s=seconds: QSettings().setValue(SKIP_SETTING, s))
        skip_group.addAction(action)
    engine_menu = menu.addMenu("Playback &Engine")
    engine_menu.setObjectName("menuPlaybackEngine")
    engine_group = QActionGroup(engine_menu)
    saved = QSettings().value(ENGINE_SETTING, "auto")
    for key, label in ENGINES.items():
        action = engine_menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(saved == key)
        action.triggered.connect(lambda _=False, k=key: _choose_engine(window, k))
        engine_group.addAction(action)


def _choose_engine(window: QMainWindow, key: str) -> None:
    QSettings().setValue(ENGINE_SETTING, key)
    window.statusBar().showMessage(
        f"Playback engine: {ENGINES[key]} — used from the next start of EAS Coder.", 10_000
    )
