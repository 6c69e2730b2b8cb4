"""Screenshots of the change-over-time dialogs in the real window on a real X server (Xvfb),
kept in test-artifacts/ for people to look at: timepoints-dialog.png, change-report-dialog.png
and measures-import-dialog.png (a sheet with one bad row)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from tests.gui.xvfb import run_window_script
from tests.support import need_tool

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SCRIPT = Path(__file__).with_name("xvfb_change_dialogs.py")


@pytest.mark.parametrize(
    ("mode", "name", "dialog"),
    [
        ("timepoints", "timepoints-dialog.png", "timepointsDialog"),
        ("change-report", "change-report-dialog.png", "changeReportDialog"),
        ("measures", "measures-import-dialog.png", "measuresImportDialog"),
    ],
)
def test_dialog_screenshot_on_xvfb(
    demo_study_file: Path, tmp_path: Path, mode: str, name: str, dialog: str
) -> None:
    xvfb_path = need_tool("Xvfb")
    sheet = tmp_path / "measures.csv"
    sheet.write_text(
        "participant,timepoint,measure,value,direction\n"
        "D001,T1 pre,BDI,27,lower-better\nD001,T2 follow-up,BDI,16,lower-better\n"
        "D002,T1 pre,BDI,22,lower-better\nD002,T2 follow-up,BDI,lots,lower-better\n"
        "X999,T1 pre,BDI,12,lower-better\n",
        encoding="utf-8",
    )
    shot = tmp_path / name
    result = run_window_script(xvfb_path, SCRIPT, str(demo_study_file), str(shot), mode, str(sheet))
    assert result.returncode == 0, result.stderr
    assert f"saved=True dialog={dialog} visible=True" in result.stdout, result.stdout
    image = cv2.imread(str(shot))
    assert image is not None and image.shape == (800, 1280, 3)
    assert image[150:450, 250:700].std() > 20  # real widgets drawn where the dialog sits
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
