"""Live changes: a watcher sees what another connection or process saves, within seconds —
by LISTEN/NOTIFY on PostgreSQL, by polling the audit log on SQLite."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from sqlalchemy import insert

from eas_coder.location import Location
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.changes import ChangeWatcher
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import AuditRow

INFO = VideoInfo(600_000, 25.0, 15_000, 640, 480, 1, "c" * 32)

# Writes one rating from a separate Python process, as a second workstation would.
_OTHER_PROCESS = """
import sys
from eas_coder.location import from_string
from eas_coder.store.study import Study
with Study.open(from_string(sys.argv[1]), actor="laptop", backup=False) as study:
    video = study.videos.all()[0]
    coder = study.coders.all()[0]
    study.ratings.set(video.id, coder.id, "structuring", 6)
"""


def _setup(study: Study) -> tuple[int, int]:
    video = study.videos.add("D001", "T1 pre", None, INFO)
    (ana,) = study.coders.add_many(["Ana"])
    return video.id, ana.id


def _url(location: Location) -> str:
    if location.path is not None:
        return str(location.path)
    return location.url.render_as_string(hide_password=False)


def test_a_save_by_another_connection_is_seen_with_its_entry(study: Study) -> None:
    video, ana = _setup(study)
    watcher = ChangeWatcher(study.location, poll_s=0.2)
    try:
        assert watcher.wait(0.3) == []  # nothing new yet: the history before it is not news
        with Study.open(study.location, actor="other", backup=False) as other:
            other.ratings.set(video, ana, "sensitivity", 5)
        entries = watcher.wait(5.0)
        assert [e.action for e in entries] == ["rating.set"]
        assert entries[0].actor == "other"
        assert watcher.wait(0.3) == []  # each entry is reported once
    finally:
        watcher.dispose()


def test_a_save_by_another_process_is_seen_within_seconds(study: Study) -> None:
    _setup(study)
    # A long poll interval: on PostgreSQL the notification must wake the watcher much sooner.
    watcher = ChangeWatcher(study.location, poll_s=0.2 if study.location.is_sqlite else 10.0)
    try:
        found: list[float] = []

        def watch() -> None:
            if watcher.wait(20.0):
                found.append(time.monotonic())

        thread = threading.Thread(target=watch)
        thread.start()
        time.sleep(0.5)  # the watcher is waiting (LISTENing) before the other process saves
        code = _OTHER_PROCESS
        subprocess.run([sys.executable, "-c", code, _url(study.location)], check=True, timeout=60)
        saved = time.monotonic()
        thread.join(25)
        assert found, "the change was never seen"
        assert found[0] - saved < 2.0
        assert [r.dimension for r in study.ratings.all()] == ["structuring"]
    finally:
        watcher.close()
        watcher.dispose()


def test_close_from_another_thread_ends_a_wait_at_once(study: Study) -> None:
    watcher = ChangeWatcher(study.location, poll_s=0.2)
    try:
        threading.Timer(0.3, watcher.close).start()
        started = time.monotonic()
        assert watcher.wait(30.0) == []
        assert time.monotonic() - started < 5.0
    finally:
        watcher.dispose()


def test_a_burst_is_reported_as_its_newest_entries_oldest_first(study: Study) -> None:
    video, ana = _setup(study)
    watcher = ChangeWatcher(study.location, poll_s=0.2)
    try:
        segments = [study.segments.add(video, ana, i * 1000, i * 1000 + 500) for i in range(5)]
        entries = watcher.wait(5.0)
        assert [e.entity_id for e in entries] == [s.id for s in segments]
        assert watcher.last_id == entries[-1].id
    finally:
        watcher.dispose()


def test_a_save_that_commits_after_a_newer_one_is_still_reported(
    server_location: Location, scheme: Scheme
) -> None:
    """PostgreSQL numbers audit rows when they are written, not when they commit."""
    with Study.create(server_location, scheme, "Late", actor="t") as study:
        watcher = ChangeWatcher(study.location, poll_s=0.2)
        engine = make_engine(study.location)
        try:
            with engine.connect() as slow:
                slow.begin()
                slow.execute(insert(AuditRow).values(actor="slow", action="x.y", entity="x"))
                study.coders.add_many(["Ben"])  # a higher id, committed first
                assert [e.action for e in watcher.wait(5.0)] == ["coder.add"]
                slow.commit()
            late = watcher.wait(5.0)
            assert [(e.actor, e.action) for e in late] == [("slow", "x.y")]
            assert late[0].id < watcher.last_id
            assert watcher.wait(0.5) == []  # and only once
        finally:
            engine.dispose()
            watcher.dispose()
