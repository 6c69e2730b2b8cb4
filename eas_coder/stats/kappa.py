"""Cohen's kappa for two raters: unweighted, linear and quadratic weights.

The categories are the scheme's whole scale (every step from min to max), not only the
scores that happen to occur: with weights, the distance between two scores depends on the
full set of categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from eas_coder.stats.units import complete_units

Weights = Literal["linear", "quadratic"] | None
_SNAP = 1e-6


@dataclass(frozen=True)
class KappaResult:
    """Kappa with the number of complete units used and dropped."""

    value: float
    n_units: int
    n_dropped: int


def _category_indices(
    values: npt.NDArray[np.float64], categories: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    index: npt.NDArray[np.intp] = np.abs(values[:, None] - categories[None, :]).argmin(axis=1)
    off = np.abs(categories[index] - values) > _SNAP
    if off.any():
        bad = values[off][0]
        raise ValueError(f"score {bad:g} is not one of the categories {categories.tolist()}")
    return index


def cohen_kappa(
    ratings: npt.ArrayLike, categories: Sequence[float], weights: Weights = None
) -> KappaResult:
    """Kappa of a units × 2 array; NaN when chance agreement is total (one category used)."""
    data, dropped = complete_units(ratings)
    if data.shape[1] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two raters, got {data.shape[1]}")
    cats = np.asarray(sorted(categories), dtype=np.float64)
    n, q = len(data), len(cats)
    if n == 0 or q < 2:
        return KappaResult(float("nan"), n, dropped)
    first, second = _category_indices(data[:, 0], cats), _category_indices(data[:, 1], cats)
    observed = np.zeros((q, q))
    np.add.at(observed, (first, second), 1.0)
    observed /= n
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    distance = np.abs(np.subtract.outer(np.arange(q), np.arange(q))).astype(np.float64)
    if weights is None:
        weight = (distance > 0).astype(np.float64)
    elif weights == "linear":
        weight = distance
    elif weights == "quadratic":
        weight = distance**2
    else:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    chance = float((weight * expected).sum())
    if chance == 0:
        return KappaResult(float("nan"), n, dropped)
    return KappaResult(1.0 - float((weight * observed).sum()) / chance, n, dropped)
