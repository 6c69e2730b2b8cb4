"""The Videos dock: coding status per video, search and status filter (blind coding kept).

A coder's list shows the videos assigned to them ("Assigned to me", the first filter); "All
videos" is offered only where the study lets coders take unassigned videos
(``coding.self_assign``), and those show as "not assigned to you".

A video whose accuracy check (``media.accuracy``) found something carries a mark in the
Participant column (a warning for problems, an info sign for notes), with the check's
plain-words description as its tooltip; the Selected video dock gets a "Check" row
(``selected_video.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QComboBox, QStyle

from eas_coder.adding_videos import parse_accuracy
from eas_coder.coding import CodingStatus, coding_status
from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.media.accuracy import VideoAccuracy
from eas_coder.model import Assignment, AssignmentStatus, Video
from eas_coder.store.list_rows import ListedVideo, ListViewer
from eas_coder.store.study import Study

# (label, key) of the status filter. For a coder, "" is their assigned videos (rows keyed
# NOT_MINE are hidden) and ALL shows every video; for the lab manager "" shows every video.
NOT_MINE = "not mine"
ALL = "all"
CODER_FILTERS = (
    ("Assigned to me", ""),
    ("Not started", CodingStatus.NOT_STARTED.value),
    ("In progress", CodingStatus.IN_PROGRESS.value),
    ("Submitted", CodingStatus.SUBMITTED.value),
)
MANAGER_FILTERS = (
    ("All videos", ""),
    ("Not assigned", "unassigned"),
    ("Waiting for coders", "open"),
    ("All coders submitted", "complete"),
)


ASKED_ALONE = 64  # rows asked one by one after a change of the list before all are answered


def filters_for(session: CodingSession) -> tuple[tuple[str, str], ...]:
    """The status filters of whoever is signed in; "All videos" for a coder only where the
    study allows self-assignment."""
    if session.manager:
        return MANAGER_FILTERS
    if session.coder is not None and session.study.settings.get("coding.self_assign"):
        return (*CODER_FILTERS, ("All videos", ALL))
    return CODER_FILTERS


def offer_filters(combo: QComboBox, proxy: VideoFilter, session: CodingSession) -> None:
    """Fill the status filter with the choices of whoever is signed in; show their first."""
    combo.blockSignals(True)
    combo.clear()
    for label, key in filters_for(session):  # a coder's: "Assigned to me" first
        combo.addItem(label, key)
    combo.blockSignals(False)
    proxy.set_status("")


def _coder_row(status: CodingStatus, assigned: bool) -> tuple[str, str]:
    if assigned:
        return status.value, status.value
    return "not assigned to you", NOT_MINE


def viewer_of(session: CodingSession) -> ListViewer:
    """Who the list is for (plain data: it may go to another thread)."""
    return ListViewer(session.coder.id if session.coder is not None else None, session.manager)


def status_rows(session: CodingSession, videos: Sequence[Video]) -> list[tuple[str, str]]:
    """(text, key) per video: the coder's own status, or every coder's for the lab manager."""
    return statuses_for(session.study, viewer_of(session), [v.id for v in videos])


def statuses_for(
    study: Study, viewer: ListViewer, video_ids: Sequence[int]
) -> list[tuple[str, str]]:
    """``status_rows`` from plain data: store reads and Python only, so the window runs it
    on its save thread for a long list (``gui/window/list_statuses.py``)."""
    if viewer.manager:
        names = {c.id: c.name for c in study.coders.all()}
        by_video: dict[int, list[Assignment]] = {}
        for assignment in study.assignments.all():
            by_video.setdefault(assignment.video_id, []).append(assignment)
        return [_manager_row(names, by_video.get(video_id, [])) for video_id in video_ids]
    if viewer.coder_id is None:  # nobody signed in yet: nothing is anyone's
        return [(CodingStatus.NOT_STARTED.value, CodingStatus.NOT_STARTED.value)] * len(video_ids)
    mine = study.assignments.statuses_of(viewer.coder_id)
    worked = study.worked_videos(viewer.coder_id)
    rows = {  # the four rows a coder can see, made once
        (done, busy): _coder_row(coding_status(done, busy), True)
        for done in (False, True)
        for busy in (False, True)
    }
    not_mine = _coder_row(CodingStatus.NOT_STARTED, False)
    return [
        not_mine if status is None else rows[status == AssignmentStatus.DONE, v in worked]
        for v, status in ((v, mine.get(v)) for v in video_ids)
    ]


def status_row(session: CodingSession, video: Video) -> tuple[str, str]:
    """(text, key) of one video, cheaply (after a change to that video only)."""
    if session.manager:
        return _manager_row({c.id: c.name for c in session.study.coders.all()},
                            session.study.assignments.of_video(video.id))  # fmt: skip
    if session.coder is None:
        return CodingStatus.NOT_STARTED.value, CodingStatus.NOT_STARTED.value
    coder_id = session.coder.id
    assigned = any(a.coder_id == coder_id for a in session.assignments_of(video.id))
    return _coder_row(session.status_of(video.id), assigned)


def _manager_row(names: dict[int, str], assigned: Sequence[Assignment]) -> tuple[str, str]:
    if not assigned:
        return "not assigned", "unassigned"
    done = all(a.status == AssignmentStatus.DONE for a in assigned)
    text = ", ".join(f"{names.get(a.coder_id, a.coder_id)}: {_word(a.status)}" for a in assigned)
    return text, "complete" if done else "open"


def listed_status(row: ListedVideo, viewer: ListViewer) -> tuple[str, str]:
    """(text, key) of a row read by the live refresh (``store/list_rows.py``), as
    ``status_rows`` words it; plain Python, so the refresh's worker thread builds it."""
    if viewer.manager:
        if not row.assigned:
            return "not assigned", "unassigned"
        done = all(status == AssignmentStatus.DONE for _name, status in row.assigned)
        text = ", ".join(f"{name}: {_word(status)}" for name, status in row.assigned)
        return text, "complete" if done else "open"
    if viewer.coder_id is None:
        return CodingStatus.NOT_STARTED.value, CodingStatus.NOT_STARTED.value
    submitted = any(status == AssignmentStatus.DONE for _name, status in row.assigned)
    return _coder_row(coding_status(submitted, row.worked), bool(row.assigned))


def _word(status: AssignmentStatus) -> str:
    return "submitted" if status == AssignmentStatus.DONE else status.value.replace("_", " ")


def findings_of(study: Study) -> dict[int, VideoAccuracy]:
    """Every video's stored accuracy check, by video id (one query)."""
    found = {}
    for video_id, text in study.videos.accuracies().items():
        accuracy = parse_accuracy(text)
        if accuracy is not None:
            found[video_id] = accuracy
    return found


def _icon(accuracy: VideoAccuracy) -> QIcon:
    style = QApplication.style()
    kind = QStyle.StandardPixmap
    return style.standardIcon(
        kind.SP_MessageBoxWarning if accuracy.problems else kind.SP_MessageBoxInformation
    )


class VideoFilter(QSortFilterProxyModel):
    """Rows whose text matches the search and whose status key matches the chosen one;
    a mark on the videos whose accuracy check found something."""

    MARK_ROLE = Qt.ItemDataRole.UserRole + 7  # the check's few words ("" when nothing)
    _MARKED = frozenset(
        int(r) for r in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole, MARK_ROLE)
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._status = ""
        self._findings: dict[int, VideoAccuracy] = {}
        self._model: VideoTableModel | None = None
        self._held = False
        self._empty = VideoTableModel([], [], self)  # shown while held
        # (the model's edit count, an answer per row) of the last pass over every row, and
        # how many rows were asked one by one since the model changed
        self._answers: tuple[int, list[bool]] | None = None
        self._alone = 0

    def hold(self, held: bool) -> None:
        """Show no row while ``held``: the statuses of whoever signed in are being read, and
        those of the one before must not show meanwhile (blind coding). The list's model is
        set aside meanwhile (it still takes live updates): filtering out 10,000 rows one by
        one took 10-17 ms, and letting them back in filters them once."""
        if held == self._held or self._model is None:
            return
        self._held = held
        self._answers = None
        super().setSourceModel(self._empty if held else self._model)

    def table(self) -> VideoTableModel | None:
        """The list's model (also while the list is held)."""
        return self._model

    def is_held(self) -> bool:
        """True while no row is shown until the statuses are read."""
        return self._held

    def set_findings(self, findings: Mapping[int, VideoAccuracy]) -> None:
        """The accuracy checks by video id (after the list was read again)."""
        self._findings = dict(findings)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def update_findings(self, changed: Mapping[int, VideoAccuracy | None]) -> None:
        """Some videos' checks (None: none stored), after a live refresh read them."""
        for video_id, accuracy in changed.items():
            if accuracy is None:
                self._findings.pop(video_id, None)
            else:
                self._findings[video_id] = accuracy

    def finding(self, video_id: int) -> VideoAccuracy | None:
        """A video's check, or None when it was never checked."""
        return self._findings.get(video_id)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        self._model = model if isinstance(model, VideoTableModel) else None
        self._held = False
        self._answers = None
        if self._model is not None:
            self._model.set_marks(self._MARKED, self._mark)
        super().setSourceModel(model)

    def _mark(self, video: Video, role: int) -> Any:
        """A video's accuracy mark in the first column: its words (MARK_ROLE, "" if none),
        and with a finding a warning or information icon and a tooltip saying what it is."""
        found = self._findings.get(video.id)
        mark = found.mark if found is not None else ""
        if role == self.MARK_ROLE:
            return mark
        if not mark or found is None:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return _icon(found)
        return f"{mark}\n\n{found.describe()}"

    def set_text(self, text: str) -> None:
        """Search words: every word must appear in the participant, timepoint or file."""
        self._change(lambda: setattr(self, "_text", text.strip().lower()))

    def set_status(self, key: str) -> None:
        """Only rows with this status key ("" = all)."""
        if key != self._status:  # (each change filters every row again)
            self._change(lambda: setattr(self, "_status", key))

    def _change(self, update: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() by begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            update()
            self._answers = None
            self.endFilterChange()
        else:
            update()
            self._answers = None
            self.invalidateFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        # Asked once per row of 10,000 when the list is filtered again (a sign-in, a filter
        # chosen, a word typed): one pass answers every row and the questions look their
        # answer up, as a Python call per row from Qt is about all the time there is (issue
        # 18: 1-2 of the 6-7 ms of re-filtering 10,000 rows). A row changed since the pass (a
        # live update, a save) is answered on its own; many such questions make a new pass.
        model = self._model
        if model is None:
            return True
        answers = self._answers
        if answers is None or answers[0] != model.edits:
            self._alone += 1
            if answers is not None and self._alone <= ASKED_ALONE:
                return self._accepts(model.status_key(source_row), model.video(source_row))
            answers = self._answers = (model.edits, self._accepts_all(model))
            self._alone = 0
        return answers[1][source_row]

    def _accepts_all(self, model: VideoTableModel) -> list[bool]:
        keys = model.status_keys()
        status = self._status
        if status == ALL:
            shown = [True] * len(keys)
        elif status:
            shown = [key == status for key in keys]
        else:  # "": a coder's own videos (the lab manager's rows are all shown)
            shown = [key != NOT_MINE for key in keys]
        if not self._text:
            return shown
        words = self._text.split()
        videos = model.rows()[0]
        return [ok and _has_words(video, words) for ok, video in zip(shown, videos, strict=True)]

    def _accepts(self, key: str, video: Video) -> bool:
        status = self._status
        if status != ALL and ((key != status) if status else (key == NOT_MINE)):
            return False
        return not self._text or _has_words(video, self._text.split())


def _has_words(video: Video, words: Sequence[str]) -> bool:
    """Every search word appears in the participant, timepoint, name or file."""
    haystack = " ".join(
        [video.participant_code, video.timepoint, video.name or "", video.path or ""]
    ).lower()
    return all(word in haystack for word in words)
