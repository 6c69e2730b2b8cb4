"""The Audit Log dialog's table, fetched a page at a time as the person scrolls (Qt's
``canFetchMore`` / ``fetchMore``), so a log of 100,000 entries opens as fast as one of ten:
only the newest page is read at first, and each further page is one indexed query.

The entries arrive already blinded for the viewer (``store.audit_read``): a hidden entry
shows who, when and what, and says its details are another coder's work."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from eas_coder.store.audit_read import HIDDEN, AuditLine, AuditQuery, AuditReader

HEADERS = ("When", "Who", "What", "Video", "Work of", "Details")
PAGE = 200
DETAILS_LENGTH = 200  # the cell; the tooltip has all of it
HIDDEN_COLOUR = QColor("#6b7280")
_IN_COLUMNS = {"video_id", "coder_id"}
_FIRST = ["name", "dimension", "score", "items", "note", "status", "start_ms", "end_ms"]
Index = QModelIndex | QPersistentModelIndex
# What an action code means, in the words the window uses (an unknown code is shown as it is)
ACTIONS = {
    "study.create": "study created",
    "coder.add": "coder added",
    "coder.rename": "coder renamed",
    "coder.retire": "coder retired",
    "coder.unretire": "coder brought back",
    "coder.delete": "coder deleted",
    "coder.passphrase": "coder's passphrase",
    "manager.passphrase": "lab-manager passphrase",
    "setting.set": "setting changed",
    "timepoints.set": "timepoint order",
    "participant.add": "participant added",
    "video.add": "video added",
    "video.relink": "video relinked",
    "video.accuracy": "video checked",
    "assignment.add": "assigned",
    "assignment.status": "assignment status",
    "assignment.refused": "self-assignment refused",
    "segment.add": "segment added",
    "segment.update": "segment changed",
    "segment.delete": "segment deleted",
    "segment.split": "segment split",
    "segment.merge": "segments merged",
    "rating.set": "score saved",
    "rating.clear": "score cleared",
    "item_draft.set": "item scores saved",
    "item_draft.clear": "item scores cleared",
    "consensus.set": "consensus score",
    "template.set": "template set",
    "template.apply": "template applied",
    "scheme.version": "scheme version",
}


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _keys(*states: dict[str, Any]) -> list[str]:
    """The fields worth a look, what people judge first; the video and coder have columns."""
    keys = dict.fromkeys(k for state in states for k in state if k not in _IN_COLUMNS)
    return sorted(keys, key=lambda k: _FIRST.index(k) if k in _FIRST else len(_FIRST))


def _parsed(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def describe(old: str | None, new: str | None) -> str:
    """What changed, in one line: ``score: 6 → 6.5; note: '' → 'calmer'`` for two states,
    the fields of a new or removed one, else ``old → new``."""
    before, after = _parsed(old), _parsed(new)
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in _keys(before, after) if before.get(k) != after.get(k)]
        parts = [f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in keys]
        return "; ".join(parts) or "no change"
    state = after if after is not None else before
    if isinstance(state, dict):
        # an empty field says nothing about a new or removed record
        fields = "; ".join(
            f"{k}: {_short(state[k])}" for k in _keys(state) if state[k] not in (None, "")
        )
        return fields if after is not None else f"removed: {fields}"
    if before is None:
        return _short(after) if after is not None else ""
    return f"{_short(before)} → {_short(after)}"


class AuditLogModel(QAbstractTableModel):
    """The matching entries, newest first, read from ``reader`` a page at a time."""

    def __init__(self, reader: AuditReader, videos: dict[int, str], coders: dict[int, str]):
        super().__init__()
        self._reader = reader
        self._videos, self._coders = videos, coders
        self._query = AuditQuery()
        self._lines: list[AuditLine] = []
        self._details: list[str] = []
        self._done = False
        self.total = 0  # entries matching the query (all pages)

    @property
    def query(self) -> AuditQuery:
        return self._query

    def set_query(self, query: AuditQuery) -> None:
        """Show the entries matching ``query``: counted, and the newest page read."""
        self.beginResetModel()
        self._query = query
        self._lines, self._details, self._done = [], [], False
        self.total = self._reader.count(query)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def line(self, row: int) -> AuditLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._done:
            return
        before = self._lines[-1].id if self._lines else None
        page = self._reader.page(self._query, before, PAGE)
        self._done = len(page) < PAGE
        if not page:
            return
        start = len(self._lines)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._lines += page
        self._details += [HIDDEN if ln.hidden else describe(ln.old, ln.new) for ln in page]
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        line = self.line(index.row())
        if line is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(line, index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2:
                return f"{line.action} on {line.entity} {line.entity_id or ''}".strip()
            if column == 5:
                hidden = line.hidden
                return HIDDEN if hidden else f"before: {line.old or '—'}\nafter: {line.new or '—'}"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and line.hidden and column == 5:
            return HIDDEN_COLOUR
        return None

    def _cell(self, line: AuditLine, row: int, column: int) -> str:
        if column == 0:
            return f"{line.at.astimezone():%Y-%m-%d %H:%M:%S}"
        if column == 1:
            return line.actor
        if column == 2:
            return ACTIONS.get(line.action, line.action)
        if column == 3:
            return self._videos.get(line.video_id, "") if line.video_id is not None else ""
        if column == 4:
            return self._coders.get(line.coder_id, "") if line.coder_id is not None else ""
        details = self._details[row]
        return details if len(details) <= DETAILS_LENGTH else details[: DETAILS_LENGTH - 1] + "…"
