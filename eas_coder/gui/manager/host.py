"""What the manager room needs of the window that holds it, written as types, so that nothing
here imports the window (the window imports this room).

The jobs (report, relink, merge, backups) take plain objects: a parent widget, a callable
returning the study on screen, one saying whether the lab manager is signed in, and a
``Status`` reporter. Only the ``install_*`` functions, which build a job, put its entries in
the window's menus and connect it, see the window, as a ``ManagerHost``; the video list's
menu (``actions.py``) and the Progress dock read it too. ``MainWindow`` satisfies both
protocols as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QStatusBar, QTableView, QWidget

from eas_coder.model import Video
from eas_coder.store.study import Study

Status = Callable[[str, int], None]
"""Shows a message for so many milliseconds (the window's status bar)."""


class Desk(Protocol):
    """Who is at the keyboard and what is open: the coding session, as the manager room uses
    it (its assign / reopen refuse anyone but the manager and say so on ``changed``)."""

    @property
    def manager(self) -> bool: ...

    @property
    def video(self) -> Video | None: ...

    @property
    def changed(self) -> SignalInstance: ...

    def assign(self, video_id: int, coder_id: int) -> None: ...

    def reopen(self, video_id: int, coder_id: int) -> None: ...


class StudyView(Protocol):
    """A window showing one study to whoever is signed in: all the Progress dock reads."""

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> Desk: ...

    def window(self) -> QWidget:
        """The top-level widget: docks and dialogs belong to it (QWidget.window())."""
        ...


class Stoppable(Protocol):
    def stop(self) -> None: ...


class ManagerHost(StudyView, Protocol):
    """The main window as the install functions and the video list's menu use it."""

    # read-only (properties), so that any subtype of these satisfies them

    @property
    def signedIn(self) -> SignalInstance:
        """Someone signed in: the jobs' entries are enabled for the lab manager only."""
        ...

    @property
    def menuFile(self) -> QMenu:
        """Relink, merge, back up and restore go here, before ``actionImport``."""
        ...

    @property
    def actionImport(self) -> QAction: ...

    @property
    def menuTools(self) -> QMenu:
        """Reliability report and sample."""
        ...

    @property
    def menuCoding(self) -> QMenu:
        """Shared template."""
        ...

    @property
    def videoTable(self) -> QTableView:
        """Its context menu assigns and reopens."""
        ...

    @property
    def live(self) -> Stoppable:
        """The live updates, stopped while a backup is put back."""
        ...

    def statusBar(self) -> QStatusBar: ...

    def current_video(self) -> Video | None: ...

    def refresh_videos(self) -> None: ...

    def switch_to(self, study: Study) -> None: ...
