"""Simple agreement: Pearson r, exact and within-tolerance agreement, Bland–Altman limits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from eas_coder.stats.units import complete_units

_EPS = 1e-9  # scores are on a half-point grid; guard against float noise at the boundary


@dataclass(frozen=True)
class BlandAltman:
    """Mean difference (first − second rater) and the 95% limits of agreement."""

    mean_difference: float
    sd_difference: float
    lower: float
    upper: float
    n_units: int


def pearson_r(ratings: npt.ArrayLike) -> float:
    """Pearson correlation of two raters over complete units; NaN without variance."""
    data, _ = complete_units(ratings)
    if data.shape[1] != 2:
        raise ValueError("Pearson r needs exactly two raters")
    if len(data) < 2:
        return float("nan")
    x, y = data[:, 0] - data[:, 0].mean(), data[:, 1] - data[:, 1].mean()
    denominator = float(np.sqrt((x * x).sum() * (y * y).sum()))
    if denominator == 0:
        return float("nan")
    return float(np.clip((x * y).sum() / denominator, -1.0, 1.0))


def agreement_within(ratings: npt.ArrayLike, tolerance: float) -> float:
    """Share of complete units whose raters' scores all lie within ``tolerance``."""
    data, _ = complete_units(ratings)
    if len(data) == 0:
        return float("nan")
    spread = data.max(axis=1) - data.min(axis=1)
    return float((spread <= tolerance + _EPS).mean())


def exact_agreement(ratings: npt.ArrayLike) -> float:
    """Share of complete units on which all raters gave the same score."""
    return agreement_within(ratings, 0.0)


def bland_altman(ratings: npt.ArrayLike, z: float = 1.959963984540054) -> BlandAltman:
    """Bland & Altman (1986) mean difference and limits of agreement of two raters."""
    data, _ = complete_units(ratings)
    if data.shape[1] != 2:
        raise ValueError("Bland–Altman needs exactly two raters")
    diff = data[:, 0] - data[:, 1]
    n = len(diff)
    if n == 0:
        nan = float("nan")
        return BlandAltman(nan, nan, nan, nan, 0)
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n > 1 else float("nan")
    return BlandAltman(mean, sd, mean - z * sd, mean + z * sd, n)
