"""The Assignment Matrix on a real X server (Xvfb) at 1280×720 and 1920×1080, photographed
for people to look at (test-artifacts/assignment-matrix-1280x720.png, …-1920x1080.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_assignment_matrix_on_xvfb_screenshot(
    demo_study_file: Path, tmp_path: Path, size: str
) -> None:
    xvfb_path = need_tool("Xvfb")
    name = f"assignment-matrix-{size}.png"
    shot = tmp_path / name
    script = Path(__file__).with_name("xvfb_assignment_matrix.py")
    result = run_window_script(
        xvfb_path, script, str(demo_study_file), str(shot), size=f"{size}x24"
    )
    assert result.returncode == 0, result.stderr
    assert f"platform=xcb saved=True size={size}" in result.stdout, result.stdout
    assert "columns=3" in result.stdout and "8 cells selected" in result.stdout, result.stdout
    image = cv2.imread(str(shot))
    width, height = (int(n) for n in size.split("x"))
    assert image is not None and image.shape[:2] == (height, width)
    assert image.std() > 20  # real widgets were drawn, not a blank frame
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
