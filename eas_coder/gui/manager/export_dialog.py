"""The export options dialog (form in ``ui/export_dialog.ui``), the file name an export is
offered (study, date, kind), and the box at its end that opens the folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QMessageBox, QWidget

from eas_coder.gui.common.forms import load_form

if TYPE_CHECKING:  # the sheet writers load with the first export, not with the window
    from eas_coder.exchange.sheets import ExportOptions

FORMATS = (
    ("xlsx", "Excel workbook (.xlsx)"),
    ("csv", "CSV files, one per sheet (.csv)"),
    ("sav", "SPSS data file (.sav)"),
)


FOLDER_SETTING = "export/folder"  # where the last export went: the next one is offered there
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')  # refused by Windows or POSIX file names


def default_export_name(study_name: str, kind: str, suffix: str, day: date | None = None) -> str:
    """``Demo study 2026-12-03 ratings.xlsx``: the study, the day and what the file holds,
    with what a file name cannot hold left out."""
    study = " ".join(_NOT_IN_NAMES.sub(" ", study_name).split()).strip(" .") or "study"
    return f"{study} {(day or date.today()).isoformat()} {kind}{suffix}"


def default_export_path(study_name: str, kind: str, suffix: str) -> Path:
    """The offered file: in the folder of the last export (else the home folder)."""
    folder = Path(str(QSettings().value(FOLDER_SETTING, "") or Path.home()))
    return folder / default_export_name(study_name, kind, suffix)


def remember_folder(path: Path) -> None:
    """The next export is offered in the folder this one went to."""
    QSettings().setValue(FOLDER_SETTING, str(path.parent))


SHOWN_NAMES = 10  # more files than this: the rest under "Show Details…"


def offer_folder(parent: QWidget, paths: Sequence[Path], detail: str = "") -> QMessageBox:
    """The end of an export: where the files are (and ``detail``, e.g. how much was written),
    and a button that opens their folder in the file manager (returned open, for tests)."""
    folder = paths[0].parent
    names = "\n".join(p.name for p in paths[:SHOWN_NAMES])
    if len(paths) > SHOWN_NAMES:
        names += f"\n… and {len(paths) - SHOWN_NAMES} more"
    text = f"Exported to {folder}:\n{names}" + (f"\n\n{detail}" if detail else "")
    box = QMessageBox(
        QMessageBox.Icon.Information, "Export finished", text,
        QMessageBox.StandardButton.Close, parent,
    )  # fmt: skip
    if len(paths) > SHOWN_NAMES:
        box.setDetailedText("\n".join(p.name for p in paths))
    box.setObjectName("exportedBox")
    opener = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
    opener.setObjectName("openFolderButton")
    opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    box.setDefaultButton(opener)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


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
        from eas_coder.exchange.sheets import ExportOptions

        return ExportOptions(
            coders=_checked(self.codersList),
            timepoints=_checked(self.timepointsList),
            coder_codes=self.codesCheck.isChecked(),
        )
