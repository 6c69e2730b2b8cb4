"""The window's parts work from the objects they are given, not from the main window: the saved
layout on a plain QMainWindow with three docks, live refresh on a plain host with a real study
and coding session, and no module but the app (which creates it) imports the main window."""

from __future__ import annotations

import grimp
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QStatusBar, QTableView
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.video_list import VideoFilter
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.gui.manager.progress_dock import ProgressDock
from eas_coder.gui.window.layout import add_beside, restore_layout, save_layout
from eas_coder.gui.window.live_refresh import LiveRefresh
from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, None)


def _frame(qtbot: QtBot) -> tuple[QMainWindow, QDockWidget, QDockWidget, QDockWidget]:
    frame = QMainWindow()
    qtbot.addWidget(frame)
    docks = []
    for name, area in (
        ("videosDock", Qt.DockWidgetArea.LeftDockWidgetArea),
        ("ratingDock", Qt.DockWidgetArea.RightDockWidgetArea),
        ("segmentsDock", Qt.DockWidgetArea.RightDockWidgetArea),
    ):
        dock = QDockWidget(name, frame)
        dock.setObjectName(name)
        frame.addDockWidget(area, dock)
        docks.append(dock)
    return frame, docks[0], docks[1], docks[2]


def test_the_layout_is_saved_and_restored_on_a_plain_frame(qtbot: QtBot) -> None:
    frame, videos, rating, segments = _frame(qtbot)
    restore_layout(frame, videos, rating, segments)  # first start: the default sizes
    frame.show()
    qtbot.waitExposed(frame)
    segments.hide()
    save_layout(frame)

    again, videos2, rating2, segments2 = _frame(qtbot)
    restore_layout(again, videos2, rating2, segments2)
    again.show()
    qtbot.waitExposed(again)
    assert segments2.isHidden() and not videos2.isHidden() and not rating2.isHidden()


class _Host(QMainWindow):
    """What live refresh re-reads, written down: a real study and session, no MainWindow."""

    def __init__(self, study: Study) -> None:
        super().__init__()
        self.study = study
        self.session = CodingSession(study, self)
        self.calls: list[object] = []
        self.videoTable = QTableView(self)
        self.proxy = VideoFilter(self)
        self.model = VideoTableModel(study.videos.in_use(), [False], self, [("", "")])
        self.proxy.setSourceModel(self.model)
        self.videoTable.setModel(self.proxy)

    def refresh_rows(self, video_ids: set[int]) -> None:
        self.calls.append(sorted(video_ids))

    def reread_open_video(self) -> None:
        self.calls.append("reread")


def test_live_refresh_works_with_plain_objects(
    qtbot: QtBot, tmp_path: object, scheme: Scheme
) -> None:
    location = from_string(f"{tmp_path}/live.sqlite")
    with Study.create(location, scheme, "Live", actor="manager") as study:
        video = study.videos.add("D001", "T1 pre", None, INFO)
        (ana,) = study.coders.add_many(["Ana"])
    host = _Host(Study.open(location, backup=False))
    qtbot.addWidget(host)
    view_menu = QMenu("View", host)
    dock = ProgressDock(host)
    rating = QDockWidget("Rating", host)
    host.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, rating)
    add_beside(host, dock, rating, view_menu)
    assert dock.toggleViewAction() in view_menu.actions()
    status = QStatusBar(host)
    live = LiveRefresh(host, dock, status, parent=host, poll_s=0.2)
    host.session.sign_in(None, True)
    live.on_signed_in(host.session.who())
    assert dock.toggleViewAction().isEnabled()

    model = host.model
    _elsewhere(location, lambda s: s.assignments.add(video.id, ana.id))
    qtbot.waitUntil(lambda: model.status(0) == ("Ana: assigned", "open"), timeout=30_000)
    _elsewhere(location, lambda s: s.videos.add("D002", "T1 pre", None, INFO))
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=30_000)
    assert model.video(1).participant_code == "D002"
    assert model.status(1) == ("not assigned", "unassigned")
    qtbot.waitUntil(lambda: dock.feed.count() > 0, timeout=30_000)
    live._on_connection("Live updates paused: the server is gone")
    assert status.currentMessage() == "Live updates paused: the server is gone"
    live.stop()
    host.study.close()


def _elsewhere(location: Location, change: object) -> None:
    with Study.open(location, actor="workstation-2", backup=False) as other:
        change(other)  # type: ignore[operator]


def test_no_module_but_the_app_imports_the_main_window() -> None:
    graph = grimp.build_graph("eas_coder")
    importers = graph.find_modules_that_directly_import("eas_coder.gui.window.main_window")
    assert importers <= {"eas_coder.gui.window.app"}, sorted(importers)
