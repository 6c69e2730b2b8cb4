"""File ▸ Import Segments… and File ▸ Export ELAN (.eaf)…: segments from ELAN and BORIS files,
and a video's coding out to ELAN, as ``eas-coder import-segments`` / ``export-eaf`` do.

Importing segments for a coder changes the study: the lab manager's. The dialog previews in
the background; Import runs the write behind a progress dialog, refreshes the video list and
says what was written, or shows every problem and writes nothing. The export is in
``eaf_export_action.py``. Both get the window as the narrow ``InterchangeHost`` below."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QStatusBar, QWidget

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.eaf_export_action import ExportEafAction
from eas_coder.gui.manager.host import Status
from eas_coder.gui.manager.job import ManagerJob
from eas_coder.model import Coder, Video
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the readers (ELAN, BORIS) and the dialog load when it opens
    from eas_coder.exchange.segment_import import SegmentImportPlan
    from eas_coder.gui.manager.segment_import_dialog import SegmentImportDialog
    from eas_coder.gui.manager.segment_import_jobs import Imported, ImportRequest, Look

TITLE = "Import Segments"
SHOWN_PROBLEMS = 200  # in the message's details, as the CLI prints a bounded list


class SignedIn(Protocol):
    """Who is at the keyboard (the window's coding session)."""

    @property
    def manager(self) -> bool: ...

    @property
    def coder(self) -> Coder | None: ...


class InterchangeHost(Protocol):
    """The main window as these two entries use it."""

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> SignedIn: ...

    @property
    def signedIn(self) -> SignalInstance: ...

    @property
    def menuFile(self) -> QMenu: ...

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def current_video(self) -> Video | None: ...

    def refresh_videos(self) -> None: ...


def install_interchange(host: InterchangeHost) -> tuple[QAction, QAction]:
    """Add File ▸ Import Segments… and Export ELAN (.eaf)… after File ▸ Export…; returns
    the two actions (each one's parent is the job running it)."""
    owner, status = host.window(), host.statusBar().showMessage

    def who() -> tuple[bool, str | None]:  # the lab manager?, else which coder
        session = host.session
        return session.manager, session.coder.name if session.coder else None

    importer = ImportSegmentsAction(
        owner, lambda: host.study, lambda: host.session.manager, status, host.refresh_videos
    )
    exporter = ExportEafAction(owner, lambda: host.study, who, status, host.current_video)
    for job in (importer, exporter):
        host.signedIn.connect(job.update_enabled)
    actions = host.menuFile.actions()
    names = [a.objectName() for a in actions]
    after = names.index("actionExport") + 1 if "actionExport" in names else len(actions)
    before = actions[after] if after < len(actions) else None
    for action in (importer.action, exporter.action):
        if before is None:
            host.menuFile.addAction(action)
        else:
            host.menuFile.insertAction(before, action)
    return importer.action, exporter.action


class ImportSegmentsAction(ManagerJob):
    """Opens the dialog and runs the import it asks for, off the GUI thread."""

    imported = Signal(object)  # the Imported summary
    refused = Signal(str)  # the message shown; nothing was written

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.refresh = refresh
        self.dialog: SegmentImportDialog | None = None
        self.action = self.add_action(
            "Import &Segments…",
            "actionImportSegments",
            "Import segment boundaries from ELAN (.eaf) or BORIS (.boris) files",
            self.start,
        )

    def start(self) -> SegmentImportDialog | None:
        """Open the dialog (returned, open, for tests); None for anyone but the manager."""
        if not self.may_start():
            return None
        from eas_coder.gui.manager.segment_import_dialog import SegmentImportDialog
        from eas_coder.gui.manager.segment_import_jobs import look

        study = self.study()
        location, actor = study.location, study.actor

        def looker(request: ImportRequest, progress: ProgressCallback) -> Look:
            return look(location, actor, request, progress)  # its own connection

        base = study.location.base_dir
        dialog = SegmentImportDialog(
            self.owner, looker, [c.name for c in study.coders.all()], study.videos.all(),
            {e.key: e.label for e in study.scheme.episodes}, str(base) if base else "",
        )  # fmt: skip
        dialog.setObjectName("segmentImportDialog")
        dialog.importRequested.connect(self._write)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write(self, request: ImportRequest, plan: SegmentImportPlan) -> None:
        from eas_coder.gui.manager.segment_import_jobs import import_segments

        study = self.study()
        location, actor = study.location, study.actor

        def job(progress: ProgressCallback) -> Imported:
            return import_segments(location, actor, request, plan, progress)

        self.run(f"Importing segments from {request.path.name}…", job, self._done, self._failed)

    def _done(self, result: Imported) -> None:
        self.refresh()
        already = f"; {result.skipped} were already in the study" if result.skipped else ""
        text = (
            f"Imported {result.segments} segment(s) for {result.coder} on {result.videos} "
            f"video(s){already}."
        )
        self.status(text, 15_000)
        self.show(QMessageBox.Icon.Information, text)
        self.imported.emit(result)

    def _failed(self, exc: object) -> None:
        from eas_coder.exchange.segment_import import SegmentImportRejected
        from eas_coder.gui.manager.segment_import_dialog import in_window_words

        if isinstance(exc, SegmentImportRejected):
            problems = [in_window_words(str(p)) for p in exc.problems]
            text = (
                f"Nothing was imported: {len(problems)} problem(s), listed under Show Details. "
                "Fix them in the file (or choose otherwise) and import again."
            )
            details = "\n".join(problems[:SHOWN_PROBLEMS])
            if len(problems) > SHOWN_PROBLEMS:
                details += f"\n… and {len(problems) - SHOWN_PROBLEMS} more"
        else:
            text, details = f"Nothing was imported: {exc}", ""
        self.show(QMessageBox.Icon.Warning, text, details)
        self.refused.emit(text)
