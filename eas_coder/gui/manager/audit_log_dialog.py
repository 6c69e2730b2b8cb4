"""Tools ▸ Audit Log…: who changed what and when, filtered by coder, video and days, and
exported to CSV (form in ``ui/audit_log_dialog.ui``).

Open to whoever is signed in, under blind coding (``store.audit_read``): the lab manager
sees every entry in full; a coder sees every entry's who, when and what, their own entries'
details, and other coders' scores, notes and segments only where the window would show them
(once everyone assigned to the video has submitted it). The CSV holds the same. The table
reads the log a page at a time (``AuditLogModel``), on its own connection to the study.

The menu entry is ``audit_log_action.py``; this module loads when the log first opens.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QFileDialog, QHeaderView, QMessageBox, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.exchange.audit_csv import default_name, write_audit_csv
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.common.workers import JobRunner
from eas_coder.gui.manager.audit_log_model import AuditLogModel
from eas_coder.gui.manager.export_dialog import offer_folder
from eas_coder.store.audit_read import AuditQuery, AuditReader
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

TITLE = "Audit Log"
ERROR_STYLE = "color: #b42318; font-weight: 600;"
DONE_STYLE = "color: #166534;"


def _start_of(day: QDate) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return datetime.combine(date(day.year(), day.month(), day.day()), time()).astimezone()


class AuditLogDialog(QDialog):
    """The audit log for ``viewer`` (``Viewer.everyone()``: the lab manager)."""

    def __init__(self, study: Study, viewer: Viewer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "audit_log_dialog.ui")
        self.setObjectName("auditLogDialog")
        self._study = study
        self._viewer = viewer
        self._closing = ExitStack()  # the reader's connection, closed with the dialog
        self.reader = self._closing.enter_context(AuditReader.opened(study.location, viewer))
        self.runner: JobRunner | None = None
        self.exported: Path | None = None
        self.exported_box: QMessageBox | None = None  # the last "Open Folder" box shown
        coders, videos = self.reader.coders(), self.reader.videos()
        self.model = AuditLogModel(self.reader, videos, coders)
        self.auditTable.setModel(self.model)
        rows = self.auditTable.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)  # one line of text each
        header = self.auditTable.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.coderBox.addItem("All coders", None)
        for coder_id, name in sorted(coders.items(), key=lambda item: item[1].casefold()):
            self.coderBox.addItem(name, coder_id)
        self.videoBox.addItem("All videos", None)
        for video_id, label in videos.items():
            self.videoBox.addItem(label, video_id)
        today = QDate.currentDate()
        self.fromDate.setDate(today.addDays(-30))
        self.untilDate.setDate(today)
        self.fromDate.setEnabled(False)
        self.untilDate.setEnabled(False)
        for box in (self.coderBox, self.videoBox):
            box.currentIndexChanged.connect(self.apply_filter)
        for check, edit in ((self.fromCheck, self.fromDate), (self.untilCheck, self.untilDate)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.apply_filter)
            edit.dateChanged.connect(self.apply_filter)
        self.blindLabel.setVisible(not viewer.manager)
        self.messageLabel.hide()
        self.exportButton.clicked.connect(self.choose_export)
        self.buttons.rejected.connect(self.reject)
        closing = self._closing  # also when the window goes first and takes the dialog along
        self.finished.connect(lambda _result: closing.close())
        self.destroyed.connect(lambda: closing.close())
        self.apply_filter()
        self.resize(1100, 620)
        self._size_columns()

    def query(self) -> AuditQuery:
        """The filters as chosen: a day range is inclusive, in this computer's time zone."""
        since = _start_of(self.fromDate.date()) if self.fromCheck.isChecked() else None
        until = None
        if self.untilCheck.isChecked():
            until = _start_of(self.untilDate.date()) + timedelta(days=1)
        return AuditQuery(self.coderBox.currentData(), self.videoBox.currentData(), since, until)

    def apply_filter(self) -> None:
        self.model.set_query(self.query())
        total = self.model.total
        self.countLabel.setText(f"{total:,} entr{'y' if total == 1 else 'ies'}")
        self.exportButton.setEnabled(total > 0)

    def _size_columns(self) -> None:
        widths = (140, 190, 140, 190, 110)  # the rest goes to Details
        for column, width in enumerate(widths):
            self.auditTable.setColumnWidth(column, width)

    # --- export ------------------------------------------------------------------------------

    def choose_export(self) -> None:
        base = self._study.location.base_dir
        name = default_name(self._study.info.name, f"{date.today():%Y-%m-%d}")
        suggested = str(Path(base) / name) if base else name
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the audit log", suggested, "CSV files (*.csv)"
        )
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, target: Path) -> None:
        """Write the entries shown (all pages) to ``target`` in the background."""
        if self.runner is not None:
            return
        if not target.suffix:
            target = target.with_name(target.name + ".csv")
        location, viewer, query = self._study.location, self._viewer, self.model.query

        def job(progress: Callable[[str, int, int], None]) -> int:
            return write_audit_csv(location, viewer, query, target, progress)

        runner = JobRunner(job, self)
        runner.succeeded.connect(lambda count: self._exported(target, int(count)))
        runner.failed.connect(self._export_failed)
        self.runner = runner
        self.exportButton.setEnabled(False)
        self._say(f"Writing {target.name}…", DONE_STYLE)
        runner.start()

    def _exported(self, target: Path, count: int) -> None:
        self.runner = None
        self.exported = target
        self.exportButton.setEnabled(True)
        self._say(f"Exported {count:,} entries to {target}", DONE_STYLE)
        entries = f"{count:,} entr{'y' if count == 1 else 'ies'} of the audit log."
        self.exported_box = offer_folder(self, [target], entries)

    def _export_failed(self, error: object) -> None:
        self.runner = None
        self.exportButton.setEnabled(True)
        words = str(error) if isinstance(error, EasCoderError | OSError) else repr(error)
        self._say(f"Not exported: {words}", ERROR_STYLE)

    def _say(self, text: str, style: str) -> None:
        self.messageLabel.setStyleSheet(style)
        self.messageLabel.setText(text)
        self.messageLabel.show()
