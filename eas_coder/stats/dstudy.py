"""A D-study line: what more coders, or more double-coded videos, would buy.

- Projected ICC of the mean of k coders from a single-coder ICC ρ (Spearman–Brown):
  ρ_k = kρ / (1 + (k − 1)ρ). For the Shrout & Fleiss forms this is exact: ICC2k is the
  Spearman–Brown step-up of ICC2 with k the number of coders (likewise ICC1k, ICC3k).
- Coders needed for a target ρ*: the smallest k with ρ_k ≥ ρ*,
  i.e. k ≥ ρ*(1 − ρ) / (ρ(1 − ρ*)).
- Units (double-coded videos) needed for a 100(1 − α) % CI of full width w around a planned
  ICC ρ with k coders per unit — Bonett (2002), Statistics in Medicine 21:1331–1335, eq. 6:
  n = 8 z²(1 − ρ)²(1 + (k − 1)ρ)² / (k(k − 1)w²) + 1, rounded up. For ρ = .80, k = 2,
  w = .20 this gives 51.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scipy import stats

NAN = float("nan")


def spearman_brown(single: float, k: float) -> float:
    """The reliability of the mean of k coders, from one coder's ICC."""
    denominator = 1 + (k - 1) * single
    if single != single or denominator == 0:  # ICC = −1/(k−1): coders exactly opposed
        return NAN
    return k * single / denominator


def coders_needed(single: float, target: float, most: int = 1000) -> int | None:
    """The fewest coders whose mean reaches ``target`` (None: undefined, unreachable or more
    than ``most``)."""
    if not (0 < single < 1 and 0 < target < 1):
        return 1 if single >= target and single == single else None
    k = math.ceil(target * (1 - single) / (single * (1 - target)) - 1e-12)
    return max(k, 1) if k <= most else None


def units_needed(planned: float, k: int, width: float, confidence: float = 0.95) -> int | None:
    """Bonett (2002): units for a CI of full ``width`` around a planned ICC with k coders."""
    if not (0 <= planned < 1) or k < 2 or width <= 0:
        return None
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    n = 8 * z**2 * (1 - planned) ** 2 * (1 + (k - 1) * planned) ** 2 / (k * (k - 1) * width**2)
    return math.ceil(n + 1 - 1e-9)


@dataclass(frozen=True)
class DStudy:
    """The D-study line of one dimension."""

    form: str  # the single-coder form projected (the target form without "k")
    single: float
    target: float
    n_units: int
    ci_width: float
    projected: dict[int, float] = field(default_factory=dict)  # k coders -> ICC of their mean
    coders_for_target: int | None = None
    units_for_width: int | None = None  # with two coders per unit (double coding)


def d_study(
    form: str, single: float, target: float, n_units: int, ci_width: float, ks: range = range(1, 5)
) -> DStudy:
    """Spearman–Brown projections for ``ks`` coders, coders needed for ``target``, and the
    double-coded units needed for a CI of ``ci_width`` with ``single`` as planning value."""
    planned = single if 0 <= single < 1 else NAN
    return DStudy(
        form=form,
        single=single,
        target=target,
        n_units=n_units,
        ci_width=ci_width,
        projected={k: spearman_brown(single, k) for k in ks},
        coders_for_target=coders_needed(single, target),
        units_for_width=units_needed(planned, 2, ci_width) if planned == planned else None,
    )
