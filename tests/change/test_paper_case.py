"""Issue 22's "must show": the paper's case built through the command line; its Change sheet
and its change report (PDF and HTML) say "Risk → Non-Risk" for sensitivity and "improved"
for the four adult subscales, and BDI 27 → 16 is an improvement (lower is better)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from eas_coder.cli import main
from tests.change.paper_case import build_paper_case
from tests.support import need_tool

ADULT = ("sensitivity", "structuring", "nonintrusiveness", "nonhostility")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_change_sheet_of_the_paper_case(tmp_path: Path) -> None:
    db = build_paper_case(tmp_path)
    out = tmp_path / "trial.xlsx"
    assert main(["--db", db, "export", str(out)]) == 0
    book = load_workbook(out)
    sheet = book["Change"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert header[2:6] == ["score_pre", "band_pre", "score_follow_up", "band_follow_up"]
    sens = rows["sensitivity"]
    assert (sens["score_pre"], sens["band_pre"]) == (4.75, "Risk")
    assert (sens["score_follow_up"], sens["band_follow_up"]) == (6.5, "Non-Risk")
    assert sens["difference"] == 1.75 and sens["band_change"] == "Risk → Non-Risk"
    for key in ADULT:
        assert rows[key]["direction"] == "improved", key
    assert rows["child_responsiveness"]["band_change"] == "Non-Risk → Optimal"
    assert rows["BDI"]["difference"] == -11 and rows["BDI"]["direction"] == "improved"
    assert rows["PSI"]["difference"] == 10 and rows["PSI"]["direction"] == "declined"
    measures = book["Measures"]
    assert [c.value for c in measures[1]][:5] == [
        "participant",
        "timepoint",
        "measure",
        "value",
        "direction",
    ]
    assert ("M001", "pre", "BDI", 27, "lower-better") in [
        r[:5] for r in measures.iter_rows(min_row=2, values_only=True)
    ]


def test_change_report_reads_like_table_2(tmp_path: Path) -> None:
    db = build_paper_case(tmp_path)
    pdf, html = tmp_path / "change.pdf", tmp_path / "change.html"
    assert main(["--db", db, "report", "change", "--participant", "M001", str(pdf)]) == 0
    assert main(["--db", db, "report", "change", str(html)]) == 0
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    page = html.read_text(encoding="utf-8")
    for found in (text, page):
        assert "4.75 (Risk)" in found and "6.5 (Non-Risk)" in found
        assert "Risk → Non-Risk" in found
        assert "27 → 16" in found
        assert found.count("improved") >= 5  # four adult subscales and BDI at least
    sens = re.search(r"Sensitivity .*? Risk → Non-Risk", text)
    assert sens is not None and "improved" in sens.group(0)
    # Look at it: the first page as PNG, kept under test-artifacts/
    need_tool("pdftoppm")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "change-report-page1.png")
    assert png.stat().st_size > 10_000
