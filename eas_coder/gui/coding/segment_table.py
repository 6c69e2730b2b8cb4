"""The segment list of a dock: one coder's episodes on one video, with split, merge and delete.

The widget decides nothing: it reports what the coder asked for by signal and the window
carries it out through the study, then calls ``set_segments`` with what the study now holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.coding.segment_model import (
    COL_DURATION,
    COL_END,
    COL_EPISODE,
    COL_NUMBER,
    COL_RATED,
    COL_START,
    NONE_LABEL,
    SegmentTableModel,
)
from eas_coder.model import Segment
from eas_coder.scheme import Scheme

EMPTY_HINT = "No segments yet — press I at the start and O at the end of an episode"
_Index = QModelIndex | QPersistentModelIndex
_Select = QItemSelectionModel.SelectionFlag
_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)


class EpisodeDelegate(QStyledItemDelegate):
    """Edits a segment's episode with a combo box of the scheme's episodes plus "(none)"."""

    def __init__(self, scheme: Scheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._episodes = scheme.episodes

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem(NONE_LABEL, None)
        for episode in self._episodes:
            combo.addItem(episode.label, episode.key)
        # Choosing an item is the whole edit: commit at once instead of waiting for Enter.
        combo.activated.connect(lambda _row: self._on_chosen(combo))
        # Open the list straight away, so a double-click shows the choices.
        QTimer.singleShot(0, combo, combo.showPopup)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        key = index.data(Qt.ItemDataRole.EditRole)
        for row in range(editor.count()):
            if editor.itemData(row) == key:
                editor.setCurrentIndex(row)
                return
        # An episode the scheme no longer names: show it rather than silently pick another.
        editor.addItem(str(key), key)
        editor.setCurrentIndex(editor.count() - 1)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def _on_chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)


class _SegmentView(QTableView):
    """A table view that reports Enter and Delete, with a hint over the empty table."""

    enterPressed = Signal()
    deletePressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel(EMPTY_HINT, self.viewport())
        self.hint.setObjectName("segmentsEmptyHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setMargin(12)
        self.hint.setStyleSheet("color: #718096;")
        self.hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enterPressed.emit()
                event.accept()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.deletePressed.emit()
                event.accept()
                return
        super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.hint.setGeometry(self.viewport().rect())
        return super().viewportEvent(event)


class SegmentTable(QWidget):
    """One coder's segments of one video, for a dock; every change is asked of the window."""

    jumpRequested = Signal(int)  # start_ms, on double-click or Enter on a row
    segmentSelected = Signal(object)  # Segment | None, when the current segment changes
    episodeEdited = Signal(int, object)  # segment_id, episode key | None
    noteEdited = Signal(int, str)  # segment_id, note (double-click or F2 on the Note cell)
    deleteRequested = Signal(list)  # [segment_id, ...]
    mergeRequested = Signal(list)  # [segment_id, ...], two or more
    splitRequested = Signal(int)  # segment_id of the current row, to split at the playhead

    def __init__(self, scheme: Scheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._locked = False
        self._playhead_ms: int | None = None
        self._restoring = False
        self._announced: Segment | None = None

        self._model = SegmentTableModel(scheme, self)
        self.view = _SegmentView(self)
        self.view.setModel(self._model)
        self.view.setItemDelegateForColumn(COL_EPISODE, EpisodeDelegate(scheme, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(_EDIT_TRIGGERS)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        fit = QHeaderView.ResizeMode.ResizeToContents
        for column in (COL_NUMBER, COL_START, COL_END, COL_DURATION, COL_RATED):
            header.setSectionResizeMode(column, fit)
        header.resizeSection(COL_EPISODE, 130)
        for place, column in enumerate((COL_EPISODE, COL_RATED), start=1):  # never cut at 1280 px
            header.moveSection(header.visualIndex(column), place)

        self.split_button = self._button("Split", "Split the current segment at the playhead")
        self.merge_button = self._button("Merge", "Merge the selected segments into one")
        self.delete_button = self._button("Delete", "Delete the selected segments (Del)")
        style = self.style()
        self.delete_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TrashIcon))
        self.split_button.clicked.connect(self._on_split)
        self.merge_button.clicked.connect(self._on_merge)
        self.delete_button.clicked.connect(self._on_delete)

        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(2)
        for button in (self.split_button, self.merge_button, self.delete_button):
            tools.addWidget(button)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)

        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        selection.selectionChanged.connect(self._on_selection_changed)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.enterPressed.connect(self._on_enter)
        self.view.deletePressed.connect(self._on_delete)
        # Queued, so the editor has closed before the window reloads the table: a reset under
        # an open editor of a column delegate makes Qt commit the dead editor again.
        self._model.episodeEdited.connect(self.episodeEdited, Qt.ConnectionType.QueuedConnection)
        self._model.noteEdited.connect(self.noteEdited, Qt.ConnectionType.QueuedConnection)
        self._update_buttons()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    def model(self) -> SegmentTableModel:
        """The item model behind the table."""
        return self._model

    def set_segments(
        self, segments: Sequence[Segment], rated: Mapping[int, tuple[int, int]]
    ) -> None:
        """Show ``segments`` with their rated counts (segment_id -> (rated, total)).

        The selection and the current row follow their segments by id across the reset.
        """
        selected = self.selected_ids()
        current = self.view.currentIndex()
        current_id = self._model.segment(current.row()).id if current.isValid() else None
        column = current.column() if current.isValid() else 0
        self._restoring = True
        try:
            self._model.set_segments(segments, rated)
            self._restore(selected, current_id, column)
        finally:
            self._restoring = False
        self.view.hint.setVisible(self._model.rowCount() == 0)
        self._update_buttons()
        self._announce_current()

    def _restore(self, selected: list[int], current_id: int | None, column: int) -> None:
        last = self._model.columnCount() - 1
        selection = QItemSelection()
        for segment_id in selected:
            row = self._model.row_of(segment_id)
            if row is not None:
                selection.select(self._model.index(row, 0), self._model.index(row, last))
        model = self.view.selectionModel()
        model.select(selection, _Select.ClearAndSelect)
        row = None if current_id is None else self._model.row_of(current_id)
        if row is not None:
            model.setCurrentIndex(self._model.index(row, column), _Select.NoUpdate)

    def select_segment(self, segment_id: int | None) -> bool:
        """Make ``segment_id`` the current and only selected row (None clears the selection).

        Returns False, changing nothing, when no row shows that segment.
        """
        model = self.view.selectionModel()
        if segment_id is None:
            model.clear()
            return True
        row = self._model.row_of(segment_id)
        if row is None:
            return False
        index = self._model.index(row, max(self.view.currentIndex().column(), 0))
        model.setCurrentIndex(index, _Select.ClearAndSelect | _Select.Rows)
        self.view.scrollTo(index)
        return True

    def current_segment(self) -> Segment | None:
        """The segment of the current row, if any."""
        index = self.view.currentIndex()
        return self._model.segment(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """Ids of the selected segments, in order of start."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self._model.segment(row).id for row in rows]

    def set_locked(self, locked: bool) -> None:
        """Refuse every change (a submitted video); rows can still be selected and jumped to."""
        self._locked = locked
        self._model.set_editable(not locked)
        triggers = QAbstractItemView.EditTrigger.NoEditTriggers if locked else _EDIT_TRIGGERS
        self.view.setEditTriggers(triggers)
        self._update_buttons()

    def is_locked(self) -> bool:
        """Whether changes are refused."""
        return self._locked

    def set_playhead(self, ms: int | None) -> None:
        """Where the player stands; Split is offered only strictly inside the current segment."""
        self._playhead_ms = ms
        self._update_buttons()

    def _can_split(self) -> bool:
        segment = self.current_segment()
        ms = self._playhead_ms
        return segment is not None and ms is not None and segment.start_ms < ms < segment.end_ms

    def _update_buttons(self) -> None:
        count = len(self.view.selectionModel().selectedRows())
        free = not self._locked
        self.split_button.setEnabled(free and self._can_split())
        self.merge_button.setEnabled(free and count >= 2)
        self.delete_button.setEnabled(free and count >= 1)

    def _announce_current(self) -> None:
        segment = self.current_segment()
        if segment != self._announced:
            self._announced = segment
            self.segmentSelected.emit(segment)

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not self._restoring:
            self._update_buttons()
            self._announce_current()

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if not self._restoring:
            self._update_buttons()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        # Qt reports the double-click before it opens the editor: an editable cell edits.
        editable = index.flags() & Qt.ItemFlag.ItemIsEditable
        if index.isValid() and not editable:
            self.jumpRequested.emit(self._model.segment(index.row()).start_ms)

    def _on_enter(self) -> None:
        segment = self.current_segment()
        if segment is not None:
            self.jumpRequested.emit(segment.start_ms)

    def _on_delete(self) -> None:
        ids = self.selected_ids()
        if not self._locked and ids:
            self.deleteRequested.emit(ids)

    def _on_merge(self) -> None:
        ids = self.selected_ids()
        if not self._locked and len(ids) >= 2:
            self.mergeRequested.emit(ids)

    def _on_split(self) -> None:
        segment = self.current_segment()
        if not self._locked and segment is not None and self._can_split():
            self.splitRequested.emit(segment.id)
