"""Window shortcuts work wherever the keyboard is, search boxes included (issue 23).

A text field is offered every key before the window's shortcuts (Qt's ShortcutOverride) and
takes some that are not typing: on Linux a QLineEdit takes Ctrl+E (end of line, from Emacs),
so File ▸ Export… did nothing while the Videos search had the keyboard. Here a key with
Ctrl, Alt or Meta that is an enabled shortcut of the window goes to the window, unless it is
one a text field needs for its text (copy, cut, paste, select all, its own undo and redo,
word moves and deletes), which stay the field's.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from eas_coder.gui.rating.score_row import NoteEdit

_Std = QKeySequence.StandardKey
TEXT_KEYS = (
    _Std.Copy, _Std.Cut, _Std.Paste, _Std.SelectAll, _Std.Undo, _Std.Redo,
    _Std.MoveToNextWord, _Std.MoveToPreviousWord, _Std.SelectNextWord,
    _Std.SelectPreviousWord, _Std.DeleteEndOfWord, _Std.DeleteStartOfWord,
)  # fmt: skip
_COMMANDS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class WindowKeysEverywhere(QObject):
    """An application event filter giving one window's shortcuts back to it."""

    def __init__(self, frame: QMainWindow, actions: Mapping[str, QAction]) -> None:
        super().__init__(frame)  # goes (and stops filtering) with the window
        self.frame, self.actions = frame, actions
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def is_window_shortcut(self, event: QKeyEvent) -> bool:
        """True for a command key (Ctrl/Alt/Meta) that an enabled window action carries."""
        if not event.modifiers() & _COMMANDS or any(map(event.matches, TEXT_KEYS)):
            return False
        pressed = QKeySequence(event.keyCombination())
        return any(
            action.isEnabled() and pressed in action.shortcuts() for action in self.actions.values()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and watched.window() is self.frame
            and self.is_window_shortcut(event)
        ):
            if isinstance(watched, NoteEdit):  # the field never sees the key: finish it here,
                watched.finish_in_place()  # as the shortcut may re-read or lock the target
            event.ignore()  # not the field's: Qt goes on to the window's shortcut
            return True
        return super().eventFilter(watched, event)
