"""Krippendorff's alpha (nominal, ordinal, interval) with missing values.

Computed from the coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's
alpha-reliability": every unit with at least two values contributes its pairs, weighted by
1 / (values in the unit - 1); alpha = 1 - D_observed / D_expected.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from eas_coder.stats.units import as_units

Level = Literal["nominal", "ordinal", "interval"]


def _coincidences(
    data: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Coincidence matrix over the values that occur in pairable units, and those values."""
    present = ~np.isnan(data)
    pairable = present.sum(axis=1) >= 2
    data, present = data[pairable], present[pairable]
    values = np.unique(data[present])
    if values.size == 0:
        return np.zeros((0, 0)), values
    # counts[u, c]: how often value c occurs in unit u
    index = np.searchsorted(values, np.where(present, data, values[0]))
    counts = np.zeros((data.shape[0], values.size))
    rows = np.broadcast_to(np.arange(data.shape[0])[:, None], data.shape)
    np.add.at(counts, (rows[present], index[present]), 1.0)
    weight = 1.0 / (present.sum(axis=1) - 1.0)
    coincidence = (counts * weight[:, None]).T @ counts
    coincidence[np.diag_indices_from(coincidence)] -= (counts * weight[:, None]).sum(axis=0)
    return coincidence, values


def _squared_distance(
    level: Level, values: npt.NDArray[np.float64], totals: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    distance: npt.NDArray[np.float64]
    if level == "nominal":
        distance = (values[:, None] != values[None, :]).astype(np.float64)
        return distance
    if level == "interval":
        distance = np.subtract.outer(values, values) ** 2
        return distance
    if level == "ordinal":
        # sum of the frequencies from c to k, less half of both ends
        cumulative = np.concatenate(([0.0], np.cumsum(totals)))
        low = np.minimum.outer(np.arange(values.size), np.arange(values.size))
        high = np.maximum.outer(np.arange(values.size), np.arange(values.size))
        between = cumulative[high + 1] - cumulative[low]
        distance = (between - (totals[low] + totals[high]) / 2.0) ** 2
        return distance
    raise ValueError(f"level must be nominal, ordinal or interval, not {level!r}")


def krippendorff_alpha(ratings: npt.ArrayLike, level: Level = "interval") -> float:
    """Alpha of a units × raters array (NaN = missing); NaN when fewer than two values occur."""
    coincidence, values = _coincidences(as_units(ratings))
    if values.size < 2:
        return float("nan")
    totals = coincidence.sum(axis=1)
    n = float(totals.sum())
    delta = _squared_distance(level, values, totals)
    observed = float((coincidence * delta).sum())
    expected = float((np.outer(totals, totals) * delta).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return 1.0 - observed / expected
