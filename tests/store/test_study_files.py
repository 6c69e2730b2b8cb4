"""One owner of study files (issue 14, item 1): while a process holds a study open, nothing in
it but SQLite opens the study file or its -wal/-shm. Closing any other descriptor on the file
drops every POSIX lock SQLite holds there; the next process to close its connection then takes
itself for the last one and deletes the -wal that still holds the first process's work.

Each test plays the window (this process, holding the study open), one of the window's
file-touching actions run in this process, and a terminal beside it (``eas-coder`` in a
subprocess), then checks that the window's next save is seen by a new process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from eas_coder.errors import EasCoderError, VideoUnreadable
from eas_coder.exchange.reader import SheetUnreadable, read_sheet
from eas_coder.location import from_string
from eas_coder.media.probe import fingerprint, probe
from eas_coder.model import VideoInfo
from eas_coder.relink import find_moved
from eas_coder.scheme import Scheme
from eas_coder.store import study_files
from eas_coder.store.backups import backup_now, list_backups
from eas_coder.store.study import Study

REPO = Path(__file__).resolve().parents[2]


def _cli(path: Path, *args: str) -> str:
    script = Path(sys.executable).with_name("eas-coder")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "eas_coder"]
    done = subprocess.run(
        [*command, "--db", str(path), *args],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def window(tmp_path: Path, scheme: Scheme) -> Iterator[Study]:
    """The study as the window holds it: open for the whole test, with one save behind it."""
    location = from_string(tmp_path / "study.sqlite")
    with Study.create(location, scheme, "Lab", actor="window") as study:
        study.coders.add("Before")
        yield study


def _worker_opens_the_study(study: Study) -> None:
    # What each of the window's background jobs does (export, add videos, relink, merge)
    with Study.open(study.location, actor="job"):
        pass


def _backup(study: Study) -> None:
    assert study.location.path is not None
    backup_now(study.location.path)
    assert list_backups(study.location.path, thorough=True)[0].ok


ACTIONS: dict[str, Callable[[Study], None]] = {
    "worker opens the study": _worker_opens_the_study,
    "back up now": _backup,
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_terminal_command_after_an_action_never_hides_the_windows_next_save(
    window: Study, action: str
) -> None:
    path = window.location.path
    assert path is not None
    ACTIONS[action](window)
    assert "Before" in _cli(path, "coders", "list")
    # The window saves again: the terminal must see it, and the -wal holding it must be the
    # one on disk (not an unlinked file only the window still writes into).
    window.coders.add("After")
    assert study_files.side_file(path, "-wal").exists()
    assert "After" in _cli(path, "coders", "list")


def test_the_windows_work_survives_its_crash_after_an_action(
    tmp_path: Path, scheme: Scheme
) -> None:
    """The window (a subprocess here, so it can be SIGKILLed) opens a worker's connection,
    a terminal command runs, the window saves and dies: the save is in the study."""
    path = tmp_path / "study.sqlite"
    Study.create(from_string(path), scheme, "Lab").close()
    script = (
        "import os, signal, subprocess, sys\n"
        "from eas_coder.location import from_string\n"
        "from eas_coder.store.study import Study\n"
        f"path = {str(path)!r}\n"
        "study = Study.open(from_string(path), actor='window')\n"
        "Study.open(from_string(path), actor='job').close()\n"
        "subprocess.run(sys.argv[1:] + ['--db', path, 'coders', 'list'], check=True,"
        " capture_output=True)\n"
        "study.coders.add('Typed before the crash')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    script_cli = Path(sys.executable).with_name("eas-coder")
    cli = [str(script_cli)] if script_cli.exists() else [sys.executable, "-m", "eas_coder"]
    done = subprocess.run([sys.executable, "-c", script, *cli], cwd=REPO, timeout=120)
    assert done.returncode == -9
    assert "Typed before the crash" in _cli(path, "coders", "list")


# --- the guard: every door that takes a path refuses the open study's files ---------------


def test_python_cannot_open_a_study_file_while_the_process_holds_it(window: Study) -> None:
    path = window.location.path
    assert path is not None
    for name in (path, study_files.side_file(path, "-wal"), study_files.side_file(path, "-shm")):
        with pytest.raises(study_files.StudyFileInUse, match="open in this program"):
            name.read_bytes()
    with pytest.raises(study_files.StudyFileInUse):
        open(os.path.relpath(path), "rb")  # noqa: SIM115 - the open itself is refused
    assert len(study_files.violations) == 4
    study_files.violations.clear()  # seen: the conftest check is for opens not meant
    window.coders.add("Still saving")
    assert "Still saving" in _cli(path, "coders", "list")


def test_a_closed_study_is_an_ordinary_file_again(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "study.sqlite"
    Study.create(from_string(path), scheme, "Lab").close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_the_guard_names_the_file_and_what_was_asked(window: Study) -> None:
    path = window.location.path
    assert path is not None
    with pytest.raises(EasCoderError, match=r"study\.sqlite.*the study file itself.*import it"):
        study_files.refuse_study_file(path, "import it as a rating sheet")
    link = path.with_name("alias.sqlite")
    os.link(path, link)  # another name for the same file is the same file
    with pytest.raises(EasCoderError, match="the study file itself"):
        study_files.refuse_study_file(link, "add it as a video")


def test_each_door_that_takes_a_path_refuses_the_open_study(window: Study) -> None:
    """A person picks the study (or its -wal) where a video or a sheet is asked for."""
    path = window.location.path
    assert path is not None
    wal = study_files.side_file(path, "-wal")
    for name in (path, wal):
        with pytest.raises(VideoUnreadable, match="study file open in this program"):
            probe(name)
        with pytest.raises(SheetUnreadable, match="study file open in this program"):
            read_sheet(name)
        with pytest.raises(study_files.StudyFileInUse):
            fingerprint(name)
    window.coders.add("After the doors")
    assert wal.exists() and "After the doors" in _cli(path, "coders", "list")


def test_relink_never_reads_the_open_study_while_searching_its_folder(
    window: Study, tmp_path: Path
) -> None:
    path = window.location.path
    assert path is not None
    size = path.stat().st_size
    info = VideoInfo(1000, 25.0, 25, 320, 240, size, "0" * 32)
    window.videos.add("D1", "T1", tmp_path / "gone.mp4", info)
    assert path.stat().st_size == size  # the write went to the -wal: still a candidate size
    plan = find_moved(window, tmp_path)
    assert plan.files_compared == 0 and plan.not_found
