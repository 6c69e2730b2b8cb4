"""The lab manager's window follows other workstations live: a coder saving and submitting in
another process shows up in the Progress dock and the video list within seconds, on SQLite
(polling) and PostgreSQL (LISTEN/NOTIFY). Coders do not get the dock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.live_updates import LiveUpdates
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, None)

# A coder at another workstation: rates every adult and child dimension, then submits.
_CODER_ELSEWHERE = """
import sys
from eas_coder.location import from_string
from eas_coder.store.study import Study
with Study.open(from_string(sys.argv[1]), actor="workstation-2", backup=False) as study:
    video = next(v for v in study.videos.all() if v.participant_code == "D002")
    ben = study.coders.get("Ben")
    for dim in study.scheme.dimensions:
        study.ratings.set(video.id, ben.id, dim.key, 5)
    study.assignments.submit(video.id, ben.id)
"""


def _lab(location: Location, scheme: Scheme) -> None:
    with Study.create(location, scheme, "Live lab", actor="manager") as study:
        first = study.videos.add("D001", "T1 pre", None, INFO)
        second = study.videos.add("D002", "T1 pre", None, INFO)
        ana, ben = study.coders.add_many(["Ana", "Ben"])
        study.assignments.add(first.id, ana.id)
        study.assignments.add(second.id, ben.id)


def _open(qtbot: QtBot, location: Location) -> MainWindow:
    win = open_window(location, explicit=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _url(location: Location) -> str:
    if location.path is not None:
        return str(location.path)
    return location.url.render_as_string(hide_password=False)


def _ben_bar(win: MainWindow) -> QProgressBar:
    table = win.live.dock.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Ben")
    bar = table.cellWidget(row, 3)
    assert isinstance(bar, QProgressBar)
    return bar


def test_the_manager_sees_another_workstation_submit_within_seconds(
    qtbot: QtBot, db_location: Location, scheme: Scheme
) -> None:
    _lab(db_location, scheme)
    win = _open(qtbot, db_location)
    win.sign_in(None, manager=True)
    dock = win.live.dock
    win.menuView.actions()  # the dock is a View menu entry
    assert dock.toggleViewAction() in win.menuView.actions()
    dock.toggleViewAction().trigger()
    assert dock.isVisible()
    assert [dock.table.item(r, 0).text() for r in range(dock.table.rowCount())] == ["Ana", "Ben"]
    assert (_ben_bar(win).value(), _ben_bar(win).format()) == (0, "0 of 1")
    assert dock.table.item(1, 1).text() == "1"  # Ben: one video not started

    batches: list[list[str]] = []  # what each live update brought, after the save
    win.live.updates.changed.connect(lambda entries: batches.append([e.action for e in entries]))
    subprocess.run(
        [sys.executable, "-c", _CODER_ELSEWHERE, _url(db_location)], check=True, timeout=60
    )
    submitted = "Ben submitted: D002 · T1 pre"
    # Waited for by condition, not by the clock: the table may count the submission from an
    # earlier batch (it reads the study) before the feed has the entry itself.
    qtbot.waitUntil(
        lambda: (
            _ben_bar(win).value() == 1
            and dock.feed.count() > 0
            and dock.feed.item(0).text().endswith(submitted)
        ),
        timeout=60_000,
    )
    # "Within seconds", counted in the watcher's looks rather than in seconds: the submission
    # comes with the first look after the save, at the latest in the third delivery (all that
    # was queued while this thread waited in subprocess.run arrives as one; a look that read
    # just before the save may deliver once more; the next look reads the submission).
    arrived = next(n for n, actions in enumerate(batches, 1) if "assignment.submit" in actions)
    assert arrived <= 3, batches
    assert win.live.updates.poll_s <= 1.0  # and the watcher looks every second
    assert all("5" not in dock.feed.item(i).text().split("  ", 1)[1] for i in range(7))
    assert dock.table.item(1, 1).text() == "0" and dock.table.item(1, 4).text() != "–"
    model = win.videoTable.model()
    statuses = [model.index(r, 2).data() for r in range(model.rowCount())]  # Status column
    assert "Ben: submitted" in statuses
    win.close()


def test_a_coder_has_no_progress_dock(qtbot: QtBot, db_location: Location, scheme: Scheme) -> None:
    _lab(db_location, scheme)
    win = _open(qtbot, db_location)
    win.sign_in(None, manager=True)
    win.live.dock.show()
    win.sign_in("Ana")
    assert not win.live.dock.isVisible()
    assert not win.live.dock.toggleViewAction().isEnabled()
    assert win.live.dock.table.rowCount() == 0 and win.live.dock.feed.count() == 0
    win.close()


def test_open_videos_follow_changes_made_elsewhere(qtbot: QtBot, demo_study_file: Path) -> None:
    """A coder's submitted video unlocks when the manager reopens it elsewhere; the manager's
    timeline shows a coder's new segment on the video open there."""
    location = from_string(demo_study_file)
    coder_window = _open(qtbot, location)
    coder_window.sign_in("Coder A (demo)")  # D001 T1, first in the list, is submitted
    mark_in = coder_window.actions_by_name["actionMarkIn"]
    assert coder_window.session.video is not None and not mark_in.isEnabled()
    manager_window = _open(qtbot, location)
    manager_window.sign_in(None, manager=True)
    timeline = manager_window.playerPanel.timeline
    before = {t.name: len(t.segments) for t in timeline.tracks()}
    with Study.open(location, actor="manager-elsewhere", backup=False) as elsewhere:
        video = elsewhere.videos.all()[0]
        coder_a = elsewhere.coders.get("Coder A (demo)")
        elsewhere.assignments.reopen(video.id, coder_a.id)
        coder_c = elsewhere.coders.get("Coder C (demo)")
        elsewhere.segments.add(video.id, coder_c.id, 500, 1500)
    qtbot.waitUntil(mark_in.isEnabled, timeout=8_000)
    qtbot.waitUntil(lambda: "Coder C (demo)" in {t.name for t in timeline.tracks()}, timeout=8_000)
    after = {t.name: len(t.segments) for t in timeline.tracks()}
    assert after["Coder C (demo)"] == 1 and before.get("Coder C (demo)", 0) == 0
    coder_window.close()
    manager_window.close()


def test_an_unreachable_server_pauses_live_updates_with_a_message(qtbot: QtBot) -> None:
    updates = LiveUpdates(poll_s=0.2)
    try:
        with qtbot.waitSignal(updates.connection, timeout=15_000) as told:
            updates.watch(from_string("postgresql+psycopg://nobody@127.0.0.1:9/none"))
        assert str(told.args[0]).startswith("Live updates paused:")
    finally:
        updates.stop()
