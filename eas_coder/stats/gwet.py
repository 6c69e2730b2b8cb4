"""Gwet's AC1 / AC2 and Brennan–Prediger's coefficient: two or more raters, missing ratings.

Kappa-type coefficients whose chance agreement does not grow with the prevalence of one
category, so two coders who agree closely on scores piled up at the top of the scale are
not marked down (the "kappa paradox"). Formulas from

- Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), Advanced Analytics:
  chapter 2 (percent agreement with missing ratings: only units rated at least twice count),
  chapter 3 (weights: linear, quadratic, ordinal), chapters 4–5 (Brennan–Prediger; AC1/AC2)
  and chapter 5's linearised variance;
- Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
  high agreement. *British Journal of Mathematical and Statistical Psychology* 61, 29–48.

With ``n`` units rated at least once, ``r_i`` ratings of unit ``i``, ``r_ik`` of them in
category ``k``, weights ``w_kl`` and ``r*_ik = Σ_l w_kl r_il``:

- observed agreement ``p_a`` = mean over units with ``r_i >= 2`` of
  ``Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))``;
- chance agreement, AC1/AC2: ``p_e = T_w / (q (q − 1)) Σ_k π_k (1 − π_k)`` with
  ``π_k = mean_i r_ik / r_i`` and ``T_w = Σ w_kl``; Brennan–Prediger: ``p_e = T_w / q²``;
- coefficient ``(p_a − p_e) / (1 − p_e)``; its variance
  ``Σ_i (c*_i − c)² / (n (n − 1))`` from the unit-level terms ``c*_i``, and a
  ``t(n − 1)`` 95% interval whose upper end is capped at 1.

The categories are the scheme's whole scale (as for kappa), not only the scores that occur.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from eas_coder.stats.units import as_units

Weighting = Literal["identity", "linear", "quadratic", "ordinal"]
WEIGHTINGS: tuple[Weighting, ...] = ("identity", "linear", "quadratic", "ordinal")
_SNAP = 1e-6  # scores are on a half-point grid; tolerate float noise when matching categories
NAN = float("nan")


@dataclass(frozen=True)
class AgreementCoefficient:
    """One chance-corrected coefficient with Gwet's standard error and a t-based interval."""

    value: float
    se: float
    ci: tuple[float, float]
    p_observed: float
    p_chance: float
    n_units: int  # units rated at least once
    n_pairable: int  # units rated at least twice (they make the observed agreement)


_UNDEFINED = AgreementCoefficient(NAN, NAN, (NAN, NAN), NAN, NAN, 0, 0)


def weight_matrix(categories: Sequence[float], weighting: Weighting) -> npt.NDArray[np.float64]:
    """Gwet's (2014, ch. 3) agreement weights between the categories (1 on the diagonal)."""
    values = np.asarray(sorted(categories), dtype=np.float64)
    q = values.size
    if weighting == "identity":
        return np.eye(q)
    span = float(values[-1] - values[0]) if q > 1 else 1.0
    gap = np.abs(np.subtract.outer(values, values))
    if weighting == "linear":
        return 1.0 - gap / span
    if weighting == "quadratic":
        return 1.0 - (gap / span) ** 2
    if weighting == "ordinal":
        # by rank: M_kl = (|k − l| + 1 choose 2), scaled so the farthest pair weighs 0
        steps = np.abs(np.subtract.outer(np.arange(q), np.arange(q))).astype(np.float64)
        pairs = (steps + 1) * steps / 2
        top = float(pairs.max())
        return 1.0 - pairs / top if top > 0 else np.ones((q, q))
    raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")


def category_counts(ratings: npt.ArrayLike, categories: Sequence[float]) -> npt.NDArray[np.float64]:
    """``r_ik``: how many raters put each unit (rated at least once) in each category."""
    data = as_units(ratings)
    cats = np.asarray(sorted(categories), dtype=np.float64)
    present = ~np.isnan(data)
    data, present = data[present.any(axis=1)], present[present.any(axis=1)]
    counts = np.zeros((data.shape[0], cats.size))
    if cats.size == 0 or not present.any():
        return counts
    values = data[present]
    index = np.abs(values[:, None] - cats[None, :]).argmin(axis=1)
    off = np.abs(cats[index] - values) > _SNAP
    if off.any():
        raise ValueError(f"score {values[off][0]:g} is not one of the categories {cats.tolist()}")
    rows = np.broadcast_to(np.arange(data.shape[0])[:, None], data.shape)[present]
    np.add.at(counts, (rows, index), 1.0)
    return counts


def _coefficient(
    counts: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    chance: Literal["gwet", "bp"],
    confidence: float,
    times: npt.NDArray[np.float64] | None = None,
) -> AgreementCoefficient:
    """One coefficient from the category counts; ``times``: how many units have each row of
    counts (units with equal rows contribute equally, so they may be counted once)."""
    rows, q = counts.shape
    times = np.ones(rows) if times is None else times
    n = int(times.sum())
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    n_pairable = int(times[pairable].sum())
    if n_pairable == 0 or q < 2:
        return AgreementCoefficient(NAN, NAN, (NAN, NAN), NAN, NAN, n, n_pairable)
    weighted = counts @ weights.T  # r*_ik
    pairs = np.where(pairable, per_unit * (per_unit - 1), 1.0)
    pa_unit = np.where(pairable, (counts * (weighted - 1)).sum(axis=1) / pairs, 0.0)
    pa = float((times * pa_unit).sum() / n_pairable)
    total_weight = float(weights.sum())
    share = counts / per_unit[:, None]  # each unit's ratings as shares of its categories
    pi = (times[:, None] * share).sum(axis=0) / n
    if chance == "gwet":
        scale = total_weight / (q * (q - 1))
        pe = scale * float((pi * (1 - pi)).sum())
    else:
        pe = total_weight / q**2
    if not pe < 1:
        return AgreementCoefficient(NAN, NAN, (NAN, NAN), pa, pe, n, n_pairable)
    value = (pa - pe) / (1 - pe)
    # unit-level terms of the linearised estimator (Gwet 2008, eq. 25; 2014, §5.3)
    terms = (n / n_pairable) * (pa_unit - pe * pairable) / (1 - pe)
    if chance == "gwet":
        pe_unit = scale * (share @ (1 - pi))
        terms = terms - 2 * (1 - value) * (pe_unit - pe) / (1 - pe)
    if n < 2:
        return AgreementCoefficient(value, NAN, (NAN, NAN), pa, pe, n, n_pairable)
    se = math.sqrt(float((times * (terms - value) ** 2).sum()) / (n * (n - 1)))
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * se
    return AgreementCoefficient(
        value, se, (value - half, min(1.0, value + half)), pa, pe, n, n_pairable
    )


def _grouped(
    counts: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
    """The distinct rows of counts and how many units have each. With few coders most
    units share their row with many others: at 10,000 videos the seven coefficients on the
    full rows took a third of reliability's time."""
    if counts.size == 0:
        return counts, None
    base = int(counts.max()) + 1
    if counts.shape[1] * math.log2(base) < 62:
        # each row as one integer (its counts as digits in base max + 1): a plain unique
        # of integers is 50 times faster than np.unique over rows
        key = counts.astype(np.int64) @ (base ** np.arange(counts.shape[1], dtype=np.int64))
        _, first, times = np.unique(key, return_index=True, return_counts=True)
        return counts[first], times.astype(np.float64)
    rows, times = np.unique(counts, axis=0, return_counts=True)
    return rows, times.astype(np.float64)


def gwet_ac(
    ratings: npt.ArrayLike,
    categories: Sequence[float],
    weighting: Weighting = "identity",
    confidence: float = 0.95,
) -> AgreementCoefficient:
    """Gwet's AC1 (identity weights) or AC2 (other weights) of a units × raters array."""
    rows, times = _grouped(category_counts(ratings, categories))
    return _coefficient(rows, weight_matrix(categories, weighting), "gwet", confidence, times)


def brennan_prediger(
    ratings: npt.ArrayLike,
    categories: Sequence[float],
    weighting: Weighting = "identity",
    confidence: float = 0.95,
) -> AgreementCoefficient:
    """Brennan & Prediger's (1981) coefficient (chance = uniform over the categories)."""
    rows, times = _grouped(category_counts(ratings, categories))
    return _coefficient(rows, weight_matrix(categories, weighting), "bp", confidence, times)


# The keys reliability reports, each with its coefficient and weighting.
CHANCE_CORRECTED: tuple[tuple[str, Literal["gwet", "bp"], Weighting], ...] = (
    ("gwet_ac1", "gwet", "identity"),
    ("gwet_ac2_linear", "gwet", "linear"),
    ("gwet_ac2_quadratic", "gwet", "quadratic"),
    ("gwet_ac2_ordinal", "gwet", "ordinal"),
    ("bp", "bp", "identity"),
    ("bp_linear", "bp", "linear"),
    ("bp_quadratic", "bp", "quadratic"),
)


def chance_corrected(
    ratings: npt.ArrayLike, categories: Sequence[float], confidence: float = 0.95
) -> dict[str, AgreementCoefficient]:
    """Every coefficient of ``CHANCE_CORRECTED`` (the category counts made once)."""
    counts = category_counts(ratings, categories)
    rows, many = _grouped(counts)
    weights = {w: weight_matrix(categories, w) for w in {w for _, _, w in CHANCE_CORRECTED}}
    return {
        key: _coefficient(rows, weights[weighting], chance, confidence, many)
        for key, chance, weighting in CHANCE_CORRECTED
    }
