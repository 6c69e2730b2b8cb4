"""The scheme editor's page for one dimension, in tabs: Scale (label, key, side, type, how its
score is given, range or zone levels), Items, Cut-offs (per band, with their source) and
Anchors. What is typed goes into the draft at once; ``edited`` says so."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.manager.scheme_editor_model import DimensionDraft, SchemeDraft, parse_number
from eas_coder.gui.manager.scheme_editor_pages import button, cell, hint, make_table, texts
from eas_coder.scheme import Dimension
from eas_coder.scheme_write import toml_number

DERIVE_CHOICES = (
    ("Typed directly (items are notes)", None),
    ("Sum of items", "sum"),
    ("Mean of items", "mean"),
)
_KEY_TIP = "What exports and stored ratings use; it stays once saved (change the label instead)."


def _spin(name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(-10_000, 10_000)
    spin.setDecimals(4)
    spin.setSingleStep(0.5)
    return spin


def _number(value: float | None) -> str:
    return "" if value is None else toml_number(value)


class DimensionPage(QWidget):
    """Edits one ``DimensionDraft`` of the draft."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: SchemeDraft | None = None
        self.dim: DimensionDraft | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dimensionTabs")
        self.tabs.addTab(self._scale_tab(), "&Scale")
        self.tabs.addTab(self._items_tab(), "&Items")
        self.tabs.addTab(self._cutoffs_tab(), "&Cut-offs")
        self.tabs.addTab(self._anchors_tab(), "&Anchors")
        layout.addWidget(self.tabs)

    # -- building ---------------------------------------------------------------------------

    def _scale_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.labelEdit = QLineEdit()
        self.labelEdit.setObjectName("dimensionLabelEdit")
        self.keyEdit = QLineEdit()
        self.keyEdit.setObjectName("dimensionKeyEdit")
        self.sideBox = QComboBox()
        self.sideBox.setObjectName("sideBox")
        self.sideBox.addItem("Adult", "adult")
        self.sideBox.addItem("Child", "child")
        self.typeBox = QComboBox()
        self.typeBox.setObjectName("typeBox")
        self.typeBox.addItem("Scale (a number)", "score")
        self.typeBox.addItem("Zone (ordered labels)", "zone")
        self.deriveBox = QComboBox()
        self.deriveBox.setObjectName("deriveBox")
        for text, rule in DERIVE_CHOICES:
            self.deriveBox.addItem(text, rule)
        self.minSpin, self.maxSpin, self.stepSpin = (
            _spin("minSpin"),
            _spin("maxSpin"),
            _spin("stepSpin"),
        )
        self.rangeRow = QWidget()
        row = QHBoxLayout(self.rangeRow)
        row.setContentsMargins(0, 0, 0, 0)
        for text, spin in (("from", self.minSpin), ("to", self.maxSpin), ("by", self.stepSpin)):
            row.addWidget(QLabel(text))
            row.addWidget(spin, 1)
        self.rangeNote = hint("")
        self.rangeNote.setObjectName("rangeNote")
        self.levelsEdit = QPlainTextEdit()
        self.levelsEdit.setObjectName("levelsEdit")
        self.levelsEdit.setPlaceholderText("One level per line, lowest first")
        self.levelsEdit.setMaximumHeight(100)
        self.descriptionEdit = QPlainTextEdit()
        self.descriptionEdit.setObjectName("dimensionDescriptionEdit")
        self.descriptionEdit.setMaximumHeight(70)
        form.addRow("&Label:", self.labelEdit)
        form.addRow("Key:", self.keyEdit)
        form.addRow("Si&de:", self.sideBox)
        form.addRow("&Type:", self.typeBox)
        form.addRow("Sc&ore:", self.deriveBox)
        form.addRow("&Range:", self.rangeRow)
        form.addRow("", self.rangeNote)
        form.addRow("Zone le&vels:", self.levelsEdit)
        form.addRow("Descri&ption:", self.descriptionEdit)
        self.labelEdit.textEdited.connect(lambda t: self._set("label", t))
        self.keyEdit.textEdited.connect(lambda t: self._set("key", t))
        self.sideBox.activated.connect(lambda _i: self._set("side", self.sideBox.currentData()))
        self.typeBox.currentIndexChanged.connect(
            lambda _i: self._set("kind", self.typeBox.currentData())
        )
        self.deriveBox.currentIndexChanged.connect(
            lambda _i: self._set("derive", self.deriveBox.currentData())
        )
        self.minSpin.valueChanged.connect(lambda v: self._set("minimum", v))
        self.maxSpin.valueChanged.connect(lambda v: self._set("maximum", v))
        self.stepSpin.valueChanged.connect(lambda v: self._set("step", v))
        self.levelsEdit.textChanged.connect(
            lambda: self._set("levels", self.levelsEdit.toPlainText().splitlines())
        )
        self.descriptionEdit.textChanged.connect(
            lambda: self._set("description", self.descriptionEdit.toPlainText())
        )
        self.form = form
        return tab

    def _table_tab(
        self, table: QTableWidget, note: QLabel, buttons: tuple[QWidget, ...] = ()
    ) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(note)
        layout.addWidget(table)
        if buttons:
            row = QHBoxLayout()
            for widget in buttons:
                row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        return tab

    def _items_tab(self) -> QWidget:
        self.itemsTable = make_table("itemsTable", ("Key", "Label", "Min", "Max", "Step"), 1)
        self.itemsNote = hint(
            "Items are scored under their dimension. With Score set to a sum or mean the "
            "dimension's score follows from them."
        )
        self.addItemButton = button("&Add item", "addItemButton")
        self.removeItemButton = button("&Remove item", "removeItemButton")
        self.itemsTable.itemChanged.connect(self._on_items)
        self.addItemButton.clicked.connect(self._add_item)
        self.removeItemButton.clicked.connect(self._remove_item)
        return self._table_tab(
            self.itemsTable, self.itemsNote, (self.addItemButton, self.removeItemButton)
        )

    def _cutoffs_tab(self) -> QWidget:
        self.cutoffsTable = make_table("cutoffsTable", ("Band", "Starts at (lower bound)"), 1)
        self.cutoffsNote = hint("")
        self.sourceEdit = QLineEdit()
        self.sourceEdit.setObjectName("sourceEdit")
        self.sourceEdit.setPlaceholderText(
            "e.g. our lab's EAS training, 2024 — shown in the codebook"
        )
        self.cutoffsTable.itemChanged.connect(self._on_cutoffs)
        self.sourceEdit.textEdited.connect(lambda t: self._set("cutoffs_source", t))
        tab = self._table_tab(self.cutoffsTable, self.cutoffsNote)
        form = QFormLayout()
        form.addRow("&Source (citation):", self.sourceEdit)
        layout = tab.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addLayout(form)
        return tab

    def _anchors_tab(self) -> QWidget:
        self.anchorsTable = make_table("anchorsTable", ("Score", "Anchor text"), 1)
        note = hint("Your lab's own words beside a score (no manual text is shipped).")
        self.addAnchorButton = button("&Add anchor", "addAnchorButton")
        self.removeAnchorButton = button("&Remove anchor", "removeAnchorButton")
        self.anchorsTable.itemChanged.connect(self._on_anchors)
        self.addAnchorButton.clicked.connect(self._add_anchor)
        self.removeAnchorButton.clicked.connect(self._remove_anchor)
        return self._table_tab(
            self.anchorsTable, note, (self.addAnchorButton, self.removeAnchorButton)
        )

    # -- showing ----------------------------------------------------------------------------

    def show_dimension(
        self, draft: SchemeDraft, dim: DimensionDraft, checked: Dimension | None
    ) -> None:
        """Fill the page from ``dim`` (``checked``: the dimension as the reader made it, for
        the range a sum or mean gives)."""
        self.draft = self.dim = None  # filling is not editing
        self.title.setText(dim.name())
        self.labelEdit.setText(dim.label)
        self.keyEdit.setText(dim.key)
        self.keyEdit.setReadOnly(dim.stored)
        self.keyEdit.setToolTip(_KEY_TIP)
        self.sideBox.setCurrentIndex(max(self.sideBox.findData(dim.side), 0))
        self.typeBox.setCurrentIndex(max(self.typeBox.findData(dim.kind), 0))
        self.deriveBox.setCurrentIndex(max(self.deriveBox.findData(dim.derive), 0))
        for spin, value in (
            (self.minSpin, dim.minimum),
            (self.maxSpin, dim.maximum),
            (self.stepSpin, dim.step),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        if self.levelsEdit.toPlainText().splitlines() != dim.levels:
            self.levelsEdit.setPlainText("\n".join(dim.levels))
        if self.descriptionEdit.toPlainText() != dim.description:
            self.descriptionEdit.setPlainText(dim.description)
        self._fill_tables(draft, dim)
        self.sourceEdit.setText(dim.cutoffs_source)
        self.draft, self.dim = draft, dim
        self.update_state(checked)

    def update_state(self, checked: Dimension | None) -> None:
        """Show only what this dimension's type and rule use."""
        dim, draft = self.dim, self.draft
        if dim is None or draft is None:
            return
        self.title.setText(dim.name())
        zone, derived = dim.kind == "zone", dim.kind != "zone" and dim.derive is not None
        self.form.setRowVisible(self.deriveBox, not zone)
        self.form.setRowVisible(self.rangeRow, not zone and not derived)
        self.form.setRowVisible(self.levelsEdit, zone)
        if zone:
            self.rangeNote.setText("Levels are stored as 1, 2, … lowest first.")
        elif derived and checked is not None and checked.derive is not None:
            s = checked.scale
            self.rangeNote.setText(
                f"The score is the {dim.derive} of its items: {s.minimum:g}–{s.maximum:g} "
                f"by {s.step:g} (the range follows from its items)."
            )
        elif derived:
            self.rangeNote.setText(
                f"The score is the {dim.derive} of its items: the range follows from its items."
            )
        else:
            self.rangeNote.setText("")
        self.rangeNote.setVisible(bool(self.rangeNote.text()))
        for index, on in ((1, not zone), (2, not zone and bool(draft.bands))):
            self.tabs.setTabEnabled(index, on)
        if not draft.bands:
            self.cutoffsNote.setText("The scheme has no bands: add them on the Bands page first.")
        else:
            first = draft.bands[0].label or draft.bands[0].key
            self.cutoffsNote.setText(
                f"“{first}” starts at the dimension's minimum. Give where each band after it "
                "starts, or leave them all empty until your lab has them (no band is shown then)."
            )

    def _fill_tables(self, draft: SchemeDraft, dim: DimensionDraft) -> None:
        for table in (self.itemsTable, self.cutoffsTable, self.anchorsTable):
            table.blockSignals(True)
            table.setRowCount(0)
        for n, item in enumerate(dim.items):
            self.itemsTable.insertRow(n)
            self.itemsTable.setItem(
                n, 0, cell(item.key, not item.stored, _KEY_TIP if item.stored else "")
            )
            self.itemsTable.setItem(n, 1, cell(item.label))
            for c, value in enumerate((item.minimum, item.maximum, item.step), start=2):
                self.itemsTable.setItem(n, c, cell(_number(value)))
        for n, band in enumerate(draft.bands[1:]):
            self.cutoffsTable.insertRow(n)
            self.cutoffsTable.setItem(n, 0, cell(band.label or band.key, editable=False))
            self.cutoffsTable.setItem(n, 1, cell(_number(dim.cutoffs.get(band.key))))
        for n, (score, text) in enumerate(dim.anchors):
            self.anchorsTable.insertRow(n)
            self.anchorsTable.setItem(n, 0, cell(_number(score)))
            self.anchorsTable.setItem(n, 1, cell(text))
        for table in (self.itemsTable, self.cutoffsTable, self.anchorsTable):
            table.blockSignals(False)

    # -- editing ----------------------------------------------------------------------------

    def _set(self, name: str, value: object) -> None:
        if self.dim is not None:
            setattr(self.dim, name, value)
            self.edited.emit()

    def _on_items(self, _item: QTableWidgetItem) -> None:
        if self.dim is None:
            return
        for n, item in enumerate(self.dim.items):
            key, label, low, high, step = texts(self.itemsTable, n)
            item.key, item.label = key, label
            item.minimum, item.maximum, item.step = map(parse_number, (low, high, step))
        self.edited.emit()

    def _on_cutoffs(self, _item: QTableWidgetItem) -> None:
        if self.dim is None or self.draft is None:
            return
        for n, band in enumerate(self.draft.bands[1:]):
            text = texts(self.cutoffsTable, n)[1].strip()
            self.dim.cutoffs[band.key] = parse_number(text) if text else None
        self.edited.emit()

    def _on_anchors(self, _item: QTableWidgetItem) -> None:
        if self.dim is None:
            return
        self.dim.anchors = [
            (parse_number(score), text)
            for score, text in (
                texts(self.anchorsTable, n) for n in range(self.anchorsTable.rowCount())
            )
        ]
        self.edited.emit()

    def _refill(self, table: QTableWidget, row: int, column: int) -> None:
        draft, dim = self.draft, self.dim
        if draft is None or dim is None:
            return
        self._fill_tables(draft, dim)
        self.edited.emit()
        if 0 <= row < table.rowCount():
            target = table.item(row, column)
            table.setCurrentItem(target)
            table.editItem(target)  # the label (or text) is typed next

    def _add_item(self) -> None:
        if self.draft is not None and self.dim is not None:
            self.draft.add_item(self.dim)
            self._refill(self.itemsTable, len(self.dim.items) - 1, 1)

    def _remove_item(self) -> None:
        row = self.itemsTable.currentRow()
        if self.dim is not None and 0 <= row < len(self.dim.items):
            del self.dim.items[row]
            self._refill(self.itemsTable, -1, 0)

    def _add_anchor(self) -> None:
        if self.dim is None:
            return
        used = {score for score, _ in self.dim.anchors}
        score = next(
            (v for v in (self.dim.minimum, self.dim.maximum) if v not in used), self.dim.minimum
        )
        self.dim.anchors.append((score, ""))
        self._refill(self.anchorsTable, len(self.dim.anchors) - 1, 1)

    def _remove_anchor(self) -> None:
        row = self.anchorsTable.currentRow()
        if self.dim is not None and 0 <= row < len(self.dim.anchors):
            del self.dim.anchors[row]
            self._refill(self.anchorsTable, -1, 0)
