"""The Videos list's columns: which are shown, and how wide.

At 1280×720 the list has room for Participant, Timepoint and Status (issue 23: nothing
cut; the player and the rating bars keep the rest), so Duration, FPS and File start hidden:
the Selected video dock shows all three for the video in hand. A right-click on the list's
header shows or hides them; the choice is remembered.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from eas_coder.gui.common.models import VideoTableModel

SETTING = "videos/shown_columns"
OPTIONAL = (3, 4, 5)  # Duration, FPS, File (VideoTableModel.HEADERS)


def shown_optional() -> list[int]:
    """The optional columns the person chose to see (none at first)."""
    value = QSettings().value(SETTING, [])
    chosen = value if isinstance(value, list) else [value] if value else []
    return [int(c) for c in chosen if str(c).isdigit() and int(c) in OPTIONAL]


def set_up_video_columns(table: QTableView) -> None:
    """Columns sized by hand or to their contents, the last filling the rest; the header's
    context menu offers the optional columns."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    # Column widths from the first rows only: measuring 2,000 rows takes half a second.
    header.setResizeContentsPrecision(60)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height: no row is measured
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(lambda at: _offer(table, at))


def fit_video_columns(table: QTableView) -> None:
    """After a new model: hide the optional columns not chosen, size the rest to fit."""
    header = table.horizontalHeader()
    shown = shown_optional()
    for column in OPTIONAL:
        header.setSectionHidden(column, column not in shown)
    table.resizeColumnsToContents()


def _offer(table: QTableView, at: QPoint) -> QMenu:
    menu = table.findChild(QMenu, "videoColumnsMenu")  # one per list, filled anew
    if menu is None:
        menu = QMenu(table)
        menu.setObjectName("videoColumnsMenu")
    menu.clear()
    shown = shown_optional()
    for column in OPTIONAL:
        action = menu.addAction(VideoTableModel.HEADERS[column])
        action.setCheckable(True)
        action.setChecked(column in shown)
        action.toggled.connect(lambda on, c=column: _choose(table, c, on))
    menu.popup(table.horizontalHeader().mapToGlobal(at))
    return menu


def _choose(table: QTableView, column: int, on: bool) -> None:
    shown = [c for c in shown_optional() if c != column] + ([column] if on else [])
    QSettings().setValue(SETTING, sorted(shown))
    fit_video_columns(table)
