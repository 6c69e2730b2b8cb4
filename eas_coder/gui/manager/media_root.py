"""File ▸ Media Root…: the study's media root name (the lab manager's) and where that folder
is on this computer (anyone's, remembered per study in QSettings under the study's uid), and
moving the study's existing video paths under it (the manager's; one audited transaction).
What this computer remembers is ``media_root_memory.py``, read at start; this dialog loads
when it first opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from eas_coder import media_roots
from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.manager.media_root_memory import remember_root, remembered_root
from eas_coder.store.study import Study


class MediaRootDialog(QDialog):
    """Name the root (manager), say where it is here, move existing paths under it."""

    def __init__(self, study: Study, manager: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "media_root_dialog.ui")
        self.setObjectName("mediaRootDialog")
        self.study, self.manager = study, manager
        self.changed = False  # something was saved or moved: the video list is re-read
        self.nameEdit.setText(study.videos.media_root_name())  # type: ignore[attr-defined]
        self.nameEdit.setEnabled(manager)  # type: ignore[attr-defined]
        root = remembered_root(study)
        self.folderEdit.setText("" if root is None else str(root))  # type: ignore[attr-defined]
        self.moveButton.setEnabled(manager)  # type: ignore[attr-defined]
        self.problemLabel.hide()  # type: ignore[attr-defined]
        self.browseButton.clicked.connect(self.browse)  # type: ignore[attr-defined]
        self.moveButton.clicked.connect(self.move_videos)  # type: ignore[attr-defined]
        self.buttonBox.accepted.connect(self.save)  # type: ignore[attr-defined]
        self.buttonBox.rejected.connect(self.reject)  # type: ignore[attr-defined]
        self._show_state()

    def _show_state(self) -> None:
        under = sum(1 for v in self.study.videos.all()
                    if v.path is not None and media_roots.is_media_relative(v.path))  # fmt: skip
        override = media_roots.local_root(None)
        text = f"{under} video(s) are stored relative to the media root."
        if override is not None:
            text += f" ${media_roots.ENV_VAR} overrides the folder in this run: {override}."
        self.stateLabel.setText(text)  # type: ignore[attr-defined]

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Media root on this computer",
                                                  self.folderEdit.text())  # type: ignore[attr-defined]  # fmt: skip
        if chosen:
            self.folderEdit.setText(chosen)  # type: ignore[attr-defined]

    def _problem(self, text: str) -> None:
        self.problemLabel.setText(text)  # type: ignore[attr-defined]
        self.problemLabel.show()  # type: ignore[attr-defined]

    def _apply(self) -> bool:
        """Save the name (manager) and this computer's folder; False with the reason shown."""
        folder = self.folderEdit.text().strip()  # type: ignore[attr-defined]
        root = Path(folder).expanduser() if folder else None
        if root is not None and not root.is_dir():
            self._problem(f"Not saved: {root} is not a folder here (is the drive connected?)")
            return False
        try:
            name = self.nameEdit.text().strip()  # type: ignore[attr-defined]
            if self.manager and name != self.study.videos.media_root_name():
                self.study.settings.set("media.root_name", name)
            remember_root(self.study, root)
        except EasCoderError as exc:
            self._problem(f"Not saved: {exc}")
            return False
        self.changed = True
        return True

    def save(self) -> None:
        if self._apply():
            self.accept()

    def move_videos(self) -> None:
        """Store the existing paths inside the folder relative to it (asked first)."""
        if not self._apply():
            return
        asked = QMessageBox.question(
            self, "Media root",
            "Store every video and attached file inside the media root relative to it? "
            "Files outside it keep their paths. This is one change, recorded in the audit log.",
        )  # fmt: skip
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            done = self.study.videos.move_to_media_root()
        except EasCoderError as exc:
            self._problem(f"Nothing moved: {exc}")
            return
        self._show_state()
        self.problemLabel.hide()  # type: ignore[attr-defined]
        self.stateLabel.setText(  # type: ignore[attr-defined]
            f"Moved {len(done.moved)} path(s) under the media root; {len(done.outside)} outside "
            "it kept as they were."
        )
