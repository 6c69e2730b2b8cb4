"""The lab manager's Progress dock: each coder's assigned videos by status, and a feed of
what was just saved, from every workstation, within seconds (``live_updates.py``).

Coders never see it: it tells who is where, and blind coding keeps that to the manager.
The feed names who did what to which video, never a score.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.manager.host import StudyView
from eas_coder.model import AuditEntry
from eas_coder.progress import CoderProgress, Names, coder_progress, describe_change

COLUMNS = ("Coder", "To do", "Started", "Submitted", "Last score")
TIPS = ("", "Assigned, nothing saved yet", "Assigned, some coding saved, not submitted",
        "Submitted of assigned", "When the coder last saved a score")  # fmt: skip
FEED_LENGTH = 200
TABLE_EVERY_S = 1.0  # the coders' table is recounted at most this often


def local_time(at: datetime | None, short: bool = False) -> str:
    """A stored time (UTC, naive on SQLite) in the computer's own zone; ``short``: the time of
    day for today, else the date."""
    if at is None:
        return "–"
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone()
    if not short:
        return f"{local:%H:%M:%S}"
    return f"{local:%H:%M}" if local.date() == datetime.now().date() else f"{local:%Y-%m-%d}"


class ProgressDock(QDockWidget):
    """Coders' progress table above the live feed of changes, of the study ``view`` shows to
    whoever is signed in there."""

    def __init__(self, view: StudyView) -> None:
        super().__init__("Progress", view.window())
        self.setObjectName("progressDock")
        self.view = view
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.status = QLabel("", body)
        self.status.setObjectName("progressStatus")
        self.table = QTableWidget(0, len(COLUMNS), body)
        self.table.setObjectName("progressTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for column, tip in enumerate(TIPS):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:  # one per column, set just above
                header.setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.feed = QListWidget(body)
        self.feed.setObjectName("activityList")
        self.feed.setAlternatingRowColors(True)
        split = QSplitter(Qt.Orientation.Vertical, body)
        split.addWidget(self.table)
        split.addWidget(self.feed)
        layout.addWidget(self.status)
        layout.addWidget(split)
        self.setWidget(body)
        self.rows: list[CoderProgress] = []
        self._filled_at, self._stale = 0.0, True
        self._refill = QTimer(self)
        self._refill.setSingleShot(True)
        self._refill.timeout.connect(self._refresh_table)
        self.visibilityChanged.connect(self._on_visibility)
        # View ▸ Progress brings the dock to the front, also when it shares a tab with Rating
        self.toggleViewAction().triggered.connect(lambda shown: self.raise_() if shown else None)

    def set_manager(self, manager: bool) -> None:
        """Only the lab manager has the dock; for a coder it is hidden and cannot be shown."""
        self.toggleViewAction().setEnabled(manager)
        if not manager:
            self.hide()
            self.table.setRowCount(0)
            self.feed.clear()
            return
        self.reload()

    def reload(self) -> None:
        """Read the figures and the last changes afresh (sign-in, another study)."""
        study = self.view.study
        self.feed.clear()
        self.on_changes(list(reversed(study.audit_log(limit=30))))

    def on_changes(self, entries: Sequence[AuditEntry], names: Names | None = None) -> None:
        """New audit entries (oldest first): refresh the table, put them on top of the feed."""
        if not self.view.session.manager:
            return
        study = self.view.study
        self._schedule_table()
        if entries:
            names = names or Names.of(study)
            for entry in entries:
                self.feed.insertItem(0, f"{local_time(entry.at)}  {describe_change(entry, names)}")
            while self.feed.count() > FEED_LENGTH:
                self.feed.takeItem(self.feed.count() - 1)
        self.status.setText(f"Updated {datetime.now():%H:%M:%S}")

    def _schedule_table(self) -> None:
        # The counts take a few queries (~50 ms on 2,000 videos): at most once a second while
        # coders type, and not at all while the dock is hidden.
        if not self.isVisible():
            self._stale = True
            return
        wait = TABLE_EVERY_S - (time.monotonic() - self._filled_at)
        if wait <= 0:
            self._refresh_table()
        elif not self._refill.isActive():
            self._refill.start(round(wait * 1000))

    def _refresh_table(self) -> None:
        if not self.view.session.manager:
            return
        self.rows = coder_progress(self.view.study)
        self._fill(self.rows)
        self._filled_at, self._stale = time.monotonic(), False

    def _on_visibility(self, visible: bool) -> None:
        if visible and self._stale:
            self._refresh_table()

    def set_paused(self, message: str) -> None:
        """Say that live updates stopped (server lost), or clear that when they are back."""
        self.status.setText(message or f"Updated {datetime.now():%H:%M:%S}")

    def _fill(self, rows: Sequence[CoderProgress]) -> None:
        table = self.table
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.coder, str(row.not_started), str(row.in_progress), None,
                     local_time(row.last_saved, short=True))  # fmt: skip
            for c, text in enumerate(cells):
                if text is None:
                    continue
                item = QTableWidgetItem(text)
                if c in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(r, c, item)
            bar = QProgressBar(table)
            bar.setRange(0, max(row.assigned, 1))
            bar.setValue(row.submitted)
            bar.setFormat(f"{row.submitted} of {row.assigned}")
            table.setCellWidget(r, 3, bar)
