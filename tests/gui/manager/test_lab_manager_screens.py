"""The Study Settings dialog and the Audit Log on a real X server (Xvfb) at 1280×720 and
1920×1080, photographed for people to look at (test-artifacts/study-settings-*.png,
test-artifacts/audit-log-*.png): each dialog lies wholly on the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_settings_and_audit_log_on_xvfb(demo_study_file: Path, tmp_path: Path, size: str) -> None:
    xvfb_path = need_tool("Xvfb")
    settings, audit = tmp_path / f"study-settings-{size}.png", tmp_path / f"audit-log-{size}.png"
    script = Path(__file__).with_name("xvfb_lab_manager.py")
    result = run_window_script(
        xvfb_path, script, str(demo_study_file), str(settings), str(audit), size=f"{size}x24"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "platform=xcb" in out, out
    width, height = size.split("x")
    for shot in (settings, audit):
        assert f"{shot.name}: saved=True screen={width}x{height}" in out, out
        assert f"{shot.name}: saved=True" in out and "inside=False" not in out, out
        image = cv2.imread(str(shot))
        assert image is not None and image.shape[:2] == (int(height), int(width))
        assert image.std() > 20  # real widgets were drawn, not a blank frame
    assert "rows=" in out and "total=" in out
    ARTIFACTS.mkdir(exist_ok=True)
    for shot in (settings, audit):
        shutil.copy(shot, ARTIFACTS / shot.name)
