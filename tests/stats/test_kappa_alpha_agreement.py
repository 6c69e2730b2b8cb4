"""Kappa against scikit-learn, alpha against the krippendorff package, r against scipy —
each on 500+ random tables — and on published worked examples."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from sklearn.metrics import cohen_kappa_score

from eas_coder.stats import (
    agreement_within,
    bland_altman,
    cohen_kappa,
    exact_agreement,
    krippendorff_alpha,
    pearson_r,
)
from tests.stats.strategies import CATEGORIES, complete_tables, tables_with_gaps


def _same(ours: float, reference: float) -> bool:
    if math.isnan(reference):
        return math.isnan(ours)
    return abs(ours - reference) <= 1e-6


@settings(max_examples=500, deadline=None)
@given(complete_tables(min_units=1, max_raters=2), st.sampled_from([None, "linear", "quadratic"]))
def test_kappa_matches_scikit_learn_with_the_full_category_set(table, weights) -> None:  # type: ignore[no-untyped-def]
    ours = cohen_kappa(table, CATEGORIES, weights)
    codes = (table * 2).astype(int)  # 1..7 in halves -> 2..14
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = cohen_kappa_score(
            codes[:, 0], codes[:, 1], labels=list(range(2, 15)), weights=weights
        )
    assert _same(ours.value, float(reference)), (ours, reference)
    assert ours.n_units == len(table)


def test_kappa_uses_the_whole_scale_not_only_observed_scores() -> None:
    # 2.0 and 4.0 are four half-points apart on the scale, but neighbours among the
    # scores observed: weights must come from the scale.
    table = np.array([[2.0, 4.0], [4.0, 4.0], [5.0, 4.0], [2.0, 2.0], [5.0, 5.0]])
    full = cohen_kappa(table, CATEGORIES, "quadratic").value
    observed_only = cohen_kappa(table, [2.0, 4.0, 5.0], "quadratic").value
    assert full != pytest.approx(observed_only)


def test_kappa_textbook_example() -> None:
    """The worked example of the Wikipedia article "Cohen's kappa": 50 proposals, both
    readers yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po .70, pe .50, kappa .40."""
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    assert cohen_kappa(np.array(pairs, float), [0, 1]).value == pytest.approx(0.4)


def test_kappa_refuses_scores_off_the_scale() -> None:
    with pytest.raises(ValueError, match="not one of the categories"):
        cohen_kappa(np.array([[1.25, 2.0], [3.0, 3.0]]), CATEGORIES)


@settings(max_examples=500, deadline=None)
@given(tables_with_gaps(), st.sampled_from(["nominal", "ordinal", "interval"]))
def test_alpha_matches_the_krippendorff_package(table, level) -> None:  # type: ignore[no-untyped-def]
    ours = krippendorff_alpha(table, level)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            reference = krippendorff.alpha(
                reliability_data=table.T, level_of_measurement=level, value_domain=CATEGORIES
            )
    except (ValueError, ZeroDivisionError):
        reference = float("nan")  # the package refuses data with fewer than two values
    assert _same(ours, float(reference)), (ours, reference)


def test_alpha_krippendorff_2011_worked_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E:
    four observers, twelve units, missing values; alpha nominal .743, ordinal .815,
    interval .849."""
    nan = np.nan
    observers = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    )
    units = observers.T
    assert round(krippendorff_alpha(units, "nominal"), 3) == 0.743
    assert round(krippendorff_alpha(units, "ordinal"), 3) == 0.815
    assert round(krippendorff_alpha(units, "interval"), 3) == 0.849


@settings(max_examples=500, deadline=None)
@given(complete_tables(min_units=2, max_raters=2))
def test_pearson_matches_scipy(table) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = scipy_stats.pearsonr(table[:, 0], table[:, 1]).statistic
    assert _same(pearson_r(table), float(reference))


def test_bland_altman_1986_peak_flow_example() -> None:
    """Bland & Altman (1986), Lancet 327(8476):307–310, Table 1 (first readings, Wright vs
    mini Wright peak flow meter, 17 subjects): mean difference -2.1 l/min, SD 38.8, limits
    of agreement (mean ± 2 SD) -79.7 to 75.5."""
    wright = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
    mini = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]
    result = bland_altman(np.c_[wright, mini].astype(float), z=2.0)
    assert round(result.mean_difference, 1) == -2.1
    assert round(result.sd_difference, 1) == 38.8
    assert (round(result.lower, 0), round(result.upper, 0)) == (-80, 75)


def test_agreement_shares() -> None:
    table = np.array([[3, 3], [3, 3.5], [3, 4], [3, 4.5], [5, np.nan]])
    assert exact_agreement(table) == 0.25
    assert agreement_within(table, 1.0) == 0.75
    assert agreement_within(table, 0.5) == 0.5
    three = np.array([[2, 2.5, 3], [4, 4, 4]])
    assert agreement_within(three, 1.0) == 1.0 and exact_agreement(three) == 0.5
