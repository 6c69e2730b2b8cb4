"""The video chosen in the list is shown a moment after the choice (issue 18).

Choosing a row used to show the video in the same turn of the event loop as the click:
the list's own repaint, the coding session's reads, every dock's refresh and the window's
repaint made one stall of 20-28 ms on a quiet machine (60-80 ms at load). Shown from a
1-ms timer, the click and the showing are two turns, with the window answering in between.
The timer first has what the showing reads read on another thread (``prepare``), and the
video is shown when that is done: the showing then reads nothing itself.

A key or mouse press in the window first shows the chosen video (reading for itself), so a
key meant for the new video never acts on the one still open. Code that needs the shown
video to be the chosen one calls ``now()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

_PRESSES = frozenset(
    {QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
     QEvent.Type.MouseButtonDblClick}
)  # fmt: skip


class ShowSoon(QObject):
    """Runs ``show`` once, soon after the last ``request`` (after ``prepare`` has read for
    it), or at once before a press."""

    def __init__(
        self,
        window: QWidget,
        show: Callable[[Any], None],
        prepare: Callable[[Callable[[Any], None]], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window, self._show, self._prepare = window, show, prepare
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._run)
        self._filtering = False  # (the filter is on exactly while a showing waits)
        self._asked = 0  # the latest request: an older one's preparation is dropped

    def request(self) -> None:
        """Show the chosen video soon (a later request before then replaces this one)."""
        self._asked += 1
        self._timer.start()
        self._filter(True)  # only while one is waiting: every event of the app passes here

    def now(self) -> None:
        """Show the chosen video at once, if one is waiting."""
        if self._filtering:
            self._finish(None)

    def cancel(self) -> None:
        """Forget the waiting one (the caller shows the chosen video itself)."""
        self._asked += 1
        self._timer.stop()
        self._filter(False)

    def _run(self) -> None:
        if self._prepare is None:
            self._finish(None)
            return
        asked = self._asked
        self._prepare(lambda prepared: self._prepared(asked, prepared))

    def _prepared(self, asked: int, prepared: Any) -> None:
        if asked == self._asked and self._filtering:  # still the one waiting
            self._finish(prepared)

    def _finish(self, prepared: Any) -> None:
        self.cancel()
        self._show(prepared)

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
            and self._filtering
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self._finish(None)
        return False
