"""The export's large tables streamed from SQL, a chunk at a time (issue 18).

A study of 10,000 videos holds over a million ratings; an export built them all as objects
first (1.7 GB). Here each query is read as it goes (a server-side cursor, a chunk at a time,
on PostgreSQL; SQLite's own cursor) and each row is handed on as it comes, so what an
export holds at once is at most one chunk and one video's ratings.

The orders are those of ``store.convert`` (``load_ratings``, ``load_segments``,
``load_videos``), the same SQL expressions, so a streamed export lists its rows exactly as
one made from a ``StudySnapshot``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from eas_coder.model import Rating, Segment, StudySnapshot
from eas_coder.store import convert
from eas_coder.store.study import Study
from eas_coder.store.tables import CoderRow, ParticipantRow, RatingRow, SegmentRow, VideoRow

CHUNK = 2000  # rows fetched at a time


class RatingLine(NamedTuple):
    """A rating, when it was saved, and its segment (None: a session rating)."""

    rating: Rating
    saved_at: datetime | None
    segment: Segment | None


@contextmanager
def reading(study: Study) -> Iterator[Session]:
    """One read transaction (REPEATABLE READ on PostgreSQL: every query sees the same
    snapshot, as ``Study.load`` does)."""
    with study._db.read() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _chunks(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Any]:
    """The query's rows as they are read, a chunk at a time: through the Core connection
    (the ORM's result machinery kept rows), from a server-side cursor on PostgreSQL (its
    driver would otherwise fetch the whole result), with ``fetchmany`` on SQLite."""
    result = session.connection().execute(query.execution_options(yield_per=CHUNK))
    try:
        yield from result
    finally:
        result.close()


_RATING_COLUMNS = (
    RatingRow.id, RatingRow.video_id, RatingRow.coder_id, RatingRow.dimension, RatingRow.score,
    RatingRow.segment_id, RatingRow.items, RatingRow.note, RatingRow.version,
    RatingRow.scheme_version, RatingRow.updated_at, SegmentRow.start_ms, SegmentRow.end_ms,
    SegmentRow.episode, SegmentRow.note,
)  # fmt: skip
_SEGMENT_COLUMNS = (
    SegmentRow.id, SegmentRow.video_id, SegmentRow.coder_id, SegmentRow.start_ms,
    SegmentRow.end_ms, SegmentRow.episode, SegmentRow.note,
)  # fmt: skip
# load_ratings' order: by video, coder, segment (a session rating where the database puts
# NULL: first in SQLite, last in PostgreSQL), id
_RATING_ORDER = (RatingRow.video_id, RatingRow.coder_id, RatingRow.segment_id, RatingRow.id)


def _lines(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[RatingLine]:
    for row in _chunks(session, query):
        rid, vid, cid, dim, score, sid, items, note, version, scheme_version = row[:10]
        rating = Rating(rid, vid, cid, dim, score, sid, items, note, version, scheme_version)
        segment = None if sid is None else Segment(sid, vid, cid, *row[11:15])
        yield RatingLine(rating, row[10], segment)


def rating_lines(session: Session, coder_ids: list[int]) -> Iterator[RatingLine]:
    """The chosen coders' ratings in ``load_ratings`` order (by video id: one video's
    ratings come together), each with its saved time and segment."""
    query = (
        select(*_RATING_COLUMNS)
        .outerjoin(SegmentRow, RatingRow.segment_id == SegmentRow.id)
        .where(RatingRow.coder_id.in_(coder_ids))
        .order_by(*_RATING_ORDER)
    )
    return _lines(session, query)


def rating_lines_by_video_order(session: Session, coder_ids: list[int]) -> Iterator[RatingLine]:
    """The same ratings, the videos in ``load_videos`` order (participant code, timepoint,
    id) and each video's ratings in ``load_ratings`` order."""
    query = (
        select(*_RATING_COLUMNS)
        .join(VideoRow, RatingRow.video_id == VideoRow.id)
        .join(ParticipantRow, VideoRow.participant_id == ParticipantRow.id)
        .outerjoin(SegmentRow, RatingRow.segment_id == SegmentRow.id)
        .where(RatingRow.coder_id.in_(coder_ids))
        .order_by(ParticipantRow.code, VideoRow.timepoint, *_RATING_ORDER)
    )
    return _lines(session, query)


def segment_stream(session: Session, coder_ids: list[int]) -> Iterator[Segment]:
    """The chosen coders' segments in ``load_segments`` order (video, start, id)."""
    query = (
        select(*_SEGMENT_COLUMNS)
        .where(SegmentRow.coder_id.in_(coder_ids))
        .order_by(SegmentRow.video_id, SegmentRow.start_ms, SegmentRow.id)
    )
    return (Segment(*row) for row in _chunks(session, query))


def segments_by_id(session: Session, ids: list[int]) -> dict[int, Segment]:
    """A few segments by id (those item drafts hang on)."""
    found: dict[int, Segment] = {}
    for start in range(0, len(ids), 500):
        query = select(*_SEGMENT_COLUMNS).where(SegmentRow.id.in_(ids[start : start + 500]))
        found.update((row[0], Segment(*row)) for row in session.execute(query))
    return found


def coded_pairs(study: Study) -> set[tuple[int, int]]:
    """(video id, coder id) of every coder who marked a segment on a video."""
    query = select(SegmentRow.video_id, SegmentRow.coder_id).distinct()
    with reading(study) as session:
        return {(int(v), int(c)) for v, c in session.execute(query)}


def people_and_videos(study: Study) -> StudySnapshot:
    """``Study.load`` without the segments, ratings and assignments (those stream): the
    coders, participants and videos, in its orders."""
    with reading(study) as session:
        return StudySnapshot(
            info=study.info,
            coders=tuple(
                convert.coder(r) for r in session.scalars(select(CoderRow).order_by(CoderRow.name))
            ),
            participants=tuple(
                convert.participant(r)
                for r in session.scalars(select(ParticipantRow).order_by(ParticipantRow.code))
            ),
            videos=tuple(convert.load_videos(session)),
            segments=(),
            ratings=(),
            assignments=(),
        )


def row_counts(study: Study) -> tuple[int, int]:
    """How many ratings and segments the study holds (for progress)."""
    with reading(study) as session:
        return (
            int(session.scalar(select(func.count()).select_from(RatingRow)) or 0),
            int(session.scalar(select(func.count()).select_from(SegmentRow)) or 0),
        )
