"""Intraclass correlation in the six Shrout & Fleiss (1979) / McGraw & Wong (1996) forms.

``ICC1``  one-way random, single rater          ``ICC1k`` its average-measure form
``ICC2``  two-way random, absolute agreement   ``ICC2k``
``ICC3``  two-way mixed, consistency           ``ICC3k``

Each comes with its F test and a confidence interval from McGraw & Wong (1996), Table 7
(the ICC2 interval uses Satterthwaite's approximate degrees of freedom).

Incomplete designs (not every coder rates every unit, e.g. each video double-coded by a
different pair): the one-way forms ICC1 / ICC1k use every unit rated at least twice, with
unequal numbers of ratings per unit — the one-way random-effects ANOVA estimator with
``k0 = (N − Σ k_i² / N) / (n − 1)`` in place of k (Searle 1971, *Linear Models*, §9.6;
Donner 1986, *Int. Stat. Review* 54, 67–82, eq. 2.2), whose F test has n − 1 and N − n
degrees of freedom; its interval is the McGraw & Wong one with k0 for k (Donner 1986, §3).
With equal k this is exactly Shrout & Fleiss' ICC(1). The two-way forms need every coder on
every unit (the coder effect is crossed), so they use the complete units only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from eas_coder.stats.units import as_units, complete_units

ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
NAN = float("nan")


@dataclass(frozen=True)
class IccResult:
    """One ICC form with its F test and confidence interval."""

    form: str
    value: float
    f: float
    df1: float
    df2: float
    p: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class IccTable:
    """All six forms for one data set."""

    n_units: int
    n_raters: int
    n_dropped: int
    forms: dict[str, IccResult]
    n_one_way: int = -1  # units behind ICC1 / ICC1k (rated at least twice); -1: n_units

    def n_for(self, form: str) -> int:
        """How many units the form's value rests on."""
        one_way = form in ("ICC1", "ICC1k") and self.n_one_way >= 0
        return self.n_one_way if one_way else self.n_units

    def __getitem__(self, form: str) -> IccResult:
        return self.forms[form]


@dataclass(frozen=True)
class _MeanSquares:
    n: int
    k: int
    rows: float  # between units (MSR, "BMS")
    columns: float  # between raters (MSC, "JMS")
    error: float  # residual (MSE, "EMS")
    within: float  # within units (MSW, "WMS")


def _mean_squares(data: npt.NDArray[np.float64]) -> _MeanSquares:
    n, k = data.shape
    grand = data.mean()
    row_means = data.mean(axis=1)
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    # Within units, summed directly (not total − rows): coders who agree on every unit give
    # exactly 0, where the difference left a rounding residue and F = 6e15 instead of ∞.
    ss_within = float(((data - row_means[:, None]) ** 2).sum())
    # Raters' differences are part of the within-unit spread: never more than all of it.
    ss_cols = min(float(n * ((data.mean(axis=0) - grand) ** 2).sum()), ss_within)
    ss_error = max(ss_within - ss_cols, 0.0)  # clip rounding below zero
    return _MeanSquares(
        n=n,
        k=k,
        rows=ss_rows / (n - 1),
        columns=ss_cols / (k - 1),
        error=ss_error / ((n - 1) * (k - 1)),
        within=ss_within / (n * (k - 1)),
    )


def _ratio(a: float, b: float) -> float:
    if b == 0:
        return NAN if a == 0 else math.copysign(math.inf, a)
    return a / b


def _result(name: str, value: float, test: _FTest, ci: tuple[float, float]) -> IccResult:
    """One ICC form with its F test and interval, as plain floats."""
    return IccResult(
        name, float(value), float(test.f), float(test.df1), float(test.df2), test.p,
        (float(ci[0]), float(ci[1])),
    )  # fmt: skip


def _undefined(n_units: int, n_raters: int, dropped: int) -> IccTable:
    empty = {f: IccResult(f, NAN, NAN, NAN, NAN, NAN, (NAN, NAN)) for f in ICC_FORMS}
    return IccTable(n_units, n_raters, dropped, empty)


@dataclass(frozen=True)
class _FTest:
    f: float
    df1: int
    df2: int

    @property
    def p(self) -> float:
        return float(stats.f.sf(self.f, self.df1, self.df2))

    def bounds(self, upper_q: float) -> tuple[float, float]:
        """Lower and upper confidence bounds on the F ratio (McGraw & Wong, Table 7)."""
        low = self.f / float(stats.f.ppf(upper_q, self.df1, self.df2))
        high = self.f * float(stats.f.ppf(upper_q, self.df2, self.df1))
        return low, high


def _single(bounds: tuple[float, float], k: float) -> tuple[float, float]:
    # an infinite F bound (no within-unit variance) is the limit 1
    low, high = bounds
    return tuple(  # type: ignore[return-value]
        1.0 if b == math.inf else _ratio(b - 1, b + k - 1) for b in (low, high)
    )


def _average(bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = bounds
    return 1 - _ratio(1, low), 1 - _ratio(1, high)


def icc(ratings: npt.ArrayLike, confidence: float = 0.95) -> IccTable:
    """All six ICC forms of a units × raters array: the one-way forms over every unit rated
    at least twice (unequal k allowed), the two-way forms over complete units."""
    one_way, n_one_way = icc_one_way(ratings, confidence)
    table = _complete_icc(ratings, confidence)
    return IccTable(
        table.n_units, table.n_raters, table.n_dropped, table.forms | one_way, n_one_way
    )


def icc_one_way(
    ratings: npt.ArrayLike, confidence: float = 0.95
) -> tuple[dict[str, IccResult], int]:
    """ICC1 and ICC1k over every unit with at least two ratings, and how many there are."""
    data = as_units(ratings)
    present = ~np.isnan(data)
    keep = present.sum(axis=1) >= 2
    data, present = data[keep], present[keep]
    sizes = present.sum(axis=1).astype(np.float64)
    n, total = len(sizes), float(sizes.sum())
    if n < 2:
        return {f: IccResult(f, NAN, NAN, NAN, NAN, NAN, (NAN, NAN)) for f in _ONE_WAY}, n
    values = np.where(present, data, 0.0)
    means = values.sum(axis=1) / sizes
    grand = float(values.sum()) / total
    ms_between = float((sizes * (means - grand) ** 2).sum()) / (n - 1)
    ms_within = float((((values - means[:, None]) * present) ** 2).sum()) / (total - n)
    k0 = (total - float((sizes**2).sum()) / total) / (n - 1)
    test = _FTest(_ratio(ms_between, ms_within), n - 1, int(total - n))
    upper_q = 1 - (1 - confidence) / 2
    with np.errstate(all="ignore"):
        bounds = test.bounds(upper_q)
        rows = [
            ("ICC1", _ratio(ms_between - ms_within, ms_between + (k0 - 1) * ms_within),
             _single(bounds, k0)),
            ("ICC1k", _ratio(ms_between - ms_within, ms_between), _average(bounds)),
        ]  # fmt: skip
        forms = {name: _result(name, value, test, ci) for name, value, ci in rows}
    return forms, n


_ONE_WAY = ("ICC1", "ICC1k")


def _complete_icc(ratings: npt.ArrayLike, confidence: float) -> IccTable:
    """All six forms over complete units (balanced ANOVA)."""
    data, dropped = complete_units(ratings)
    n, k = data.shape
    if n < 2 or k < 2:
        return _undefined(n, k, dropped)
    ms = _mean_squares(data)
    upper_q = 1 - (1 - confidence) / 2
    one_way = _FTest(_ratio(ms.rows, ms.within), n - 1, n * (k - 1))
    two_way = _FTest(_ratio(ms.rows, ms.error), n - 1, (n - 1) * (k - 1))
    with np.errstate(all="ignore"):
        icc2 = _ratio(
            ms.rows - ms.error, ms.rows + (k - 1) * ms.error + k * (ms.columns - ms.error) / n
        )
        icc2_ci = _icc2_interval(ms, icc2, upper_q)
        one_bounds, two_bounds = one_way.bounds(upper_q), two_way.bounds(upper_q)
        rows: list[tuple[str, float, _FTest, tuple[float, float]]] = [
            (
                "ICC1",
                _ratio(ms.rows - ms.within, ms.rows + (k - 1) * ms.within),
                one_way,
                _single(one_bounds, k),
            ),
            ("ICC2", icc2, two_way, icc2_ci),
            (
                "ICC3",
                _ratio(ms.rows - ms.error, ms.rows + (k - 1) * ms.error),
                two_way,
                _single(two_bounds, k),
            ),
            ("ICC1k", _ratio(ms.rows - ms.within, ms.rows), one_way, _average(one_bounds)),
            (
                "ICC2k",
                _ratio(ms.rows - ms.error, ms.rows + (ms.columns - ms.error) / n),
                two_way,
                (_spearman_brown(icc2_ci[0], k), _spearman_brown(icc2_ci[1], k)),
            ),
            ("ICC3k", _ratio(ms.rows - ms.error, ms.rows), two_way, _average(two_bounds)),
        ]
        forms = {name: _result(name, value, test, ci) for name, value, test, ci in rows}
    return IccTable(n, k, dropped, forms)


def _spearman_brown(single: float, k: int) -> float:
    """A single-rater ICC stepped up to the mean of k raters."""
    return _ratio(single * k, 1 + single * (k - 1))


def _icc2_interval(ms: _MeanSquares, icc2: float, upper_q: float) -> tuple[float, float]:
    """McGraw & Wong (1996) interval for ICC(A,1), Satterthwaite degrees of freedom."""
    n, k = ms.n, ms.k
    if ms.error == 0 and ms.columns == 0 and ms.rows > 0:
        return (1.0, 1.0)  # raters identical on every unit: the limit of both bounds
    f_raters = _ratio(ms.columns, ms.error)
    a = k * icc2 / (n * (1 - icc2)) if icc2 != 1 else math.inf
    b = 1 + k * icc2 * (n - 1) / (n * (1 - icc2)) if icc2 != 1 else math.inf
    # Satterthwaite: v = (a*MSC + b*MSE)^2 / ((a*MSC)^2/(k-1) + (b*MSE)^2/((n-1)(k-1)))
    numerator = (a * ms.columns + b * ms.error) ** 2
    denominator = (a * ms.columns) ** 2 / (k - 1) + (b * ms.error) ** 2 / ((n - 1) * (k - 1))
    v = _ratio(numerator, denominator)
    if not math.isfinite(v) or v <= 0 or not math.isfinite(f_raters):
        return (NAN, NAN)
    f_upper = float(stats.f.ppf(upper_q, n - 1, v))
    f_lower = float(stats.f.ppf(upper_q, v, n - 1))
    spread = k * ms.columns + (k * n - k - n) * ms.error
    low = n * (ms.rows - f_upper * ms.error) / (f_upper * spread + n * ms.rows)
    high = n * (f_lower * ms.rows - ms.error) / (spread + n * f_lower * ms.rows)
    return (float(low), float(high))
