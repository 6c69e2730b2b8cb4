"""Ratings: one score per coder, dimension and segment (or whole session)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select

from eas_coder.model import Rating
from eas_coder.scheme import Scheme
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow, RatingRow, VideoRow, utcnow
from eas_coder.store.unit import StudyDb, note_text, rating_state, same_target


class Ratings:
    """Save, clear and list scores; every score is checked against the scheme first."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    def set(
        self,
        video_id: int,
        coder_id: int,
        dimension: str,
        score: float,
        segment_id: int | None = None,
        items: Mapping[str, float] | None = None,
        note: str | None = None,
    ) -> Rating:
        """Save one score (for a segment, or the whole session when segment_id is None).

        The score is validated before a transaction opens; on return it is committed. A note
        of None keeps the note the rating had.
        """
        value, item_scores = self._scheme.validate(dimension, score, items)
        text = None if note is None else note_text(note, "a rating's note")
        db = self._db
        with db.write() as session:
            db.require(session, VideoRow, video_id, "video")
            db.require(session, CoderRow, coder_id, "coder")
            db.require_segment_of(session, segment_id, video_id)
            db.require_not_submitted(session, video_id, coder_id)
            row = session.scalar(
                select(RatingRow).where(
                    RatingRow.video_id == video_id,
                    RatingRow.coder_id == coder_id,
                    RatingRow.dimension == dimension,
                    same_target(RatingRow.segment_id, segment_id),
                )
            )
            old = None if row is None else rating_state(row)
            if row is None:
                row = RatingRow(
                    video_id=video_id, coder_id=coder_id, dimension=dimension, segment_id=segment_id
                )
                session.add(row)
            row.score, row.items, row.updated_at = value, item_scores, utcnow()
            if text is not None:
                row.note = text
            session.flush()
            db.audit(session, "rating.set", "rating", row.id, old, rating_state(row))
            return convert.rating(row)

    def clear(self, rating_id: int) -> None:
        """Remove one score."""
        with self._db.write() as session:
            row = self._db.require(session, RatingRow, rating_id, "rating")
            self._db.require_not_submitted(session, row.video_id, row.coder_id)
            old = rating_state(row)
            session.delete(row)
            self._db.audit(session, "rating.clear", "rating", rating_id, old, None)

    def all(self, video_id: int | None = None, coder_id: int | None = None) -> list[Rating]:
        """Ratings, optionally of one video and/or one coder."""
        where = convert.equal(RatingRow, video_id=video_id, coder_id=coder_id)
        with self._db.read() as session:
            return convert.load_ratings(session, *where)

    def last_rated(self) -> dict[tuple[int, int], datetime]:
        """When each coder last changed a score of each video, by (video_id, coder_id)."""
        query = select(RatingRow.video_id, RatingRow.coder_id, func.max(RatingRow.updated_at))
        query = query.group_by(RatingRow.video_id, RatingRow.coder_id)
        with self._db.read() as session:
            return {(v, c): at for v, c, at in session.execute(query)}

    def saved_times(self) -> dict[int, datetime]:
        """When each rating was last saved, by rating id (for exports)."""
        with self._db.read() as session:
            return {i: at for i, at in session.execute(select(RatingRow.id, RatingRow.updated_at))}
