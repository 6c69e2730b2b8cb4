"""The main window's size, position and dock layout, kept between sessions in QSettings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt

if TYPE_CHECKING:
    from eas_coder.gui.window.main_window import MainWindow


def restore_layout(window: MainWindow) -> None:
    """The layout saved last time, or on first start one that fits 1366×768."""
    settings = QSettings()
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    if isinstance(state, QByteArray):
        window.restoreState(state)
        return
    # First start: room for the rating bars (1–7 by halves) without clipping at 1366×768.
    window.resizeDocks([window.videosDock], [300], Qt.Orientation.Horizontal)
    window.resizeDocks(
        [window.ratingDock, window.segmentsDock], [420, 420], Qt.Orientation.Horizontal
    )
    window.resizeDocks(
        [window.segmentsDock, window.ratingDock], [170, 480], Qt.Orientation.Vertical
    )


def save_layout(window: MainWindow) -> None:
    """Keep the window's geometry and dock state for the next start."""
    settings = QSettings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
