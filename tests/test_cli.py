"""The eas-coder command: real entry point for the demo, main() in-process for the rest."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.demo import (
    CODERS,
    DEMO_PASSPHRASE,
    DEMO_STUDY_NAME,
    NEW_CODER,
    PARTICIPANTS,
    TIMEPOINTS,
)
from eas_coder.location import ENV_VAR, from_string
from eas_coder.media.demo_videos import write_demo_video
from eas_coder.store.study import Study


def _entry_point() -> list[str]:
    script = Path(sys.executable).with_name("eas-coder")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eas_coder"]


def test_demo_then_videos_list_through_the_installed_command(tmp_path: Path) -> None:
    demo = subprocess.run(
        [*_entry_point(), "demo", str(tmp_path / "x")], capture_output=True, text=True, timeout=120
    )
    assert demo.returncode == 0, demo.stderr
    study_file = tmp_path / "x" / DEMO_STUDY_NAME
    assert str(study_file) in demo.stdout
    listed = subprocess.run(
        [*_entry_point(), "--db", str(study_file), "videos", "list"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if re.match(r"\s*\d+\s", line)]
    assert len(rows) == len(PARTICIPANTS) * len(TIMEPOINTS)
    for row in rows:
        assert "00:00:12.000" in row  # each demo video lasts 12 s
    assert "D001" in listed.stdout and "T2 follow-up" in listed.stdout


def test_demo_study_shows_every_feature(tmp_path: Path) -> None:
    assert main(["demo", str(tmp_path)]) == 0
    with Study.open(from_string(tmp_path / DEMO_STUDY_NAME)) as study:
        snapshot = study.load()
        assert study.scheme.bands and study.scheme.bands_note  # example bands
        assert {c.name for c in snapshot.coders} == {*CODERS, NEW_CODER}
        assert study.manager.verify(DEMO_PASSPHRASE)
        newcomer = study.coders.get(NEW_CODER).id
        assert not [s for s in snapshot.segments if s.coder_id == newcomer]
        assert len([a for a in snapshot.assignments if a.coder_id == newcomer]) == 2
        double = {(r.video_id, r.coder_id) for r in snapshot.ratings}
        assert len({coder for video, coder in double if video == snapshot.videos[0].id}) == 2
        assert {s.episode for s in snapshot.segments} == {
            "free_play",
            "structured_task",
            "clean_up",
        }
        assert any(r.segment_id is None for r in snapshot.ratings)
        assert study.check().ok
    assert main(["demo", str(tmp_path)]) == 2  # refuses to overwrite


def test_init_coders_videos_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "lab.sqlite")
    assert main(["--db", db, "init", "--name", "PND trial"]) == 0
    assert main(["--db", db, "coders", "add", "Ana", "Ben"]) == 0
    video = write_demo_video(tmp_path / "m01.mp4", "M01", seconds=2.0)
    assert main(["--db", db, "videos", "add", str(video), "--participant", "M01",
                 "--timepoint", "T1 pre"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--db", db, "coders", "list"]) == 0
    assert capsys.readouterr().out.split() == ["1", "Ana", "2", "Ben"]
    assert main(["--db", db, "check"]) == 0
    assert "Study OK" in capsys.readouterr().out
    video.unlink()
    assert main(["--db", db, "check"]) == 1
    assert "missing file: M01 · T1 pre" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("notes.txt", b"not a video", "not a video file"),
     ("fake.mp4", b"junk" * 100, "cannot be opened as a video")],
)  # fmt: skip
def test_unreadable_video_is_refused_by_name_and_nothing_added(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    db = str(tmp_path / "lab.sqlite")
    main(["--db", db, "init"])
    good = write_demo_video(tmp_path / "good.mp4", "ok", seconds=1.0)
    bad = tmp_path / name
    bad.write_bytes(content)
    # A fresh process, as a user runs it: FFmpeg, once started, keeps its log level, and it
    # writes to the file descriptor directly.
    result = subprocess.run(
        [*_entry_point(), "--db", db, "videos", "add", str(good), str(bad),
         "--participant", "M1", "--timepoint", "T1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    err = result.stderr
    assert result.returncode == 2
    assert err.count("\n") == 1 and name in err and reason in err
    with Study.open(from_string(db)) as study:
        assert study.videos.all() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["init", "--scheme", "nope"], "no such scheme file"),
        (["coders", "list"], "no study here"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--db", str(tmp_path / "s.sqlite"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eas-coder: error:") and message in err and err.count("\n") == 1


def test_init_refuses_an_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    db.write_bytes(b"precious")
    assert main(["--db", str(db), "init"]) == 2
    assert db.read_bytes() == b"precious"
    assert "already exists" in capsys.readouterr().err


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["videos", "add", "x.mp4"])  # --participant missing
    assert exited.value.code == 2
    assert "--participant" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["init"], ["coders", "add"], ["videos", "add"],
                                     ["videos", "list"], ["demo"], ["check"], ["gui"]])  # fmt: skip
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert "usage: eas-coder" in capsys.readouterr().out


def test_environment_variable_names_the_study(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv(ENV_VAR, str(db))
    assert main(["init", "--name", "From env"]) == 0
    assert db.exists()
    assert "From env" in capsys.readouterr().out


def test_console_script_is_installed() -> None:
    assert shutil.which("eas-coder", path=str(Path(sys.executable).parent)) is not None


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("nosuchdialect://x/y", "unsupported database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot connect"),
        ("postgresql+psycopg://host:notaport/db", "not a database URL"),
    ],
)
def test_bad_database_urls_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], db: str, message: str
) -> None:
    assert main(["--db", db, "coders", "list"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
