"""Shaping rating data: units × raters float arrays, NaN for missing."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def as_units(ratings: npt.ArrayLike) -> FloatArray:
    """A 2-D float array (units × raters); None becomes NaN."""
    array = np.array(ratings, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"ratings must be units × raters (2-D), got {array.ndim}-D")
    return array


def complete_units(ratings: npt.ArrayLike) -> tuple[FloatArray, int]:
    """Units rated by every rater, and how many units were dropped for a missing rating."""
    array = as_units(ratings)
    keep = ~np.isnan(array).any(axis=1)
    return array[keep], int((~keep).sum())
