"""The Add Videos preview (form ``ui/add_videos_dialog.ui``): every file with the dyad code and
timepoint read from its name (``name_guess.py``: the study's pattern first, then a guess) and
where each came from, all editable, before anything is added. Changing the pattern reads
every row again except the cells a person typed; OK only when every row has both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidgetItem,
    QWidget,
)

from eas_coder.adding_videos import VideoEntry
from eas_coder.gui.common.forms import load_form
from eas_coder.name_guess import guess_name, match_pattern, pattern_problem

_FILE, _CODE, _TIMEPOINT_COLUMN, _SOURCE = range(4)
_TYPED = Qt.ItemDataRole.UserRole + 1  # a cell the person edited: a new pattern leaves it
_SOURCES = {
    "pattern": "the pattern",
    "name": "file name",
    "folder": "folder name",
    "": "— (please check)",
}


class AddVideosDialog(QDialog):
    """The files to add, with editable dyad code and timepoint columns; OK when all are set.
    ``pattern``: the study's file name pattern; ``known_timepoints``: the study's timepoints,
    so a guess is written the study's way."""

    def __init__(
        self,
        files: Sequence[Path],
        parent: QWidget | None = None,
        pattern: str = "",
        known_timepoints: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        load_form(self, "add_videos_dialog.ui")
        self._known = tuple(known_timepoints)
        self._filling = False  # rows are being written by the guess, not by a person
        self.stored_pattern = pattern
        table = self.filesTable
        table.setRowCount(len(files))
        for row, path in enumerate(files):
            item = QTableWidgetItem(path.name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            table.setItem(row, _FILE, item)
            for column in (_CODE, _TIMEPOINT_COLUMN):
                table.setItem(row, column, QTableWidgetItem(""))
            source = QTableWidgetItem("")
            source.setFlags(source.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, _SOURCE, source)
        header = table.horizontalHeader()
        header.setSectionResizeMode(_FILE, QHeaderView.ResizeMode.Stretch)
        for column in (_CODE, _TIMEPOINT_COLUMN, _SOURCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.patternEdit.setText(pattern)
        self._guess_all()
        table.itemChanged.connect(self._on_item_changed)
        self.patternEdit.textChanged.connect(self._on_pattern_changed)
        self.fillButton.clicked.connect(self._on_fill)
        self.removeButton.clicked.connect(self._on_remove)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._check()
        if files:
            table.setCurrentCell(0, _CODE)
        table.setFocus()

    # --- what it gives back -------------------------------------------------------------------

    def entries(self) -> list[VideoEntry]:
        """The files with the dyad codes and timepoints as they stand."""
        table = self.filesTable
        return [
            VideoEntry(
                Path(table.item(row, _FILE).data(Qt.ItemDataRole.UserRole)),
                table.item(row, _CODE).text().strip(),
                table.item(row, _TIMEPOINT_COLUMN).text().strip(),
            )
            for row in range(table.rowCount())
        ]

    def pattern(self) -> str:
        """The file name pattern as typed (stripped)."""
        return self.patternEdit.text().strip()

    def pattern_to_remember(self) -> str | None:
        """The pattern to store in the study: None when it is as stored, not to be
        remembered, or cannot be used."""
        wanted = self.pattern()
        if not self.rememberCheck.isChecked() or wanted == self.stored_pattern.strip():
            return None
        return None if pattern_problem(wanted) else wanted

    # --- guessing -----------------------------------------------------------------------------

    def _guess_all(self) -> None:
        """Read every row's code and timepoint from its name again, except typed cells."""
        pattern = self.pattern()
        usable = not pattern_problem(pattern)
        table = self.filesTable
        self._filling = True
        table.blockSignals(True)  # one check at the end, not one per cell
        try:
            for row in range(table.rowCount()):
                path = Path(table.item(row, _FILE).data(Qt.ItemDataRole.UserRole))
                found = guess_name(path, pattern if usable else "", self._known)
                for column, value in ((_CODE, found.dyad), (_TIMEPOINT_COLUMN, found.timepoint)):
                    item = table.item(row, column)
                    if not item.data(_TYPED):
                        item.setText(value)
                self._set_source(row, found.source)
        finally:
            table.blockSignals(False)
            self._filling = False
        self._show_pattern_status(pattern, usable)
        self._check()

    def _set_source(self, row: int, source: str) -> None:
        table = self.filesTable
        typed = any(table.item(row, c).data(_TYPED) for c in (_CODE, _TIMEPOINT_COLUMN))
        table.item(row, _SOURCE).setText("typed" if typed else _SOURCES[source])

    def _show_pattern_status(self, pattern: str, usable: bool) -> None:
        if not pattern:
            text = "No pattern: codes and timepoints are guessed from the names."
        elif not usable:
            text = f"The pattern must be {pattern_problem(pattern)}."
        else:
            rows = range(self.filesTable.rowCount())
            fits = sum(
                1
                for r in rows
                if match_pattern(
                    pattern,
                    Path(self.filesTable.item(r, _FILE).data(Qt.ItemDataRole.UserRole)),
                )
            )
            text = f"The pattern fits {fits} of {len(rows)} files; the others are guessed."
        self.patternStatus.setText(text)
        self.patternStatus.setStyleSheet("" if usable else "color: #b42318;")

    def _on_pattern_changed(self, _text: str) -> None:
        self._guess_all()

    # --- the person's edits -------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the Fill or pattern field must not press OK (the field leaves it unhandled)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.fillEdit:
                self._on_fill()
                event.accept()
                return
            if self.focusWidget() is self.patternEdit:
                event.accept()
                return
        super().keyPressEvent(event)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() in (_CODE, _TIMEPOINT_COLUMN):
            self.filesTable.blockSignals(True)
            item.setData(_TYPED, True)
            self._set_source(item.row(), "")
            self.filesTable.blockSignals(False)
        self._check()

    def _on_fill(self) -> None:
        value = self.fillEdit.text().strip()
        if not value:
            return
        table = self.filesTable
        table.blockSignals(True)  # one check at the end, not one per row
        try:
            for row in range(table.rowCount()):
                item = table.item(row, _TIMEPOINT_COLUMN)
                if not item.text().strip():
                    item.setText(value)
                    item.setData(_TYPED, True)
                    self._set_source(row, "")
        finally:
            table.blockSignals(False)
        self._check()

    def _on_remove(self) -> None:
        rows = sorted({index.row() for index in self.filesTable.selectedIndexes()}, reverse=True)
        for row in rows:
            self.filesTable.removeRow(row)
        self._check()

    def _check(self) -> None:
        entries = self.entries()
        no_code = sum(1 for e in entries if not e.participant)
        no_time = sum(1 for e in entries if not e.timepoint)
        problems = []
        if not entries:
            problems.append("No files to add.")
        if no_code:
            problems.append(f"{no_code} file(s) have no dyad code.")
        if no_time:
            problems.append(f"{no_time} file(s) have no timepoint (type one, or use Fill).")
        self.statusLabel.setText(" ".join(problems))
        self.statusLabel.setVisible(bool(problems))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Add {len(entries)} Video{'s' if len(entries) != 1 else ''}")
        ok.setEnabled(not problems)
