"""The Scheme Editor dialog (opened from Tools ▸ Scheme Editor…, ``scheme_editor_action``).

A tree of the scheme's parts (the scheme, its bands, episodes and dimensions) beside the
page of the part chosen; the first problem is named under them, field by field, and Save
waits until there is none. Save makes the study's next scheme version through the core
(``Study.set_scheme``: one short audited transaction, as every save in the window), which
refuses a scheme that would leave out what stored work uses; the refusal is shown in plain
words and nothing changes. The versions so far are listed with when and by whom.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.errors import EasCoderError
from eas_coder.gui.manager.scheme_editor_dimension import DimensionPage
from eas_coder.gui.manager.scheme_editor_model import Node, SchemeDraft, in_labels
from eas_coder.gui.manager.scheme_editor_pages import EntriesPage, SchemePage, button, cell, hint
from eas_coder.scheme import Dimension, Scheme
from eas_coder.store.study import Study

TITLE = "Scheme Editor"
_ROLE = Qt.ItemDataRole.UserRole


class SchemeEditor(QDialog):
    """Edits a draft of the study's scheme; Save makes it the next version."""

    saved = Signal(int)  # the version number now in force

    def __init__(
        self,
        study: Study,
        parent: QWidget | None = None,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schemeEditor")
        self.setWindowTitle(TITLE)
        self.study, self.on_saved = study, on_saved
        self.draft = SchemeDraft.from_scheme(study.scheme)
        self.baseline = self.draft.to_toml()
        self.checked: Scheme | None = study.scheme
        self._build()
        self.resize(960, 680)
        self._fill_history()
        self._rebuild_tree(("scheme", 0))
        self._on_edited()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = hint("")
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.schemeTree = QTreeWidget()
        self.schemeTree.setObjectName("schemeTree")
        self.schemeTree.setHeaderLabels(["Part", "Key"])
        self.schemeTree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.schemeTree.setRootIsDecorated(True)
        self.schemeTree.currentItemChanged.connect(self._on_node)
        column.addWidget(self.schemeTree)
        row = QHBoxLayout()
        self.addDimensionButton = button("Add &Dimension", "addDimensionButton")
        self.removeDimensionButton = button(
            "Remove", "removeDimensionButton", "Remove the dimension chosen"
        )
        style = self.style()
        self.upButton = button("", "dimensionUpButton", "Move the dimension up")
        self.upButton.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp))
        self.downButton = button("", "dimensionDownButton", "Move the dimension down")
        self.downButton.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        for widget in (
            self.addDimensionButton,
            self.removeDimensionButton,
            self.upButton,
            self.downButton,
        ):
            row.addWidget(widget)
        column.addLayout(row)
        splitter.addWidget(left)
        self.pages = QStackedWidget()
        self.schemePage = SchemePage()
        self.bandsPage = EntriesPage(
            "bands",
            "Bands, lowest first (e.g. risk, non-risk, optimal). Each dimension gives where "
            "each band after the first starts, on its Cut-offs tab.",
        )
        self.episodesPage = EntriesPage("episodes", "The episode labels a segment may carry.")
        self.dimensionPage = DimensionPage()
        for page in (self.schemePage, self.bandsPage, self.episodesPage, self.dimensionPage):
            self.pages.addWidget(page)
            page.edited.connect(self._on_edited)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 600])
        layout.addWidget(splitter, 1)
        self.problemLabel = QLabel()
        self.problemLabel.setObjectName("problemLabel")
        self.problemLabel.setWordWrap(True)
        self.problemLabel.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setStyleSheet("color: #1b6e20; font-weight: 600;")
        layout.addWidget(self.problemLabel)
        layout.addWidget(self.statusLabel)
        history = QGroupBox("Versions of this study's scheme")
        box = QVBoxLayout(history)
        self.historyTable = QTableWidget(0, 5)
        self.historyTable.setObjectName("historyTable")
        self.historyTable.setHorizontalHeaderLabels(
            ["Version", "Scheme", "Its label", "Saved", "By"]
        )
        self.historyTable.verticalHeader().setVisible(False)
        self.historyTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.historyTable.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.historyTable.horizontalHeader().setStretchLastSection(True)
        self.historyTable.setMaximumHeight(118)
        box.addWidget(self.historyTable)
        layout.addWidget(history)
        self.buttons = QDialogButtonBox()
        self.revertButton = self.buttons.addButton(
            "Re&vert to Saved", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.saveButton = self.buttons.addButton(
            "&Save as New Version", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.closeButton = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for widget, name in (
            (self.revertButton, "revertButton"),
            (self.saveButton, "saveButton"),
            (self.closeButton, "closeButton"),
        ):
            widget.setObjectName(name)
            widget.setAutoDefault(False)
        self.saveButton.clicked.connect(self.save)
        self.revertButton.clicked.connect(self.revert)
        self.closeButton.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.addDimensionButton.clicked.connect(self._add_dimension)
        self.removeDimensionButton.clicked.connect(self._remove_dimension)
        self.upButton.clicked.connect(lambda: self._move_dimension(-1))
        self.downButton.clicked.connect(lambda: self._move_dimension(1))

    def _fill_history(self) -> None:
        versions = self.study.scheme_versions()
        now = self.study.scheme_revision
        self.historyTable.setRowCount(len(versions))
        for row, v in enumerate(versions):
            when = v.created_at.strftime("%Y-%m-%d %H:%M") + " UTC"
            number = f"{v.number}  (in force)" if v.number == now else str(v.number)
            for column, text in enumerate(
                (number, v.scheme_id, v.label, when, v.created_by or "—")
            ):
                self.historyTable.setItem(row, column, cell(text, editable=False))
        self.historyTable.scrollToBottom()
        self.heading.setText(f"{self.draft.name}")
        self.subheading.setText(
            f"Version {now} is in force. Saving makes version {now + 1}; every rating keeps "
            "the version it was given under, and exports say which."
        )

    # -- the tree ---------------------------------------------------------------------------

    def _rebuild_tree(self, select: Node | None) -> None:
        tree, draft = self.schemeTree, self.draft
        tree.blockSignals(True)
        tree.clear()
        top = [
            ("Scheme", draft.id, ("scheme", 0)),
            (f"Bands ({len(draft.bands)})", "", ("bands", 0)),
            (f"Episodes ({len(draft.episodes)})", "", ("episodes", 0)),
        ]
        chosen: QTreeWidgetItem | None = None
        bold = QFont(tree.font())
        bold.setBold(True)
        for text, key, node in top:
            item = QTreeWidgetItem(tree, [text, key])
            item.setFont(0, bold)
            item.setData(0, _ROLE, node)
            chosen = item if node == select else chosen
        dims = QTreeWidgetItem(tree, [f"Dimensions ({len(draft.dimensions)})", ""])
        dims.setFlags(dims.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        dims.setFont(0, bold)
        for n, dim in enumerate(draft.dimensions):
            item = QTreeWidgetItem(dims, [dim.name(), dim.key])
            item.setData(0, _ROLE, ("dimension", n))
            item.setToolTip(
                0, f"{dim.side}, {'zone' if dim.kind == 'zone' else dim.derive or 'scale'}"
            )
            chosen = item if select == ("dimension", n) else chosen
        tree.expandAll()
        tree.resizeColumnToContents(0)
        tree.blockSignals(False)
        tree.setCurrentItem(chosen or tree.topLevelItem(0))

    def current_node(self) -> Node | None:
        item = self.schemeTree.currentItem()
        return item.data(0, _ROLE) if item is not None else None

    def _on_node(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        node = item.data(0, _ROLE) if item is not None else None
        is_dim = node is not None and node[0] == "dimension"
        self.removeDimensionButton.setEnabled(is_dim)
        self.upButton.setEnabled(is_dim and node[1] > 0)
        self.downButton.setEnabled(is_dim and node[1] < len(self.draft.dimensions) - 1)
        if node is None:
            return
        kind, index = node
        if kind == "scheme":
            self.schemePage.show_draft(self.draft)
            self.pages.setCurrentWidget(self.schemePage)
        elif kind in ("bands", "episodes"):
            page = self.bandsPage if kind == "bands" else self.episodesPage
            page.show_draft(self.draft)
            self.pages.setCurrentWidget(page)
        else:
            dim = self.draft.dimensions[index]
            checked = self._checked_dimension(index)
            self.dimensionPage.show_dimension(self.draft, dim, checked)
            self.pages.setCurrentWidget(self.dimensionPage)

    def _checked_dimension(self, index: int) -> Dimension | None:
        if self.checked is None or index >= len(self.checked.dimensions):
            return None
        return self.checked.dimensions[index]

    def _add_dimension(self) -> None:
        self.draft.add_dimension()
        self._rebuild_tree(("dimension", len(self.draft.dimensions) - 1))
        self._on_edited()
        self.dimensionPage.tabs.setCurrentIndex(0)
        self.dimensionPage.labelEdit.setFocus()
        self.dimensionPage.labelEdit.selectAll()  # its name is typed next

    def _remove_dimension(self) -> None:
        node = self.current_node()
        if node is None or node[0] != "dimension":
            return
        del self.draft.dimensions[node[1]]
        left = len(self.draft.dimensions)
        self._rebuild_tree(("dimension", min(node[1], left - 1)) if left else ("scheme", 0))
        self._on_edited()

    def _move_dimension(self, by: int) -> None:
        node = self.current_node()
        dims = self.draft.dimensions
        if node is None or node[0] != "dimension" or not 0 <= node[1] + by < len(dims):
            return
        n = node[1]
        dims[n], dims[n + by] = dims[n + by], dims[n]
        self._rebuild_tree(("dimension", n + by))
        self._on_edited()

    # -- checking and saving ----------------------------------------------------------------

    def dirty(self) -> bool:
        return self.draft.to_toml() != self.baseline

    def _on_edited(self) -> None:
        scheme, problem, node = self.draft.check()
        self.checked = scheme
        self.problemLabel.setText(problem)
        self.problemLabel.setVisible(bool(problem))
        dirty = self.dirty()
        if dirty:
            self.statusLabel.setText("")
        self.statusLabel.setVisible(bool(self.statusLabel.text()))
        self.saveButton.setEnabled(dirty and scheme is not None)
        self.revertButton.setEnabled(dirty)
        self._mark(node)
        current = self.current_node()
        if current is not None and current[0] == "dimension":
            self.dimensionPage.update_state(self._checked_dimension(current[1]))

    def _mark(self, problem_node: Node | None) -> None:
        """Names follow the labels as typed; the part with the problem gets a warning icon."""
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        tree = self.schemeTree
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        dims = items[-1]
        items += [dims.child(i) for i in range(dims.childCount())]
        for item in items:
            node = item.data(0, _ROLE)
            if node is not None and node[0] == "dimension" and node[1] < len(self.draft.dimensions):
                dim = self.draft.dimensions[node[1]]
                item.setText(0, dim.name())
                item.setText(1, dim.key)
            item.setIcon(0, warning if node is not None and node == problem_node else QIcon())

    def save(self) -> int | None:
        """Save as the study's next version; returns its number (None: nothing saved)."""
        scheme, problem, _node = self.draft.check()
        if scheme is None:
            self.problemLabel.setText(problem)
            return None
        before = self.study.scheme_revision
        try:
            number = self.study.set_scheme(scheme)
        except EasCoderError as exc:
            self.problemLabel.setText(
                f"Nothing was saved: {in_labels(str(exc), self.study.scheme)}"
            )
            self.problemLabel.setVisible(True)
            return None
        node = self.current_node()
        self.draft = SchemeDraft.from_scheme(self.study.scheme)  # keys now stored
        self.baseline = self.draft.to_toml()
        self._fill_history()
        self._rebuild_tree(node)
        self.statusLabel.setText(
            f"Version {number} saved" if number != before else "Nothing changed"
        )
        self._on_edited()
        if self.on_saved is not None and number != before:
            self.on_saved()
        self.saved.emit(number)
        return number

    def revert(self) -> None:
        """Back to the version in force."""
        node = self.current_node()
        self.draft = SchemeDraft.from_scheme(self.study.scheme)
        self._rebuild_tree(node)
        self._on_edited()

    # -- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Close; with edits not saved, ask first (Cancel keeps editing)."""
        if not self.dirty():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, TITLE,
            "The scheme has edits that are not saved. Close and discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.setObjectName("discardBox")
        box.button(QMessageBox.StandardButton.Cancel).setText("Keep Editing")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result: self._discard() if result == QMessageBox.StandardButton.Discard else None
        )
        box.open()

    def _discard(self) -> None:
        self.baseline = self.draft.to_toml()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
