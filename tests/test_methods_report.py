"""The methods-section report (issue 19, item 7): PDF and HTML from the CLI, its numbers the
same as ``reliability --json``, user text escaped, and the bias / D-study keys (item 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    """Three coders (one with a hostile name, who scores 1 higher) on 12 videos; the third
    coder rated only half of them."""
    db = tmp_path / "rep.sqlite"
    rng = np.random.default_rng(5)
    with Study.create(from_string(db), load_scheme("eas-direct"), "Report «Ü»") as study:
        coders = [study.coders.add(n) for n in ("Ana", "Ben", HOSTILE)]
        for i in range(12):
            video = study.videos.add(f"D{i:02d}", "T1", None)
            true = float(rng.integers(4, 12)) / 2
            for k, coder in enumerate(coders):
                if k == 2 and i % 2:
                    continue
                for dim in study.scheme.dimensions:
                    score = min(7.0, true + (1.0 if k == 2 else 0.0) + 0.5 * rng.integers(-1, 2))
                    study.ratings.set(video.id, coder.id, dim.key, max(1.0, score))
    return db


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def _numbers_of(data: dict, key: str) -> list[str]:
    dim = data["dimensions"][key]
    return [f"{dim[f]:.2f}" for f in ("ICC1", "ICC2", "ICC3", "ICC2k", "alpha_interval")]


def test_report_pdf_and_html_match_the_json(
    study_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(study_file)
    assert main(["--db", db, "reliability", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    pdf, page = tmp_path / "out.pdf", tmp_path / "out.html"
    assert main(["--db", db, "report", "reliability", str(pdf)]) == 0
    assert main(["--db", db, "report", "reliability", str(page)]) == 0
    text, html = _pdf_text(pdf), page.read_text(encoding="utf-8")
    flat = re.sub(r"\s+", " ", text)
    for key, dim in data["dimensions"].items():
        for number in _numbers_of(data, key):
            assert number in flat and number in html
        low, high = dim["ICC2_ci95"]
        assert f"[{low:.2f}, {high:.2f}]" in flat and f"[{low:.2f}, {high:.2f}]" in html
        assert len(dim["bias"]) == 3 and "dstudy" in dim
        d = dim["dstudy"]
        assert f"{d['units_for_ci_width']} double-coded units" in flat
    (hostile_bias,) = [
        b for b in data["dimensions"]["sensitivity"]["bias"] if b["coder"] == HOSTILE
    ]
    assert hostile_bias["flagged"] and hostile_bias["mean_difference"] > 0.5
    for needle in ("GRRAS", "Kottner", "Koo", "Bonett", "For the methods section", "κ", "α"):
        assert needle in flat and needle in html
    assert "Blind coding was not enforced" in flat  # no lab-manager passphrase here
    assert "Report «Ü»" in flat
    # user text is data: the name is escaped in HTML, printed as typed in the PDF
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert HOSTILE in flat


def test_report_refuses_another_format_and_writes_nothing(
    study_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.docx"
    assert main(["--db", str(study_file), "report", "reliability", str(out)]) == 2
    assert "name the report .pdf or .html" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
