"""The export options dialog (form in ``ui/export_dialog.ui``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QWidget

from eas_coder.exchange.sheets import ExportOptions
from eas_coder.gui.common.forms import load_form

FORMATS = (
    ("xlsx", "Excel workbook (.xlsx)"),
    ("csv", "CSV files, one per sheet (.csv)"),
    ("sav", "SPSS data file (.sav)"),
)


def _fill(widget: QListWidget, names: Sequence[str]) -> None:
    for name in names:
        item = QListWidgetItem(name, widget)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)


def _checked(widget: QListWidget) -> tuple[str, ...]:
    items = [widget.item(i) for i in range(widget.count())]
    chosen = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
    return () if len(chosen) == len(items) else chosen  # all checked = no filter


class ExportDialog(QDialog):
    """Choose format, coders, timepoints and coder codes."""

    def __init__(
        self, coders: Sequence[str], timepoints: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        load_form(self, "export_dialog.ui")
        for key, label in FORMATS:
            self.formatBox.addItem(label, key)
        _fill(self.codersList, coders)
        _fill(self.timepointsList, timepoints)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @property
    def format(self) -> str:
        """The chosen format key (xlsx, csv or sav)."""
        return str(self.formatBox.currentData())

    def options(self) -> ExportOptions:
        """The chosen filters."""
        return ExportOptions(
            coders=_checked(self.codersList),
            timepoints=_checked(self.timepointsList),
            coder_codes=self.codesCheck.isChecked(),
        )
