"""``eas-coder videos attach``: angles and audio with offsets, bad files refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.media.probe import fingerprint
from eas_coder.store.study import Study
from tests.support import ffmpeg_video, need_tool


def test_attach_angle_and_audio_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.sqlite")
    main_video = ffmpeg_video(tmp_path / "mother.mp4", seconds=1.0)
    other = ffmpeg_video(tmp_path / "infant.mp4", seconds=1.0, fps="25")
    audio = tmp_path / "recorder.m4a"
    ffmpeg = need_tool("ffmpeg")
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=1", str(audio)],
                   check=True, timeout=60)  # fmt: skip
    assert main(["--db", db, "init", "--name", "S"]) == 0
    assert main(["--db", db, "videos", "add", str(main_video), "--participant", "D1",
                 "--timepoint", "T1"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--db", db, "videos", "attach", "1", str(other), "--offset", "-1000"]) == 0
    assert "as a camera angle, offset -1000 ms" in capsys.readouterr().out
    assert (
        main(["--db", db, "videos", "attach", "1", str(audio), "--audio", "--offset", "250"]) == 0
    )
    with Study.open(from_string(db)) as study:
        angle, sound = study.attachments.of_video(1)
        assert (angle.kind, angle.offset_ms, angle.fingerprint) == (
            "angle",
            -1000,
            fingerprint(other),
        )
        assert (sound.kind, sound.offset_ms) == ("audio", 250)
    # a text file is not an angle, and a video without sound is not an audio track
    text = tmp_path / "notes.mp4"
    text.write_text("hello")
    capsys.readouterr()
    assert main(["--db", db, "videos", "attach", "1", str(text)]) == 2
    err = capsys.readouterr().err.strip()
    assert "notes.mp4" in err and len(err.splitlines()) == 1
    silent = ffmpeg_video(tmp_path / "silent.mp4", seconds=1.0, audio=False)
    assert main(["--db", db, "videos", "attach", "1", str(silent), "--audio"]) == 2
    assert "no audio stream" in capsys.readouterr().err
    with Study.open(from_string(db)) as study:
        assert len(study.attachments.of_video(1)) == 2
