"""File ▸ Export ELAN (.eaf)…: the selected video's coding as one .eaf, or every video's into a
folder (one .eaf each), written in the background by ``exchange.eaf_export``.

Blind coding as in ``eas-coder export-eaf``: the lab manager exports every coder's work; a
coder signed in exports their own view (their own work, and others' only on videos every
assigned coder has submitted); with nobody signed in the entry is off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.export_dialog import offer_folder
from eas_coder.gui.manager.host import Status
from eas_coder.gui.manager.job import ManagerJob
from eas_coder.model import Video
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

TITLE = "Export ELAN (.eaf)"
NOBODY = "Sign in first (File ▸ Switch Coder…): the export shows the work you may see"
THIS_VIDEO, ALL_VIDEOS = "This Video…", "All Videos…"
Who = Callable[[], tuple[bool, str | None]]  # (the lab manager?, else the coder's name)


class ExportEafAction(ManagerJob):
    """Asks what to export and where, then writes it off the GUI thread."""

    exported = Signal(list)  # the paths written
    failed = Signal(str)  # the message shown

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        who: Who,
        status: Status,
        current_video: Callable[[], Video | None],
    ) -> None:
        super().__init__(parent, TITLE, study, lambda: who()[0], status)
        self.who = who
        self.current_video = current_video
        self.choice_box: QMessageBox | None = None  # the question asked (tests answer it)
        self.exported_box: QMessageBox | None = None  # the last "Open Folder" box shown
        self.action = self.add_action(
            "Export &ELAN (.eaf)…",
            "actionExportEaf",
            "Export segments and scores as ELAN files, one tier per coder and dimension",
            self.start,
        )

    def _signed_in(self) -> bool:
        manager, coder = self.who()
        return manager or coder is not None

    def update_enabled(self, _who: str = "") -> None:
        """On for the lab manager and for a signed-in coder (their own blind view)."""
        on = self._signed_in()
        for action, tip in self._actions:
            action.setEnabled(on)
            action.setStatusTip(tip if on else NOBODY)

    def may_start(self) -> bool:
        return self._signed_in() and not self.busy()

    def start(self) -> None:
        """Ask: the selected video, or all videos into a folder."""
        if not self.may_start():
            return
        video = self.current_video()
        if video is None:
            self.export_all()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            TITLE,
            f"Export the coding of {video.label} to an ELAN file, or of every video of the "
            "study (one .eaf each, into a folder)?",
            QMessageBox.StandardButton.Cancel,
            self.owner,
        )
        this = box.addButton(THIS_VIDEO, QMessageBox.ButtonRole.AcceptRole)
        every = box.addButton(ALL_VIDEOS, QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(this)

        def answered(button: QAbstractButton) -> None:
            self.choice_box = None
            if button is this:
                self.export_video(video)
            elif button is every:
                self.export_all()

        box.buttonClicked.connect(answered)
        box.finished.connect(box.deleteLater)
        self.choice_box = box
        box.open()

    def export_video(self, video: Video) -> None:
        """Ask for the .eaf file, then write it."""
        base = self.study().location.base_dir
        stem = Path(video.name or video.label).stem
        suggested = str(Path(base) / f"{stem}.eaf") if base else f"{stem}.eaf"
        name, _ = QFileDialog.getSaveFileName(self.owner, TITLE, suggested, "ELAN (*.eaf)")
        if not name:
            return
        out = Path(name)
        if out.suffix.lower() != ".eaf":
            out = out.with_name(out.name + ".eaf")
        self._export(out, [video.id])

    def export_all(self) -> None:
        """Ask for a folder, then write one .eaf per video into it."""
        base = self.study().location.base_dir
        name = QFileDialog.getExistingDirectory(
            self.owner, "Folder for the .eaf files", str(base) if base else ""
        )
        if name:
            self._export(Path(name), None)

    def _export(self, out: Path, video_ids: list[int] | None) -> None:
        study = self.study()
        location, actor = study.location, study.actor
        manager, coder = self.who()

        def job(progress: ProgressCallback) -> tuple[list[Path], str]:
            # the writer (pympi, and the export's statistics) loads here, not at start-up
            from eas_coder.exchange.eaf_export import export_eaf

            with Study.open(location, actor, backup=False) as study:  # this thread's own
                viewer = Viewer.everyone()
                if not manager and coder is not None:
                    viewer = Viewer(study.coders.get(coder), study.assignments.all())
                written = export_eaf(study, out, video_ids, viewer, progress)
                return written, "" if viewer.manager else viewer.describe()

        self.run(f"Writing {out.name}…", job, self._on_written, self._on_failed)

    def _on_written(self, result: tuple[list[Path], str]) -> None:
        written, view = result
        if len(written) == 1:
            text = f"Wrote {written[0]}."
        else:
            folder = written[0].parent if written else ""
            text = f"Wrote {len(written)} .eaf file(s) into {folder}."
        as_whom = f"As {view}." if view else ""
        self.status(text, 15_000)
        if written:  # ends with the box that opens the folder (as File ▸ Export… does)
            count = "" if len(written) == 1 else f"Wrote {len(written)} .eaf file(s)."
            detail = "\n\n".join(part for part in (count, as_whom) if part)
            self.box = self.exported_box = offer_folder(self.owner, written, detail)
        else:
            self.show(QMessageBox.Icon.Information, "\n\n".join(filter(None, (text, as_whom))))
        self.exported.emit(written)

    def _on_failed(self, exc: object) -> None:
        message = f"Nothing was exported: {exc}"
        self.show(QMessageBox.Icon.Warning, message)
        self.failed.emit(message)
