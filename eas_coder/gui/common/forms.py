"""Load Qt Designer forms (``ui/*.ui``) onto an existing widget instance.

QUiLoader normally builds a new top-level widget; returning ``base`` for the top-level lets
our own QMainWindow subclass own the form's menus, actions and children.
"""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from eas_coder.resources import ui_dir


class _OntoLoader(QUiLoader):
    def __init__(self, base: QWidget) -> None:
        super().__init__(base)
        self._base = base

    def createWidget(
        self, class_name: str, parent: QWidget | None = None, name: str = ""
    ) -> QWidget:
        if parent is None:
            return self._base
        widget = super().createWidget(class_name, parent, name)
        widget.setObjectName(name)
        return widget


def load_form(base: QWidget, form: str) -> None:
    """Build ``ui/<form>`` onto ``base``; children become attributes named by objectName."""
    path = ui_dir() / form
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"{path}: cannot open the form ({file.errorString()})")
    try:
        loaded = _OntoLoader(base).load(file, None)
    finally:
        file.close()
    if loaded is None:
        raise RuntimeError(f"{path}: Qt could not build the form")
    for child in base.findChildren(QObject):
        name = child.objectName()
        if name and not name.startswith("qt_") and not hasattr(type(base), name):
            setattr(base, name, child)
