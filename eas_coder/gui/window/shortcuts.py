"""Keyboard shortcuts: people's own keys kept in QSettings, and the editor (the F1 sheet is
``shortcut_sheet.py``).

Shortcuts are stored per action objectName under ``shortcuts/<objectName>`` in PortableText
(``"Ctrl+J"``; several sequences joined by ``"; "``; an empty string means "no shortcut").
Only keys that differ from the default are stored, so a changed default reaches everyone who
kept it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMenu,
    QTableWidgetItem,
    QWidget,
)

from eas_coder.gui.common.forms import load_form

SETTINGS_GROUP = "shortcuts"
OTHER = "Other"
_PORTABLE = QKeySequence.SequenceFormat.PortableText
_NATIVE = QKeySequence.SequenceFormat.NativeText
_CONFLICT = QColor("#b42318")
NAME = Qt.ItemDataRole.UserRole
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def plain_text(text: str) -> str:
    """Menu text without mnemonic ampersands ("&&" stays a literal "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def listed(actions: Iterable[QAction]) -> list[QAction]:
    """Actions that can carry a shortcut: named, with text, not separators nor submenus."""
    seen: set[str] = set()
    found = []
    for action in actions:
        name = action.objectName()
        if not name or not action.text() or action.isSeparator() or action.menu() is not None:
            continue
        if name not in seen:
            seen.add(name)
            found.append(action)
    return found


def _titled_menu(obj: QAction) -> QMenu | None:
    menus = [m for m in obj.associatedObjects() if isinstance(m, QMenu)]
    titled = [m for m in menus if m.title()]
    return (titled or menus or [None])[0]


def menu_path(action: QAction) -> str:
    """The menu an action sits in ("Playback", "File ▸ Recent"), else "Other"."""
    titles: list[str] = []
    menu = _titled_menu(action)
    while menu is not None and len(titles) < 8:
        titles.insert(0, plain_text(menu.title()))
        menu = _titled_menu(menu.menuAction())
    titles = [t for t in titles if t]
    return " ▸ ".join(titles) if titles else OTHER


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts in PortableText ("" when it has none)."""
    return QKeySequence.listToString(action.shortcuts(), _PORTABLE)


def display_text(portable: str) -> str:
    """PortableText shortcuts as the platform shows them (⌘ on macOS)."""
    return QKeySequence.listToString(_sequences(portable), _NATIVE)


def _sequences(portable: str) -> list[QKeySequence]:
    if not portable:
        return []
    return [s for s in QKeySequence.listFromString(portable, _PORTABLE) if not s.isEmpty()]


def set_shortcut_text(action: QAction, portable: str) -> None:
    """Give ``action`` these shortcuts; a tooltip ending in "(old keys)" follows along."""
    old = display_text(shortcut_text(action))
    action.setShortcuts(_sequences(portable))
    tip = action.toolTip()
    if old and tip.endswith(f"({old})"):
        base = tip[: -len(old) - 2].rstrip()
        new = display_text(portable)
        action.setToolTip(f"{base} ({new})" if new else base)


def _key(name: str) -> str:
    return f"{SETTINGS_GROUP}/{name}"


# Second keys the form cannot hold (one shortcut per action there): Ctrl+Y redoes as in most
# Windows and Office programs, beside Ctrl+Shift+Z (issue 23).
SECOND_KEYS = {"actionRedo": "Ctrl+Y"}


def capture_defaults(actions: Iterable[QAction]) -> dict[str, str]:
    """objectName -> default shortcut (PortableText); call once, before apply_saved(). The
    ``SECOND_KEYS`` join the form's keys first, so they are defaults a person may change."""
    found = listed(actions)
    for action in found:
        extra = SECOND_KEYS.get(action.objectName())
        if extra and extra not in shortcut_text(action).split("; "):
            set_shortcut_text(action, "; ".join(filter(None, (shortcut_text(action), extra))))
    return {a.objectName(): shortcut_text(a) for a in found}


def apply_saved(actions: Iterable[QAction]) -> None:
    """Set each action's shortcut from QSettings ``shortcuts/<objectName>`` when stored."""
    settings = QSettings()
    for action in listed(actions):
        key = _key(action.objectName())
        if settings.contains(key):
            set_shortcut_text(action, str(settings.value(key, "") or ""))


def save(changes: Mapping[str, str], defaults: Mapping[str, str] | None = None) -> None:
    """Store changed shortcuts; one equal to its entry in ``defaults`` is forgotten instead."""
    settings = QSettings()
    for name, portable in changes.items():
        if defaults is not None and defaults.get(name) == portable:
            settings.remove(_key(name))
        else:
            settings.setValue(_key(name), portable)
    settings.sync()


def reset_all() -> None:
    """Forget every stored shortcut (actions keep theirs until the next apply_saved)."""
    settings = QSettings()
    settings.remove(SETTINGS_GROUP)
    settings.sync()


def conflicts(assignments: Mapping[str, str]) -> dict[str, list[str]]:
    """Key sequence (PortableText) -> the object names sharing it, for shared ones only."""
    users: dict[str, list[str]] = {}
    for name, portable in assignments.items():
        for seq in _sequences(portable):
            names = users.setdefault(seq.toString(_PORTABLE), [])
            if name not in names:
                names.append(name)
    return {seq: names for seq, names in users.items() if len(names) > 1}


def by_menu(actions: Sequence[QAction]) -> list[tuple[str, QAction]]:
    """(menu, action) pairs, grouped by menu in order of first appearance."""
    paired = [(menu_path(a), a) for a in listed(actions)]
    order: dict[str, int] = {}
    for menu, _ in paired:
        order.setdefault(menu, len(order))
    return sorted(paired, key=lambda pair: order[pair[0]])


class ShortcutsDialog(QDialog):
    """Preferences ▸ Keyboard shortcuts: record, clear or reset each action's keys."""

    def __init__(
        self, actions: Sequence[QAction], defaults: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        load_form(self, "shortcuts_dialog.ui")
        rows = by_menu(actions)
        self._actions = {a.objectName(): a for _, a in rows}
        self._names = [a.objectName() for _, a in rows]
        self._current = {n: shortcut_text(a) for n, a in self._actions.items()}
        self._defaults = {n: defaults.get(n, self._current[n]) for n in self._names}
        self._pending = dict(self._current)
        self._loading = False
        self._fill(rows)
        self.messageLabel.hide()
        self.searchEdit.textChanged.connect(self._on_search_changed)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.itemDoubleClicked.connect(self._on_row_double_clicked)
        self.keyEdit.keySequenceChanged.connect(self._on_key_recorded)
        self.keyEdit.editingFinished.connect(self._on_recording_finished)
        self.clearButton.clicked.connect(self._on_clear)
        self.resetButton.clicked.connect(self._on_reset)
        self.resetAllButton.clicked.connect(self._on_reset_all)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.table.installEventFilter(self)
        self.searchEdit.installEventFilter(self)
        self._on_selection_changed()
        self.table.setFocus()

    def pending(self) -> dict[str, str]:
        """objectName -> shortcut (PortableText) as currently shown in the dialog."""
        return dict(self._pending)

    def _fill(self, rows: list[tuple[str, QAction]]) -> None:
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(["Action", "Menu", "Shortcut"])
        self.table.setRowCount(len(rows))
        self.table.verticalHeader().setVisible(False)
        for r, (menu, action) in enumerate(rows):
            for c, text in enumerate((plain_text(action.text()), menu, "")):
                item = QTableWidgetItem(text)
                item.setData(NAME, action.objectName())
                self.table.setItem(r, c, item)
        self._refresh()
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)

    def _selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self._names[rows[0].row()] if rows else None

    def _describe(self, name: str) -> str:
        return f"{plain_text(self._actions[name].text())} ({menu_path(self._actions[name])})"

    def _refresh(self) -> None:
        """Redraw shortcut cells and conflict marks from the pending assignments."""
        clash = conflicts(self._pending)
        others: dict[str, list[str]] = {}
        for names in clash.values():
            for name in names:
                others.setdefault(name, []).extend(n for n in names if n != name)
        for r, name in enumerate(self._names):
            portable = self._pending[name]
            default = display_text(self._defaults[name]) or "none"
            if name in others:
                tip = "Also used by " + ", ".join(self._describe(n) for n in others[name])
            else:
                tip = f"Default: {default}"
            for c in range(3):
                item = self.table.item(r, c)
                item.setToolTip(tip)
                if name in others:
                    item.setForeground(_CONFLICT)
                else:
                    item.setData(Qt.ItemDataRole.ForegroundRole, None)
            cell = self.table.item(r, 2)
            cell.setText(display_text(portable))
            font = cell.font()
            font.setBold(portable != self._defaults[name])  # bold = changed from default
            cell.setFont(font)
        if clash:
            seq, names = next(iter(clash.items()))
            users = " and ".join(self._describe(n) for n in names)
            self.messageLabel.setText(
                f"{display_text(seq)} is used by {users}. Give one of them another shortcut."
            )
        self.messageLabel.setVisible(bool(clash))
        self._on_search_changed(self.searchEdit.text())

    def _show_in_editor(self, name: str | None) -> None:
        self._loading = True
        try:
            seqs = _sequences(self._pending[name]) if name else []
            self.keyEdit.setKeySequence(seqs[0] if seqs else QKeySequence())
        finally:
            self._loading = False

    def _set_pending(self, portable: str) -> None:
        name = self._selected_name()
        if name is None:
            return
        self._pending[name] = portable
        self._refresh()

    def _on_search_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for r in range(self.table.rowCount()):
            hay = " ".join(self.table.item(r, c).text() for c in range(3)).casefold()
            self.table.setRowHidden(r, bool(needle) and needle not in hay)

    def _on_selection_changed(self) -> None:
        name = self._selected_name()
        self.editorBox.setEnabled(name is not None)
        self.editorLabel.setText(
            f"{plain_text(self._actions[name].text())}:" if name else "Choose an action above"
        )
        self._show_in_editor(name)

    def _on_row_double_clicked(self, _item: QTableWidgetItem) -> None:
        self.keyEdit.setFocus()

    def _on_key_recorded(self, seq: QKeySequence) -> None:
        if not self._loading:
            self._set_pending(seq.toString(_PORTABLE))

    def _on_recording_finished(self) -> None:
        if self.keyEdit.hasFocus():
            self.table.setFocus()  # ready to pick the next row with the arrow keys

    def _on_clear(self) -> None:
        self._set_pending("")
        self._show_in_editor(self._selected_name())

    def _on_reset(self) -> None:
        name = self._selected_name()
        if name is not None:
            self._set_pending(self._defaults[name])
            self._show_in_editor(name)

    def _on_reset_all(self) -> None:
        self._pending = dict(self._defaults)
        self._refresh()
        self._show_in_editor(self._selected_name())

    def _on_ok(self) -> None:
        clash = conflicts(self._pending)
        if clash:
            first = next(iter(clash.values()))[0]
            self.table.selectRow(self._names.index(first))
            self.messageLabel.show()
            return
        changes = {n: p for n, p in self._pending.items() if p != self._current[n]}
        save(changes, self._defaults)
        for name, portable in changes.items():
            set_shortcut_text(self._actions[name], portable)
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter would otherwise press OK: in the table it starts recording, in the search
        # field it moves to the results.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.table and key in _ENTER:
                if self._selected_name() is not None:
                    self.keyEdit.setFocus()
                return True
            if watched is self.searchEdit and (key in _ENTER or key == Qt.Key.Key_Down):
                self._focus_first_visible_row()
                return True
        return super().eventFilter(watched, event)

    def _focus_first_visible_row(self) -> None:
        for r in range(self.table.rowCount()):
            if not self.table.isRowHidden(r):
                self.table.selectRow(r)
                break
        self.table.setFocus()
