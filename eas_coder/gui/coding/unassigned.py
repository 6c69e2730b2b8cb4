"""A coder opens a video that is not assigned to them.

Where the study lets coders take videos (setting ``coding.self_assign``), they are asked;
"Yes" assigns it to them (``study.assignments.claim``, audited) and coding starts. Otherwise
opening it for coding is refused: the refusal is recorded in the audit log and told in the
status bar. Either way, until it is theirs the video only plays: nothing can be coded and no
other coder's work is shown (blind coding).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from eas_coder.errors import StudyError
from eas_coder.model import Coder, Video
from eas_coder.store.study import Study

SELF_ASSIGN = "coding.self_assign"


class Seat(Protocol):
    """The coding session as this question sees it: who sits at it, the video open, the
    study to claim it in, and where to report (the session satisfies it)."""

    study: Study
    video: Video | None
    coder: Coder | None

    def parent(self) -> QObject | None:
        """The window the question opens over."""
        ...

    def apply_template(self) -> None:
        """The coder's copy of the open video's shared episode template."""
        ...

    def touched(self, what: str, focus: int | None = None) -> None:
        """Something changed: the window re-reads ``what``."""
        ...

    def report_saved(self, what: str) -> None:
        """Tell the status bar what was saved."""
        ...

    def report_failure(self, message: str) -> None:
        """Tell the coder why a change was refused."""
        ...


class UnassignedVideo(QObject):
    """Asks (or refuses) when the session's coder opens a video not assigned to them."""

    def __init__(self, session: Seat, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._box: QMessageBox | None = None

    def opened(self, video: Video, coder: Coder) -> None:
        """``coder`` opened ``video``, which is not theirs: ask, or refuse."""
        if not self._session.study.settings.get(SELF_ASSIGN):
            self._claim(video, coder)  # refused, and the refusal recorded
            return
        parent = self._session.parent()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Not assigned to you",
            f"{video.label} is not assigned to you.\n\n"
            "Assign it to yourself and code it? The audit log records that you did.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent if isinstance(parent, QWidget) else None,
        )
        box.setObjectName("selfAssignBox")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _result: self._on_answered(box, video, coder))
        self._box = box
        box.open()

    def dismiss(self) -> None:
        """Close an open question unanswered (another video or coder came)."""
        box, self._box = self._box, None
        if box is not None:
            box.reject()

    def _on_answered(self, box: QMessageBox, video: Video, coder: Coder) -> None:
        asked = self._box is box
        if asked:
            self._box = None
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        session = self._session
        still_there = session.video is not None and session.video.id == video.id
        if asked and yes and still_there and session.coder == coder:
            self._claim(video, coder)

    def _claim(self, video: Video, coder: Coder) -> None:
        session = self._session
        try:
            session.study.assignments.claim(video.id, coder.id)
        except StudyError as exc:
            session.report_failure(str(exc))
            return
        session.apply_template()
        session.report_saved(f"{video.label} assigned to you")
        session.touched("status")
