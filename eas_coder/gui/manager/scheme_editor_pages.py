"""The scheme editor's simple pages: the scheme's name and description, and one table page
used for the bands and for the episodes (key, label; add, remove, reorder), with the table
helpers the dimension page shares. Each page writes what is typed into the draft at once and
says so with ``edited``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.manager.scheme_editor_model import EntryDraft, SchemeDraft

_LOCKED = "Stored work may use this key, so it stays; change the label instead."


def make_table(name: str, headers: Sequence[str], stretch: int) -> QTableWidget:
    """A small editable table: a double-click, F2 or typing edits a cell."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def cell(text: str, editable: bool = True, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        item.setForeground(Qt.GlobalColor.darkGray)
    if tip:
        item.setToolTip(tip)
    return item


def texts(table: QTableWidget, row: int) -> list[str]:
    return [
        (table.item(row, c).text() if table.item(row, c) else "")
        for c in range(table.columnCount())
    ]


def button(text: str, name: str, tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAutoDefault(False)  # Enter in a cell commits the cell, never presses Save
    if tip:
        widget.setToolTip(tip)
    return widget


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class SchemePage(QWidget):
    """The scheme's own name, version label and description."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: SchemeDraft | None = None
        form = QFormLayout(self)
        self.idLabel = QLabel()
        self.idLabel.setObjectName("schemeIdLabel")
        self.idLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("schemeNameEdit")
        self.versionEdit = QLineEdit()
        self.versionEdit.setObjectName("schemeVersionEdit")
        self.versionEdit.setToolTip(
            "The scheme's own version label (the study numbers its versions itself)"
        )
        self.descriptionEdit = QPlainTextEdit()
        self.descriptionEdit.setObjectName("schemeDescriptionEdit")
        self.overlapCheck = QCheckBox("A coder's segments of a video may overlap")
        self.overlapCheck.setObjectName("overlapCheck")
        form.addRow("Id:", self.idLabel)
        form.addRow("&Name:", self.nameEdit)
        form.addRow("Version &label:", self.versionEdit)
        form.addRow("&Description:", self.descriptionEdit)
        form.addRow("", self.overlapCheck)
        form.addRow(
            hint(
                "Saving makes a new version of the study's scheme; every rating keeps the "
                "version it was given under."
            )
        )
        self.nameEdit.textEdited.connect(lambda t: self._set("name", t))
        self.versionEdit.textEdited.connect(lambda t: self._set("version", t))
        self.descriptionEdit.textChanged.connect(
            lambda: self._set("description", self.descriptionEdit.toPlainText())
        )
        self.overlapCheck.toggled.connect(lambda on: self._set("overlapping", on))

    def show_draft(self, draft: SchemeDraft) -> None:
        self.draft = None  # filling is not editing
        self.idLabel.setText(draft.id)
        self.nameEdit.setText(draft.name)
        self.versionEdit.setText(draft.version)
        if self.descriptionEdit.toPlainText() != draft.description:
            self.descriptionEdit.setPlainText(draft.description)
        self.overlapCheck.setChecked(draft.overlapping)
        self.draft = draft

    def _set(self, name: str, value: object) -> None:
        if self.draft is not None:
            setattr(self.draft, name, value)
            self.edited.emit()


class EntriesPage(QWidget):
    """Bands (lowest first, with the bands' note) or episodes: key and label per row."""

    edited = Signal()

    def __init__(self, kind: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind  # "bands" or "episodes"
        self.draft: SchemeDraft | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(hint(note))
        self.table = make_table(f"{kind}Table", ("Key", "Label"), 1)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        noun = "band" if kind == "bands" else "episode"
        self.addButton = button(f"&Add {noun}", f"add{noun.capitalize()}Button")
        self.removeButton = button("&Remove", f"remove{noun.capitalize()}Button")
        self.upButton = button("Move &Up", f"{noun}UpButton")
        self.downButton = button("Move Do&wn", f"{noun}DownButton")
        for widget in (self.addButton, self.removeButton, self.upButton, self.downButton):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.noteEdit: QLineEdit | None = None
        if kind == "bands":
            self.noteEdit = QLineEdit()
            self.noteEdit.setObjectName("bandsNoteEdit")
            self.noteEdit.setPlaceholderText("Where the bands come from, shown in the codebook")
            form = QFormLayout()
            form.addRow("Bands &note:", self.noteEdit)
            layout.addLayout(form)
            self.noteEdit.textEdited.connect(self._on_note)
        self.table.itemChanged.connect(self._on_changed)
        self.addButton.clicked.connect(self._add)
        self.removeButton.clicked.connect(self._remove)
        self.upButton.clicked.connect(lambda: self._move(-1))
        self.downButton.clicked.connect(lambda: self._move(1))

    def entries(self) -> list[EntryDraft]:
        assert self.draft is not None
        return self.draft.bands if self.kind == "bands" else self.draft.episodes

    def show_draft(self, draft: SchemeDraft, select: int | None = None) -> None:
        self.draft = None
        self.table.setRowCount(0)
        entries = draft.bands if self.kind == "bands" else draft.episodes
        for n, entry in enumerate(entries):
            self.table.insertRow(n)
            self.table.setItem(
                n, 0, cell(entry.key, not entry.stored, _LOCKED if entry.stored else "")
            )
            self.table.setItem(n, 1, cell(entry.label))
        if self.noteEdit is not None:
            self.noteEdit.setText(draft.bands_note)
        if select is not None and 0 <= select < len(entries):
            self.table.selectRow(select)
        self.draft = draft

    def _on_changed(self, _item: QTableWidgetItem) -> None:
        if self.draft is None:
            return
        for n, entry in enumerate(self.entries()):
            entry.key, entry.label = texts(self.table, n)
        self.draft.sync_cutoffs()
        self.edited.emit()

    def _on_note(self, text: str) -> None:
        if self.draft is not None:
            self.draft.bands_note = text
            self.edited.emit()

    def _add(self) -> None:
        if self.draft is None:
            return
        draft = self.draft
        fallback = "band" if self.kind == "bands" else "episode"
        draft.add_entry(self.entries(), f"New {fallback}", fallback)
        self.show_draft(draft, select=len(self.entries()) - 1)
        self.edited.emit()
        last = self.table.item(self.table.rowCount() - 1, 1)
        self.table.setCurrentItem(last)
        self.table.editItem(last)  # the label is typed next

    def _remove(self) -> None:
        row = self.table.currentRow()
        if self.draft is None or row < 0:
            return
        draft = self.draft
        del self.entries()[row]
        draft.sync_cutoffs()
        self.show_draft(draft, select=min(row, len(self.entries()) - 1))
        self.edited.emit()

    def _move(self, by: int) -> None:
        row = self.table.currentRow()
        if self.draft is None or row < 0 or not 0 <= row + by < len(self.entries()):
            return
        draft, entries = self.draft, self.entries()
        entries[row], entries[row + by] = entries[row + by], entries[row]
        self.show_draft(draft, select=row + by)
        self.edited.emit()
