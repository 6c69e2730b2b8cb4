"""Thin item models over core data: they map rows to cells and hold no rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from eas_coder.model import Video

_Index = QModelIndex | QPersistentModelIndex
FEW_ROWS = 50  # more changed statuses than this are shown by resetting the model


def format_duration(ms: int | None) -> str:
    """``h:mm:ss`` (or ``m:ss``) for a duration in milliseconds."""
    if ms is None:
        return "–"
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class VideoTableModel(QAbstractTableModel):
    """Videos of a study, one per row; ``present`` says whether each file is on disk and
    ``statuses`` gives each row's coding status text and a key to filter by."""

    HEADERS = ("Participant", "Timepoint", "Status", "Duration", "FPS", "File")
    STATUS_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
    FILE_COLUMN = 5

    def __init__(
        self,
        videos: Sequence[Video],
        present: Sequence[bool],
        parent: Any = None,
        statuses: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._videos = list(videos)
        self._present = list(present)
        self._statuses = list(statuses) if statuses is not None else [("", "")] * len(videos)
        self._rows: dict[int, int] | None = None  # video id -> row, built when first asked
        self._mark_roles: frozenset[int] = frozenset()
        self._mark: Callable[[Video, int], Any] | None = None
        self.stamp = 0  # counts changes of rows (not set_statuses): a read older than one is stale
        # Every change of any row: a filter's answers for all rows at once are good until the
        # next one (``VideoFilter``).
        self.edits = 0

    def set_marks(self, roles: frozenset[int], mark: Callable[[Video, int], Any]) -> None:
        """First column, ``roles``: ask ``mark(video, role)`` (None: the model's own answer).
        Here rather than in the list's filter: a proxy's ``data`` in Python doubled the
        Python calls of every cell painted (issue 18: scrolling the list, switching)."""
        self._mark_roles, self._mark = roles, mark

    def row_of(self, video_id: int) -> int | None:
        """The row showing a video."""
        if self._rows is None:
            self._rows = {video.id: row for row, video in enumerate(self._videos)}
        return self._rows.get(video_id)

    def rows(self) -> tuple[list[Video], list[bool], list[tuple[str, str]]]:
        """Every row's video, file presence and status, to compare with (do not change)."""
        return self._videos, self._present, self._statuses

    def status_key(self, row: int) -> str:
        """The row's status key (what the status filter compares; no ``data`` call, as
        the filter asks once per row of 10,000 at a sign-in)."""
        return self._statuses[row][1]

    def status_keys(self) -> list[str]:
        """Every row's status key, in row order (a filter's pass over all rows at once)."""
        return [key for _text, key in self._statuses]

    def present(self, row: int) -> bool:
        """Whether the row's video file is on this computer."""
        return self._present[row]

    def status(self, row: int) -> tuple[str, str]:
        """The row's (status text, status key)."""
        return self._statuses[row]

    def set_row(self, row: int, video: Video, present: bool, status: tuple[str, str]) -> None:
        """New contents of one row (the same video, changed elsewhere)."""
        self.stamp += 1
        self.edits += 1
        self._videos[row], self._present[row], self._statuses[row] = video, present, status
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def insert_row(self, row: int, video: Video, present: bool, status: tuple[str, str]) -> None:
        """A video that joined the list, shown at ``row``."""
        self.stamp += 1
        self.edits += 1
        self.beginInsertRows(QModelIndex(), row, row)
        self._videos.insert(row, video)
        self._present.insert(row, present)
        self._statuses.insert(row, status)
        self._rows = None
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        """A video that left the list (removed or archived)."""
        self.stamp += 1
        self.edits += 1
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._videos[row], self._present[row], self._statuses[row]
        self._rows = None
        self.endRemoveRows()

    def reset_rows(
        self, videos: Sequence[Video], present: Sequence[bool], statuses: Sequence[tuple[str, str]]
    ) -> None:
        """Every row anew (the list was read again after many changes)."""
        self.stamp += 1
        self.edits += 1
        self.beginResetModel()
        self._videos, self._present, self._statuses = list(videos), list(present), list(statuses)
        self._rows = None
        self.endResetModel()

    def set_status(self, row: int, status: tuple[str, str]) -> None:
        """New (text, key) for one row."""
        self.stamp += 1
        self.edits += 1
        self._statuses[row] = status
        self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def set_statuses(self, statuses: Sequence[tuple[str, str]], whole: bool = False) -> bool:
        """New (text, key) per row (a sign-in, a submit). A few changed rows are updated one
        by one; many (or ``whole``) reset the model in one go, as a filter over it would look
        at each changed row on its own (~60 ms at 10,000 rows, issue 18). True when it was
        reset: views then lost their selection."""
        new = list(statuses)
        if len(new) != len(self._videos):
            raise ValueError(f"{len(new)} statuses for {len(self._videos)} rows")
        if not whole:
            pairs = enumerate(zip(self._statuses, new, strict=True))
            changed = [row for row, (was, now) in pairs if was != now]
            if len(changed) <= FEW_ROWS:
                for row in changed:
                    self.edits += 1
                    self._statuses[row] = new[row]
                    self.dataChanged.emit(self.index(row, 2), self.index(row, 2))
                return False
        self.edits += 1
        self.beginResetModel()
        self._statuses = new
        self.endResetModel()
        return True

    def video(self, row: int) -> Video:
        """The video shown in ``row``."""
        return self._videos[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._videos)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        video, column = self._videos[index.row()], index.column()
        if column == 0 and role in self._mark_roles and self._mark is not None:
            marked = self._mark(video, role)
            if marked is not None:
                return marked
        present = self._present[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 2:
                return self._statuses[index.row()][0]
            return self._display(video, column, present)
        if role == self.STATUS_KEY_ROLE:
            return self._statuses[index.row()][1]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.FILE_COLUMN and not present:
            return QBrush(QColor("#b03a2e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FILE_COLUMN:
            return video.path or "No file: ratings entered without a video"
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            # the manager's status lists every coder: longer than the column
            return self._statuses[index.row()][0].replace(", ", "\n") or None
        return None

    @staticmethod
    def _display(video: Video, column: int, present: bool) -> str:
        if column == 0:
            return video.participant_code
        if column == 1:
            return video.timepoint
        if column == 3:
            return format_duration(video.duration_ms)
        if column == 4:
            return f"{video.fps:.2f}" if video.fps else "–"
        if video.path is None:
            return "(no file)"
        name = video.path.rsplit("/", 1)[-1]
        return name if present else f"{name} — missing"
