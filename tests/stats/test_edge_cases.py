"""Degenerate data give a defined answer (NaN where a statistic is undefined), never a crash."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eas_coder.stats import (
    ICC_FORMS,
    agreement_within,
    bland_altman,
    cohen_kappa,
    exact_agreement,
    icc,
    krippendorff_alpha,
    pearson_r,
)
from tests.stats.strategies import CATEGORIES

IDENTICAL = np.array([[2.0, 2.0], [4.5, 4.5], [6.0, 6.0], [3.0, 3.0]])
ZERO_VARIANCE = np.full((5, 2), 4.0)
SINGLE_UNIT = np.array([[3.0, 4.0]])
ALL_MISSING = np.full((4, 2), np.nan)
ONE_CODER_MISSING = np.c_[np.array([3.0, 4.0, 5.0]), np.full(3, np.nan)]


def test_identical_coders_agree_perfectly() -> None:
    table = icc(IDENTICAL)
    for form in ICC_FORMS:
        assert table[form].value == pytest.approx(1.0)
    assert cohen_kappa(IDENTICAL, CATEGORIES, "quadratic").value == pytest.approx(1.0)
    assert krippendorff_alpha(IDENTICAL, "interval") == pytest.approx(1.0)
    assert pearson_r(IDENTICAL) == pytest.approx(1.0)
    assert exact_agreement(IDENTICAL) == 1.0
    assert bland_altman(IDENTICAL).mean_difference == 0.0


@pytest.mark.parametrize(
    "table", [ZERO_VARIANCE, SINGLE_UNIT, ALL_MISSING, ONE_CODER_MISSING],
    ids=["zero-variance", "single-unit", "all-missing", "one-coder-missing"],
)  # fmt: skip
def test_undefined_statistics_are_nan(table: np.ndarray) -> None:
    result = icc(table)
    assert all(math.isnan(result[form].value) for form in ICC_FORMS)
    assert all(math.isnan(bound) for form in ICC_FORMS for bound in result[form].ci)
    assert math.isnan(pearson_r(table))


@pytest.mark.parametrize("table", [ZERO_VARIANCE, ALL_MISSING, ONE_CODER_MISSING])
def test_alpha_without_two_values_in_a_unit_is_nan(table: np.ndarray) -> None:
    assert math.isnan(krippendorff_alpha(table, "interval"))


def test_alpha_of_a_single_disagreeing_unit_is_zero() -> None:
    # one pair, observed disagreement equals expected: alpha = 1 - 1 = 0
    assert krippendorff_alpha(SINGLE_UNIT, "interval") == 0.0


@pytest.mark.parametrize("table", [ZERO_VARIANCE, ALL_MISSING, ONE_CODER_MISSING])
def test_kappa_without_chance_disagreement_is_nan(table: np.ndarray) -> None:
    assert math.isnan(cohen_kappa(table, CATEGORIES).value)


def test_kappa_of_a_single_disagreeing_unit_is_zero() -> None:
    # po = 0 and pe = 0: kappa = (0 - 0) / (1 - 0) = 0, as scikit-learn gives
    assert cohen_kappa(SINGLE_UNIT, CATEGORIES).value == 0.0


def test_counts_of_dropped_units() -> None:
    assert icc(ONE_CODER_MISSING).n_dropped == 3
    assert cohen_kappa(ONE_CODER_MISSING, CATEGORIES).n_dropped == 3
    assert math.isnan(agreement_within(ALL_MISSING, 1.0))
    assert bland_altman(ALL_MISSING).n_units == 0


def test_wrong_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="2-D"):
        icc(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="exactly two raters"):
        cohen_kappa(np.ones((3, 3)), CATEGORIES)


def test_units_with_equal_means_give_infinite_bounds_not_a_crash() -> None:
    # Between-unit variance 0 makes F = 0; the average-measure bound is then -inf (as in
    # pingouin), found when a coder named "Mean" met a two-video export.
    table = icc(np.array([[3.0, 5.0], [3.0, 5.0]]))
    assert table["ICC1k"].ci[0] == -math.inf
