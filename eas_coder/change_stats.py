"""The study's change from the first timepoint to the last, per dimension or measure: the
mean paired difference with its 95 % confidence interval (t distribution), a paired t test
and a Wilcoxon signed-rank test (scipy.stats), and how many participants moved out of the
lowest band. Plain numbers in, plain numbers out (no study, no Qt).

The Wilcoxon statistic reported is V, the sum of the ranks of the positive differences (as
R's ``wilcox.test`` reports it); its p value is two-sided, from scipy (exact for small
samples without ties or zeros, else the normal approximation). Zero differences are left
out (Wilcoxon's own rule), so n may be smaller than the t test's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

NAN = float("nan")


@dataclass(frozen=True)
class PairedChange:
    """Paired change (after minus before) of one dimension or measure."""

    n: int  # participants with a value at both timepoints
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_t: float
    v: float  # Wilcoxon V: sum of the ranks of the positive differences
    n_wilcoxon: int  # pairs with a nonzero difference
    p_wilcoxon: float

    @property
    def computed(self) -> bool:
        return self.n >= 2


def paired_change(before: Sequence[float], after: Sequence[float]) -> PairedChange:
    """The paired statistics of ``after - before``; NaN where they are undefined (fewer
    than two pairs, no spread, or every difference zero)."""
    x, y = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if x.shape != y.shape:
        raise ValueError("before and after must pair up one to one")
    d = y - x
    n = int(d.size)
    if n < 2:
        mean = float(d[0]) if n == 1 else NAN
        return PairedChange(n, mean, NAN, NAN, NAN, NAN, max(n - 1, 0), NAN, NAN, n, NAN)
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    if sd > 0:
        test = stats.ttest_rel(y, x)
        t, p_t = float(test.statistic), float(test.pvalue)
    else:
        t, p_t = NAN, NAN
    nonzero = d[d != 0]
    if nonzero.size:
        ranks = stats.rankdata(np.abs(nonzero))
        v = float(ranks[nonzero > 0].sum())
        p_w = float(stats.wilcoxon(nonzero).pvalue)
    else:
        v, p_w = NAN, NAN
    return PairedChange(n, mean, sd, mean - half, mean + half, t, n - 1, p_t, v,
                        int(nonzero.size), p_w)  # fmt: skip


def moved_out_of_lowest(first_bands: Sequence[str], last_bands: Sequence[str], lowest: str) -> int:
    """How many participants started in the lowest band and ended in another."""
    return sum(
        1 for a, b in zip(first_bands, last_bands, strict=True) if a == lowest and b and b != lowest
    )
