"""Live refresh reads off the GUI thread, and only what changed (issue 18, item 2).

A coder's window on a study of many videos; another workstation assigns them one more video
(not the one open). The row's status changes in the list, and every SQL statement of that
refresh runs in the watcher's thread, each restricted to the changed rows: the GUI thread
reads nothing, and no statement reads the whole video list. The lab manager's view follows a
video archived and one added elsewhere; a coder's list never learns another coder's status.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.live_refresh import LEFT_ELSEWHERE
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, None)
VIDEOS = 120


def _lab(location: Location, scheme: Scheme) -> None:
    with Study.create(location, scheme, "Many videos", actor="manager") as study:
        videos = [study.videos.add(f"D{n:03d}", "T1 pre", None, INFO) for n in range(VIDEOS)]
        ana, ben = study.coders.add_many(["Ana", "Ben"])
        study.assignments.change_many(assign=[(v.id, ana.id) for v in videos[:10]])
        study.assignments.add(videos[50].id, ben.id)
        study.ratings.set(videos[50].id, ben.id, "sensitivity", 5)


@contextmanager
def _statements() -> Iterator[list[tuple[int, str]]]:
    """Every SQL statement any engine runs meanwhile, with the thread that ran it."""
    seen: list[tuple[int, str]] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((threading.get_ident(), statement))

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def _open(qtbot: QtBot, location: Location, coder: str | None) -> MainWindow:
    win = open_window(location, explicit=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.sign_in(coder, manager=coder is None)
    return win


def _status(win: MainWindow, code: str) -> str | None:
    model = win.videoTable.model().sourceModel()  # type: ignore[attr-defined]
    for row in range(model.rowCount()):
        if model.video(row).participant_code == code:
            return str(model.index(row, 2).data())
    return None


def _wait_watching(qtbot: QtBot, win: MainWindow) -> None:
    """Until the watcher is connected (what is saved from then on is news)."""
    qtbot.waitUntil(lambda: win.live.updates.watching, timeout=30_000)


def _elsewhere(location: Location, change: Any) -> None:
    with Study.open(location, actor="workstation-2", backup=False) as other:
        change(other)


def test_a_change_elsewhere_is_read_in_the_worker_and_only_its_row(
    qtbot: QtBot, tmp_path: Any, scheme: Scheme
) -> None:
    location = from_string(tmp_path / "many.sqlite")
    _lab(location, scheme)
    win = _open(qtbot, location, "Ana")
    _wait_watching(qtbot, win)
    assert win.session.video is not None and win.session.video.participant_code == "D000"
    assert _status(win, "D020") == "not assigned to you"
    win.session.flush_saves()  # the open video's own reads (save thread) are not the refresh's
    gui = threading.get_ident()
    with _statements() as seen:
        _elsewhere(
            location,
            lambda s: s.assignments.add(
                next(v.id for v in s.videos.all() if v.participant_code == "D020"),
                s.coders.get("Ana").id,
            ),
        )
        elsewhere = len(seen)  # the other workstation's own statements
        qtbot.waitUntil(lambda: _status(win, "D020") == "not started", timeout=30_000)
        qtbot.wait(600)  # two more pickups: nothing else is read for this change
    refresh = seen[elsewhere:]
    on_gui = [statement for thread, statement in refresh if thread == gui]
    assert on_gui == [], on_gui
    video_reads = [s for _t, s in refresh if "FROM video" in s and "audit" not in s]
    assert video_reads and all(" IN (" in s for s in video_reads), video_reads
    win.close()


def test_the_managers_list_follows_archived_and_added_videos_and_coders_stay_blind(
    qtbot: QtBot, tmp_path: Any, scheme: Scheme
) -> None:
    location = from_string(tmp_path / "lab.sqlite")
    _lab(location, scheme)
    manager = _open(qtbot, location, None)
    coder = _open(qtbot, location, "Ana")
    _wait_watching(qtbot, manager)
    _wait_watching(qtbot, coder)
    assert _status(manager, "D050") == "Ben: assigned"
    assert _status(coder, "D050") == "not assigned to you"
    entries: list[object] = []
    coder.live.updates.changed.connect(entries.extend)

    def change(study: Study) -> None:
        by_code = {v.participant_code: v for v in study.videos.all()}
        assert study.videos.remove(by_code["D050"].id) == "archived"  # Ben rated it
        study.videos.add("D999", "T1 pre", None, INFO)
        study.assignments.submit(by_code["D005"].id, study.coders.get("Ana").id)

    _elsewhere(location, change)
    qtbot.waitUntil(
        lambda: _status(manager, "D050") is None and _status(manager, "D999") == "not assigned",
        timeout=30_000,
    )
    qtbot.waitUntil(lambda: _status(manager, "D005") == "Ana: submitted", timeout=30_000)
    qtbot.waitUntil(lambda: _status(coder, "D005") == "submitted", timeout=30_000)
    assert _status(coder, "D999") == "not assigned to you"
    assert _status(coder, "D050") is None
    codes = [
        manager.videoTable.model().sourceModel().video(r).participant_code  # type: ignore[attr-defined]
        for r in range(manager.videoTable.model().sourceModel().rowCount())  # type: ignore[attr-defined]
    ]
    assert codes == sorted(codes) and codes[-1] == "D999"
    # The coder's copy of the audit entries carries no values (a rating's holds its score).
    assert entries and all(e.old is None and e.new is None for e in entries)  # type: ignore[attr-defined]
    coder.close()
    manager.close()


def test_the_open_video_stays_when_archived_elsewhere_and_a_burst_reads_the_whole_list(
    qtbot: QtBot, tmp_path: Any, scheme: Scheme
) -> None:
    location = from_string(tmp_path / "burst.sqlite")
    _lab(location, scheme)
    win = _open(qtbot, location, None)
    _wait_watching(qtbot, win)
    with Study.open(location, backup=False) as study:
        rated = next(v for v in study.videos.all() if v.participant_code == "D050")
    win.open_video_at(rated.id, None)
    qtbot.waitUntil(lambda: win.session.video is not None and win.session.video.id == rated.id)
    diffs: list[Any] = []
    win.live.updates.listed.connect(diffs.append)
    _elsewhere(location, lambda s: s.videos.remove(rated.id))
    qtbot.waitUntil(lambda: _status(win, "D050") == LEFT_ELSEWHERE, timeout=30_000)
    assert win.session.video is not None and win.session.video.id == rated.id  # not yanked

    def burst(study: Study) -> None:  # a new video and 600 assignments: more than one read
        study.videos.add("A000", "T1 pre", None, INFO)
        coders = study.coders.add_many([f"Coder {n}" for n in range(5)])
        videos = study.videos.in_use()
        study.assignments.change_many(assign=[(v.id, c.id) for v in videos[:120] for c in coders])

    _elsewhere(location, burst)
    qtbot.waitUntil(lambda: any(d.full for d in diffs), timeout=30_000)
    qtbot.waitUntil(lambda: _status(win, "A000") is not None, timeout=30_000)
    assert _status(win, "D050") == LEFT_ELSEWHERE  # still open, still listed
    assert win.current_video() is not None and win.current_video().id == rated.id  # type: ignore[union-attr]
    assert "Coder 4: assigned" in str(_status(win, "D001"))
    win.close()
