"""The Import Segments preview on a real X server (Xvfb), kept in test-artifacts/ for people."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2

from tests.exchange.segment_files import elan_file
from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
EPISODES = [(0, 1500, "Free play"), (1500, 3210, "Structured task"), (3300, 3900, "Clean-up")]
GAZE = [(100, 900, "at child"), (800, 2000, "away")]


def test_import_preview_dialog_on_xvfb_screenshot(demo_study_file: Path, tmp_path: Path) -> None:
    xvfb_path = need_tool("Xvfb")
    video = demo_study_file.parent / "videos" / "d002_t1.mp4"
    eaf = elan_file(tmp_path / "d002_t1 episodes.eaf", video, EPISODES, GAZE)
    shot = tmp_path / "preview.png"
    script = Path(__file__).with_name("segment_import_xvfb.py")
    result = run_window_script(
        xvfb_path, script, str(demo_study_file), str(eaf), str(shot), size="1280x800x24"
    )
    assert result.returncode == 0, result.stderr
    assert "platform=xcb saved=True rows=3 problems=0 import=True" in result.stdout, (
        result.stdout + result.stderr
    )
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[0] > 400 and image.shape[1] > 700
    assert image.std() > 20  # widgets were drawn, not a blank frame
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "segment-import-preview.png")
