"""Small things a coder feels every day (issue 23 item 8), wired beside the main window:

- a video reopens at the coder's last position (``study.positions``: written when the coder
  leaves the video, signs out, switches study or closes the window; read when it opens);
- status-bar hints do not go stale: the "In at …" hint goes once O made the segment, and a
  coding hint goes after undo/redo, another coder or another video (the In mark with it);
- File ▸ New Study (or Open) on a study without videos leaves no old video in the player
  and the Selected video dock.

It knows the window only through ``CodingHost``; the coding parts (session, controller) are
rebuilt on another study or scheme version, so they are looked up afresh each time.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStatusBar

from eas_coder.errors import EasCoderError
from eas_coder.gui.coding.controller import CodingController
from eas_coder.gui.coding.selected_video import VideoDetails
from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.store.study import Study

HINT = "hint"  # the status bar's property naming the coding controller's last hint
NO_VIDEO = "No video open: choose one in the Videos list, or add videos (File ▸ Add Videos…)."
ARRIVED_MS = 100  # a position this near the remembered place (or 2 frames): the seek landed


class CodingHost(Protocol):
    """What this needs of the window (the main window is one); the session and controller
    exist once the window is built, and are rebuilt with another study or scheme version."""

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> CodingSession: ...

    @property
    def controller(self) -> CodingController: ...

    @property
    def playerPanel(self) -> PlayerPanel: ...

    @property
    def details(self) -> VideoDetails: ...


class Everyday(QObject):
    """Remembers where the coder was, drops stale hints, clears a video that left."""

    def __init__(
        self, frame: QMainWindow, host: CodingHost, actions: Mapping[str, QAction]
    ) -> None:
        super().__init__(frame)
        self.frame, self.host = frame, host
        self._session: CodingSession | None = None
        self._shown: tuple[int | None, int | None] = (None, None)  # (video id, coder id)
        self._opened: int | None = None  # the video whose file the player has open
        self._place: tuple[int, int, int] | None = None  # (video, coder, ms) not yet written
        self._arriving: int | None = None  # the remembered place (ms) the player seeks to
        self._in_hint = ""
        player = host.playerPanel.player
        player.positionChanged.connect(self._on_position)
        player.mediaOpened.connect(self._on_opened)
        # queued: these look at what the controller's own handlers of the keys left behind
        queued = Qt.ConnectionType.QueuedConnection
        actions["actionMarkIn"].triggered.connect(self._on_mark_in, queued)
        actions["actionMarkOut"].triggered.connect(self._on_mark_out, queued)
        for name in ("actionUndo", "actionRedo"):
            actions[name].triggered.connect(self._on_undo, queued)
        frame.installEventFilter(self)  # the window closing: the place is written first

    @property
    def bar(self) -> QStatusBar:
        """The window's status bar."""
        return self.frame.statusBar()

    # -- following the session (rebuilt with another study or scheme) ----------------------

    def _follow_session(self) -> None:
        session = self.host.session
        if session is not self._session:
            self._session = session
            session.changed.connect(self._on_session_changed)
            self._shown = self._now()

    def _now(self) -> tuple[int | None, int | None]:
        session = self.host.session
        return (
            session.video.id if session.video else None,
            session.coder.id if session.coder else None,
        )

    def _on_session_changed(self, _what: str, _focus: object) -> None:
        if self.sender() is not self.host.session:
            return  # a session left behind by a rebuild
        now, before = self._now(), self._shown
        if now == before:
            return
        self._shown = now  # another video or another coder:
        self.remember_place(queued=True)
        self.host.controller.mark_in = None  # an In mark belongs to its video and coder
        self.drop_hint()
        if now[0] != before[0]:
            self._opened = None  # the player opens the new one, then comes back here
        elif now[0] is not None:
            self._go_to_place()  # the same video, another coder: to where they were

    # -- the coder's place in the video -------------------------------------------------------

    def _on_position(self, _frame: int, ms: int) -> None:
        self._follow_session()
        session = self.host.session
        video, coder = session.video, session.coder
        if video is not None and coder is not None and self._opened == video.id:
            if self._arriving is not None:  # frames reported before the seek lands: not
                if not self._landed(ms):  # the coder's place (leaving in that instant
                    return  # wrote the start over it)
                self._arriving = None
            self._place = (video.id, coder.id, max(0, int(ms)))

    def _landed(self, ms: int) -> bool:
        """True when ``ms`` is where the seek to the remembered place lands (its frame)."""
        index = self.host.playerPanel.player.frame_index
        near = max(ARRIVED_MS, 2 * index.median_frame_ms) if index is not None else ARRIVED_MS
        return self._arriving is not None and abs(ms - self._arriving) <= near

    def _on_opened(self, _index: object) -> None:
        self._follow_session()
        video = self.host.session.video
        self._opened = video.id if video is not None else None
        self._arriving = None
        self._go_to_place()

    def _go_to_place(self) -> None:
        session = self.host.session
        video, coder = session.video, session.coder
        if video is None or coder is None or self._opened != video.id:
            return
        try:
            ms = self.host.study.positions.get(video.id, coder.id)
        except EasCoderError:
            return  # the place is a convenience: the video opens at its start
        if ms:
            self._place, self._arriving = (video.id, coder.id, ms), ms  # kept until it lands
            self.host.playerPanel.player.seek_ms(ms)

    def remember_place(self, queued: bool = False) -> None:
        """Write the coder's place in the video they are leaving (once, not per frame);
        ``queued``: on the save thread, after the saves queued before it (a switch of
        videos does not wait for it), else now (the study or the window is closing)."""
        place, self._place = self._place, None
        if place is None:
            return
        positions = self.host.study.positions

        def write() -> None:
            # never in the way of leaving: at worst the video reopens at its start
            with suppress(EasCoderError):
                positions.remember(*place)

        if queued:
            self.host.session.save_quietly(write)
        else:
            write()

    def on_study_left(self) -> None:
        """Before another study replaces this one: its place is written to it."""
        self.remember_place()
        self._opened = None

    def on_study_shown(self) -> None:
        """Another study is on screen: an empty one shows no video of the last one."""
        self._follow_session()
        self._shown = self._now()
        if self.host.session.video is None:
            self.host.playerPanel.show_unavailable(NO_VIDEO)
            self.host.details.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.frame and event.type() == QEvent.Type.Close:
            self.remember_place()
        return super().eventFilter(watched, event)

    # -- hints that went stale ------------------------------------------------------------------

    def drop_hint(self) -> None:
        """Clear the status bar if it still shows the coding controller's last hint."""
        hint = self.bar.property(HINT)
        if hint and self.bar.currentMessage() == hint:
            self.bar.clearMessage()

    def _on_mark_in(self) -> None:
        self._in_hint = self.bar.currentMessage()

    def _on_mark_out(self) -> None:
        # O made the segment: "In at … press O" is no longer true (a refusal says why instead)
        if self.host.controller.mark_in is None and self.bar.currentMessage() == self._in_hint:
            self.bar.clearMessage()

    def _on_undo(self) -> None:
        pending_in = self.host.controller.mark_in is not None
        if not (pending_in and self.bar.currentMessage() == self._in_hint):
            self.drop_hint()
