"""Reliability over a study, through the CLI and the API, checked against the references."""

from __future__ import annotations

import json
import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from sklearn.metrics import cohen_kappa_score

from eas_coder.cli import main
from eas_coder.drift import drift
from eas_coder.errors import StudyError
from eas_coder.location import from_string
from eas_coder.reliability import boundary_agreement, compute, compute_tables, koo_li_label
from eas_coder.sampling import assign_sample, draw_sample
from eas_coder.scheme import Scheme, load_scheme
from eas_coder.stats import ICC_FORMS
from eas_coder.store.study import Study

KEYS = ("sensitivity", "structuring")
rng = np.random.default_rng(42)
TRUE = rng.integers(2, 13, size=15) / 2 + 1
CODER_A = np.clip(np.round((TRUE + rng.normal(0, 0.4, 15)) * 2) / 2, 1, 7)
CODER_B = np.clip(np.round((TRUE + rng.normal(0, 0.6, 15)) * 2) / 2, 1, 7)


@pytest.fixture
def cli_study(tmp_path: Path) -> Path:
    """A study made with the CLI (init, coders), rated through the Study API."""
    db = tmp_path / "rel.sqlite"
    assert main(["--db", str(db), "init", "--name", "Reliability"]) == 0
    assert main(["--db", str(db), "coders", "add", "Ana", "Ben"]) == 0
    with Study.open(from_string(db)) as study:
        ana, ben = study.coders.get("Ana"), study.coders.get("Ben")
        for i, (a, b) in enumerate(zip(CODER_A, CODER_B, strict=True)):
            video = study.videos.add(f"M{i:02d}", "T1 pre", None)
            for key in KEYS:
                study.ratings.set(video.id, ana.id, key, float(a))
                study.ratings.set(video.id, ben.id, key, float(b))
        extra = study.videos.add("M99", "T1 pre", None)  # coded by Ana only: dropped
        study.ratings.set(extra.id, ana.id, "sensitivity", 4)
    return db


def _pingouin_icc(table: np.ndarray) -> pd.DataFrame:
    long = pd.DataFrame(
        [(u, r, table[u, r]) for u in range(len(table)) for r in range(table.shape[1])],
        columns=["u", "r", "x"],
    )
    pingouin.options["round.column.CI95"] = None
    try:
        return pingouin.intraclass_corr(long, "u", "r", "x").set_index("Type")
    finally:
        pingouin.set_default_options()


def test_cli_json_matches_the_references(
    cli_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--db", str(cli_study), "reliability", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["coders"] == ["Ana", "Ben"] and out["level"] == "session"
    dims = out["dimensions"]
    assert set(dims) == {"sensitivity", "structuring", "nonintrusiveness", "nonhostility",
                         "child_responsiveness", "child_involvement"}  # fmt: skip
    sens = dims["sensitivity"]
    assert (sens["n_units"], sens["n_dropped"]) == (15, 1)
    table = np.c_[CODER_A, CODER_B]
    ref = _pingouin_icc(table)
    names = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")
    for form, name in zip(ICC_FORMS, names, strict=True):
        assert sens[form] == pytest.approx(ref.loc[name, "ICC"], abs=1e-9)
        assert sens[f"{form}_ci95"] == pytest.approx(list(ref.loc[name, "CI95"]), abs=1e-9)
    labels = list(range(2, 15))
    codes = (table * 2).astype(int)
    for key, weights in [("kappa", None), ("kappa_linear", "linear"),
                         ("kappa_quadratic", "quadratic")]:  # fmt: skip
        expected = cohen_kappa_score(codes[:, 0], codes[:, 1], labels=labels, weights=weights)
        assert sens[key] == pytest.approx(expected, abs=1e-9)
    with_extra = np.c_[np.append(CODER_A, 4.0), np.append(CODER_B, np.nan)]
    for level in ("interval", "ordinal", "nominal"):
        expected = krippendorff.alpha(with_extra.T, level_of_measurement=level)
        assert sens[f"alpha_{level}"] == pytest.approx(expected, abs=1e-9)  # alpha uses all
    assert sens["pearson_r"] == pytest.approx(np.corrcoef(CODER_A, CODER_B)[0, 1], abs=1e-9)
    assert sens["exact_agreement"] == pytest.approx(np.mean(CODER_A == CODER_B))
    assert sens["within_one"] == pytest.approx(np.mean(np.abs(CODER_A - CODER_B) <= 1))
    assert sens["mean_difference"] == pytest.approx(np.mean(CODER_A - CODER_B))
    assert sens["pairs"] == []
    empty = dims["nonhostility"]  # nobody rated it: defined, empty answers
    assert empty["n_units"] == 0 and empty["ICC2"] is None and empty["kappa"] is None


def test_cli_table_has_labels_and_flags_below_target(
    cli_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(cli_study), "settings", "reliability.target", "0.99"]) == 0
    capsys.readouterr()
    assert main(["--db", str(cli_study), "reliability", "--dimensions", "sensitivity"]) == 0
    text = capsys.readouterr().out
    with Study.open(from_string(cli_study)) as study:
        value = compute(study, dimensions=["sensitivity"]).dimensions["sensitivity"].icc["ICC2"]
    assert f"{value.value:.2f}" in text
    assert koo_li_label(value.value) in text
    assert "ICC2 ≥ 0.99" in text and "BELOW TARGET" in text


def test_session_score_is_the_session_rating_else_the_mean_of_segments(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), _scheme(), "S") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        for i in range(3):
            video = study.videos.add(f"P{i}", "T1", None)
            for coder, (first, second) in ((ana, (3, 4)), (ben, (5, 6))):
                for j, score in enumerate((first, second)):
                    seg = study.segments.add(video.id, coder.id, j * 1000, j * 1000 + 900)
                    study.ratings.set(
                        video.id, coder.id, "sensitivity", score + i / 2, segment_id=seg.id
                    )
            study.ratings.set(video.id, ben.id, "sensitivity", 7)  # Ben's session score wins
        _, tables = compute_tables(study, None, "session", ["sensitivity"])
        scores = tables["sensitivity"].scores
    assert scores[:, 0].tolist() == [3.5, 4.0, 4.5]  # Ana: mean of her segments
    assert scores[:, 1].tolist() == [7.0, 7.0, 7.0]


def test_segment_level_meets_on_shared_spans_and_reports_pairs(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), _scheme(), "S") as study:
        coders = [study.coders.add(n) for n in ("Ana", "Ben", "Cleo")]
        video = study.videos.add("P1", "T1", None)
        for start in (0, 60_000, 120_000, 180_000):
            for k, coder in enumerate(coders):
                seg = study.segments.add(video.id, coder.id, start, start + 60_000, "free_play")
                score = 1 + (start // 60_000) + 0.5 * (k == 2)
                study.ratings.set(video.id, coder.id, "sensitivity", score, segment_id=seg.id)
        report = compute(study, level="segment", dimensions=["sensitivity"])
    result = report.dimensions["sensitivity"]
    assert result.n_units == 4 and result.icc.n_raters == 3
    assert math.isnan(result.values["kappa"])  # kappa is for two coders
    assert [p.coders for p in result.pairs] == [("Ana", "Ben"), ("Ana", "Cleo"), ("Ben", "Cleo")]
    assert result.pairs[0].values["exact_agreement"] == 1.0
    assert result.pairs[1].values["exact_agreement"] == 0.0
    json_pairs = report.to_json()["dimensions"]["sensitivity"]["pairs"]
    assert json_pairs[0]["coders"] == ["Ana", "Ben"] and json_pairs[0]["kappa"] == 1.0


def test_boundary_agreement(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), _scheme(), "S") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        video = study.videos.add("P1", "T1", None)
        for start, end in ((0, 10_000), (10_000, 20_000), (20_000, 30_000)):
            study.segments.add(video.id, ana.id, start, end)
        for start, end in ((1_000, 10_500), (13_000, 20_000)):
            study.segments.add(video.id, ben.id, start, end)
        result = boundary_agreement(study, "Ana", "Ben", tolerance_ms=2000)[video.id]
    assert (result.n_first, result.n_second, result.n_matched) == (3, 2, 2)
    assert result.mean_iou == pytest.approx((9_000 / 10_500 + 7_000 / 10_000) / 2)
    assert result.mean_onset_difference_ms == 2_000
    assert result.n_within_tolerance == 1  # the second pair starts 3 s late
    assert result.share_within_tolerance == pytest.approx(2 / 5)


def test_sample_is_reproducible_stratified_and_assigned(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), _scheme(), "S") as study:
        for i in range(20):
            study.videos.add(f"P{i:02d}", "T1 pre", None)
            study.videos.add(f"P{i:02d}", "T2 follow-up", None)
        study.coders.add("Ana")
        study.coders.add("Ben")
        videos = study.videos.all()
        first = draw_sample(videos, 0.2, seed=5)
        assert first == draw_sample(videos, 0.2, seed=5)
        assert first != draw_sample(videos, 0.2, seed=6)
        assert [v.timepoint for v in first].count("T1 pre") == 4
        assert [v.timepoint for v in first].count("T2 follow-up") == 4
        made = assign_sample(study, ["Ana", "Ben"], 0.2, seed=5)
        assert len(made) == 16
        assert assign_sample(study, ["Ana", "Ben"], 0.2, seed=5) == []  # already assigned
        with pytest.raises(StudyError, match="share"):
            draw_sample(videos, 0, seed=1)


def test_drift_per_batch(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), _scheme(), "S") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        for i in range(6):
            video = study.videos.add(f"P{i}", "T1", None)
            study.ratings.set(video.id, ana.id, "sensitivity", 1 + i)
            late = 0 if i < 3 else (1 if i % 2 else -1)  # agree early, drift later
            study.ratings.set(video.id, ben.id, "sensitivity", max(1, 1 + i + late))
        periods = drift(study, batch=3)
        monthly = drift(study)
    assert [p.label for p in periods] == ["videos 1–3", "videos 4–6"]
    assert periods[0].icc["sensitivity"] == pytest.approx(1.0)
    assert periods[1].icc["sensitivity"] < 1.0
    assert len(monthly) == 1 and monthly[0].n_units == 6


def test_fewer_than_two_coders_is_refused(
    cli_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(cli_study), "reliability", "--coders", "Ana"]) == 2
    assert "at least two different coders" in capsys.readouterr().err


def _scheme() -> Scheme:
    return load_scheme()


def test_disagreements_largest_first_and_consensus_kept_apart(
    cli_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eas_coder.review import disagreements

    with Study.open(from_string(cli_study)) as study:
        found = disagreements(study, ["Ana", "Ben"], "session", minimum=0.5)
        sizes = [d.size for d in found]
        assert sizes == sorted(sizes, reverse=True) and sizes
        expected = int(sum(np.abs(CODER_A - CODER_B) >= 0.5)) * len(KEYS)
        assert len(found) == expected
        top = found[0]
        assert top.scores.keys() == {"Ana", "Ben"} and top.consensus is None
        before = study.ratings.all()
        study.consensus.set(top.video_id, top.dimension, 4)
        assert study.ratings.all() == before  # the coders' own ratings never change
        again = disagreements(study, ["Ana", "Ben"], "session", minimum=0.5)
        assert (
            next(d for d in again if d.unit == top.unit and d.dimension == top.dimension).consensus
            == 4
        )
    capsys.readouterr()
    assert main(["--db", str(cli_study), "disagreements", "--min", "1.5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(
        float(line.split()[0]) >= 1.5 for line in lines if line[:1].strip() or line[:4].strip()
    )
    assert main(["--db", str(cli_study), "consensus", "1", "sensitivity", "7.5"]) == 2
