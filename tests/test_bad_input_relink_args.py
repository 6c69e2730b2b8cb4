"""The bad-input corpus, continued: relinking a file whose content changed, odd ``--db``
paths and ids out of range. Each refusal is one line (exit 2, or the relink report with
exit 1) and leaves the study byte-identical. The rules are those of tests/test_bad_input.py
(whose helpers this file reuses)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.cli_support import PASSPHRASE_ENV
from eas_coder.media.probe import fingerprint, full_hash
from tests.bad_input import digest, fifo
from tests.support import need_tool

CHANGED = 50_000  # bytes altered between the fingerprint's samples


def _clip(path: Path) -> Path:
    """A real 1.7 MB H.264 video (lossless, so big enough to leave room between the
    fingerprint's three 256 KiB samples)."""
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25"]
    command += ["-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]
    command += ["-pix_fmt", "yuv420p", str(path)]
    subprocess.run(command, check=True, timeout=60)
    return path


def _wav(path: Path) -> Path:
    """A real 2.1 MB WAV recording (12 s of a tone, 44.1 kHz stereo)."""
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440"]
    command += ["-ac", "2", "-t", "12", str(path)]
    subprocess.run(command, check=True, timeout=60)
    return path


def _alter_between_samples(path: Path) -> None:
    """Change 50 kB at a quarter of the file: after the first sample, before the middle one,
    so the sampled fingerprint (and the size) stay the same."""
    before = fingerprint(path)
    size = path.stat().st_size
    at = size // 4
    assert at > 256 * 1024 and at + CHANGED < size // 2 - 128 * 1024
    with path.open("r+b") as handle:
        handle.seek(at)
        original = handle.read(CHANGED)
        handle.seek(at)
        handle.write(bytes(255 - b for b in original))
    assert fingerprint(path) == before and path.stat().st_size == size


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process; (status, stdout, stderr), never a traceback."""
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def cli_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Exit 2 and exactly one error line; return it."""
    status, _out, err = run(capsys, *argv)
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("eas-coder: error: ")
    return lines[0]


@pytest.fixture
def lab(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A study with a 1.7 MB video and a 2.1 MB audio recording attached to it, added with
    the command line (which records each file's whole-file hash), in tmp_path/videos."""
    study = tmp_path / "study.sqlite"
    videos = tmp_path / "videos"
    videos.mkdir()
    clip, sound = _clip(videos / "d1.mp4"), _wav(videos / "d1.wav")
    assert main(["--db", str(study), "init"]) == 0
    add = ["videos", "add", str(clip), "--participant", "D001", "--timepoint", "T1"]
    assert main(["--db", str(study), *add]) == 0
    assert main(["--db", str(study), "videos", "attach", "1", str(sound), "--audio"]) == 0
    capsys.readouterr()
    return study


def _stored_hashes(study: Path) -> tuple[str | None, str | None]:
    conn = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
    try:
        (video,) = conn.execute("SELECT full_hash FROM video").fetchone()
        (attachment,) = conn.execute("SELECT full_hash FROM attachment").fetchone()
        return video, attachment
    finally:
        conn.close()


def _forget_video_hash(study: Path) -> None:
    """As a video added before whole-file hashes were recorded."""
    conn = sqlite3.connect(study)
    try:
        with conn:
            conn.execute("UPDATE video SET full_hash = NULL")
    finally:
        conn.close()


# --- relink: the whole file is compared --------------------------------------------------


def test_adding_records_the_whole_file_hash_of_video_and_attachment(
    lab: Path, tmp_path: Path
) -> None:
    # old code: attachment.full_hash stayed NULL (the video's: engineer B's part)
    assert _stored_hashes(lab) == (
        full_hash(tmp_path / "videos" / "d1.mp4"),
        full_hash(tmp_path / "videos" / "d1.wav"),
    )


@pytest.mark.parametrize("name", ["d1.mp4", "d1.wav"], ids=["video", "attached-audio"])
def test_relink_refuses_a_moved_file_with_50kb_changed_between_the_samples(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    moved = tmp_path / "moved"
    (tmp_path / "videos").rename(moved)
    _alter_between_samples(moved / name)
    before = digest(lab)
    status, out, _err = run(capsys, "--db", str(lab), "relink", str(moved))
    assert status == 1, out
    refused = [line for line in out.splitlines() if "refused:" in line]
    assert len(refused) == 1 and str(moved / name) in refused[0], out
    assert "content differs" in refused[0], out
    assert "Relinked 1 of 2 missing file(s); 1 still missing." in out
    status, out, _err = run(capsys, "--db", str(lab), "check")
    assert status == 1 and "Study OK" not in out
    # relinking the other file is a change; the refused one left no trace: try again alone
    assert digest(lab) != before
    relinked = digest(lab)
    status, out, _err = run(capsys, "--db", str(lab), "relink", str(moved))
    assert status == 1 and "content differs" in out
    assert digest(lab) == relinked


def test_check_says_a_file_changed_in_place_is_not_the_recorded_one(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # old code: "Study OK: database intact, every video file present." and exit 0
    _alter_between_samples(tmp_path / "videos" / "d1.mp4")
    before = digest(lab)
    status, out, _err = run(capsys, "--db", str(lab), "check")
    assert status == 1 and "Study OK" not in out
    assert f"content changed: D001 · T1: {tmp_path / 'videos' / 'd1.mp4'}" in out
    assert digest(lab) == before


def test_a_video_added_before_hashes_is_relinked_by_fingerprint_and_hashed_then(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _forget_video_hash(lab)
    status, out, _err = run(capsys, "--db", str(lab), "check")
    # old code: no word that the whole file could not be compared
    assert status == 0 and "not compared (no whole-file hash recorded): D001 · T1" in out
    moved = tmp_path / "moved"
    (tmp_path / "videos").rename(moved)
    status, out, _err = run(capsys, "--db", str(lab), "relink", str(moved))
    assert status == 0, out
    assert "D001 · T1: relinked by its sampled fingerprint only" in out
    assert _stored_hashes(lab)[0] == full_hash(moved / "d1.mp4")
    # from now on any changed byte is caught
    _alter_between_samples(moved / "d1.mp4")
    status, out, _err = run(capsys, "--db", str(lab), "check")
    assert status == 1 and "content changed: D001 · T1" in out


# --- odd --db paths ----------------------------------------------------------------------


def _pipe(tmp: Path) -> Path:
    return fifo(tmp / "study.sqlite")


def _folder(tmp: Path) -> Path:
    (path := tmp / "study.sqlite").mkdir()
    return path


def _device(tmp: Path) -> Path:
    return Path(os.devnull)


ODD_DB = [
    pytest.param(_pipe, "named pipe", id="fifo"),
    pytest.param(_folder, "folder", id="directory"),
    pytest.param(_device, "device", id="device"),
]


@pytest.mark.parametrize(("make", "word"), ODD_DB)
@pytest.mark.parametrize("command", [[], ["check"], ["coders", "add", "Ben"]], ids=str)
def test_an_odd_db_path_is_refused_at_once_in_one_line(
    tmp_path: Path, make: Callable[[Path], Path], word: str, command: list[str]
) -> None:
    # old code: with no command (the window) each hung (killed by the timeout); the commands
    # said "not an EAS Coder study (the file is empty)" of a pipe or a device
    db = make(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EAS_CODER_DB": ""}
    done = subprocess.run(
        [sys.executable, "-m", "eas_coder", "--db", str(db), *command],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith(f"eas-coder: error: {db}: ") and word in lines[0], lines
    assert "study file" in lines[0]


# --- ids out of range --------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("given", [HUGE, "-1", "0", "2147483648"])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["consensus", "{id}", "sensitivity", "5"], id="consensus"),
        pytest.param(["videos", "attach", "{id}", "{file}", "--audio"], id="videos-attach"),
        pytest.param(["export", "{out}", "--videos={id}"], id="export-videos"),
    ],
)
def test_an_id_out_of_range_is_one_line_and_exit_2(
    lab: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
    command: list[str],
) -> None:
    # old code: 20 digits gave "OverflowError: Python int too large to convert to SQLite
    # INTEGER" with a traceback and exit 1 (consensus, videos attach); -1, 0 and 2147483648
    # already gave one line ("no video with id ...") and are kept as guards
    monkeypatch.setenv(PASSPHRASE_ENV, "unused")  # no passphrase in this study
    argv = [
        part.format(id=given, file=tmp_path / "videos" / "d1.wav", out=tmp_path / "x.xlsx")
        for part in command
    ]
    before = digest(lab)
    line = cli_error(capsys, "--db", str(lab), *argv)  # argparse takes -1 as a positional
    assert given in line and "video id" in line, line
    assert digest(lab) == before
    assert not (tmp_path / "x.xlsx").exists()
