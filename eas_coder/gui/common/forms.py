"""Load Qt Designer forms (``ui/*.ui``) onto an existing widget instance.

QUiLoader normally builds a new top-level widget; returning ``base`` for the top-level lets
our own QMainWindow subclass own the form's menus, actions and children.

One loader serves every form, made without Designer's plugins: a QUiLoader loads every
plugin in the ``designer`` folders of Qt's library paths as it is made, and PySide6 ships
three (QtWebEngine's view among them: 30-37 ms and 29 MB of memory at start-up, issue 18)
while our forms use Qt's own widgets only. The objects the form names are collected as the
loader makes them, rather than by ``findChildren`` afterwards, which would also wrap every
internal child Qt made (scroll bars, line-edit internals, …) and so set up many Python
wrapper types the window never uses.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QLayout, QWidget

from eas_coder.resources import ui_dir


class _OntoLoader(QUiLoader):
    """Builds a form onto ``base`` and records the (name, object) pairs the form names."""

    def __init__(self) -> None:
        super().__init__()
        self._base: QWidget | None = None
        self._named: list[tuple[str, QObject]] = []

    def load_onto(
        self, base: QWidget, file: QFile
    ) -> tuple[QWidget | None, list[tuple[str, QObject]]]:
        self._base, self._named = base, []
        try:
            return self.load(file, None), self._named
        finally:
            self._base, self._named = None, []

    def createWidget(
        self, class_name: str, parent: QWidget | None = None, name: str = ""
    ) -> QWidget:
        if parent is None and self._base is not None:
            return self._base
        widget = super().createWidget(class_name, parent, name)
        widget.setObjectName(name)
        self._named.append((name, widget))
        return widget

    def createLayout(
        self, class_name: str, parent: QObject | None = None, name: str = ""
    ) -> QLayout:
        layout = super().createLayout(class_name, parent, name)
        self._named.append((name, layout))
        return layout

    def createAction(self, parent: QObject | None = None, name: str = "") -> QAction:
        action = super().createAction(parent, name)
        self._named.append((name, action))
        return action

    def createActionGroup(self, parent: QObject | None = None, name: str = "") -> QActionGroup:
        group = super().createActionGroup(parent, name)
        self._named.append((name, group))
        return group


_loader: _OntoLoader | None = None


def load_form(base: QWidget, form: str) -> None:
    """Build ``ui/<form>`` onto ``base``; children become attributes named by objectName."""
    global _loader
    path = ui_dir() / form
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"{path}: cannot open the form ({file.errorString()})")
    if _loader is None:
        paths = QCoreApplication.libraryPaths()
        QCoreApplication.setLibraryPaths([])  # where the loader looks for plugins, as it is made
        try:
            _loader = _OntoLoader()
        finally:
            QCoreApplication.setLibraryPaths(paths)
    try:
        loaded, named = _loader.load_onto(base, file)
    finally:
        file.close()
    if loaded is None:
        raise RuntimeError(f"{path}: Qt could not build the form")
    for name, child in named:
        if name and not name.startswith("qt_") and not hasattr(type(base), name):
            setattr(base, name, child)
