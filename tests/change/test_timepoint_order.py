"""Ordered timepoints (issue 22, item 4): the study's own order, never the order videos were
added, decides what "before" and "after" are in every change computation."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study


def _change_rows(path: Path) -> list[dict[str, object]]:
    sheet = load_workbook(path)["Change"]
    header = [c.value for c in sheet[1]]
    return [
        dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


@pytest.fixture
def follow_up_first(tmp_path: Path) -> Path:
    """M1's follow-up video is added before the pre video: 5 at follow-up, 3 at pre."""
    db = tmp_path / "s.sqlite"
    with Study.create(from_string(db), load_scheme("eas-direct"), "Order") as study:
        ana = study.coders.add("Ana")
        for timepoint, score in (("follow-up", 5.0), ("pre", 3.0)):
            video = study.videos.add("M1", timepoint, None)
            study.ratings.set(video.id, ana.id, "sensitivity", score)
    return db


def test_the_set_order_gives_the_difference_its_sign(follow_up_first: Path, tmp_path: Path) -> None:
    db = str(follow_up_first)
    out = tmp_path / "before.xlsx"
    assert main(["--db", db, "export", str(out)]) == 0
    (row,) = _change_rows(out)
    assert row["difference"] == -2.0  # without an order: the order videos were added (wrong)
    assert main(["--db", db, "timepoints", "set", "pre", "follow-up"]) == 0
    out = tmp_path / "after.xlsx"
    assert main(["--db", db, "export", str(out)]) == 0
    (row,) = _change_rows(out)
    assert list(row)[2:6] == ["score_pre", "band_pre", "score_follow_up", "band_follow_up"]
    assert row["difference"] == 2.0  # follow-up 5 minus pre 3
    assert row["direction"] == "improved"
