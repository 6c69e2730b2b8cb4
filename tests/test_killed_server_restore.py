"""A restore of a server study (PostgreSQL) killed at any point (issue 16, item 5): the study
is as it was (or, once committed, restored), and nothing is left behind -- neither beside
the snapshot nor in the temporary folder -- once the next restore or snapshot has run there.
A restore still running keeps its files: only work folders nobody holds are removed.

Old code: killed after the snapshot's copy was made, an ``eas-restore-*`` folder with a
full-size copy stayed in the temporary folder; killed while the before-restore file was
written, a ``.snapshot-*`` folder stayed beside the snapshot, and the next restore left both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.backups import check_backup
from eas_coder.store.snapshot import restore_snapshot, take_snapshot
from eas_coder.store.study import Study

# Runs restore_snapshot (or, given a target file, take_snapshot) and stops itself (SIGKILL,
# or SIGSTOP to be looked at) at the nth call or return of a named function: a Python
# function by its name, a C one as os.<name>.
STOPPER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from eas_coder.location import from_string
    from eas_coder.store.snapshot import restore_snapshot, take_snapshot

    url, snapshot, event, name, nth, how, target_file = sys.argv[1:8]
    nth, sig = int(nth), getattr(signal, how)
    target = getattr(os, name[3:]) if name.startswith("os.") else None
    seen = 0

    def profile(frame, what, arg):
        global seen
        if what != event:
            return
        if (arg is target) if what == "c_call" else (frame.f_code.co_name == name):
            seen += 1
            if seen == nth:
                os.kill(os.getpid(), sig)

    sys.setprofile(profile)
    if target_file:
        take_snapshot(from_string(url), Path(target_file))
    else:
        restore_snapshot(from_string(url), Path(snapshot), Path(snapshot).parent)
    sys.setprofile(None)
    """
)

AS_IT_WAS, RESTORED = ["Ana", "Ben"], ["Ana"]
KILL_POINTS = [
    pytest.param("return", "_up_to_date_copy", 1, AS_IT_WAS, id="snapshot-copy-made"),
    pytest.param("call", "_copy_rows", 1, AS_IT_WAS, id="before-restore-begun"),
    pytest.param("c_call", "os.replace", 1, AS_IT_WAS, id="before-restore-complete"),
    pytest.param("call", "_copy_rows", 2, AS_IT_WAS, id="rows-deleted"),
    pytest.param("call", "_reset_sequences", 1, AS_IT_WAS, id="rows-copied"),
    pytest.param("return", "restore_snapshot", 1, RESTORED, id="committed"),
]


def _url(location: Location) -> str:
    return location.url.render_as_string(hide_password=False)


def _server_study_and_snapshot(location: Location, folder: Path) -> Path:
    """A server study with Ana, a snapshot of it, then Ben added on the server."""
    with Study.create(location, load_scheme(), "Server study", actor="t") as study:
        study.coders.add("Ana")
    folder.mkdir()
    snapshot = take_snapshot(location, folder / "snap.sqlite").path
    with Study.open(location, backup=False) as study:
        study.coders.add("Ben")
    return snapshot


def _run(
    url: str,
    snapshot: Path,
    temp: Path,
    point: tuple[str, str, int],
    how: str,
    take_to: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of STOPPER (its temporary folder: ``temp``)."""
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "TMPDIR": str(temp)}
    event, name, nth = point
    argv = [sys.executable, "-c", STOPPER, url, str(snapshot), event, name, str(nth), how]
    return [*argv, str(take_to or "")], env


def _coders(location: Location) -> list[str]:
    with Study.open(location, backup=False) as study:
        return [c.name for c in study.coders.all()]


@pytest.mark.parametrize(("event", "name", "nth", "expected"), KILL_POINTS)
def test_a_killed_server_restore_leaves_the_study_and_no_litter(
    server_location: Location,
    tmp_path: Path,
    event: str,
    name: str,
    nth: int,
    expected: list[str],
) -> None:
    snapshot = _server_study_and_snapshot(server_location, tmp_path / "snapshots")
    temp = tmp_path / "temp"
    argv, env = _run(_url(server_location), snapshot, temp, (event, name, nth), "SIGKILL")
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr

    assert _coders(server_location) == expected  # rolled back by the server, or committed
    assert list(temp.iterdir()) == []  # nothing in the temporary folder
    for kept in snapshot.parent.glob("*before-restore*"):  # complete or absent
        assert check_backup(kept) == [], kept
        assert _coders(from_string(kept)) == AS_IT_WAS

    # the next restore from that folder removes what the killed one left, and works
    restore_snapshot(server_location, snapshot, snapshot.parent)
    assert _coders(server_location) == RESTORED
    left = sorted(p.name for p in snapshot.parent.iterdir() if p.name.startswith("."))
    assert left == []
    assert list(temp.iterdir()) == []


def test_a_running_restores_files_are_never_removed(
    server_location: Location, tmp_path: Path
) -> None:
    from eas_coder.store.work_folder import clean_abandoned

    snapshot = _server_study_and_snapshot(server_location, tmp_path / "snapshots")
    argv, env = _run(
        _url(server_location), snapshot, tmp_path / "temp", ("call", "_copy_rows", 1), "SIGSTOP"
    )
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _pid, status = os.waitpid(proc.pid, os.WUNTRACED)  # stopped half-way, folder held
        assert os.WIFSTOPPED(status)
        working = [p for p in snapshot.parent.iterdir() if p.name.startswith(".")]
        assert len(working) == 1 and any(working[0].rglob("*.sqlite"))
        clean_abandoned(snapshot.parent)  # what the next restore or snapshot does first
        assert working[0].exists()  # its writer still holds it
        os.kill(proc.pid, signal.SIGCONT)
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _coders(server_location) == RESTORED
    assert [p.name for p in snapshot.parent.iterdir() if p.name.startswith(".")] == []


def test_a_killed_server_snapshot_leaves_no_litter(
    server_location: Location, tmp_path: Path
) -> None:
    # Old code: a .snapshot-* folder holding the half-written file stayed, and stayed after
    # the next snapshot.
    snapshot = _server_study_and_snapshot(server_location, tmp_path / "snapshots")
    target, temp = snapshot.parent / "killed.sqlite", tmp_path / "temp"
    point = ("call", "_copy_rows", 1)
    argv, env = _run(_url(server_location), snapshot, temp, point, "SIGKILL", target)
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert not target.exists() and list(temp.iterdir()) == []
    again = take_snapshot(server_location, snapshot.parent / "again.sqlite").path
    assert _coders(from_string(again)) == AS_IT_WAS
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["again.sqlite", "snap.sqlite"]
