"""The main window's size, position and dock layout, kept between sessions in QSettings.

Works on any ``QMainWindow`` and the docks it is given (not on the main window itself)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu


def restore_layout(
    frame: QMainWindow, videos: QDockWidget, rating: QDockWidget, segments: QDockWidget
) -> None:
    """The layout saved last time, or on first start one that fits 1366×768."""
    settings = QSettings()
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    if isinstance(geometry, QByteArray):
        frame.restoreGeometry(geometry)
    if isinstance(state, QByteArray):
        frame.restoreState(state)
        return
    # First start: room for the rating bars (1–7 by halves) without clipping at 1366×768.
    frame.resizeDocks([videos], [300], Qt.Orientation.Horizontal)
    frame.resizeDocks([rating, segments], [420, 420], Qt.Orientation.Horizontal)
    frame.resizeDocks([segments, rating], [170, 480], Qt.Orientation.Vertical)


def save_layout(frame: QMainWindow) -> None:
    """Keep the window's geometry and dock state for the next start."""
    settings = QSettings()
    settings.setValue("window/geometry", frame.saveGeometry())
    settings.setValue("window/state", frame.saveState())


def add_beside(frame: QMainWindow, dock: QDockWidget, beside: QDockWidget, menu: QMenu) -> None:
    """Put ``dock`` in a tab with ``beside`` (which stays in front), listed in ``menu``."""
    frame.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    frame.tabifyDockWidget(beside, dock)
    beside.raise_()
    menu.addAction(dock.toggleViewAction())
