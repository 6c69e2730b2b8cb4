"""Tools ▸ Assignment Matrix… (lab manager): videos × coders, each cell that coder's status;
select many cells, rows or columns and assign or unassign them all in one audited
transaction (``Assignments.change_many``), with filters by dyad, timepoint, coder and status
(form in ``ui/assignment_matrix.ui``, table in ``assignment_matrix_model.py``).

Unassigning never drops work: a selected assignment whose coder saved anything, or submitted,
stays; the manager is told which and asked whether to unassign the others (the store refuses
them too, so no other door can drop work either).

The menu entry is ``assignment_matrix_action.py``; this module loads when the matrix opens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHeaderView, QMessageBox, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.manager.assignment_matrix_model import AssignmentMatrixModel, MatrixFilter
from eas_coder.gui.manager.host import Status
from eas_coder.store.assignment_grid import CellStatus, Pair
from eas_coder.store.study import Study

TITLE = "Assignment Matrix"  # = assignment_matrix_action.TITLE (the menu entry's module)
_ASSIGN_KEYS = {Qt.Key.Key_A, Qt.Key.Key_Insert}
_UNASSIGN_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace}
_NAMED = 6  # a question names this many cells, then "and N more"
_COLUMN_WIDTH = 118


class AssignmentMatrix(QDialog):
    """The matrix window. ``changed`` is called after each write; ``status`` reports it."""

    def __init__(
        self,
        study: Study,
        parent: QWidget | None = None,
        changed: Callable[[], None] = lambda: None,
        status: Status | None = None,
    ) -> None:
        super().__init__(parent)
        load_form(self, "assignment_matrix.ui")
        self.setWindowFlag(Qt.WindowType.Window)  # its own window: resizable, beside the main
        self.study = study
        self._changed = changed
        self._status = status
        self.box: QMessageBox | None = None  # the last question or message (tests read it)
        self.model = AssignmentMatrixModel(self)
        view = self.matrixView
        view.setModel(self.model)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(_COLUMN_WIDTH)
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(max(22, view.fontMetrics().height() + 6))
        view.selectionModel().selectionChanged.connect(self._update_summary)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)  # its resizes fit the columns
        self.participantFilter.textChanged.connect(self._apply_filter)
        for box in (self.timepointFilter, self.coderFilter, self.statusFilter):
            box.currentIndexChanged.connect(self._apply_filter)
        self.statusFilter.addItem("Any", None)
        for status in CellStatus:
            self.statusFilter.addItem(status.value.capitalize(), status)
        self.assignButton.clicked.connect(self.assign_selected)
        self.unassignButton.clicked.connect(self.unassign_selected)
        self.buttons.rejected.connect(self.close)
        # what other workstations changed meanwhile (reading 10,000 videos takes ~0.5 s, so
        # not on every change the window hears of)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.activated.connect(self.reload)
        self.resize(1000, 620)
        view.setFocus()

    # --- reading the study --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the videos, coders and every assignment's status again."""
        study = self.study
        self.model.load(study.videos.all(), study.coders.all(), study.assignments.grid())
        self._fill_choices()
        self._update_summary()

    def _fill_choices(self) -> None:
        """The timepoint and coder filters list what the study has (keeping the choice)."""
        for box, items in (
            (self.timepointFilter, [(t, t) for t in self.model.timepoints()]),
            (self.coderFilter, [(c.name, c.id) for c in self.model.coders()]),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("All", None)
            for text, data in items:
                box.addItem(text, data)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
            box.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.model.set_filter(
            MatrixFilter(
                self.participantFilter.text(),
                self.timepointFilter.currentData() or "",
                self.coderFilter.currentData(),
                self.statusFilter.currentData(),
            )
        )
        self._fit_columns()
        self._update_summary()

    def _fit_columns(self) -> None:
        """Few coders share the width; many keep their width and scroll sideways."""
        header = self.matrixView.horizontalHeader()
        count = self.model.columnCount()
        if count:
            width = max(_COLUMN_WIDTH, self.matrixView.viewport().width() // count)
            for column in range(count):
                header.resizeSection(column, width)

    def _update_summary(self) -> None:
        ranges = self.matrixView.selectionModel().selection()
        selected = sum(r.width() * r.height() for r in ranges)
        model = self.model
        self.summaryLabel.setText(
            f"{model.shown_videos():,} of {model.total_videos():,} videos × "
            f"{model.columnCount()} coders · {selected:,} cells selected"
        )
        self.assignButton.setEnabled(selected > 0)
        self.unassignButton.setEnabled(selected > 0)

    # --- keys ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.matrixView.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
            return False
        if (
            watched is self.matrixView
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        ):
            if event.key() in _ASSIGN_KEYS:
                self.assign_selected()
                return True
            if event.key() in _UNASSIGN_KEYS:
                self.unassign_selected()
                return True
        return super().eventFilter(watched, event)

    # --- writing ------------------------------------------------------------------------------

    def selected_pairs(self) -> list[Pair]:
        """(video_id, coder_id) of every selected cell."""
        return self.model.pairs_in(self.matrixView.selectionModel().selection())

    def assign_selected(self) -> None:
        """Assign every selected cell nobody assigned yet (retired coders are skipped)."""
        model = self.model
        active = {c.id for c in model.coders() if c.active}
        pairs = [p for p in self.selected_pairs() if model.cell(*p) is None]
        wanted = [p for p in pairs if p[1] in active]
        skipped = len(pairs) - len(wanted)
        if not wanted:
            self._say("Nothing to assign: the selected cells are assigned already.")
            return
        note = f" ({skipped} of retired coders skipped)" if skipped else ""
        self._write(wanted, [], f"Assigned {len(wanted):,}{note}")

    def unassign_selected(self) -> None:
        """Unassign the selected assignments that hold no work; ask first when some do (they
        stay assigned: unassigning would hide a coder's saved work from them)."""
        model = self.model
        assigned = [p for p in self.selected_pairs() if model.cell(*p) is not None]
        free = [p for p in assigned if model.status(*p) == CellStatus.ASSIGNED]
        free_set = set(free)
        kept = [p for p in assigned if p not in free_set]
        if not assigned:
            self._say("Nothing to unassign: no selected cell is assigned.")
            return
        if not kept:
            self._write([], free, f"Unassigned {len(free):,}")
            return
        names = [self._name(p) for p in kept[:_NAMED]]
        more = f", and {len(kept) - _NAMED} more" if len(kept) > _NAMED else ""
        text = (
            f"{len(kept)} of the selected assignments hold saved work or a submission and "
            f"stay assigned: {'; '.join(names)}{more}."
        )
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, text, parent=self)
        box.setObjectName("unassignWorkBox")
        if free:
            box.setInformativeText(f"Unassign the other {len(free)}, which hold no work?")
            go = box.addButton(f"Unassign {len(free)}", QMessageBox.ButtonRole.AcceptRole)
            go.setObjectName("unassignFreeButton")
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.accepted.connect(lambda: self._write([], free, f"Unassigned {len(free):,}"))
        else:
            box.setInformativeText("Nothing was unassigned. Reopen or keep their work instead.")
            box.addButton(QMessageBox.StandardButton.Ok)
        self.box = box
        box.open()

    def _name(self, pair: Pair) -> str:
        video, coder = self.model.video(pair[0]), self.model.coder(pair[1])
        return f"{coder.name} on {video.label} ({self.model.status(*pair).value})"

    def _write(self, assign: list[Pair], unassign: list[Pair], done: str) -> None:
        try:
            self.study.assignments.change_many(assign=assign, unassign=unassign)
        except EasCoderError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, TITLE, str(exc), parent=self)
            self.box = box
            box.open()
            self.reload()
            return
        self.reload()
        self._changed()
        self._say(done)

    def _say(self, message: str) -> None:
        self.summaryLabel.setText(f"{message}. {self.summaryLabel.text()}")
        if self._status is not None:
            self._status(message, 8000)
