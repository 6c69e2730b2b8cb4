"""Segment-level reliability meets coders on overlapping segments (issue 19, item 5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eas_coder.cli import main
from eas_coder.location import Location, from_string
from eas_coder.reliability import compute, compute_tables
from eas_coder.scheme import load_scheme
from eas_coder.segment_matching import match_study_segments
from eas_coder.store.study import Study

# Ana's and Ben's episodes of one video: the first three overlap Ana's within 1.5 s at both
# ends; Ben's fourth starts 5 s late (overlapping, outside a 2 s tolerance); Ana's fifth has
# no partner at all.
ANA = [(0, 30_000), (30_000, 60_000), (60_000, 90_000), (90_000, 120_000), (150_000, 170_000)]
BEN = [(1_000, 29_000), (29_500, 58_500), (60_000, 90_000), (95_000, 120_000)]
ANA_SCORES = [3.0, 4.0, 5.0, 6.0, 2.0]
BEN_SCORES = [3.5, 4.0, 5.5, 6.0]


def _study(location: Location) -> str:
    """The two coders' episodes, on SQLite or PostgreSQL (``db_location``)."""
    db = location.url.render_as_string(hide_password=False)
    with Study.create(location, load_scheme("eas-direct"), "Seg") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        video = study.videos.add("P1", "T1", None)
        for coder, spans, scores in ((ana, ANA, ANA_SCORES), (ben, BEN, BEN_SCORES)):
            for (start, end), score in zip(spans, scores, strict=False):
                seg = study.segments.add(video.id, coder.id, start, end)
                study.ratings.set(video.id, coder.id, "sensitivity", score, segment_id=seg.id)
    return db


def test_overlapping_segments_meet_within_tolerance(db_location: Location) -> None:
    db = _study(db_location)
    with Study.open(from_string(db)) as study:
        _, tables = compute_tables(study, None, "segment", ["sensitivity"])
        report = compute(study, level="segment", dimensions=["sensitivity"])
    scores = tables["sensitivity"].scores
    complete = scores[~np.isnan(scores).any(axis=1)]
    # The three pairs within 2 s meet; the late one and Ana's lone segment stay apart.
    assert sorted(map(tuple, complete.tolist())) == [(3.0, 3.5), (4.0, 4.0), (5.0, 5.5)]
    assert report.dimensions["sensitivity"].n_units == 3
    matching = report.to_json()["segment_matching"]
    assert matching["tolerance_ms"] == 2000
    (pair,) = matching["pairs"]
    assert pair["coders"] == ["Ana", "Ben"]
    assert (pair["segments"], pair["overlapping"], pair["matched"]) == ([5, 4], 4, 3)
    assert pair["matched_share"] == pytest.approx(2 * 3 / 9)
    assert pair["mean_onset_difference_ms"] == pytest.approx((1_000 + 500 + 0) / 3)
    assert pair["mean_offset_difference_ms"] == pytest.approx((1_000 + 1_500 + 0) / 3)


def test_tolerance_is_a_study_setting_and_no_match_is_explained(db_location: Location) -> None:
    db = _study(db_location)
    assert main(["--db", db, "settings", "reliability.boundary_tolerance_ms", "6000"]) == 0
    with Study.open(from_string(db)) as study:
        wide = compute(study, level="segment", dimensions=["sensitivity"])
        study.settings.set("reliability.boundary_tolerance_ms", 0)
        strict = compute(study, level="segment", dimensions=["sensitivity"])
        result = match_study_segments(study, ["Ana", "Ben"], 0)
    assert wide.dimensions["sensitivity"].n_units == 4  # the 5 s late start now counts
    assert strict.dimensions["sensitivity"].n_units == 1  # only the identical span
    note = strict.to_json()["segment_matching"]["pairs"][0]["note"]
    assert "4 overlapping" in note and "1 within ±0 ms" in note
    assert "reliability.boundary_tolerance_ms" in note
    assert result.pairs[0].matched == 1


def test_text_and_json_explain_segment_matching(
    db_location: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(db_location)
    assert main(["--db", db, "reliability", "--level", "segment", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["segment_matching"]["pairs"][0]["matched"] == 3
    assert main(["--db", db, "reliability", "--level", "segment"]) == 0
    text = capsys.readouterr().out
    assert "Segments matched by overlap" in text and "Ana vs Ben: 3 of 5 + 4" in text
