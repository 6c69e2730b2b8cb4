"""Issue 19: chance-corrected coefficients, F tests, incomplete designs and small samples in
`reliability` (JSON, text and the export's Reliability sheet)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
import statsmodels.api as sm
from statsmodels.formula.api import ols

from eas_coder.cli import main
from eas_coder.demo import CODERS, NEW_CODER, build_demo
from eas_coder.exchange.meta_sheets import build_sheets
from eas_coder.location import Location, from_string
from eas_coder.reliability import compute, compute_tables
from eas_coder.stats import ICC_FORMS
from eas_coder.stats.gwet import CHANCE_CORRECTED, chance_corrected
from eas_coder.store.study import Study

KEY = "sensitivity"
rng = np.random.default_rng(19)


def _study(location: Location, coders: list[str]) -> str:
    """A study made through the CLI, on SQLite or PostgreSQL (``db_location``): the column
    query behind reliability (store/rating_columns.py) runs on both."""
    db = location.url.render_as_string(hide_password=False)
    assert main(["--db", db, "init", "--name", "Design"]) == 0
    assert main(["--db", db, "coders", "add", *coders]) == 0
    return db


def _json(db: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    assert main(["--db", db, "reliability", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def rotating_pairs(db_location: Location) -> tuple[str, np.ndarray]:
    """Three coders, each video double-coded by a different pair (some triple-coded), and a
    fourth coder who has not started: the usual lab design."""
    db = _study(db_location, ["Ana", "Ben", "Cy", "Dee"])
    truth = rng.integers(4, 13, size=24) / 2 + 1
    table = np.full((24, 3), np.nan)
    with Study.open(from_string(db)) as study:
        ids = [study.coders.get(n).id for n in ("Ana", "Ben", "Cy")]
        for v in range(24):
            video = study.videos.add(f"V{v:02d}", "T1 pre", None)
            who = [v % 3, (v + 1) % 3] + ([(v + 2) % 3] if v % 5 == 0 else [])
            for c in who:
                score = float(np.clip(np.round((truth[v] + rng.normal(0, 0.6)) * 2) / 2, 1, 7))
                table[v, c] = score
                study.ratings.set(video.id, ids[c], KEY, score)
    return db, table


def test_incomplete_design_icc1_matches_an_unbalanced_one_way_anova(
    rotating_pairs: tuple[str, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    """ICC(1) over every video rated at least twice, with unequal numbers of ratings per
    video: the ANOVA estimator with k0 = (N − Σ k_i² / N) / (n − 1) (Searle 1971, §9.6;
    Donner 1986, eq. 2.2), checked against statsmodels' one-way ANOVA of the long data."""
    db, table = rotating_pairs
    out = _json(db, capsys)
    sens = out["dimensions"][KEY]
    assert out["coders"] == ["Ana", "Ben", "Cy", "Dee"]
    assert any("Dee" in note and "no ratings" in note for note in out["notes"])
    long = pd.DataFrame(
        [(u, table[u, c]) for u in range(24) for c in range(3) if not np.isnan(table[u, c])],
        columns=["unit", "x"],
    )
    anova = sm.stats.anova_lm(ols("x ~ C(unit)", data=long).fit())
    msb, msw = anova["mean_sq"].iloc[0], anova["mean_sq"].iloc[1]
    df1, df2 = anova["df"].iloc[0], anova["df"].iloc[1]
    sizes = long.groupby("unit").size().to_numpy()
    big_n, n = sizes.sum(), len(sizes)
    k0 = (big_n - (sizes**2).sum() / big_n) / (n - 1)
    assert sens["design"] == "incomplete"
    assert sens["n_units_one_way"] == 24
    assert sens["ICC1"] == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), abs=1e-9)
    assert sens["ICC1k"] == pytest.approx((msb - msw) / msb, abs=1e-9)
    assert sens["ICC1_F"] == pytest.approx(anova["F"].iloc[0], abs=1e-9)
    assert (sens["ICC1_df1"], sens["ICC1_df2"]) == (df1, df2)
    assert sens["ICC1_p"] == pytest.approx(anova["PR(>F)"].iloc[0], abs=1e-9)
    low, high = sens["ICC1_ci95"]
    assert low < sens["ICC1"] < high
    # alpha and AC use every pairable unit, the coder who has not started ignored
    ours = chance_corrected(table, [1 + 0.5 * i for i in range(13)])
    assert sens["gwet_ac1"] == pytest.approx(ours["gwet_ac1"].value, abs=1e-12)
    assert sens["gwet_ac1_ci95"] == pytest.approx(list(ours["gwet_ac1"].ci), abs=1e-12)


def test_f_tests_and_chance_corrected_keys_in_json_match_references(
    db_location: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(db_location, ["Ana", "Ben", "Cy"])
    table = np.clip(np.round((rng.integers(6, 13, (14, 1)) / 2 + rng.normal(0, 0.5, (14, 3)))
                             * 2) / 2, 1, 7)  # fmt: skip
    with Study.open(from_string(db)) as study:
        ids = [study.coders.get(n).id for n in ("Ana", "Ben", "Cy")]
        for v in range(14):
            video = study.videos.add(f"V{v:02d}", "T1 pre", None)
            for c in range(3):
                study.ratings.set(video.id, ids[c], KEY, float(table[v, c]))
    sens = _json(db, capsys)["dimensions"][KEY]
    assert sens["design"] == "complete"
    long = pd.DataFrame(
        [(u, r, table[u, r]) for u in range(14) for r in range(3)], columns=["u", "r", "x"]
    )
    ref = pingouin.intraclass_corr(long, "u", "r", "x").set_index("Type")
    names = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")
    for form, name in zip(ICC_FORMS, names, strict=True):
        assert sens[f"{form}_F"] == pytest.approx(ref.loc[name, "F"], abs=1e-9)
        assert sens[f"{form}_df1"] == ref.loc[name, "df1"]
        assert sens[f"{form}_df2"] == ref.loc[name, "df2"]
        assert sens[f"{form}_p"] == pytest.approx(ref.loc[name, "pval"], abs=1e-9)
    ours = chance_corrected(table, [1 + 0.5 * i for i in range(13)])
    for key, _, _ in CHANCE_CORRECTED:
        assert sens[key] == pytest.approx(ours[key].value, abs=1e-12)
        assert sens[f"{key}_ci95"] == pytest.approx(list(ours[key].ci), abs=1e-12)
    pair = sens["pairs"][0]
    assert pair["coders"] == ["Ana", "Ben"]
    two = chance_corrected(table[:, :2], [1 + 0.5 * i for i in range(13)])
    for key, _, _ in CHANCE_CORRECTED:
        assert pair[key] == pytest.approx(two[key].value, abs=1e-12)
        assert pair[f"{key}_ci95"] == pytest.approx(list(two[key].ci), abs=1e-12)


def test_too_few_units_is_said_instead_of_a_quality_word(
    db_location: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(db_location, ["Ana", "Ben"])
    with Study.open(from_string(db)) as study:
        ana, ben = study.coders.get("Ana").id, study.coders.get("Ben").id
        for v, (a, b) in enumerate([(3, 3.5), (5, 5), (6, 2), (2, 2.5)]):
            video = study.videos.add(f"V{v}", "T1 pre", None)
            study.ratings.set(video.id, ana, KEY, a)
            study.ratings.set(video.id, ben, KEY, b)
    out = _json(db, capsys)
    sens = out["dimensions"][KEY]
    assert sens["label"] == "too few units (n = 4)" and out["min_n"] == 10
    assert main(["--db", db, "reliability", "--dimensions", KEY]) == 0
    text = capsys.readouterr().out
    assert "too few units (n = 4)" in text and "F(" in text
    assert "D-study (ICC2 = " in text and "(Spearman–Brown)" in text
    for word in ("poor", "moderate", "good", "excellent"):
        assert word not in text.split("Labels:")[1].split("\n", 1)[1]
    with Study.open(from_string(db)) as study:
        sheet = next(s for s in build_sheets(study) if s.name == "Reliability")
        row = dict(zip([c.name for c in sheet.columns], sheet.rows[0], strict=True))
        assert row["label"] == "too few units (n = 4)"
        assert row["icc_f"] is not None and row["icc_df1"] == 3
    assert main(["--db", db, "settings", "reliability.min_n", "3"]) == 0
    out = _json(db, capsys)
    sens = out["dimensions"][KEY]
    assert sens["label"] in ("poor", "moderate", "good", "excellent") and out["min_n"] == 3
    assert main(["--db", db, "settings", "reliability.min_n", "1"]) == 2  # refused


def test_demo_with_its_new_coder_gives_defined_iccs(tmp_path: Path) -> None:
    study_file = build_demo(tmp_path, seconds=4.0)
    with Study.open(from_string(study_file)) as study:
        report = compute(study)  # all three coders, Coder C has rated nothing
        chosen, tables = compute_tables(study, None, "session", None)
    assert report.coders == (*CODERS, NEW_CODER)
    assert any(NEW_CODER in note for note in report.notes)
    for result in report.dimensions.values():
        assert result.n_units == 4
        for form in ICC_FORMS:
            assert not math.isnan(result.icc[form].value), form
        assert result.quality == "too few units (n = 4)"
    assert len(chosen) == 3 and tables[report.dimensions.__iter__().__next__()].scores.shape[1] == 3


def test_text_names_a_biased_coder(
    db_location: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(db_location, ["Ana", "Ben"])
    with Study.open(from_string(db)) as study:
        ana, ben = study.coders.get("Ana").id, study.coders.get("Ben").id
        for v in range(12):
            video = study.videos.add(f"V{v:02d}", "T1 pre", None)
            study.ratings.set(video.id, ana, KEY, 2.0 + v % 4)
            study.ratings.set(video.id, ben, KEY, 3.0 + v % 4 + 0.5 * (v % 2))
    bias = {b["coder"]: b for b in _json(db, capsys)["dimensions"][KEY]["bias"]}
    assert bias["Ben"]["flagged"] and bias["Ben"]["mean_difference"] > 0
    assert main(["--db", db, "reliability", "--dimensions", KEY]) == 0
    text = capsys.readouterr().out
    assert f"Bias: Ana {-bias['Ben']['mean_difference']:+.2f}" in text
    assert "Ben +1.25" in text and "scores higher than the others" in text
