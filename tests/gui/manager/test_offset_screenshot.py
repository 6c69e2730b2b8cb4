"""A real-window screenshot under Xvfb at 1280×720 of the offset dialog (issue 23 item 3):
the video's frame and the attached angle's frame side by side, saved to test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2

from tests.gui.xvfb import run_window_script
from tests.support import ffmpeg_video, need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SCRIPT = Path(__file__).with_name("xvfb_offset_dialog.py")
NAME = "offset-dialog-1280x720.png"


def test_offset_dialog_screenshot_on_xvfb(demo_study_file: Path, tmp_path: Path) -> None:
    xvfb_path = need_tool("Xvfb")
    angle = ffmpeg_video(tmp_path / "cam2.mp4", seconds=4.0, fps="25", size="640x360")
    shot = tmp_path / NAME
    result = run_window_script(
        xvfb_path, SCRIPT, str(demo_study_file), str(angle), str(shot), size="1280x720x24"
    )
    assert result.returncode == 0, result.stderr
    assert "saved=True visible=True offset=140 position=2000 frame=40" in result.stdout, (
        result.stdout + result.stderr
    )
    image = cv2.imread(str(shot))
    assert image is not None and image.shape == (720, 1280, 3)
    assert image[200:500, 100:1180].std() > 20  # real pictures and widgets drawn
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / NAME)
