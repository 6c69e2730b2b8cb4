"""Gwet's AC1/AC2 and Brennan–Prediger against the irrCAC package (500 random tables with
missing ratings) and Gwet's worked example."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC

from eas_coder.stats.gwet import (
    CHANCE_CORRECTED,
    AgreementCoefficient,
    brennan_prediger,
    chance_corrected,
    gwet_ac,
)

HALF_POINTS = [1 + 0.5 * i for i in range(13)]  # the EAS scale, 1–7 in half points

# Gwet, K. L. (2014), Handbook of Inter-Rater Reliability, 4th ed., chapter 2: the worked
# example of 4 raters classifying 12 units into categories 1–5 with missing ratings (also
# the irrCAC packages' ``raw_4raters`` data set). Gwet reports AC1 = 0.7754 for it.
GWET_4_RATERS = np.array(
    [
        [1, 1, np.nan, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [np.nan, 5, 5, 5],
        [np.nan, np.nan, 1, 1],
        [np.nan, np.nan, 3, np.nan],
    ]
)


def _irrcac(table: np.ndarray, categories: list[float], chance: str, weights: str) -> dict:
    return _irrcac_all(table, categories, [(chance, weights)])[0]


def _irrcac_all(
    table: np.ndarray, categories: list[float], wanted: list[tuple[str, str]]
) -> list[dict]:
    """irrCAC's estimates (unrounded) for each (coefficient, weights)."""
    frame = pd.DataFrame(table, columns=[f"r{i}" for i in range(table.shape[1])])
    out, made = [], {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for chance, weights in wanted:
            if weights not in made:
                made[weights] = CAC(frame, weights=weights, categories=categories, digits=30)
            cac = made[weights]
            out.append((cac.gwet() if chance == "gwet" else cac.bp())["est"])
    return out


def _same(ours: float, theirs: float) -> bool:
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    return abs(ours - theirs) <= 1e-9


def _random_table(rng: np.random.Generator) -> np.ndarray:
    units, raters = int(rng.integers(2, 31)), int(rng.integers(2, 6))
    # a few favoured categories near the top, as EAS scores pile up there
    top = rng.integers(6, 13)
    steps = np.clip(top - rng.geometric(rng.uniform(0.3, 0.9), (units, raters)) + 1, 0, 12)
    table = 1 + 0.5 * steps.astype(np.float64)
    table[rng.random(table.shape) < rng.uniform(0.0, 0.5)] = np.nan
    table[0, :2] = table[0, 0] if not np.isnan(table[0, 0]) else 4.0  # one pairable unit
    if np.isnan(table[1, 0]):
        table[1, 0] = 7.0  # and a second unit: irrCAC divides by n − 1
    return table


def test_gwet_worked_example_ac1() -> None:
    """Gwet (2014), chapter 2: AC1 = 0.7754 over categories 1–5 (SE 0.14295 as irrCAC's
    documentation shows it)."""
    ac1 = gwet_ac(GWET_4_RATERS, [1, 2, 3, 4, 5])
    assert round(ac1.value, 4) == 0.7754
    assert round(ac1.se, 5) == 0.14295
    assert (ac1.n_units, ac1.n_pairable) == (12, 11)
    assert round(ac1.p_observed, 4) == 0.8182 and round(ac1.p_chance, 4) == 0.1903
    assert ac1.ci[1] == 1.0  # the upper end is capped at 1
    est = _irrcac(GWET_4_RATERS, [1, 2, 3, 4, 5], "gwet", "identity")
    assert ac1.value == pytest.approx(est["coefficient_value"], abs=1e-12)


def test_500_random_tables_with_gaps_match_irrcac() -> None:
    rng = np.random.default_rng(2014)
    compared = 0
    for _ in range(500):
        table = _random_table(rng)
        ours = chance_corrected(table, HALF_POINTS)
        wanted = [(chance, weighting) for _, chance, weighting in CHANCE_CORRECTED]
        estimates = _irrcac_all(table, HALF_POINTS, wanted)
        for (key, _, _), est in zip(CHANCE_CORRECTED, estimates, strict=True):
            mine: AgreementCoefficient = ours[key]
            low, high = est["confidence_interval"]
            assert _same(mine.value, est["coefficient_value"]), (key, table)
            assert _same(mine.se, est["se"]) or (mine.se == 0 and est["se"] == 1e-15), key
            assert _same(mine.p_observed, est["pa"]) and _same(mine.p_chance, est["pe"]), key
            assert _same(mine.ci[0], low) and _same(mine.ci[1], high), (key, table)
            compared += 1
    assert compared == 500 * 7


def test_single_functions_agree_with_the_bundle() -> None:
    table = _random_table(np.random.default_rng(5))
    bundle = chance_corrected(table, HALF_POINTS)
    assert gwet_ac(table, HALF_POINTS, "ordinal") == bundle["gwet_ac2_ordinal"]
    assert brennan_prediger(table, HALF_POINTS, "quadratic") == bundle["bp_quadratic"]


def test_paradox_high_agreement_on_a_piled_up_scale() -> None:
    """Two coders agreeing on 19 of 20 top scores: kappa-like chance is high, AC1 is not."""
    first = np.full(20, 7.0)
    second = first.copy()
    second[0] = 6.5
    ac1 = gwet_ac(np.c_[first, second], HALF_POINTS)
    assert ac1.value > 0.9


def test_undefined_without_a_unit_rated_twice() -> None:
    table = np.array([[1.0, np.nan], [np.nan, 2.0]])
    result = gwet_ac(table, HALF_POINTS)
    assert math.isnan(result.value) and result.n_pairable == 0
    with pytest.raises(ValueError, match="not one of the categories"):
        gwet_ac(np.array([[1.25, 1.0]]), HALF_POINTS)
