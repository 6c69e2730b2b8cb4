"""Ratings: one score per coder, dimension and segment (or whole session)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, NotFound, StaleEdit
from eas_coder.model import Rating
from eas_coder.scheme import Scheme
from eas_coder.store import convert, schemes
from eas_coder.store.tables import (
    CoderRow,
    RatingRow,
    VideoRow,
    utcnow,
)
from eas_coder.store.unit import (
    StudyDb,
    last_changed_by,
    note_text,
    rating_state,
    same_target,
    target_text,
)

if TYPE_CHECKING:  # numpy loads with the first statistics, not at start-up
    from eas_coder.store.rating_columns import RatingColumns


def _target(
    video_id: int, coder_id: int, dimension: str, segment_id: int | None
) -> Select[RatingRow]:
    """The one rating of a coder, dimension and target (segment or whole session)."""
    return select(RatingRow).where(
        RatingRow.video_id == video_id,
        RatingRow.coder_id == coder_id,
        RatingRow.dimension == dimension,
        same_target(RatingRow.segment_id, segment_id),
    )


class Ratings:
    """Save, clear and list scores; every score is checked against the scheme first."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    def columns(
        self, coder_ids: Sequence[int], keys: Sequence[str], segments_only: bool = False
    ) -> RatingColumns:
        """Those coders' ratings of those dimensions as numpy columns (for statistics);
        ``segments_only``: their segment ratings only."""
        from eas_coder.store.rating_columns import read_rating_columns

        with self._db.read() as session:
            return read_rating_columns(session, coder_ids, keys, segments_only)

    def set(
        self,
        video_id: int,
        coder_id: int,
        dimension: str,
        score: float | None,
        segment_id: int | None = None,
        items: Mapping[str, float] | None = None,
        note: str | None = None,
        expected_version: int | None = None,
        scheme_version: int | None = None,
    ) -> Rating:
        """Save one score (for a segment, or the whole session when segment_id is None).

        The score is validated before a transaction opens; on return it is committed. A note
        of None keeps the note the rating had, and so do ``items`` of None keep its item
        scores (a mapping replaces them all; an empty one clears them). Each save adds 1 to
        the rating's version.

        ``expected_version`` is the version the editor last saw (0: it saw no rating). When
        the stored rating differs (changed, cleared or created by someone else meanwhile),
        nothing is saved and StaleEdit says what is stored now. None skips the check.

        A dimension whose scheme derives its score from its items (``derive``) stores the
        sum or mean of the items as its score: ``score`` may be None, and a score given
        must agree. Its items of None mean the stored ones. Each save records the scheme
        version in force; SchemeChanged if it changed since this study was opened.
        ``scheme_version`` (a merge: the version the copy's score was given under) records
        that earlier version instead; it must be one of the study's.
        """
        derived = self._scheme.dimension(dimension).derive is not None
        if derived and items is None:
            value, item_scores = 0.0, None  # from the stored items, checked in the transaction
        else:
            value, item_scores = self._scheme.validate(dimension, score, items)
        text = None if note is None else note_text(note, "a rating's note")
        db = self._db
        try:
            with db.write() as session:
                db.require(session, VideoRow, video_id, "video")
                db.require(session, CoderRow, coder_id, "coder")
                db.require_segment_of(session, segment_id, video_id)
                db.require_not_submitted(session, video_id, coder_id)
                # FOR UPDATE holds the row on PostgreSQL until the commit; SQLite's write
                # transaction (BEGIN IMMEDIATE) already excludes every other writer.
                row = session.scalar(
                    _target(video_id, coder_id, dimension, segment_id).with_for_update()
                )
                revision = schemes.require_current(session, self._scheme.revision)
                if derived and items is None:
                    value, _ = self._scheme.validate(dimension, score, row.items if row else None)
                stored = None if row is None else row.version
                if expected_version is not None and (stored or 0) != expected_version:
                    raise self._stale(session, dimension, segment_id, row, f"your {value:g}")
                old = None if row is None else rating_state(row)
                if row is None:
                    row = RatingRow(
                        video_id=video_id, coder_id=coder_id, dimension=dimension,
                        segment_id=segment_id, version=1,
                    )  # fmt: skip
                    session.add(row)
                else:
                    row.version += 1
                row.score, row.updated_at = value, utcnow()
                row.scheme_version = revision
                if scheme_version is not None:
                    row.scheme_version = schemes.require_known(session, scheme_version)
                if items is not None:  # a score typed alone must not wipe the items typed
                    row.items = item_scores
                if text is not None:
                    row.note = text
                session.flush()
                db.audit(session, "rating.set", "rating", row.id, old, rating_state(row))
                return convert.rating(row)
        except Conflict as exc:
            if expected_version != 0 or isinstance(exc, StaleEdit):
                raise
            # Two editors who both saw no rating: the unique index let only one create it.
            with db.read() as session:
                row = session.scalar(_target(video_id, coder_id, dimension, segment_id))
                raise self._stale(session, dimension, segment_id, row, f"your {value:g}") from exc

    def clear(self, rating_id: int, expected_version: int | None = None) -> None:
        """Remove one score.

        With ``expected_version`` (the version the editor last saw), a rating changed by
        someone else meanwhile is kept and StaleEdit says what it is now.
        """
        with self._db.write() as session:
            row = session.get(RatingRow, rating_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no rating with id {rating_id} in this study")
            self._db.require_not_submitted(session, row.video_id, row.coder_id)
            if expected_version is not None and row.version != expected_version:
                raise self._stale(session, row.dimension, row.segment_id, row, "your clearing")
            old = rating_state(row)
            session.delete(row)
            self._db.audit(session, "rating.clear", "rating", rating_id, old, None)

    def _stale(
        self,
        session: Session,
        dimension: str,
        segment_id: int | None,
        row: RatingRow | None,
        attempt: str,
    ) -> StaleEdit:
        """The error for an edit made from a stale copy: what is stored now, and by whom."""
        label = self._scheme.dimension(dimension).label
        target = target_text(session, segment_id)
        if row is None:
            return StaleEdit(
                f"{label} of {target} was cleared meanwhile; {attempt} was not saved", None
            )
        by = last_changed_by(session, "rating", row.id)
        return StaleEdit(
            f"{label} of {target} was changed meanwhile{by}: now {row.score:g} "
            f"(version {row.version}); {attempt} was not saved",
            convert.rating(row),
        )

    def all(self, video_id: int | None = None, coder_id: int | None = None) -> list[Rating]:
        """Ratings, optionally of one video and/or one coder."""
        where = convert.equal(RatingRow, video_id=video_id, coder_id=coder_id)
        with self._db.read() as session:
            return convert.load_ratings(session, *where)

    def counts_by_coder(self, video_id: int) -> dict[int, tuple[str, int]]:
        """Per coder of one video: (their name, how many ratings they gave it) — one indexed
        query, no rows loaded (the Selected video dock asks after every save)."""
        query = (
            select(RatingRow.coder_id, CoderRow.name, func.count())
            .outerjoin(CoderRow, CoderRow.id == RatingRow.coder_id)
            .where(RatingRow.video_id == video_id)
            .group_by(RatingRow.coder_id, CoderRow.name)
        )
        with self._db.read() as session:
            return {c: (name or str(c), n) for c, name, n in session.execute(query)}

    def scheme_versions(self) -> list[tuple[str, int, int, int]]:
        """(dimension, video_id, coder_id, scheme_version) of the ratings, each once."""
        query = select(
            RatingRow.dimension, RatingRow.video_id, RatingRow.coder_id, RatingRow.scheme_version
        ).distinct()
        with self._db.read() as session:
            return [(d, v, c, n) for d, v, c, n in session.execute(query)]

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
