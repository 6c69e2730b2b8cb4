"""The Scheme Editor on a real X server (Xvfb), photographed for people to look at
(test-artifacts/scheme-editor.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2

from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def test_scheme_editor_on_xvfb_screenshot(demo_study_file: Path, tmp_path: Path) -> None:
    xvfb_path = need_tool("Xvfb")
    shot = tmp_path / "scheme-editor.png"
    script = Path(__file__).with_name("xvfb_scheme_editor.py")
    result = run_window_script(xvfb_path, script, str(demo_study_file), str(shot))
    assert result.returncode == 0, result.stderr
    assert "platform=xcb saved=True" in result.stdout, result.stdout
    # two items summed: a valid scheme, ready to save
    assert "problem='' save_enabled=True" in result.stdout, result.stdout
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[0] > 500 and image.shape[1] > 800
    assert image.std() > 20  # real widgets were drawn, not a blank frame
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "scheme-editor.png")
