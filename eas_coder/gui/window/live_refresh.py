"""The window's side of live updates: what it re-reads when another workstation saves.

- the status column of the videos that changed (the whole list when videos were added);
- the details of the open video, when it is one of them;
- the lab manager's Progress dock (table and feed).
The window keeps its selection and the video on screen: nothing jumps under the coder.
It gets what it re-reads as a ``LiveView`` (the main window is one), the dock and a status bar.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar
from sqlalchemy.exc import SQLAlchemyError

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.manager.progress_dock import ProgressDock
from eas_coder.gui.window.live_updates import LiveUpdates
from eas_coder.model import AuditEntry
from eas_coder.progress import LIST_CHANGES, Names, touched_videos
from eas_coder.store.study import Study


class LiveView(Protocol):
    """What live refresh reads and re-reads (the study and session change with the study)."""

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> CodingSession: ...

    def reload_list(self) -> None: ...

    def refresh_rows(self, video_ids: set[int]) -> None: ...

    def reread_open_video(self) -> None: ...


class LiveRefresh(QObject):
    """Owns the watcher of one window and feeds its Progress dock."""

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
        self.updates.changed.connect(self._on_changed)
        self.updates.connection.connect(self._on_connection)
        self.updates.watch(view.study.location)

    def follow(self, study: Study) -> None:
        """Watch another study (the window switched to it)."""
        self.updates.watch(study.location)

    def on_signed_in(self, _who: str) -> None:
        """The dock is the lab manager's only."""
        self.dock.set_manager(self.view.session.manager)

    def _on_changed(self, entries: list[AuditEntry], tries_left: int = 3) -> None:
        try:
            self._show_changes(entries)
        except SQLAlchemyError as exc:
            # A moment's failure while reading (chosen as a deadlock's victim beside a server
            # restore, a dropped connection): read again shortly, never raise into Qt's loop.
            if tries_left > 0:
                QTimer.singleShot(1000, lambda: self._on_changed(entries, tries_left - 1))
                return
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            self.status.showMessage(
                f"Could not show other workstations' latest changes ({reason}); "
                "they appear with the next change, or reopen the study.",
                15_000,
            )

    def _show_changes(self, entries: list[AuditEntry]) -> None:
        view = self.view
        names = Names.of(view.study)
        touched = touched_videos(entries, names)
        if any(e.action in LIST_CHANGES for e in entries):
            view.reload_list()
        else:
            view.refresh_rows(touched)
        video = view.session.video
        if video is not None and video.id in touched and self._open_video_changed(entries, names):
            view.reread_open_video()
        self.dock.on_changes(entries, names)

    def _open_video_changed(self, entries: list[AuditEntry], names: Names) -> bool:
        """Whether the open video's segments and scores need re-reading: for the manager, any
        change (coders' tracks grow as they code); for a coder, their own assignment of it
        (the manager reopened or assigned it) — their own edits are on screen already."""
        session = self.view.session
        if session.manager:
            return True
        if session.coder is None or session.video is None:
            return False
        mine = (session.video.id, session.coder.id)
        return any(
            e.entity == "assignment" and names.assignments.get(e.entity_id or 0) == mine
            for e in entries
        )

    def _on_connection(self, message: str) -> None:
        self.dock.set_paused(message)
        if message:
            self.status.showMessage(message, 15_000)

    def stop(self) -> None:
        """Stop watching (the window is closing)."""
        self.updates.stop()
