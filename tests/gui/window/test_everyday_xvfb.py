"""The real window on a real X server (issue 23 item 8): shortcuts reach the window from a
search box (a QLineEdit takes Ctrl+E on X11), and the default layout fits 1280×720 and
1920×1080 with nothing cut; screenshots of both are kept in test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SCRIPT = Path(__file__).with_name("xvfb_everyday.py")


def test_ctrl_e_in_the_search_box_exports_on_x11(demo_study_file: Path) -> None:
    result = run_window_script(need_tool("Xvfb"), SCRIPT, "keys", str(demo_study_file))
    assert result.returncode == 0, result.stderr
    assert "platform=xcb export_asked=1 search='D00'" in result.stdout, result.stdout


@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_the_default_layout_cuts_nothing(demo_study_file: Path, tmp_path: Path, size: str) -> None:
    shot = tmp_path / f"main-window-{size}.png"
    result = run_window_script(
        need_tool("Xvfb"), SCRIPT, "shot", str(demo_study_file), str(shot), size,
        size=f"{size}x24",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "platform=xcb saved=True" in result.stdout, result.stdout
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)
    parts = ("videos_status", "videos_shown", "videos_unscrolled", "segments_episode",
             "segments_rated", "lock_banner")  # fmt: skip
    for part in parts:
        assert f"{part}=ok" in result.stdout, result.stdout
    image = cv2.imread(str(shot))
    width, height = (int(n) for n in size.split("x"))
    assert image is not None and image.shape == (height, width, 3)
    assert image.std() > 20  # real widgets were drawn
