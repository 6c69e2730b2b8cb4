"""Per-coder bias: how far each coder's scores lie from the other coders' on the same units.

For coder j and every unit that j and at least one other coder rated, the difference is
j's score minus the mean of the other coders' scores on that unit. The bias is the mean of
these differences, with a t-based confidence interval (mean ± t(n−1) · SD / √n). With two
coders the first coder's bias is the Bland–Altman mean difference (first − second) and the
second's its negative. An interval that excludes 0 flags a systematic lenient (> 0) or
strict (< 0) coder.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

NAN = float("nan")


@dataclass(frozen=True)
class CoderBias:
    """One coder's mean difference from the others."""

    coder: str
    n_units: int
    mean_difference: float
    sd: float
    ci: tuple[float, float]

    @property
    def flagged(self) -> bool:
        """True when the confidence interval lies wholly above or below zero."""
        low, high = self.ci
        return low > 0 or high < 0


def coder_bias(
    ratings: npt.ArrayLike, coders: Sequence[str], confidence: float = 0.95
) -> tuple[CoderBias, ...]:
    """Each coder's bias in a units × coders array (NaN = missing)."""
    data = np.asarray(ratings, dtype=np.float64).reshape(-1, len(coders))
    present = ~np.isnan(data)
    totals, counts = np.where(present, data, 0.0).sum(axis=1), present.sum(axis=1)
    out = []
    for j, name in enumerate(coders):
        rows = present[:, j] & (counts >= 2)
        others = (totals[rows] - data[rows, j]) / (counts[rows] - 1)
        diff = data[rows, j] - others
        n = int(diff.size)
        mean = float(diff.mean()) if n else NAN
        sd = float(diff.std(ddof=1)) if n >= 2 else NAN
        if n >= 2:
            half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * sd / math.sqrt(n)
            ci = (mean - half, mean + half)
        else:
            ci = (NAN, NAN)
        out.append(CoderBias(name, n, mean, sd, ci))
    return tuple(out)
