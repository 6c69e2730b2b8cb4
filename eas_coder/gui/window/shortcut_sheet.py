"""F1: every keyboard shortcut of the window, grouped by menu, searchable; read-only."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.window.shortcuts import NAME, by_menu, display_text, plain_text, shortcut_text


class ShortcutSheet(QDialog):
    """F1: every shortcut, grouped by menu, searchable; read-only."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.searchEdit = QLineEdit(self)
        self.searchEdit.setObjectName("searchEdit")
        self.searchEdit.setPlaceholderText("Search…")
        self.searchEdit.setClearButtonEnabled(True)
        self.searchEdit.setAccessibleName("Search shortcuts")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("sheetTree")
        self.tree.setHeaderLabels(["Keys", "What"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setAlternatingRowColors(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.setObjectName("buttons")
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.searchEdit, self.tree, self.buttons):
            layout.addWidget(widget)
        self._fill(actions)
        self.searchEdit.textChanged.connect(self._on_search_changed)
        self.searchEdit.setFocus()
        self.resize(560, 600)  # the tree scrolls; fits a 1366×768 screen with room to spare

    def _fill(self, actions: Sequence[QAction]) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        groups: dict[str, QTreeWidgetItem] = {}
        for menu, action in by_menu(actions):
            keys = display_text(shortcut_text(action))
            if not keys:
                continue  # a sheet of keys: actions without one are only noise here
            group = groups.get(menu)
            if group is None:
                group = groups[menu] = QTreeWidgetItem(self.tree, [menu])
                group.setFirstColumnSpanned(True)
                group.setFont(0, bold)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item = QTreeWidgetItem(group, [keys, plain_text(action.text())])
            item.setFont(0, mono)
            item.setData(0, NAME, action.objectName())
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def groups(self) -> dict[str, list[tuple[str, str]]]:
        """Menu -> visible (keys, what) rows, as shown."""
        shown: dict[str, list[tuple[str, str]]] = {}
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group.isHidden():
                continue
            rows = [group.child(i) for i in range(group.childCount())]
            shown[group.text(0)] = [(r.text(0), r.text(1)) for r in rows if not r.isHidden()]
        return shown

    def _on_search_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            in_group = needle in group.text(0).casefold()
            visible = 0
            for i in range(group.childCount()):
                item = group.child(i)
                hit = in_group or needle in f"{item.text(0)} {item.text(1)}".casefold()
                item.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)
