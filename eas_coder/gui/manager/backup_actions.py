"""File ▸ Back Up Now and File ▸ Restore from Backup… (lab manager).

A study file: the copy goes into its backup folder (``store/backups.py``); restoring lists
those copies, closes the study, puts the chosen one back (the current file is kept first,
``store/restore.py``) and opens it again. A study on a server: the backup is a snapshot into
a SQLite study file in a folder the manager picks, and restoring takes such a file
(``store/snapshot.py``). Copies and snapshots run in the background with a busy dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.file_filters import STUDY_FILTER
from eas_coder.gui.manager.host import ManagerHost, Status
from eas_coder.gui.manager.job import ManagerJob, connect_job, job_wiring
from eas_coder.location import Location
from eas_coder.store.backups import BEFORE_RESTORE, BackupInfo, backup_now, list_backups
from eas_coder.store.identity import OtherStudy
from eas_coder.store.study import Study

TITLE = "Backups"


def describe(info: BackupInfo) -> str:
    """One line of the list: when, how big, intact or not, which kind."""
    size = (
        f"{info.size / 1024 / 1024:.1f} MB"
        if info.size >= 1024 * 1024
        else f"{info.size // 1024} KB"
    )
    kind = " · kept before a restore" if info.kind == BEFORE_RESTORE else ""
    state = "" if info.ok else f" · DAMAGED ({info.problem})"
    return f"{info.taken_at.astimezone():%Y-%m-%d %H:%M:%S} · {size}{kind}{state}"


class BackupChooser(QDialog):
    """The study file's backups, newest first; damaged ones cannot be chosen."""

    def __init__(self, study_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupChooser")
        self.setWindowTitle("Restore from Backup")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"Replace {study_file.name} with one of its backups. The study as it is now is "
                "kept first, beside the backups; work saved after the backup's time is not in it."
            )
        )
        self.backups = list_backups(study_file)
        self.list = QListWidget(self)
        self.list.setObjectName("backupList")
        for info in self.backups:
            item = QListWidgetItem(describe(info))
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            if not info.ok:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restore")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(self._update)
        good = next((i for i, b in enumerate(self.backups) if b.ok), -1)
        self.list.setCurrentRow(good)
        self._update()

    def _update(self, _row: int = -1) -> None:
        ok = self.chosen() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def chosen(self) -> Path | None:
        """The backup selected, if an intact one is."""
        item = self.list.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return Path(item.data(Qt.ItemDataRole.UserRole))


def install_backups(window: ManagerHost) -> BackupActions:
    """Add File ▸ Back Up Now and Restore from Backup… (before Import) for the lab manager."""

    def release() -> None:
        # The window's own connections would make restore refuse ("open elsewhere").
        window.live.stop()
        window.study.close()

    job = BackupActions(*job_wiring(window), release, window.switch_to)
    connect_job(window, job)
    window.menuFile.insertActions(window.actionImport, [job.back_up, job.restore])
    window.menuFile.insertSeparator(window.actionImport)
    return job


class BackupActions(ManagerJob):
    """The two File menu entries and the background work behind them. Restoring a study file
    first calls ``release`` (nothing may hold the file), then ``reopen`` with the study put
    back; a server study is only reopened."""

    def __init__(
        self,
        parent: QWidget,
        study: Callable[[], Study],
        is_manager: Callable[[], bool],
        status: Status,
        release: Callable[[], None],
        reopen: Callable[[Study], None],
    ) -> None:
        super().__init__(parent, TITLE, study, is_manager, status)
        self.release = release
        self.reopen = reopen
        self.back_up = self.add_action(
            "Back &Up Now", "actionBackUpNow", "Copy the study now", self.back_up_now
        )
        self.restore = self.add_action(
            "Restore from &Backup…",
            "actionRestoreBackup",
            "Put one of the study's backups in its place",
            self.restore_backup,
        )
        self.chooser: BackupChooser | None = None
        self.replace_box: QMessageBox | None = None  # the second confirmation, when shown

    # --- backing up ---------------------------------------------------------------------------

    def back_up_now(self) -> None:
        """A copy now: into the backup folder, or (server) a snapshot in a chosen folder."""
        if not self.may_start():
            return
        study = self.study()
        location = study.location
        if location.path is not None:
            path, keep = location.path, study.settings.get("backups.keep")
            self._run("Backing up the study…", lambda: backup_now(path, int(keep)), self._backed_up)
            return
        folder = QFileDialog.getExistingDirectory(self.owner, "Folder for the snapshot")
        if folder:
            from eas_coder.store.snapshot import default_name, take_snapshot  # on first use

            target = Path(folder) / default_name(location)

            def snapshot() -> Path:
                return take_snapshot(location, target).path

            self._run("Taking a snapshot of the study…", snapshot, self._backed_up)

    def _backed_up(self, path: object) -> None:
        self.status(f"Backup written to {path}", 20_000)

    # --- restoring ----------------------------------------------------------------------------

    def restore_backup(self) -> None:
        """Choose a backup and put it in the study's place."""
        if not self.may_start():
            return
        location = self.study().location
        if location.path is None:
            self._restore_on_server(location)
            return
        self.chooser = BackupChooser(location.path, self.owner)
        self.chooser.accepted.connect(self._chosen)
        self.chooser.open()

    def _chosen(self) -> None:
        assert self.chooser is not None
        location = self.study().location
        backup, study_file = self.chooser.chosen(), location.path
        if backup is None or study_file is None:
            return
        from eas_coder.store.restore import restore  # on first use, not with the window

        self.release()
        try:
            try:
                result = restore(study_file, backup)
            except OtherStudy as exc:
                if not self.confirm_replace(exc):
                    raise
                result = restore(study_file, backup, replace_study=True)
        except EasCoderError as exc:
            self.reopen(Study.open(location, backup=False))
            self.show(QMessageBox.Icon.Warning, f"{exc}")
            return
        self.reopen(Study.open(location, backup=False))
        self.show(
            QMessageBox.Icon.Information,
            f"Restored {study_file.name} from the backup {result.source.name}."
            + (
                f" What it held until now is kept as {result.before_restore}."
                if result.before_restore
                else ""
            ),
        )

    def _restore_on_server(self, location: Location) -> None:
        name, _ = QFileDialog.getOpenFileName(self.owner, "Snapshot to restore", "", STUDY_FILTER)
        if not name:
            return
        from eas_coder.store.snapshot import restore_snapshot  # on first use

        snapshot = Path(name)
        question = (
            f"Replace everything in {location.display()} with the snapshot {snapshot.name}? "
            "What it holds now is kept in a file beside the snapshot first. Coders saving "
            "meanwhile wait."
        )
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, question, buttons, self.owner)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return

        def done(result: Any) -> None:
            self.reopen(Study.open(location, backup=False))
            self.show(
                QMessageBox.Icon.Information,
                f"Restored from {snapshot.name}. What the study held until now is kept as "
                f"{result.before_restore}.",
            )

        def work() -> Any:
            try:
                return restore_snapshot(location, snapshot, snapshot.parent)
            except OtherStudy as exc:
                return exc  # asked about on the GUI thread (``done``), then run again

        def asked(result: Any) -> None:
            if not isinstance(result, OtherStudy):
                done(result)
            elif self.confirm_replace(result):
                self._run(
                    "Replacing the study with the snapshot…",
                    lambda: restore_snapshot(location, snapshot, snapshot.parent, True),
                    done,
                )

        self._run("Restoring the snapshot…", work, asked)

    def confirm_replace(self, refusal: OtherStudy) -> bool:
        """The second confirmation: the backup is of another study; replace this one with
        it? Cancel is the default."""
        question = (
            f"{refusal}\n\nReplace this study with that other study? Everything this study "
            "holds is kept in a before-restore file first, but the study will then be the "
            "other one."
        )
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, question, buttons, self.owner)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        if yes is not None:
            yes.setText("Replace the Study")
        self.replace_box = box
        return bool(box.exec() == QMessageBox.StandardButton.Yes)

    # --- running ----------------------------------------------------------------------------

    def _run(self, what: str, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        # a copy is quick and must not be cut half-way: no Stop button
        self.run(what, lambda _progress: work(), done, self._failed)

    def _failed(self, error: object) -> None:
        self.show(QMessageBox.Icon.Warning, f"{error} Nothing was changed.")
