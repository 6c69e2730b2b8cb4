"""Agreement on where segments lie: match two coders' segments by overlap.

Segments are matched one-to-one to maximise total intersection-over-union (Hungarian
assignment, scipy); only overlapping pairs can match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class BoundaryAgreement:
    """How two coders' segments of the same video line up (times in ms)."""

    n_first: int
    n_second: int
    n_matched: int
    mean_iou: float
    mean_onset_difference_ms: float
    mean_offset_difference_ms: float
    n_within_tolerance: int
    tolerance_ms: int

    @property
    def share_within_tolerance(self) -> float:
        """Matched pairs with both ends within tolerance, over the mean number of segments."""
        total = self.n_first + self.n_second
        return float("nan") if total == 0 else 2 * self.n_within_tolerance / total


def _iou(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    start = np.maximum.outer(first[:, 0], second[:, 0])
    end = np.minimum.outer(first[:, 1], second[:, 1])
    intersection = np.clip(end - start, 0, None)
    union = np.add.outer(first[:, 1] - first[:, 0], second[:, 1] - second[:, 0]) - intersection
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, intersection / union, 0.0)


def iou_matrix(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> np.ndarray:
    """Intersection-over-union of every span of ``first`` with every span of ``second``."""
    a = np.asarray(first, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(second, dtype=np.float64).reshape(-1, 2)
    return _iou(a, b)


def match_segments(
    first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]], tolerance_ms: int = 2000
) -> BoundaryAgreement:
    """Match two lists of (start_ms, end_ms) spans and summarise their agreement."""
    a = np.asarray(first, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(second, dtype=np.float64).reshape(-1, 2)
    nan = float("nan")
    if len(a) == 0 or len(b) == 0:
        return BoundaryAgreement(len(a), len(b), 0, nan, nan, nan, 0, tolerance_ms)
    iou = _iou(a, b)
    rows, cols = linear_sum_assignment(-iou)
    keep = iou[rows, cols] > 0
    rows, cols = rows[keep], cols[keep]
    if len(rows) == 0:
        return BoundaryAgreement(len(a), len(b), 0, nan, nan, nan, 0, tolerance_ms)
    onset = np.abs(a[rows, 0] - b[cols, 0])
    offset = np.abs(a[rows, 1] - b[cols, 1])
    within = int(((onset <= tolerance_ms) & (offset <= tolerance_ms)).sum())
    return BoundaryAgreement(
        n_first=len(a),
        n_second=len(b),
        n_matched=len(rows),
        mean_iou=float(iou[rows, cols].mean()),
        mean_onset_difference_ms=float(onset.mean()),
        mean_offset_difference_ms=float(offset.mean()),
        n_within_tolerance=within,
        tolerance_ms=tolerance_ms,
    )
