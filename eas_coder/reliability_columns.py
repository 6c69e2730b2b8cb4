"""Reliability tables straight from rating columns (numpy, no per-rating Python objects).

Session level: a coder's session score is their session rating, else the mean of their
segment ratings of that dimension on that video (as ``eas_coder.session_scores``), computed
with ``bincount``. Segment level: each segment rating goes to its segment's unit (the group
of matched segments, ``eas_coder.segment_matching``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from eas_coder.store.rating_columns import RatingColumns
from eas_coder.viewer import Viewer


def visible_columns(columns: RatingColumns, viewer: Viewer | None) -> RatingColumns:
    """The ratings ``viewer`` may see (blind coding); everything for the lab manager."""
    if viewer is None or viewer.manager or columns.video_id.size == 0:
        return columns
    pairs, inverse = np.unique(
        np.c_[columns.video_id, columns.coder_id], axis=0, return_inverse=True
    )
    allowed = np.array([viewer.sees(int(v), int(c)) for v, c in pairs], dtype=bool)
    return columns.where(allowed[inverse.ravel()])


def _coder_columns(columns: RatingColumns, coder_ids: Sequence[int]) -> np.ndarray:
    """Each rating's column in the table: the index of its coder in ``coder_ids``."""
    order = np.argsort(np.asarray(coder_ids, dtype=np.int64))
    ids = np.asarray(coder_ids, dtype=np.int64)[order]
    return np.asarray(order[np.searchsorted(ids, columns.coder_id)])


def segment_cube(
    columns: RatingColumns,
    coder_ids: Sequence[int],
    n_keys: int,
    units_of: Mapping[int, Hashable],
) -> tuple[list[Hashable], np.ndarray]:
    """The units (sorted as before: by their repr), and scores as keys × units × coders
    (NaN = no score), from the segment ratings whose segment ``units_of`` maps to a unit."""
    units = sorted(set(units_of.values()), key=repr)
    index = {unit: i for i, unit in enumerate(units)}
    cube = np.full((n_keys, len(units), len(coder_ids)), np.nan)
    if not units_of or columns.video_id.size == 0:
        return units, cube
    segment_ids = np.fromiter(units_of.keys(), np.int64, len(units_of))
    unit_rows = np.fromiter((index[u] for u in units_of.values()), np.int64, len(units_of))
    order = np.argsort(segment_ids)
    segment_ids, unit_rows = segment_ids[order], unit_rows[order]
    at = np.minimum(np.searchsorted(segment_ids, columns.segment_id), len(segment_ids) - 1)
    found = segment_ids[at] == columns.segment_id  # session ratings (-1) never match
    coder_col = _coder_columns(columns, coder_ids)
    # one segment per coder and unit, one rating per segment and dimension: no collisions
    cube[columns.dimension[found], unit_rows[at[found]], coder_col[found]] = columns.score[found]
    return units, cube


def session_cube(
    columns: RatingColumns,
    coder_ids: Sequence[int],
    n_keys: int,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The videos rated, and scores as keys × videos × coders (NaN = no score).

    ``weights`` (one per rating, e.g. its segment's duration) weights the segment mean;
    None: every segment counts once."""
    coder_col = _coder_columns(columns, coder_ids)
    videos, video_row = np.unique(columns.video_id, return_inverse=True)
    n_videos, n_coders = len(videos), len(coder_ids)
    cell = (columns.dimension * n_videos + video_row.ravel()) * n_coders + coder_col
    size = n_keys * n_videos * n_coders
    on_segment = columns.segment_id >= 0
    weight = np.ones(columns.score.size) if weights is None else weights
    sums = np.bincount(
        cell[on_segment], weights=(columns.score * weight)[on_segment], minlength=size
    )
    counts = np.bincount(cell[on_segment], weights=weight[on_segment], minlength=size)
    values = np.full(size, np.nan)
    rated = counts > 0
    values[rated] = sums[rated] / counts[rated]
    values[cell[~on_segment]] = columns.score[~on_segment]  # a session rating wins
    return videos, values.reshape(n_keys, n_videos, n_coders)


def session_rated(
    columns: RatingColumns, coder_ids: Sequence[int], n_keys: int, videos: np.ndarray
) -> np.ndarray:
    """True where a cell of ``session_cube`` is the coder's own session rating (else, when
    it holds a score, it is the mean of their segment scores)."""
    rated = np.zeros((n_keys, len(videos), len(coder_ids)), dtype=bool)
    on_session = columns.segment_id < 0
    if not on_session.any():
        return rated
    rows = np.searchsorted(videos, columns.video_id[on_session])
    coder_col = _coder_columns(columns, coder_ids)[on_session]
    rated[columns.dimension[on_session], rows, coder_col] = True
    return rated
