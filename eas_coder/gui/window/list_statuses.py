"""The Videos list's status column, read again for whoever is signed in (sign-in, submit,
reopen, assignments changed).

A short list is read at once. A long one (more than ``SYNC_ROWS`` videos: 30-60 ms of
queries at 10,000, the longest stall of a sign-in, issue 18) is read on the session's save
thread, after the saves queued so far, and shown once read, in one reset of the model. For a
new viewer the list shows no row meanwhile (a few tens of milliseconds): the statuses of the
person signed in before must not be seen by the next (blind coding). A read that a live
update overtook (a row changed meanwhile) is read again; one for a viewer or list no longer
shown is dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.video_list import VideoFilter, statuses_for, viewer_of
from eas_coder.gui.common.models import VideoTableModel

SYNC_ROWS = 2_000  # up to this many videos the statuses are read on the GUI thread (~10 ms)
Shown = Callable[[bool], None]  # told whether the model was reset (its selection is gone)


class ListStatuses:
    """Reads and shows the status column of one window's Videos list."""

    def __init__(self, session: CodingSession, proxy: VideoFilter, shown: Shown) -> None:
        self.session, self.proxy, self.shown = session, proxy, shown
        self._asked = 0  # the latest request; an older one's read is dropped

    def refresh(self, model: VideoTableModel, new_viewer: bool) -> None:
        """Read every row's status for whoever is signed in now; ``new_viewer``: someone
        else signed in (the rows are then shown anew, none before they are read)."""
        self._asked += 1
        study, viewer = self.session.study, viewer_of(self.session)
        ids = [video.id for video in model.rows()[0]]
        if len(ids) <= SYNC_ROWS:
            self._show(model, statuses_for(study, viewer, ids), new_viewer)
            return
        if new_viewer:
            self.proxy.hold(True)
        asked, stamp = self._asked, model.stamp
        read: list[list[tuple[str, str]]] = []

        def done(error: Exception | None) -> None:
            if asked != self._asked or self.proxy.table() is not model:
                return  # someone else signed in, or the list was read anew, meanwhile
            if error is not None:  # read it here: a failure is raised as before
                self._show(model, statuses_for(study, viewer, ids), new_viewer)
            elif model.stamp != stamp:  # a live update changed rows: read them all again
                self.refresh(model, new_viewer)
            else:
                self._show(model, read[0], new_viewer)

        self.session.read_behind_saves(lambda: read.append(statuses_for(study, viewer, ids)), done)

    def _show(self, model: VideoTableModel, statuses: list[tuple[str, str]], whole: bool) -> None:
        held = self.proxy.is_held()  # (a later request may show what a sign-in's asked for)
        reset = model.set_statuses(statuses, whole)  # (while held, nothing shows it yet)
        self.proxy.hold(False)  # the rows come back, filtered once
        self.shown(reset or held)  # either way the list's selection is gone


def row_to_select(proxy: VideoFilter, model: VideoTableModel, video_id: int) -> int | None:
    """The list row to select after the rows were shown anew: the open video's, or where it
    was when it left the list (the row after it, as when a row is filtered out one by one),
    None when the list is empty."""
    row = model.row_of(video_id)
    if row is None:
        return None
    at = proxy.mapFromSource(model.index(row, 0))
    if at.isValid():
        return at.row()
    shown = proxy.rowCount()
    if not shown:
        return None
    after = bisect.bisect_left(
        range(shown), row, key=lambda r: proxy.mapToSource(proxy.index(r, 0)).row()
    )
    return min(after, shown - 1)
