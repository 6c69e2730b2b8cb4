"""ICC against pingouin (500+ random tables) and Shrout & Fleiss (1979)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings

from eas_coder.stats import ICC_FORMS, icc
from tests.stats.strategies import complete_tables

PINGOUIN_TYPES = dict(
    zip(
        ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"),
        ICC_FORMS,
        strict=True,
    )
)


def _close(ours: float, reference: float) -> bool:
    if math.isnan(reference) or math.isinf(reference):
        return math.isnan(ours) or ours == reference
    return abs(ours - reference) <= 1e-6 * max(1.0, abs(reference))


def _pingouin(table: np.ndarray) -> pd.DataFrame:
    n, k = table.shape
    long = pd.DataFrame(
        [(u, r, table[u, r]) for u in range(n) for r in range(k)], columns=["unit", "rater", "x"]
    )
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # pingouin rounds its CI95 column to 2 decimals by default; compare unrounded
        pingouin.options["round.column.CI95"] = None
        try:
            return pingouin.intraclass_corr(long, targets="unit", raters="rater", ratings="x")
        finally:
            pingouin.set_default_options()


@settings(max_examples=500, deadline=None)
@given(complete_tables(min_units=3))
def test_icc_matches_pingouin(table: np.ndarray) -> None:
    ours = icc(table)
    reference = _pingouin(table)
    # Raters identical on every unit: the error mean square is exactly 0, so F is infinite
    # and p is 0. pingouin divides by a rounding residue there (F = ±9e15, any sign), so its
    # F and p are compared only when the error term is real.
    perfect = bool((np.ptp(table, axis=1) == 0).all())
    for _, row in reference.iterrows():
        form = ours[PINGOUIN_TYPES[row["Type"]]]
        assert _close(form.value, row["ICC"]), (form, row)
        if perfect and np.ptp(table) == 0:  # no variance at all: F = 0/0
            assert math.isnan(form.f) and math.isnan(form.p), form
        elif perfect:
            assert form.f == math.inf and form.p == 0.0, form
        else:
            assert _close(form.f, row["F"])
            assert _close(form.p, row["pval"])
        assert (form.df1, form.df2) == (row["df1"], row["df2"])
        low, high = row["CI95"]
        if perfect and np.ptp(table) > 0:
            # pingouin's interval there rests on the same rounding residue (NaN or ~1 by
            # chance); ours is the limit as the error term goes to 0: [1, 1]
            assert form.ci == (1.0, 1.0) or form.form in ("ICC3", "ICC3k", "ICC2k"), form
            continue
        assert _close(form.ci[0], low) and _close(form.ci[1], high), (form, row)


def test_shrout_fleiss_1979_table_2() -> None:
    """Shrout & Fleiss (1979), Psychological Bulletin 86(2):420–428, Tables 2 and 4:
    six targets rated by four judges; published ICCs to two decimals."""
    judges = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
        dtype=float,
    )
    table = icc(judges)
    published = {"ICC1": 0.17, "ICC2": 0.29, "ICC3": 0.71, "ICC1k": 0.44, "ICC2k": 0.62,
                 "ICC3k": 0.91}  # fmt: skip
    for form, value in published.items():
        assert round(table[form].value, 2) == value
    # Table 3 of the paper: BMS 11.24, WMS 6.26, EMS 1.02 -> F = BMS/WMS and BMS/EMS
    assert table["ICC1"].f == pytest.approx(11.24 / 6.26, abs=0.01)
    assert table["ICC3"].f == pytest.approx(11.24 / 1.02, rel=0.01)
    assert (table.n_units, table.n_raters, table.n_dropped) == (6, 4, 0)


def test_incomplete_units_are_dropped_and_counted() -> None:
    data = np.array([[1, 2], [3, np.nan], [4, 4], [6, 7], [np.nan, np.nan]])
    table = icc(data)
    assert (table.n_units, table.n_dropped) == (3, 2)
    assert table["ICC2"].value == icc(data[[0, 2, 3]])["ICC2"].value


def test_coders_agreeing_on_every_unit_give_an_infinite_f_not_a_rounding_residue() -> None:
    # Found by hypothesis: total − between left ~1e-16 of error, so F was 6e15 and p ~1e-47.
    table = np.array([[4.0, 4.0]] * 6 + [[1.5, 1.5]])
    result = icc(table)
    for form in ("ICC1", "ICC2", "ICC3"):
        assert result[form].value == 1.0
        assert result[form].f == math.inf and result[form].p == 0.0, result[form]
