"""Open a video of the list by its id and go to a time in it (a disagreement in the
Reliability dialog, a row of the Audit log)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.video_list import VideoFilter
from eas_coder.gui.player.panel import PlayerPanel


class ListWindow(Protocol):
    """The main window's parts this needs."""

    videoTable: QTableView
    videoFilter: QLineEdit
    statusFilter: QComboBox
    playerPanel: PlayerPanel
    session: CodingSession

    def show_chosen_now(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...


def open_video_at(window: ListWindow, video_id: int, start_ms: object) -> None:
    """Select the video in the list (search and status filter cleared) and, once it is open,
    go to ``start_ms`` (an int; anything else stays where the video opens). A video already
    open goes there at once: a seek waiting for an opening that is not coming would move
    the next video opened instead."""
    proxy = window.videoTable.model()
    model = proxy.table() if isinstance(proxy, VideoFilter) else None
    row = model.row_of(video_id) if model is not None else None
    if model is None or row is None:
        return
    window.videoFilter.clear()
    window.statusFilter.setCurrentIndex(0)
    player = window.playerPanel.player
    open_video = window.session.video
    already_open = open_video is not None and open_video.id == video_id
    if isinstance(start_ms, int) and already_open and player.frame_index is not None:
        player.seek_ms(start_ms)
    elif isinstance(start_ms, int):

        def seek(_index: object) -> None:
            player.mediaOpened.disconnect(seek)
            player.seek_ms(start_ms)

        player.mediaOpened.connect(seek)
    window.videoTable.selectRow(proxy.mapFromSource(model.index(row, 0)).row())
    window.show_chosen_now()  # asked for by name: it opens now, and the seek waits for it
    window.raise_()
    window.activateWindow()
