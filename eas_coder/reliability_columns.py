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
    return _coder_index(columns.coder_id, coder_ids)


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


CHUNK = 65536  # ratings a step of session_cube works on (its temporaries: a few MB at most)


def _coder_index(coder_id: np.ndarray, coder_ids: Sequence[int]) -> np.ndarray:
    """``_coder_columns`` of some ratings' coder ids."""
    order = np.argsort(np.asarray(coder_ids, dtype=np.int64))
    ids = np.asarray(coder_ids, dtype=np.int64)[order]
    return np.asarray(order[np.searchsorted(ids, coder_id)])


def _cells(
    columns: RatingColumns, part: slice, coder_ids: Sequence[int], videos: np.ndarray
) -> np.ndarray:
    """The flat cube cell (keys × videos × coders) of the ratings in ``part``."""
    cell = columns.dimension[part] * len(videos)
    cell += np.searchsorted(videos, columns.video_id[part])
    cell *= len(coder_ids)
    cell += _coder_index(columns.coder_id[part], coder_ids)
    return cell


def session_cube(
    columns: RatingColumns,
    coder_ids: Sequence[int],
    n_keys: int,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The videos rated, and scores as keys × videos × coders (NaN = no score).

    ``weights`` (one per rating, e.g. its segment's duration) weights the segment mean;
    None: every segment counts once. The ratings are taken ``CHUNK`` at a time, in order
    (sums as one ``bincount`` makes them, to the last bit): whole-column temporaries of a
    million ratings held ~70 MB at once (issue 18)."""
    videos = np.unique(columns.video_id)
    n_videos, n_coders = len(videos), len(coder_ids)
    size = n_keys * n_videos * n_coders
    sums, counts = np.zeros(size), np.zeros(size)
    total = columns.score.size
    for start in range(0, total, CHUNK):
        part = slice(start, start + CHUNK)
        on_segment = columns.segment_id[part] >= 0
        cell = _cells(columns, part, coder_ids, videos)[on_segment]
        weight = np.ones(cell.size) if weights is None else weights[part][on_segment]
        np.add.at(sums, cell, columns.score[part][on_segment] * weight)
        np.add.at(counts, cell, weight)
    values = np.full(size, np.nan)
    rated = counts > 0
    values[rated] = sums[rated] / counts[rated]
    for start in range(0, total, CHUNK):  # a session rating wins (the last, if several)
        part = slice(start, start + CHUNK)
        on_session = columns.segment_id[part] < 0
        cell = _cells(columns, part, coder_ids, videos)[on_session]
        values[cell] = columns.score[part][on_session]
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
    coder_col = _coder_index(columns.coder_id[on_session], coder_ids)
    rated[columns.dimension[on_session], rows, coder_col] = True
    return rated
