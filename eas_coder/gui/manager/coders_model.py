"""The Coders dialog's table: each coder's name, whether they are active or retired, whether
signing in as them asks for a passphrase, and their work (a coder with work is never
deleted). Read-only: every change goes through ``Study.coders`` and the table is re-read."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from eas_coder.store.coders import CoderStanding

HEADERS = ("Name", "Status", "Passphrase", "Work")
RETIRED_COLOUR = QColor("#6b7280")
Index = QModelIndex | QPersistentModelIndex


def status_text(standing: CoderStanding) -> str:
    if standing.retired_at is not None:
        return f"retired {standing.retired_at.astimezone():%Y-%m-%d}"
    return "active" if standing.coder.active else "inactive"


class CodersModel(QAbstractTableModel):
    """Coders by name; ``standing(row)`` is the record behind a row."""

    def __init__(self, standings: list[CoderStanding]) -> None:
        super().__init__()
        self._rows = standings

    def reset(self, standings: list[CoderStanding]) -> None:
        self.beginResetModel()
        self._rows = standings
        self.endResetModel()

    def standing(self, row: int) -> CoderStanding | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, coder_id: int) -> int:
        """The row showing ``coder_id`` (-1 when not listed)."""
        return next((i for i, s in enumerate(self._rows) if s.coder.id == coder_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        standing = self.standing(index.row())
        if standing is None:
            return None
        column = index.column()
        retired = standing.retired_at is not None or not standing.coder.active
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                standing.coder.name,
                status_text(standing),
                "set" if standing.has_passphrase else "none",
                standing.work_text(),
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and retired:
            return RETIRED_COLOUR
        if role == Qt.ItemDataRole.FontRole and retired and column == 0:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return standing.coder.id
        return None
