"""The real main window on a real X server (Xvfb), with a screenshot kept for people to see."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2

from eas_coder.location import from_string
from eas_coder.media.probe import probe
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.gui.xvfb import xvfb
from tests.media.test_waveform import make_media
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _run_window(
    xvfb_path: str, *args: str, size: str = "1280x800x24"
) -> subprocess.CompletedProcess[str]:
    """Run xvfb_window.py with ``args`` on a fresh Xvfb screen of ``size``."""
    script = Path(__file__).with_name("xvfb_window.py")
    with xvfb(xvfb_path, size=size) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
               "PYTHONPATH": str(Path(__file__).resolve().parents[3])}  # fmt: skip
        return subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip


def test_main_window_playing_on_xvfb_screenshot(demo_study_file: Path, tmp_path: Path) -> None:
    xvfb_path = need_tool("Xvfb")
    shot = tmp_path / "main-window.png"
    result = _run_window(xvfb_path, str(demo_study_file), str(shot))
    assert result.returncode == 0, result.stderr
    assert "platform=xcb saved=True rows=8 playing=True" in result.stdout, result.stdout
    frames = int(result.stdout.split("frames=")[1].split()[0])
    assert frames >= 20  # about 2 s of playback at 25 fps reached the screen
    image = cv2.imread(str(shot))
    assert image is not None and image.shape == (800, 1280, 3)
    window = image[40:720, 40:1140]
    assert window.std() > 20  # real widgets were drawn, not a blank or black frame
    assert (image[760:, 1200:] == 0).all()  # the rest of the X screen stays black
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "main-window-xvfb.png")
    surface = image[60:560, 300:1130]  # the video area: the demo's coloured figures are drawn
    assert surface.std() > 15


def test_coding_window_on_xvfb_screenshot(demo_study_file: Path, tmp_path: Path) -> None:
    """A coder's view at 1366×768: a segment selected, its six ratings in the panel."""
    xvfb_path = need_tool("Xvfb")
    shot = tmp_path / "coding.png"
    result = _run_window(xvfb_path, str(demo_study_file), str(shot), "coding", size="1366x768x24")
    assert result.returncode == 0, result.stderr
    assert "saved=True" in result.stdout and "rated=6" in result.stdout, result.stdout
    assert "Coder B (demo)" in result.stdout
    image = cv2.imread(str(shot))
    assert image is not None and image.shape == (768, 1366, 3)
    assert image.std() > 20
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "coding-window-xvfb.png")


def test_progress_dock_follows_another_workstation_on_xvfb_screenshot(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """The lab manager's Progress dock while another process saves and submits."""
    xvfb_path = need_tool("Xvfb")
    shot = tmp_path / "progress.png"
    result = _run_window(xvfb_path, str(demo_study_file), str(shot), "progress", size="1366x768x24")
    assert result.returncode == 0, result.stderr
    assert "saved=True" in result.stdout, result.stdout
    assert "Coder B (demo) submitted: D001 · T1 pre" in result.stdout, result.stdout
    image = cv2.imread(str(shot))
    assert image is not None and image.shape == (768, 1366, 3) and image.std() > 20
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "progress-xvfb.png")


def test_two_camera_angles_with_waveform_on_xvfb_screenshot(tmp_path: Path) -> None:
    """Two angles of one session side by side, paused, with the waveform on the timeline."""
    xvfb_path = need_tool("Xvfb")
    main = make_media(tmp_path / "mother.mp4", seconds=4.0)
    other = tmp_path / "infant.mp4"
    subprocess.run(
        [need_tool("ffmpeg"), "-v", "error", "-y", "-ss", "1.0", "-i", str(main), "-an",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(other)],
        check=True, timeout=120,
    )  # fmt: skip
    study_file = tmp_path / "angles.sqlite"
    with Study.create(from_string(study_file), load_scheme(), "Two cameras") as study:
        video = study.videos.add("D001", "T1 pre", main, probe(main))
        info = probe(other)
        study.attachments.attach(video.id, other, "angle", -1000, info.file_size, info.fingerprint)
    shot = tmp_path / "angles.png"
    result = _run_window(xvfb_path, str(study_file), str(shot), "angles")
    assert result.returncode == 0, result.stderr
    assert "saved=True" in result.stdout and "angles=1 waveform=True" in result.stdout
    image = cv2.imread(str(shot))
    assert image is not None and image.std() > 20
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "two-angles-xvfb.png")
