"""Thin item model over one coder's segments of one video: rows to cells, no rules.

Editing the episode or the note changes nothing here: the model emits ``episodeEdited`` or
``noteEdited`` and the window saves through the study, then hands the fresh segments back
with ``set_segments``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from eas_coder.model import Segment
from eas_coder.scheme import Scheme
from eas_coder.timecode import clock

_Index = QModelIndex | QPersistentModelIndex
_Role = Qt.ItemDataRole

COL_NUMBER, COL_START, COL_END, COL_DURATION, COL_EPISODE, COL_RATED, COL_NOTE = range(7)
NONE_LABEL = "(none)"
_COMPLETE = QColor(47, 133, 90, 40)  # a faint green wash: every dimension of the segment rated
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def rated_text(rated: tuple[int, int] | None) -> str:
    """``"4/6"`` for four of six dimensions rated; ``"–"`` when there is nothing to rate."""
    if rated is None or rated[1] <= 0:
        return "–"
    return f"{rated[0]}/{rated[1]}"


def rated_complete(rated: tuple[int, int] | None) -> bool:
    """Whether every dimension counted in ``rated`` has a score."""
    return rated is not None and rated[1] > 0 and rated[0] >= rated[1]


class SegmentTableModel(QAbstractTableModel):
    """One coder's segments of one video, one per row, in order of start."""

    HEADERS = ("#", "Start", "End", "Duration", "Episode", "Rated", "Note")

    episodeEdited = Signal(int, object)  # segment_id, episode key | None
    noteEdited = Signal(int, str)  # segment_id, the segment's note

    def __init__(self, scheme: Scheme, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels = {e.key: e.label for e in scheme.episodes}
        self._segments: list[Segment] = []
        self._rated: dict[int, tuple[int, int]] = {}
        self._editable = True

    def set_segments(
        self, segments: Sequence[Segment], rated: Mapping[int, tuple[int, int]]
    ) -> None:
        """Show ``segments`` (sorted by start) with their rated counts; resets the model."""
        self.beginResetModel()
        self._segments = sorted(segments, key=lambda s: (s.start_ms, s.end_ms, s.id))
        self._rated = dict(rated)
        self.endResetModel()

    def set_editable(self, editable: bool) -> None:
        """Allow or refuse editing the episode (refused for a submitted video)."""
        self._editable = editable

    def segment(self, row: int) -> Segment:
        """The segment shown in ``row``."""
        return self._segments[row]

    def row_of(self, segment_id: int) -> int | None:
        """The row showing segment ``segment_id``, or None when it is not shown."""
        for row, segment in enumerate(self._segments):
            if segment.id == segment_id:
                return row
        return None

    def episode_label(self, key: str | None) -> str:
        """The scheme's label for episode ``key`` (the key itself if the scheme lacks it)."""
        if key is None:
            return ""
        return self._labels.get(key, key)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._segments)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _Role.DisplayRole
    ) -> Any:
        if role == _Role.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() in (COL_EPISODE, COL_NOTE) and self._editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        segment = self._segments[row]
        if role == _Role.DisplayRole:
            return self._display(row, segment, column)
        if role == _Role.EditRole and column == COL_EPISODE:
            return segment.episode
        if role == _Role.EditRole and column == COL_NOTE:
            return segment.note
        if role == _Role.ToolTipRole and segment.note:
            return segment.note
        if role == _Role.BackgroundRole and column == COL_RATED:
            if rated_complete(self._rated.get(segment.id)):
                return QBrush(_COMPLETE)
            return None
        if role == _Role.TextAlignmentRole:
            if column in (COL_NUMBER, COL_START, COL_END, COL_DURATION):
                return _RIGHT
            if column == COL_RATED:
                return _CENTER
        return None

    def setData(self, index: _Index, value: Any, role: int = _Role.EditRole) -> bool:
        """Report an edited episode or note by ``episodeEdited`` or ``noteEdited``; the model
        itself stays as it is."""
        if not index.isValid() or index.column() not in (COL_EPISODE, COL_NOTE):
            return False
        if role != _Role.EditRole or not self._editable:
            return False
        segment = self._segments[index.row()]
        if index.column() == COL_NOTE:
            if str(value or "") != segment.note:
                self.noteEdited.emit(segment.id, str(value or ""))
            return True
        key = value or None
        if key != segment.episode:
            self.episodeEdited.emit(segment.id, key)
        return True

    def _display(self, row: int, segment: Segment, column: int) -> str:
        if column == COL_NUMBER:
            return str(row + 1)
        if column == COL_START:
            return clock(segment.start_ms)
        if column == COL_END:
            return clock(segment.end_ms)
        if column == COL_DURATION:
            return clock(segment.duration_ms)
        if column == COL_EPISODE:
            return self.episode_label(segment.episode)
        if column == COL_RATED:
            return rated_text(self._rated.get(segment.id))
        lines = segment.note.strip().splitlines()
        if not lines:
            return ""
        return lines[0] + (" …" if len(lines) > 1 else "")
