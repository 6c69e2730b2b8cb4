"""Ratings as columns (numpy arrays) for statistics: one Core query, no ORM objects.

Reliability needs five columns of every rating of the chosen coders and dimensions; building
132,000 ``Rating`` objects for that cost most of its time (issue 18).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from eas_coder.store.tables import RatingRow

CHUNK = 5000  # rows fetched at a time


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
    # the Core connection: no ORM loading, and numpy takes the plain tuples a chunk at a time
    query = select(
        RatingRow.video_id,
        RatingRow.coder_id,
        func.coalesce(RatingRow.segment_id, -1),
        case({key: i for i, key in enumerate(keys)}, value=RatingRow.dimension),
        RatingRow.score,
    ).where(RatingRow.coder_id.in_(list(coder_ids)), RatingRow.dimension.in_(list(keys)))
    if segments_only:
        query = query.where(RatingRow.segment_id.is_not(None))
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # a server-side cursor: psycopg would
        result = connection.execute(query.execution_options(yield_per=CHUNK))  # fetch all
        chunks: Iterator[Sequence[Any]] = result.partitions(CHUNK)
    else:  # SQLite's own cursor reads as it goes; its plain tuples, nothing to convert
        result = connection.execute(query)
        cursor = result.cursor
        fetch = cursor.fetchmany if cursor is not None else result.fetchmany
        chunks = iter(lambda: list(fetch(CHUNK)), [])
    try:
        return _gather(chunks)
    finally:
        result.close()


def _gather(chunks: Iterator[Sequence[Any]]) -> RatingColumns:
    """The rows packed into columns a chunk at a time: one chunk's tuples at most are held
    (all of a million ratings' tuples at once took over 300 MB, issue 18); the columns
    grow as packed arrays (8 bytes a value), which numpy then shares."""
    columns = [array("q") for _ in range(4)]
    scores = array("d")
    for rows in chunks:
        flat = itertools.chain.from_iterable(rows)  # every column is a number in SQL
        table = np.fromiter(flat, np.float64, 5 * len(rows)).reshape(-1, 5)
        whole = table[:, :4].astype(np.int64)
        for index, column in enumerate(columns):
            column.frombytes(whole[:, index].tobytes())
        scores.frombytes(table[:, 4].tobytes())
    # writable numpy arrays on the packed values (array.array's buffer), not copies
    ids = [np.frombuffer(c, dtype=np.int64) if len(c) else np.zeros(0, np.int64) for c in columns]
    score = np.frombuffer(scores, dtype=np.float64) if len(scores) else np.zeros(0)
    return RatingColumns(ids[0], ids[1], ids[2], ids[3], score)
