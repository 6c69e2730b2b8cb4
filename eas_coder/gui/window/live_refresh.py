"""The window's side of live updates: it applies what the watcher's thread read.

The thread (``live_updates.py``) hands over a ``ListDiff``: the Videos list rows that changed
(a status, a new, edited, restored video), those that left it (removed, archived), or, after
a gap, the whole list. Here it is shown without reading the study on the GUI thread, except
the one video open on screen: its details, and its segments and scores when the viewer's
rules say they changed elsewhere (``live_diff._to_reread``). The lab manager's Progress dock
gets the audit entries with the names to word them. Nothing jumps under the coder: the
selection and the open video stay, even when that video was archived elsewhere (its row says
so until the list is read again).
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar, QTableView
from sqlalchemy.exc import SQLAlchemyError

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.video_list import VideoFilter
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.gui.manager.progress_dock import ProgressDock
from eas_coder.gui.window.live_diff import ListDiff, LiveRow
from eas_coder.gui.window.live_updates import NOBODY, LiveUpdates
from eas_coder.model import Video
from eas_coder.store.list_rows import ListViewer
from eas_coder.store.study import Study

LEFT_ELSEWHERE = "removed elsewhere (open here)"  # archived or deleted at another workstation


class LiveView(Protocol):
    """What live refresh shows changes in (the study and session change with the study)."""

    videoTable: QTableView  # its model is a VideoFilter over a VideoTableModel

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> CodingSession: ...

    def refresh_rows(self, video_ids: set[int]) -> None: ...

    def reread_open_video(self) -> None: ...


class LiveRefresh(QObject):
    """Owns the watcher of one window and feeds its Videos list and Progress dock."""

    def __init__(
        self,
        view: LiveView,
        dock: ProgressDock,
        status: QStatusBar,
        parent: QObject | None = None,
        poll_s: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self.view, self.dock, self.status = view, dock, status
        self.updates = LiveUpdates(self, poll_s)
        self.updates.listed.connect(self._on_listed)
        self.updates.connection.connect(self._on_connection)
        self.updates.watch(view.study.location)

    def follow(self, study: Study) -> None:
        """Watch another study (the window switched to it; nobody is signed in yet)."""
        self.updates.viewer = NOBODY
        self.updates.watch(study.location)

    def on_signed_in(self, _who: str) -> None:
        """Read the list for whoever signed in; the dock is the lab manager's only."""
        session = self.view.session
        coder_id = session.coder.id if session.coder is not None else None
        self.updates.set_viewer(ListViewer(coder_id, session.manager))
        self.dock.set_manager(session.manager)

    def _on_listed(self, diff: ListDiff) -> None:
        if diff.viewer != self.updates.viewer:
            return  # read for who was signed in before; the new viewer's whole list follows
        session = self.view.session
        open_id = session.video.id if session.video is not None else None
        changed = self._apply(diff, open_id)
        try:
            if open_id is not None and open_id in changed:
                self.view.refresh_rows({open_id})  # its details (a few small reads)
            if open_id is not None and open_id in diff.reread:
                self.view.reread_open_video()
        except SQLAlchemyError as exc:  # a moment's failure: the next change shows it
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            self.status.showMessage(
                f"Could not show other workstations' latest changes ({reason}); "
                "they appear with the next change, or reopen the study.",
                15_000,
            )
        names = diff.names
        if names is not None:
            labels = {d.key: d.label for d in self.view.study.scheme.dimensions}
            names = replace(names, dimensions=labels)
        if diff.entries:
            self.dock.on_changes(list(diff.entries), names)

    def _apply(self, diff: ListDiff, open_id: int | None) -> set[int]:
        """Show the diff in the Videos list; the ids of the rows it changed (not those that
        left: the open one keeps its row and says why)."""
        proxy = self.view.videoTable.model()
        model = proxy.table() if isinstance(proxy, VideoFilter) else None
        if not isinstance(proxy, VideoFilter) or not isinstance(model, VideoTableModel):
            return set()
        if diff.full:
            proxy.set_findings({r.video.id: r.finding for r in diff.rows if r.finding})
            return _apply_whole(model, self.view.videoTable, proxy, diff.rows, open_id)
        proxy.update_findings({r.video.id: r.finding for r in diff.rows})
        changed = set()
        for row in diff.rows:
            if _show_row(model, row, open_id):
                changed.add(row.video.id)
        for video_id in diff.removed:
            at = model.row_of(video_id)
            if at is None:
                continue
            if video_id == open_id:  # stays while it is open: the coder's work is not yanked
                model.set_row(at, model.video(at), model.present(at), _left(model, at))
            else:
                model.remove_row(at)
        return changed

    def _on_connection(self, message: str) -> None:
        self.dock.set_paused(message)
        if message:
            self.status.showMessage(message, 15_000)

    def stop(self) -> None:
        """Stop watching (the window is closing)."""
        self.updates.stop()


def _left(model: VideoTableModel, row: int) -> tuple[str, str]:
    return LEFT_ELSEWHERE, model.status(row)[1]  # same key: the row stays in the filter


def _sort_key(video: Video) -> tuple[str, str, int]:
    return video.participant_code, video.timepoint, video.id  # the list's order (load_videos)


class _Keys:
    """The model's rows as sort keys, for bisect (read on demand: ~14 of 10,000)."""

    def __init__(self, model: VideoTableModel) -> None:
        self.model = model

    def __len__(self) -> int:
        return self.model.rowCount()

    def __getitem__(self, row: int) -> tuple[str, str, int]:
        return _sort_key(self.model.video(row))


def _show_row(model: VideoTableModel, row: LiveRow, open_id: int | None) -> bool:
    """Update, move or insert one row; whether anything changed."""
    video = row.video
    at = model.row_of(video.id)
    if at is not None:
        same = (model.video(at), model.present(at), model.status(at))
        if same == (video, row.present, row.status):
            return False
        if _sort_key(model.video(at)) == _sort_key(video) or video.id == open_id:
            model.set_row(at, video, row.present, row.status)  # the open row never moves
            return True
        model.remove_row(at)  # renamed dyad or timepoint: to its new place
    place = bisect.bisect_left(_Keys(model), _sort_key(video))
    model.insert_row(place, video, row.present, row.status)
    return True


def _apply_whole(
    model: VideoTableModel,
    table: QTableView,
    proxy: VideoFilter,
    rows: tuple[LiveRow, ...],
    open_id: int | None,
) -> set[int]:
    """The whole list read again: compared in place when the same videos are listed in the
    same order (the usual case; ~5 ms of CPU at 10,000 rows), else the model is reset and the
    open video re-selected."""
    videos = [r.video for r in rows]
    present = [r.present for r in rows]
    statuses = [r.status for r in rows]
    shown, shown_present, shown_statuses = model.rows()
    if shown_statuses == statuses and shown_present == present and shown == videos:
        return set()  # nothing new (list comparisons run in C: ~2 ms at 10,000 rows)
    if [v.id for v in shown] == [v.id for v in videos]:
        changed = [
            at
            for at, (old, new, was, now, said, says) in enumerate(
                zip(shown, videos, shown_present, present, shown_statuses, statuses, strict=True)
            )
            if said != says or was != now or vars(old) != vars(new)
        ]
        for at in changed:
            model.set_row(at, videos[at], present[at], statuses[at])
        return {videos[at].id for at in changed}
    ids = {v.id for v in videos}
    kept = model.row_of(open_id) if open_id is not None and open_id not in ids else None
    if kept is not None:  # the open video left the list elsewhere: it stays while open
        place = bisect.bisect_left([_sort_key(v) for v in videos], _sort_key(model.video(kept)))
        videos.insert(place, model.video(kept))
        present.insert(place, model.present(kept))
        statuses.insert(place, _left(model, kept))
    before = {v.id for v in shown}
    model.reset_rows(videos, present, statuses)
    selected = model.row_of(open_id) if open_id is not None else None
    if selected is not None:
        table.selectRow(proxy.mapFromSource(model.index(selected, 0)).row())
    return ids - before | ({open_id} & ids if open_id is not None else set())
