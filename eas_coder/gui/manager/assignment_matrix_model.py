"""The assignment matrix's table: one row per video, one column per coder, each cell that
coder's status on that video (``store/assignment_grid.py``). A plain QAbstractTableModel
over three lists and one dict, so 10,000 videos × a dozen coders cost nothing until painted;
the filters pick which rows and columns are shown without copying any cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from eas_coder.model import Coder, Video
from eas_coder.store.assignment_grid import AssignedCell, CellStatus, Pair

Index = QModelIndex | QPersistentModelIndex

# Light fills with dark text, so a cell reads the same in a dark theme; the word is always
# there too (colour is never the only cue).
_FILL = {
    CellStatus.ASSIGNED: "#dbeafe",
    CellStatus.IN_PROGRESS: "#fef3c7",
    CellStatus.SUBMITTED: "#dcfce7",
    CellStatus.REOPENED: "#f3e8ff",
}
_TEXT = {
    CellStatus.UNASSIGNED: "",
    CellStatus.ASSIGNED: "assigned",
    CellStatus.IN_PROGRESS: "in progress",
    CellStatus.SUBMITTED: "submitted ✓",
    CellStatus.REOPENED: "reopened",
}
STATUS_ROLE = Qt.ItemDataRole.UserRole  # the CellStatus of a cell


@dataclass(frozen=True)
class MatrixFilter:
    """What the matrix shows: videos whose dyad code contains ``participant`` (any case), of
    ``timepoint`` ("" = all), the column of ``coder_id`` only (None = every coder), and rows
    where a shown coder has ``status`` (None = any)."""

    participant: str = ""
    timepoint: str = ""
    coder_id: int | None = None
    status: CellStatus | None = None


class AssignmentMatrixModel(QAbstractTableModel):
    """Videos × coders; ``load`` gives it the study's state, ``set_filter`` what to show."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._videos: list[Video] = []
        self._coders: list[Coder] = []
        self._cells: dict[Pair, AssignedCell] = {}
        self._filter = MatrixFilter()
        self._rows: list[Video] = []  # shown
        self._columns: list[Coder] = []  # shown

    # --- what it holds ----------------------------------------------------------------------

    def load(
        self, videos: Sequence[Video], coders: Sequence[Coder], cells: dict[Pair, AssignedCell]
    ) -> None:
        """Show the study's videos, coders and assignments. When only the cells changed (after
        an assign), the shown rows and columns stay, and with them the selection."""
        same_shape = [v.id for v in videos] == [v.id for v in self._videos] and [
            c.id for c in coders
        ] == [c.id for c in self._coders]
        self._cells = cells
        if same_shape and self._rows:
            self._videos, self._coders = list(videos), list(coders)
            self._rows = self._filtered_rows()
            if len(self._rows) == self.rowCount():
                last = self.index(self.rowCount() - 1, self.columnCount() - 1)
                self.dataChanged.emit(self.index(0, 0), last)
                return
        self.beginResetModel()
        self._videos, self._coders = list(videos), list(coders)
        self._apply()
        self.endResetModel()

    def set_filter(self, wanted: MatrixFilter) -> None:
        """Show only what ``wanted`` asks for."""
        self.beginResetModel()
        self._filter = wanted
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        wanted = self._filter
        self._columns = [
            c for c in self._coders if wanted.coder_id is None or c.id == wanted.coder_id
        ]
        self._rows = self._filtered_rows()

    def _filtered_rows(self) -> list[Video]:
        wanted = self._filter
        text = wanted.participant.strip().casefold()
        rows = [
            v
            for v in self._videos
            if (not text or text in v.participant_code.casefold())
            and (not wanted.timepoint or v.timepoint == wanted.timepoint)
        ]
        if wanted.status is not None:
            coders = [c.id for c in self._columns]
            rows = [v for v in rows if any(self.status(v.id, c) == wanted.status for c in coders)]
        return rows

    def status(self, video_id: int, coder_id: int) -> CellStatus:
        """A coder's status on a video (unassigned when no assignment)."""
        cell = self._cells.get((video_id, coder_id))
        return CellStatus.UNASSIGNED if cell is None else cell.status

    def cell(self, video_id: int, coder_id: int) -> AssignedCell | None:
        """The assignment behind a cell, if any."""
        return self._cells.get((video_id, coder_id))

    def pair(self, index: Index) -> Pair:
        """(video_id, coder_id) of a shown cell."""
        return self._rows[index.row()].id, self._columns[index.column()].id

    def pairs_in(self, selection: QItemSelection) -> list[Pair]:
        """The (video_id, coder_id) of the cells in a selection, read from its rectangles
        (30,000 cells selected with Ctrl+A cost no QModelIndex each)."""
        found: set[tuple[int, int]] = set()
        for block in selection:
            rows = range(block.top(), block.bottom() + 1)
            columns = range(block.left(), block.right() + 1)
            found.update((r, c) for r in rows for c in columns)
        return [(self._rows[r].id, self._columns[c].id) for r, c in sorted(found)]

    def pairs(self, indexes: Iterable[Index]) -> list[Pair]:
        """The (video_id, coder_id) of shown cells, each once, in row then column order."""
        found = {(i.row(), i.column()) for i in indexes if i.isValid()}
        return [(self._rows[r].id, self._columns[c].id) for r, c in sorted(found)]

    def video_at(self, row: int) -> Video:
        return self._rows[row]

    def coder_at(self, column: int) -> Coder:
        return self._columns[column]

    def video(self, video_id: int) -> Video:
        return next(v for v in self._videos if v.id == video_id)

    def coder(self, coder_id: int) -> Coder:
        return next(c for c in self._coders if c.id == coder_id)

    def timepoints(self) -> list[str]:
        """Every timepoint of the study's videos, in the order first met."""
        return list(dict.fromkeys(v.timepoint for v in self._videos))

    def coders(self) -> list[Coder]:
        return list(self._coders)

    def shown_videos(self) -> int:
        return len(self._rows)

    def total_videos(self) -> int:
        return len(self._videos)

    # --- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        video, coder = self._rows[index.row()], self._columns[index.column()]
        status = self.status(video.id, coder.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return _TEXT[status]
        if role == Qt.ItemDataRole.BackgroundRole:
            fill = _FILL.get(status)
            return QBrush(QColor(fill)) if fill else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1f2937")) if status in _FILL else None
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{coder.name} · {video.label}: {status.value}"
        if role == STATUS_ROLE:
            return status
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            coder = self._columns[section]
            return coder.name if coder.active else f"{coder.name} (retired)"
        if not 0 <= section < len(self._rows):
            return None
        video = self._rows[section]
        if role == Qt.ItemDataRole.ToolTipRole and video.name:
            return f"{video.label} ({video.name})"
        return video.label
