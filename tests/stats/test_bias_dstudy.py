"""Per-coder bias and the D-study line (issue 19, item 6), against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats

from eas_coder.stats import bland_altman, icc
from eas_coder.stats.bias import coder_bias
from eas_coder.stats.dstudy import coders_needed, d_study, spearman_brown, units_needed


def test_bias_hand_worked_three_coders_with_a_gap() -> None:
    # Unit 1: A 5, B 4, C 3 -> A - mean(B, C) = 1.5; unit 2: A 6, B 6, C - -> 0;
    # unit 3: A 4, B -, C 2 -> 2.  Mean 7/6; SD of (1.5, 0, 2) = sqrt(13/12).
    table = np.array([[5, 4, 3], [6, 6, np.nan], [4, np.nan, 2], [7, np.nan, np.nan]])
    a, b, c = coder_bias(table, ["A", "B", "C"])
    assert (a.n_units, b.n_units, c.n_units) == (3, 2, 2)
    assert a.mean_difference == pytest.approx(7 / 6)
    assert a.sd == pytest.approx(math.sqrt(13 / 12))
    half = stats.t.ppf(0.975, 2) * math.sqrt(13 / 12) / math.sqrt(3)
    assert a.ci == pytest.approx((7 / 6 - half, 7 / 6 + half))
    # B: unit 1: 4 - 4 = 0; unit 2: 6 - 6 = 0.  C: 3 - 4.5 = -1.5, 2 - 4 = -2.
    assert b.mean_difference == 0 and c.mean_difference == pytest.approx(-1.75)


def test_bias_of_two_coders_is_bland_altman_with_scipy_interval() -> None:
    rng = np.random.default_rng(7)
    truth = rng.normal(5, 1, 40)
    table = np.round(np.column_stack([truth + 0.6, truth]) + rng.normal(0, 0.4, (40, 2)))
    # the first coder is lenient by 0.6
    first, second = coder_bias(table, ["A", "B"])
    assert first.mean_difference == pytest.approx(bland_altman(table).mean_difference)
    assert second.mean_difference == pytest.approx(-first.mean_difference)
    reference = stats.ttest_1samp(table[:, 0] - table[:, 1], 0).confidence_interval(0.95)
    assert first.ci == pytest.approx((reference.low, reference.high))
    assert first.flagged and second.flagged
    same = coder_bias(np.column_stack([table[:, 1], table[::-1, 1]]), ["A", "B"])
    assert same[0].mean_difference == 0 and not same[0].flagged


def test_spearman_brown_reproduces_pingouin_average_forms() -> None:
    rng = np.random.default_rng(3)
    truth = rng.normal(4, 1.2, 30)
    table = np.column_stack([truth + rng.normal(b, 0.6, 30) for b in (0, 0.3, -0.2)])
    long = pd.DataFrame(
        [(u, r, table[u, r]) for u in range(30) for r in range(3)], columns=["u", "r", "x"]
    )
    ref = pingouin.intraclass_corr(long, "u", "r", "x").set_index("Type")["ICC"]
    ours = icc(table)
    for single, average in (("ICC1", "ICC(1,k)"), ("ICC2", "ICC(A,k)"), ("ICC3", "ICC(C,k)")):
        assert spearman_brown(ours[single].value, 3) == pytest.approx(ref[average], abs=1e-12)


def test_coders_and_units_needed_hand_worked() -> None:
    # 0.6 with k coders: 2 -> .75, 3 -> .818; a target of .80 needs 3.
    assert spearman_brown(0.6, 2) == pytest.approx(0.75)
    assert coders_needed(0.6, 0.8) == 3 and coders_needed(0.9, 0.7) == 1
    assert coders_needed(float("nan"), 0.7) is None and coders_needed(-0.2, 0.7) is None
    # Bonett (2002): planned ICC .80, two coders, CI width .20 -> 51 units (his eq. 6:
    # 8 · 1.96² · .2² · 1.8² / (2 · .2²) + 1 = 50.8).
    assert units_needed(0.8, 2, 0.2) == 51
    z = stats.norm.ppf(0.975)
    assert units_needed(0.5, 3, 0.3) == math.ceil(8 * z**2 * 0.25 * 4 / (6 * 0.09) + 1)
    line = d_study("ICC2", 0.6, 0.8, 12, 0.2)
    assert line.projected[1] == 0.6 and line.coders_for_target == 3
    assert line.units_for_width == units_needed(0.6, 2, 0.2)


def test_coders_exactly_opposed_give_an_undefined_projection_not_a_crash() -> None:
    # Found by the soak's exports: two coders whose single-measure ICC is exactly −1.
    assert math.isnan(spearman_brown(-1.0, 2))
    assert spearman_brown(-1.0, 3) == pytest.approx(3.0)  # 3·(−1) / (1 − 2)
    projection = d_study("ICC2", -1.0, target=0.7, n_units=12, ci_width=0.2)
    assert math.isnan(projection.projected[2]) and projection.projected[1] == -1.0
