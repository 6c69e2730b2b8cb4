"""The selected video: the Selected video dock's rows (with the accuracy check's "Check" row and
each visible coder's count of scores) and its file, angles and audio opened in the player.

Works on the dock's own widgets, found by the names ``ui/main_window.ui`` gives them, and on
the study and coding session it is handed: no window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QStatusBar, QWidget

from eas_coder.coding import visible_coders
from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.common.models import format_duration
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.media.accuracy import VideoAccuracy
from eas_coder.media.frame_index import FrameIndex
from eas_coder.model import Attachment, Video
from eas_coder.store.study import Study

NO_FILE = "No file (ratings entered from a sheet)"
NOT_CHECKED = "Not checked yet (added by an older version; eas-coder check does it)"


def show_check(details: QWidget, accuracy: VideoAccuracy | None, has_file: bool = True) -> QLabel:
    """Put what the accuracy check found in the Selected video dock's "Check" row (made on
    first use, under the form's rows in ``details``); returns its label."""
    label = details.findChild(QLabel, "checkValue")
    if label is None:
        layout = details.findChild(QFormLayout, "detailsLayout")
        caption = QLabel("Check")
        label = QLabel()
        label.setObjectName("checkValue")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if layout is not None:
            layout.addRow(caption, label)
    if not has_file:
        label.setText("–")
    elif accuracy is None:
        label.setText(NOT_CHECKED)
    else:
        label.setText(accuracy.describe())
    return label


def coding_lines(session: CodingSession, video: Video) -> str:
    """Who has how many scores on ``video`` — only the coders the one signed in may see
    (blind coding) — and their own status first."""
    visible = visible_coders(
        session.assignments_of(video.id),  # (read at most twice a second)
        video.id,
        session.coder.id if session.coder else None,
        session.manager,
    )
    counts = session.counts_by_coder(video.id)  # one query: names and counts
    lines = [
        f"{name}: {n} scores"
        for cid, (name, n) in sorted(counts.items())
        if visible is None or cid in visible
    ]
    status = session.status()
    if status is not None:
        lines.insert(0, f"You: {status.value}")
    return "\n".join(lines) if lines else "Not coded yet"


class VideoDetails:
    """The Selected video dock's rows, filled from the study and the coding session."""

    ROWS = ("participantValue", "timepointValue", "durationValue", "framesValue", "fileValue",
            "codingValue")  # fmt: skip

    def __init__(self, details: QWidget) -> None:
        self.details = details
        self._labels: dict[str, QLabel] = {}
        for name in self.ROWS:
            label = details.findChild(QLabel, name)
            if label is None:
                raise ValueError(f"The Selected video form has no {name} label.")
            self._labels[name] = label

    def _label(self, name: str) -> QLabel:
        return self._labels[name]

    def show(
        self, study: Study, session: CodingSession, video: Video, check: VideoAccuracy | None
    ) -> None:
        """Show ``video``'s rows; ``check`` is its accuracy check (None: never checked)."""
        self._label("participantValue").setText(video.participant_code)
        self._label("timepointValue").setText(video.timepoint)
        self._label("durationValue").setText(format_duration(video.duration_ms))
        frames = f"{video.frame_count} at {video.fps:.3f} fps" if video.fps else "–"
        self._label("framesValue").setText(frames)
        path = study.videos.file_of(video)
        self._label("fileValue").setText(str(path) if path else NO_FILE)
        show_check(self.details, check, has_file=path is not None)
        self._label("codingValue").setText(coding_lines(session, video))

    def clear(self) -> None:
        """No video selected (a study without videos): no rows of the last one stay."""
        for label in self._labels.values():
            label.setText("–")
        show_check(self.details, None, has_file=False)

    def show_frames(self, index: FrameIndex) -> None:
        """The file, once open, turned out to have a variable frame rate."""
        if index.is_variable_rate:
            self._label("framesValue").setText(
                f"{index.frame_count}, variable frame rate (times are the file's own timestamps)"
            )


def open_in_player(
    panel: PlayerPanel,
    study: Study,
    video: Video,
    status: QStatusBar,
    attachments: list[Attachment] | None = None,
) -> None:
    """Open ``video``'s file with its camera angles and audio (``attachments``, when read
    already), or say why it cannot play."""
    name = f"{video.participant_code} ({video.timepoint})"
    path = study.videos.file_of(video)
    if path is None:
        panel.show_unavailable(
            f"{name} has no video file in this study (its ratings came from a sheet)."
        )
    elif (unset := study.videos.unresolved_reason(video)) is not None:
        panel.show_unavailable(f"The video file of {name} cannot be found here: {unset}.")
    elif not path.is_file():
        panel.show_unavailable(
            f"The video file of {name} is not where the study says:\n{path}\n\n"
            "Was it moved, renamed, or is its drive not connected?"
        )
    else:
        angles: list[tuple[Path, int]] = []
        audio: tuple[Path, int] | None = None
        if attachments is None:
            attachments = study.attachments.of_video(video.id)
        for extra in attachments:
            file = study.attachments.file_of(extra)
            if not file.is_file():
                status.showMessage(f"Attached file missing: {file}", 15_000)
            elif extra.kind == "angle":
                angles.append((file, extra.offset_ms))
            elif audio is None:
                audio = (file, extra.offset_ms)
        panel.open_video(path, angles, audio)
