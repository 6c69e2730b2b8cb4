"""Two processes on one SQLite study file: a writer waits out another's lock (SQLite's busy
handler retries for up to the busy timeout); a lock held longer is a clear StudyBusy, nothing
is half-saved, and saving works again once the other program lets go."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from eas_coder.errors import StudyBusy
from eas_coder.location import from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store import database
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, "b" * 32)

# Another program: takes the write lock, says so, holds it for argv[2] seconds, commits.
_LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS other_program (x)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def _study(tmp_path: Path, scheme: Scheme) -> tuple[Path, int, int]:
    path = tmp_path / "shared.sqlite"
    with Study.create(from_string(path), scheme, "Shared", actor="t") as study:
        video = study.videos.add("D001", "T1 pre", None, INFO)
        (ana,) = study.coders.add_many(["Ana"])
    return path, video.id, ana.id


def _lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    locker = subprocess.Popen(
        [sys.executable, "-c", _LOCKER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    return locker


def test_a_writer_waits_for_another_process_and_then_saves(tmp_path: Path, scheme: Scheme) -> None:
    path, video, ana = _study(tmp_path, scheme)
    with Study.open(from_string(path), backup=False) as study:
        locker = _lock(path, 1.0)
        started = time.monotonic()
        study.ratings.set(video, ana, "sensitivity", 5)
        waited = time.monotonic() - started
        assert locker.wait(10) == 0
        assert waited >= 0.5  # it really waited for the other program's lock
        assert [r.score for r in study.ratings.all()] == [5]
        assert study.check().ok


def test_a_lock_held_past_the_busy_timeout_is_a_clear_refusal_and_saves_nothing(
    tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, video, ana = _study(tmp_path, scheme)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    with Study.open(from_string(path), backup=False) as study:
        audit_before = len(study.audit_log())
        locker = _lock(path, 3.0)
        with pytest.raises(StudyBusy) as caught:
            study.ratings.set(video, ana, "sensitivity", 5)
        message = str(caught.value)
        assert str(path) in message and "locked by another program for 0.3 s" in message
        assert "nothing was saved" in message
        assert locker.wait(10) == 0
        assert study.ratings.all() == [] and len(study.audit_log()) == audit_before
        study.ratings.set(video, ana, "sensitivity", 6)  # the lock is gone: saving works again
        assert [r.score for r in study.ratings.all()] == [6]
        assert study.check().ok
