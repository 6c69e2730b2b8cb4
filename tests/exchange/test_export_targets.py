"""Writes that cannot hit the study (issue 14, item 5): an export refuses the study file, its
-wal/-shm, a backup and a recorded video, from the CLI and from a process holding the study
open; exports are owner-only when new and keep an existing file's mode."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from eas_coder.errors import EasCoderError
from eas_coder.exchange.export import export_study
from eas_coder.location import from_string
from eas_coder.media.probe import probe
from eas_coder.scheme import Scheme
from eas_coder.store.backups import backup_now
from eas_coder.store.study import Study
from eas_coder.store.study_files import side_file
from tests.support import ffmpeg_video

REPO = Path(__file__).resolve().parents[2]


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("eas-coder")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "eas_coder"]
    return subprocess.run(
        [*command, "--db", str(path), *args], capture_output=True, text=True, timeout=120, cwd=REPO
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lab(tmp_path: Path, scheme: Scheme) -> tuple[Path, Path, Path]:
    """A closed study with one video and a rating, one backup, and the video file."""
    path = tmp_path / "study.sqlite"
    video_file = ffmpeg_video(tmp_path / "D1_T1.mp4", seconds=1.0, audio=False)
    with Study.create(from_string(path), scheme, "Lab") as study:
        coder = study.coders.add("Ana")
        video = study.videos.add("D1", "T1", video_file, probe(video_file))
        study.ratings.set(video.id, coder.id, "sensitivity", 5)
    backup = backup_now(path)
    return path, backup, video_file


def _ratings(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM rating").fetchone()[0])


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "sav"])
@pytest.mark.parametrize("which", ["study", "-wal", "-shm", "backup", "video"])
def test_the_cli_refuses_to_export_over_what_the_study_needs(
    lab: tuple[Path, Path, Path], which: str, fmt: str
) -> None:
    path, backup, video = lab
    target = {"study": path, "backup": backup, "video": video}.get(which)
    if target is None:
        target = side_file(path, which)
        target.write_bytes(b"")  # as SQLite leaves them beside a study open elsewhere
    before = {p: _digest(p) for p in (path, backup, video)}
    listed = sorted(path.parent.iterdir())
    done = _cli(path, "export", str(target), "--format", fmt)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(target) in done.stderr and "never writes over it" in done.stderr
    assert {p: _digest(p) for p in before} == before
    # nothing written beside them either (SQLite itself removes the -wal/-shm on close)
    assert set(path.parent.iterdir()) - set(listed) == set()
    assert _ratings(path) == 1


def test_an_export_never_replaces_the_study_the_window_holds(lab: tuple[Path, Path, Path]) -> None:
    path, _backup, _video = lab
    with Study.open(from_string(path)) as study:
        with pytest.raises(EasCoderError, match="never writes over it"):
            export_study(study, path, "xlsx")
        with pytest.raises(EasCoderError, match="never writes over it"):
            export_study(study, side_file(path, "-wal"), "csv")
    assert _ratings(path) == 1


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "sav"])
def test_a_new_export_is_owner_only_and_an_old_one_keeps_its_mode(
    lab: tuple[Path, Path, Path], tmp_path: Path, fmt: str
) -> None:
    path, _backup, _video = lab
    old_umask = os.umask(0o022)  # a usual desktop umask: the bug made exports 0644
    try:
        with Study.open(from_string(path)) as study:
            written = export_study(study, tmp_path / f"out.{fmt}", fmt)  # type: ignore[arg-type]
            assert written and all(f.stat().st_mode & 0o777 == 0o600 for f in written), [
                oct(f.stat().st_mode) for f in written
            ]
            shared = written[0]
            os.chmod(shared, 0o640)  # the lab shares this one with its group on purpose
            again = export_study(study, tmp_path / f"out.{fmt}", fmt)  # type: ignore[arg-type]
    finally:
        os.umask(old_umask)
    assert again[0] == shared and shared.stat().st_mode & 0o777 == 0o640
