"""The main window's size, position and dock layout, kept between sessions in QSettings.

Works on any ``QMainWindow`` and the docks it is given (not on the main window itself)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu


def restore_layout(
    frame: QMainWindow, videos: QDockWidget, rating: QDockWidget, segments: QDockWidget
) -> None:
    """The layout saved last time, or on first start one that fits 1280×720 and 1920×1080."""
    settings = QSettings()
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    if isinstance(geometry, QByteArray):
        frame.restoreGeometry(geometry)
    if isinstance(state, QByteArray):
        frame.restoreState(state)
        return

    # First start: room for the rating bars (1–7 by halves) without clipping at 1280×720; a
    # wider screen gives the docks a share of its room too (the Videos list its Duration,
    # the Segments table its times), the video keeps the most.
    # Sized again once shown: before, the window's own size is not known yet.
    def share() -> None:
        videos_w, side_w = first_widths(frame.width())
        frame.resizeDocks([videos], [videos_w], Qt.Orientation.Horizontal)
        frame.resizeDocks([rating, segments], [side_w, side_w], Qt.Orientation.Horizontal)
        frame.resizeDocks([segments, rating], [170, 480], Qt.Orientation.Vertical)

    share()
    QTimer.singleShot(0, share)


def first_widths(screen_width: int) -> tuple[int, int]:
    """The Videos dock's and the right-hand docks' widths on first start for a screen."""
    videos = max(300, min(440, screen_width * 22 // 100))
    side = max(420, min(560, screen_width * 27 // 100))
    return videos, side


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
