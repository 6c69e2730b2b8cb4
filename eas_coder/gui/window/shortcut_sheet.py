"""F1: every key and gesture of the window: the menus' shortcuts (as each person set them),
then the keys the rating panel and the timeline take while they have the keyboard, and the
mouse gestures; grouped, searchable, read-only."""

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

# Keys and gestures that belong to no menu action: they act where the keyboard or the mouse
# is. Kept beside the widgets' code in meaning: rating/control.py, rating/score_row.py,
# timeline/timeline.py and view.py, timeline/edit.py, coding/segment_table.py.
WIDGET_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Rating panel (a score has the keyboard)", (
        ("1 … 9, 0", "Type the score (two digits within a second for 10 and up)"),
        (". or ,", "Add a half (or the fraction) to the score just typed: 5 . 5 is 5.5"),
        ("Enter", "Keep the score, go to the next dimension"),
        ("Backspace, Del", "Clear the score"),
        ("Up / Down", "One step higher / lower on the scale"),
        ("N", "Write a note for this score (why this score?)"),
        ("Escape (in a note)", "Keep the note, give the keyboard back to the player"),
    )),
    ("Timeline (it has the keyboard)", (
        ("+ / -", "Zoom in / out around the playhead"),
        ("0", "Zoom to the whole video"),
        ("Escape", "Cancel a drag that is drawing or moving a segment"),
    )),
    ("Mouse on the timeline", (
        ("Click, drag", "Go to that time; drag to scrub"),
        ("Drag in your lane", "Draw a new segment (start in its empty part)"),
        ("Ctrl+drag", "Draw a new segment wherever the drag starts"),
        ("Alt+drag", "The same (some desktops move the window on Alt+drag: use Ctrl)"),
        ("Drag a segment's edge", "Move its start or end (snaps to frames)"),
        ("Click a segment", "Select it to rate it"),
        ("Shift+drag", "Select a time range (then Segment from Selection)"),
        ("Ctrl+wheel, pinch", "Zoom around the mouse"),
        ("Wheel", "Scroll a zoomed timeline"),
    )),
    ("Mouse elsewhere", (
        ("Double-click a segment's cell", "Edit its episode or note in the Segments table"),
        ("Right-click a segment", "Split, merge or delete (Segments table)"),
        ("Drop video files", "Add them to the study (lab manager)"),
    )),
)  # fmt: skip


class ShortcutSheet(QDialog):
    """F1: every shortcut and gesture, grouped, searchable; read-only."""

    def __init__(
        self,
        actions: Sequence[QAction],
        parent: QWidget | None = None,
        widget_keys: Sequence[tuple[str, Sequence[tuple[str, str]]]] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keys and gestures")
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
        self._fill(actions, widget_keys)
        self.searchEdit.textChanged.connect(self._on_search_changed)
        self.searchEdit.setFocus()
        self.resize(640, 600)  # the tree scrolls; fits a 1366×768 screen with room to spare

    def _fill(
        self,
        actions: Sequence[QAction],
        widget_keys: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    ) -> None:
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
        for title, rows in widget_keys:  # the window passes WIDGET_KEYS
            group = QTreeWidgetItem(self.tree, [title])
            group.setFirstColumnSpanned(True)
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for keys, what in rows:
                QTreeWidgetItem(group, [keys, what]).setFont(0, mono)
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
