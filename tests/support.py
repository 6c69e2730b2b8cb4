"""Helpers shared by tests: required system parts, generated videos."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Set by .ci/run: a test that needs a missing system part fails instead of skipping, so CI
# proves every part for real.
STRICT = os.environ.get("EAS_CODER_REQUIRE_ALL") == "1"
# Real camera clips (CC BY 4.0, attribution in tests/media/clips/README.md), in the repository
# so that a fresh clone runs the whole suite with nothing from outside it.
CLIPS = Path(__file__).resolve().parent / "media" / "clips"


def need(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a system part is missing."""
    if available:
        return
    if STRICT:
        pytest.fail(f"required system part missing: {reason}")
    pytest.skip(reason)


def need_tool(name: str) -> str:
    """Path of an executable, or skip/fail naming it."""
    found = shutil.which(name)
    need(found is not None, f"{name} is not installed")
    assert found is not None
    return found


def shared_clip(name: str) -> Path:
    """A real camera clip from tests/media/clips (read-only: copy it before changing it)."""
    path = CLIPS / name
    assert path.is_file(), f"{path} is missing from the repository"
    return path


def ffmpeg_video(
    path: Path,
    seconds: float = 2.0,
    fps: str = "30",
    size: str = "320x240",
    audio: bool = True,
    gop: int | None = None,
    variable_rate: bool = False,
) -> Path:
    """An H.264 (+AAC) test video with a frame counter, made with ffmpeg.

    ``gop`` sets the keyframe spacing in frames. ``variable_rate`` makes the second half of
    the frames last twice as long as the first (timestamps kept as they are, no resampling).
    """
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}"]
    if audio:
        command += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    command += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast"]
    command += ["-pix_fmt", "yuv420p"]
    if gop is not None:
        command += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
    if variable_rate:
        half = round(float(seconds) * float(fps) / 2)
        rate = float(fps)
        curve = f"if(lt(N,{half}),N/{rate},{half}/{rate}+(N-{half})*2/{rate})/TB"
        command += ["-vf", f"setpts='{curve}'", "-fps_mode", "passthrough"]
    command += ["-c:a", "aac", "-shortest"] if audio else []
    subprocess.run([*command, str(path)], check=True, timeout=120)
    return path
