"""Segments: the interaction episodes a coder marks on a video."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from eas_coder.errors import StudyError
from eas_coder.model import Segment
from eas_coder.scheme import Scheme
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow, RatingRow, SegmentRow, VideoRow
from eas_coder.store.unit import StudyDb


def _state(row: SegmentRow) -> dict[str, Any]:
    return {
        "video_id": row.video_id,
        "coder_id": row.coder_id,
        "start_ms": row.start_ms,
        "end_ms": row.end_ms,
        "episode": row.episode,
        "note": row.note,
    }


class Segments:
    """Add, change, delete and list segments; episode labels come from the scheme."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    def _check(self, start_ms: int, end_ms: int, episode: str | None) -> None:
        if start_ms < 0 or end_ms <= start_ms:
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
            self._db.require(session, VideoRow, video_id, "video")
            self._db.require(session, CoderRow, coder_id, "coder")
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
            old = _state(row)
            row.start_ms, row.end_ms, row.episode, row.note = start_ms, end_ms, episode, note
            self._db.audit(session, "segment.update", "segment", row.id, old, _state(row))
            return convert.segment(row)

    def delete(self, segment_id: int) -> None:
        """Delete a segment and the ratings made on it."""
        with self._db.write() as session:
            row = self._db.require(session, SegmentRow, segment_id, "segment")
            old = _state(row)
            session.execute(delete(RatingRow).where(RatingRow.segment_id == segment_id))
            session.delete(row)
            self._db.audit(session, "segment.delete", "segment", segment_id, old, None)

    def all(self, video_id: int | None = None, coder_id: int | None = None) -> list[Segment]:
        """Segments, optionally of one video and/or one coder, in time order."""
        where = convert.equal(SegmentRow, video_id=video_id, coder_id=coder_id)
        with self._db.read() as session:
            return convert.load_segments(session, *where)
