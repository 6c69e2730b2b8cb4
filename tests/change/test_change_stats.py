"""The study's change statistics against independent references: R's published example of
wilcox.test (Hollander & Wolfe's depression data: V = 40, one-sided p = 0.01953) and
pingouin's paired t test and Wilcoxon test."""

from __future__ import annotations

import math

import numpy as np
import pingouin as pg
import pytest

from eas_coder.change_stats import moved_out_of_lowest, paired_change

# R: example(wilcox.test) — Hamilton depression scale before (x) and after (y) a tranquiliser
X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def test_wilcoxon_matches_r_published_values() -> None:
    # R tests x - y ("greater"); our change is after minus before, so before = Y, after = X
    result = paired_change(Y, X)
    assert result.v == 40  # R: V = 40
    assert result.p_wilcoxon == pytest.approx(2 * 0.01953, abs=1e-4)  # R's one-sided, doubled


def test_t_test_and_interval_match_pingouin() -> None:
    rng = np.random.default_rng(3)
    before = rng.normal(4.5, 1.0, 14)
    after = before + rng.normal(0.8, 0.9, 14)  # no tied differences: both use the exact test
    ours = paired_change(before, after)
    ref = pg.ttest(after, before, paired=True)
    assert ours.t == pytest.approx(ref["T"].iloc[0])
    assert ours.df == ref["dof"].iloc[0]
    assert ours.p_t == pytest.approx(ref["p_val" if "p_val" in ref else "p-val"].iloc[0])
    low, high = ref["CI95" if "CI95" in ref else "CI95%"].iloc[0]
    assert (ours.ci_low, ours.ci_high) == (
        pytest.approx(low, abs=5e-3),
        pytest.approx(high, abs=5e-3),
    )
    wil = pg.wilcoxon(after, before)
    d = after - before
    assert (
        min(ours.v, ours.n_wilcoxon * (ours.n_wilcoxon + 1) / 2 - ours.v)
        == wil["W_val" if "W_val" in wil else "W-val"].iloc[0]
    )
    assert ours.v == sum(i + 1 for i, k in enumerate(np.argsort(np.abs(d))) if d[k] > 0)
    assert ours.p_wilcoxon == pytest.approx(wil["p_val" if "p_val" in wil else "p-val"].iloc[0])


def test_undefined_cases_are_nan_not_errors() -> None:
    one = paired_change([4.0], [5.0])
    assert one.n == 1 and one.mean == 1.0 and math.isnan(one.p_t) and not one.computed
    same = paired_change([4.0, 5.0], [4.0, 5.0])
    assert same.mean == 0 and math.isnan(same.t) and math.isnan(same.p_wilcoxon)
    assert moved_out_of_lowest(["Risk", "Risk", "Non-Risk"], ["Non-Risk", "Risk", "Optimal"],
                               "Risk") == 1  # fmt: skip
