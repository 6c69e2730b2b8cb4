"""Ctrl+Enter: what is still missing, or "lock this?" naming what it locks, then submit; and
the lab manager's Reopen (which coder's submitted work to unlock).

Both answers are window-modal boxes opened without a nested event loop; each deletes itself
when closed. The question defaults to Cancel, so a Return pressed once too often never
submits; "S" (the button's mnemonic) or a click confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QInputDialog, QMessageBox, QWidget

from eas_coder.gui.coding.session import CodingSession
from eas_coder.model import Rating, Video


def ask_to_reopen(parent: QWidget, session: CodingSession, done: Callable[[str], None]) -> None:
    """Lab manager: pick which coder's submitted work on the open video to unlock."""
    if session.video is None or not session.manager:
        return
    names = {c.id: c.name for c in session.study.coders.all()}
    submitted = [
        a for a in session.study.assignments.of_video(session.video.id) if a.status == "done"
    ]
    if not submitted:
        done("No coder has submitted this video")
        return
    choice, ok = QInputDialog.getItem(
        parent, "Reopen", "Reopen the video for:", [names[a.coder_id] for a in submitted], 0,
        False,
    )  # fmt: skip
    if ok:
        coder_id = next(a.coder_id for a in submitted if names[a.coder_id] == choice)
        session.reopen(session.video.id, coder_id)
        done(f"Reopened for {choice}")


def ask_to_submit(parent: QWidget, session: CodingSession, done: Callable[[str], None]) -> None:
    """Say what is missing, or ask before submitting the open video; ``done`` gets the status
    line once it is submitted."""
    video, coder = session.video, session.coder
    if video is None or coder is None:
        return
    missing = session.missing()
    if missing:
        missing_box(parent, missing).open()
        return
    box, lock = submit_box(
        parent, video, coder.name, len(session.my_segments()), session.my_ratings()
    )
    lock.clicked.connect(lambda: _confirmed(parent, session, (video.id, coder.id), done))
    box.open()


def _confirmed(
    parent: QWidget, session: CodingSession, asked: tuple[int, int], done: Callable[[str], None]
) -> None:
    if session.video is None or session.coder is None:
        return
    if (session.video.id, session.coder.id) != asked:
        return  # another video or coder since the question was asked
    missing = session.submit()
    if missing:  # changed at another workstation while the question was open
        missing_box(parent, missing).open()
        return
    done("Submitted — your coding of this video is locked")


def missing_box(parent: QWidget, missing: Sequence[str]) -> QMessageBox:
    """ "Not complete yet", listing what must still be rated (call ``open()`` on it)."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Not complete yet",
        "Rate every dimension before submitting. Missing:\n\n• " + "\n• ".join(missing),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("missingBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def submit_box(
    parent: QWidget, video: Video, coder: str, segments: int, ratings: Sequence[Rating]
) -> tuple[QMessageBox, QAbstractButton]:
    """The question before submitting, and its "Submit and Lock" button (connect its
    ``clicked``); Cancel is the default and the Escape button."""
    on_segments = sum(r.segment_id is not None for r in ratings)
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Submit and lock?",
        f"Submit {video.participant_code} · {video.timepoint} as {coder}?",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("submitBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(
        f"This locks your {_count(segments, 'segment')} and {_count(len(ratings), 'score')} "
        f"({on_segments} on segments, {len(ratings) - on_segments} on the whole session) "
        "with their notes. Only the lab manager can reopen them."
    )
    lock = box.addButton("&Submit and Lock", QMessageBox.ButtonRole.AcceptRole)  # S answers
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, lock


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
