"""Tools ▸ Assignment Matrix… driven as a lab manager does (issue 23, item 4): opened with
Ctrl+Shift+M, cells chosen by mouse drag, header clicks, Shift+arrows and Ctrl+click, assigned
with A or Insert and unassigned with Delete, filtered by dyad, timepoint, coder and status;
work a coder saved is never unassigned."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.assignment_matrix import AssignmentMatrix
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.assignment_grid import CellStatus

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _open(qtbot: QtBot, window: MainWindow) -> AssignmentMatrix:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL | SHIFT)
    matrix = window.findChild(AssignmentMatrix)
    assert matrix is not None
    qtbot.waitExposed(matrix)
    return matrix


def _center(matrix: AssignmentMatrix, row: int, column: int) -> QPoint:
    view = matrix.matrixView
    return view.visualRect(matrix.model.index(row, column)).center()


def _coder_column(matrix: AssignmentMatrix, name: str) -> int:
    model = matrix.model
    return next(c for c in range(model.columnCount()) if model.coder_at(c).name == name)


def _header_click(
    qtbot: QtBot,
    matrix: AssignmentMatrix,
    column: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    header = matrix.matrixView.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    where = QPoint(x, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, modifier, where)


def _pairs_of(window: MainWindow, coder: str) -> set[int]:
    coder_id = window.study.coders.get(coder).id
    return {a.video_id for a in window.study.assignments.all() if a.coder_id == coder_id}


def test_drag_assign_header_unassign_and_work_is_kept(window: MainWindow, qtbot: QtBot) -> None:
    matrix = _open(qtbot, window)
    model, view = matrix.model, matrix.matrixView
    videos = window.study.videos.all()
    assert model.rowCount() == len(videos) and model.columnCount() == 3
    grid = window.study.assignments.grid()
    c_col = _coder_column(matrix, "Coder C (demo)")
    newcomer = model.coder_at(c_col).id
    for row in range(model.rowCount()):  # every cell says what the store says
        expected = grid.get((model.video_at(row).id, newcomer))
        shown = model.index(row, c_col).data(Qt.ItemDataRole.UserRole)
        assert shown == (expected.status if expected else CellStatus.UNASSIGNED)
    before_audit = len(window.study.audit_log())

    # drag down Coder C's column over the first six videos, then press A
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=_center(matrix, 0, c_col))
    for row in range(1, 6):
        qtbot.mouseMove(viewport, _center(matrix, row, c_col))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=_center(matrix, 5, c_col))
    assert len(matrix.selected_pairs()) == 6
    assert "6 cells selected" in matrix.summaryLabel.text()
    had = _pairs_of(window, "Coder C (demo)")
    qtbot.keyClick(view, Qt.Key.Key_A)
    first_six = {model.video_at(r).id for r in range(6)}
    assert _pairs_of(window, "Coder C (demo)") == had | first_six
    added = window.study.audit_log()[: len(window.study.audit_log()) - before_audit]
    assert len(added) == len(first_six - had) and {e.action for e in added} == {"assignment.add"}
    assert model.index(0, c_col).data() == "assigned"

    # the whole column by its heading, then Delete: C saved nothing, so all of it goes
    _header_click(qtbot, matrix, c_col)
    assert len(matrix.selected_pairs()) == model.rowCount()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _pairs_of(window, "Coder C (demo)") == set()
    assert "Unassigned" in matrix.summaryLabel.text()

    # Coder A's column holds work on every video: Delete asks, and unassigns nothing
    a_col = _coder_column(matrix, "Coder A (demo)")
    kept = _pairs_of(window, "Coder A (demo)")
    _header_click(qtbot, matrix, a_col)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    box = matrix.findChild(QMessageBox, "unassignWorkBox")
    assert box is not None and box.isVisible()
    assert "stay assigned" in box.text() and "submitted" in box.text()
    assert box.findChild(QPushButton, "unassignFreeButton") is None  # nothing to offer
    box.close()
    assert _pairs_of(window, "Coder A (demo)") == kept

    # another workstation assigns C a video: F5 shows it
    window.study.assignments.add(model.video_at(7).id, newcomer)
    assert model.index(7, c_col).data() == ""
    matrix.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is matrix)
    qtbot.keyClick(view, Qt.Key.Key_F5)
    assert model.index(7, c_col).data() == "assigned"


def test_keyboard_selection_mixed_unassign_and_filters(window: MainWindow, qtbot: QtBot) -> None:
    matrix = _open(qtbot, window)
    model, view = matrix.model, matrix.matrixView
    b_col = _coder_column(matrix, "Coder B (demo)")
    c_col = _coder_column(matrix, "Coder C (demo)")
    # click a cell of C, extend with Shift+Down twice, add one cell of B with Ctrl+click
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_center(matrix, 0, c_col))
    qtbot.keyClick(view, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Down, SHIFT)
    b_id = model.coder_at(b_col).id
    unassigned_b = next(
        r for r in range(model.rowCount()) if model.cell(model.video_at(r).id, b_id) is None
    )
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, CTRL, _center(matrix, unassigned_b, b_col)
    )
    assert len(matrix.selected_pairs()) == 4
    qtbot.keyClick(view, Qt.Key.Key_Insert)
    c_now = _pairs_of(window, "Coder C (demo)")
    assert {model.video_at(r).id for r in range(3)} <= c_now
    assert model.video_at(unassigned_b).id in _pairs_of(window, "Coder B (demo)")

    # B's whole column (work on most) plus C's: Delete asks, "Unassign N" drops only the free
    _header_click(qtbot, matrix, b_col)
    _header_click(qtbot, matrix, c_col, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    box = matrix.findChild(QMessageBox, "unassignWorkBox")
    assert box is not None
    go = box.findChild(QPushButton, "unassignFreeButton")
    b_with_work = {
        v for (v, c), cell in window.study.assignments.grid().items()
        if c == model.coder_at(b_col).id and cell.has_work
    }  # fmt: skip
    assert go is not None and b_with_work
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    assert _pairs_of(window, "Coder C (demo)") == set()
    assert _pairs_of(window, "Coder B (demo)") == b_with_work  # the work stayed assigned

    # filters: a dyad code, a timepoint, one coder, a status
    total = model.rowCount()
    code = model.video_at(0).participant_code
    qtbot.keyClicks(matrix.participantFilter, code.lower())
    assert 0 < model.rowCount() < total
    assert all(model.video_at(r).participant_code == code for r in range(model.rowCount()))
    matrix.participantFilter.clear()
    timepoint = model.video_at(0).timepoint
    matrix.timepointFilter.setFocus()
    qtbot.keyClick(matrix.timepointFilter, Qt.Key.Key_Down)
    assert matrix.timepointFilter.currentText() == timepoint
    assert all(model.video_at(r).timepoint == timepoint for r in range(model.rowCount()))
    matrix.timepointFilter.setCurrentIndex(0)
    matrix.coderFilter.setCurrentIndex(matrix.coderFilter.findText("Coder A (demo)"))
    assert model.columnCount() == 1 and model.coder_at(0).name == "Coder A (demo)"
    matrix.statusFilter.setCurrentIndex(matrix.statusFilter.findData(CellStatus.SUBMITTED))
    assert model.rowCount() == total  # A submitted every video
    matrix.coderFilter.setCurrentIndex(matrix.coderFilter.findText("Coder C (demo)"))
    assert model.rowCount() == 0  # C has nothing left, let alone submitted
    assert "0 of" in matrix.summaryLabel.text()


def test_the_menu_entry_and_the_matrix_share_one_title() -> None:
    """The action names the matrix without importing it (it loads on first use)."""
    from eas_coder.gui.manager import assignment_matrix, assignment_matrix_action

    assert assignment_matrix_action.TITLE == assignment_matrix.TITLE == "Assignment Matrix"
