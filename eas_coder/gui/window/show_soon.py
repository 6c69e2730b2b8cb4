"""The video chosen in the list is shown a moment after the choice (issue 18).

Choosing a row used to show the video in the same turn of the event loop as the click:
the list's own repaint, the coding session's reads, every dock's refresh and the window's
repaint made one stall of 20-28 ms on a quiet machine (60-80 ms at load). Shown from a
1-ms timer, the click and the showing are two turns, with the window answering in between.

A key or mouse press in the window first shows the chosen video, so a key meant for the
new video never acts on the one still open. Code that needs the shown video to be the
chosen one calls ``now()``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

_PRESSES = frozenset(
    {QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
     QEvent.Type.MouseButtonDblClick}
)  # fmt: skip


class ShowSoon(QObject):
    """Runs ``show`` once, 1 ms after the last ``request``, or at once before a press."""

    def __init__(self, window: QWidget, show: Callable[[], None]) -> None:
        super().__init__(window)
        self._window, self._show = window, show
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._run)
        self._filtering = False

    def request(self) -> None:
        """Show the chosen video soon (a later request before then replaces this one)."""
        self._timer.start()
        self._filter(True)  # only while one is waiting: every event of the app passes here

    def now(self) -> None:
        """Show the chosen video at once, if one is waiting."""
        if self._timer.isActive():
            self._run()

    def cancel(self) -> None:
        """Forget the waiting one (the caller shows the chosen video itself)."""
        self._timer.stop()
        self._filter(False)

    def _run(self) -> None:
        self._timer.stop()
        self._filter(False)
        self._show()

    def _filter(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._filtering:
            return
        self._filtering = on
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _PRESSES
            and self._timer.isActive()
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self._run()
        return False
