"""Edit a video's participant (dyad), timepoint and name: checked by the study (duplicates
and empty fields refused with the reason shown in the dialog, which stays open with what
was typed), one audited write on Save."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.model import Video
from eas_coder.store.study import Study


class VideoEditDialog(QDialog):
    """The Edit Video dialog; ``edited`` is the video as saved (None until then)."""

    def __init__(self, study: Study, video: Video, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "video_edit_dialog.ui")
        self.setObjectName("videoEditDialog")
        self.study, self.video = study, video
        self.edited: Video | None = None
        self.setWindowTitle(f"Edit Video – {video.label}")
        self.participantEdit.setText(video.participant_code)  # type: ignore[attr-defined]
        combo = self.timepointCombo  # type: ignore[attr-defined]
        combo.addItems(study.timepoints.ordered())
        combo.setCurrentText(video.timepoint)
        self.nameEdit.setText(video.name or "")  # type: ignore[attr-defined]
        path = study.videos.file_of(video)
        self.fileLabel.setText(str(path) if path is not None else "No file (ratings from a sheet)")  # type: ignore[attr-defined]
        self.problemLabel.hide()  # type: ignore[attr-defined]
        self.buttonBox.accepted.connect(self.save)  # type: ignore[attr-defined]
        self.buttonBox.rejected.connect(self.reject)  # type: ignore[attr-defined]

    def save(self) -> None:
        """Write the changed fields; on a refusal say why and keep the dialog open."""
        participant = self.participantEdit.text()  # type: ignore[attr-defined]
        timepoint = self.timepointCombo.currentText()  # type: ignore[attr-defined]
        name = self.nameEdit.text()  # type: ignore[attr-defined]
        video = self.video
        try:
            self.edited = self.study.videos.edit(
                video.id,
                participant=None if participant == video.participant_code else participant,
                timepoint=None if timepoint == video.timepoint else timepoint,
                name=None if name == (video.name or "") else name,
            )
        except EasCoderError as exc:
            self.problemLabel.setText(f"Not saved: {exc}")  # type: ignore[attr-defined]
            self.problemLabel.show()  # type: ignore[attr-defined]
            return
        self.accept()
