"""Segments: the interaction episodes a coder marks on a video."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import StudyError
from eas_coder.model import Segment
from eas_coder.scheme import Scheme
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow, RatingRow, SegmentRow, VideoRow
from eas_coder.store.unit import StudyDb, rating_state
from eas_coder.timecode import clock


def _state(row: SegmentRow) -> dict[str, Any]:
    return {
        "video_id": row.video_id,
        "coder_id": row.coder_id,
        "start_ms": row.start_ms,
        "end_ms": row.end_ms,
        "episode": row.episode,
        "note": row.note,
    }


_MAX_MS = 2**53  # beyond this a float (JSON, spreadsheets) cannot hold the value exactly
# Probed durations can be a frame short of the last timestamp; allow that much past the end.
_END_SLACK_MS = 1000


def _within_video(video: VideoRow, end_ms: int) -> None:
    if video.duration_ms is not None and end_ms > video.duration_ms + _END_SLACK_MS:
        raise StudyError(
            f"the segment ends at {end_ms} ms, after the end of the video ({video.duration_ms} ms)"
        )


class Segments:
    """Add, change, delete and list segments; episode labels come from the scheme."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    @property
    def scheme_revision(self) -> int:
        """The study's scheme version this service checks against (store/schemes.py)."""
        return self._scheme.revision

    def _check(self, start_ms: int, end_ms: int, episode: str | None) -> None:
        for name, value in (("start", start_ms), ("end", end_ms)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_MS:
                raise StudyError(f"a segment's {name} must be whole milliseconds, not {value!r}")
        if end_ms <= start_ms:
            raise StudyError(f"a segment must end after it starts ({start_ms}–{end_ms} ms)")
        known = self._scheme.episode_keys()
        if episode is not None and known and episode not in known:
            raise StudyError(f"unknown episode label {episode!r}; known: {', '.join(known)}")

    def add(
        self,
        video_id: int,
        coder_id: int,
        start_ms: int,
        end_ms: int,
        episode: str | None = None,
        note: str = "",
    ) -> Segment:
        """Mark an episode on a video."""
        self._check(start_ms, end_ms, episode)
        with self._db.write() as session:
            _within_video(self._db.require(session, VideoRow, video_id, "video"), end_ms)
            self._db.require(session, CoderRow, coder_id, "coder")
            self._db.require_not_submitted(session, video_id, coder_id)
            self._no_overlap(session, video_id, coder_id, start_ms, end_ms, None)
            row = SegmentRow(
                video_id=video_id,
                coder_id=coder_id,
                start_ms=start_ms,
                end_ms=end_ms,
                episode=episode,
                note=note,
            )
            session.add(row)
            session.flush()
            self._db.audit(session, "segment.add", "segment", row.id, None, _state(row))
            return convert.segment(row)

    def update(
        self, segment_id: int, *, start_ms: int, end_ms: int, episode: str | None, note: str
    ) -> Segment:
        """Change a segment's span, episode label or note."""
        self._check(start_ms, end_ms, episode)
        with self._db.write() as session:
            row = self._db.require(session, SegmentRow, segment_id, "segment")
            _within_video(self._db.require(session, VideoRow, row.video_id, "video"), end_ms)
            self._db.require_not_submitted(session, row.video_id, row.coder_id)
            self._no_overlap(session, row.video_id, row.coder_id, start_ms, end_ms, row.id)
            old = _state(row)
            row.start_ms, row.end_ms, row.episode, row.note = start_ms, end_ms, episode, note
            self._db.audit(session, "segment.update", "segment", row.id, old, _state(row))
            return convert.segment(row)

    def delete(self, segment_id: int) -> None:
        """Delete a segment and the ratings made on it."""
        with self._db.write() as session:
            row = self._db.require(session, SegmentRow, segment_id, "segment")
            self._db.require_not_submitted(session, row.video_id, row.coder_id)
            # Every rating on the segment (any coder's) goes with it: audit each one.
            ratings = session.scalars(select(RatingRow).where(RatingRow.segment_id == segment_id))
            for rating in ratings:
                self._db.audit(session, "rating.clear", "rating", rating.id, rating_state(rating))
                session.delete(rating)
            self._db.audit(session, "segment.delete", "segment", segment_id, _state(row), None)
            session.delete(row)

    def split(self, segment_id: int, at_ms: int) -> tuple[Segment, Segment]:
        """Cut a segment in two at ``at_ms``; its ratings stay with the first part."""
        with self._db.write() as session:
            row = self._db.require(session, SegmentRow, segment_id, "segment")
            self._db.require_not_submitted(session, row.video_id, row.coder_id)
            if not row.start_ms < at_ms < row.end_ms:
                raise StudyError(
                    f"cannot split at {at_ms} ms: it is not inside the segment "
                    f"({row.start_ms}–{row.end_ms} ms)"
                )
            old = _state(row)
            second = SegmentRow(
                video_id=row.video_id,
                coder_id=row.coder_id,
                start_ms=at_ms,
                end_ms=row.end_ms,
                episode=row.episode,
                note=row.note,
            )
            row.end_ms = at_ms
            session.add(second)
            session.flush()
            self._db.audit(session, "segment.split", "segment", row.id, old, _state(row))
            self._db.audit(session, "segment.add", "segment", second.id, None, _state(second))
            return convert.segment(row), convert.segment(second)

    def merge(self, segment_ids: Sequence[int]) -> Segment:
        """Join one coder's segments into the first; the others and their ratings go."""
        if len(set(segment_ids)) < 2:
            raise StudyError("choose at least two segments to merge")
        with self._db.write() as session:
            rows = [self._db.require(session, SegmentRow, i, "segment") for i in set(segment_ids)]
            owners = {(r.video_id, r.coder_id) for r in rows}
            if len(owners) != 1:
                raise StudyError("only one coder's segments of one video can be merged")
            video_id, coder_id = owners.pop()
            self._db.require_not_submitted(session, video_id, coder_id)
            rows.sort(key=lambda r: (r.start_ms, r.id))
            keep, others = rows[0], rows[1:]
            old = _state(keep)
            keep.end_ms = max(r.end_ms for r in rows)
            for other in others:
                ratings = session.scalars(select(RatingRow).where(RatingRow.segment_id == other.id))
                for rating in ratings:
                    self._db.audit(
                        session, "rating.clear", "rating", rating.id, rating_state(rating)
                    )
                    session.delete(rating)
                self._db.audit(session, "segment.delete", "segment", other.id, _state(other))
                session.delete(other)
            session.flush()
            self._no_overlap(session, video_id, coder_id, keep.start_ms, keep.end_ms, keep.id)
            self._db.audit(session, "segment.merge", "segment", keep.id, old, _state(keep))
            return convert.segment(keep)

    def _no_overlap(
        self,
        session: Session,
        video_id: int,
        coder_id: int,
        start_ms: int,
        end_ms: int,
        exclude: int | None,
    ) -> None:
        if self._scheme.overlapping_segments:
            return
        clash = session.scalars(
            select(SegmentRow).where(
                SegmentRow.video_id == video_id,
                SegmentRow.coder_id == coder_id,
                SegmentRow.start_ms < end_ms,
                SegmentRow.end_ms > start_ms,
                SegmentRow.id != (exclude if exclude is not None else -1),
            )
        ).first()
        if clash is not None:
            raise StudyError(
                f"segments may not overlap in this scheme: {clock(start_ms)}–{clock(end_ms)} "
                f"overlaps {clock(clash.start_ms)}–{clock(clash.end_ms)}"
            )

    def all(self, video_id: int | None = None, coder_id: int | None = None) -> list[Segment]:
        """Segments, optionally of one video and/or one coder, in time order."""
        where = convert.equal(SegmentRow, video_id=video_id, coder_id=coder_id)
        with self._db.read() as session:
            return convert.load_segments(session, *where)

    def marked(self) -> set[tuple[int, int]]:
        """(video_id, coder_id) of every coder who marked a segment of a video (one query,
        without loading the segments: the progress view asks on every change)."""
        query = select(SegmentRow.video_id, SegmentRow.coder_id).distinct()
        with self._db.read() as session:
            return {(v, c) for v, c in session.execute(query)}
