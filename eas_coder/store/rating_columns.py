"""Ratings as columns (numpy arrays) for statistics: one Core query, no ORM objects.

Reliability needs five columns of every rating of the chosen coders and dimensions; building
132,000 ``Rating`` objects for that cost most of its time (issue 18).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from eas_coder.store.tables import RatingRow


@dataclass(frozen=True)
class RatingColumns:
    """Parallel arrays, one entry per rating; ``segment_id`` is -1 for a session rating and
    ``dimension`` an index into the keys asked for."""

    video_id: np.ndarray
    coder_id: np.ndarray
    segment_id: np.ndarray
    dimension: np.ndarray
    score: np.ndarray

    def where(self, keep: np.ndarray) -> RatingColumns:
        """The ratings where ``keep`` is true."""
        return RatingColumns(
            self.video_id[keep],
            self.coder_id[keep],
            self.segment_id[keep],
            self.dimension[keep],
            self.score[keep],
        )


def read_rating_columns(
    session: Session, coder_ids: Sequence[int], keys: Sequence[str], segments_only: bool = False
) -> RatingColumns:
    """Every rating of those coders on those dimensions, as columns (``segments_only``:
    only ratings of segments, for segment-level reliability)."""
    if not keys or not coder_ids:
        empty = np.zeros(0, dtype=np.int64)
        return RatingColumns(empty, empty, empty, empty, np.zeros(0))
    # every column numeric in SQL (dimension as its index, no segment as -1), read through
    # the Core connection: no ORM loading, and numpy takes the plain tuples at once
    query = select(
        RatingRow.video_id,
        RatingRow.coder_id,
        func.coalesce(RatingRow.segment_id, -1),
        case({key: i for i, key in enumerate(keys)}, value=RatingRow.dimension),
        RatingRow.score,
    ).where(RatingRow.coder_id.in_(list(coder_ids)), RatingRow.dimension.in_(list(keys)))
    if segments_only:
        query = query.where(RatingRow.segment_id.is_not(None))
    result = session.connection().execute(query)
    # the driver's plain tuples: every column is a number, nothing for SQLAlchemy to convert
    rows = result.cursor.fetchall() if result.cursor is not None else result.all()
    result.close()
    flat = itertools.chain.from_iterable(rows)
    table = np.fromiter(flat, np.float64, 5 * len(rows)).reshape(-1, 5)
    whole = table[:, :4].astype(np.int64)
    return RatingColumns(whole[:, 0], whole[:, 1], whole[:, 2], whole[:, 3], table[:, 4])
