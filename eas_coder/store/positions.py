"""Where each coder last was in each video (table ``video_position``), so a video reopens
there for them.

Written when the coder leaves a video or closes the window, never per frame. Not audited on
purpose: a place on the tape is where someone looked, not work they did, and an audit row on
every change of video would bury the changes that matter."""

from __future__ import annotations

from sqlalchemy import select

from eas_coder.errors import StudyError
from eas_coder.store.tables import VideoPositionRow, utcnow
from eas_coder.store.unit import StudyDb


class Positions:
    """Read and remember a coder's last position in a video."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def get(self, video_id: int, coder_id: int) -> int | None:
        """The last position (ms) ``coder_id`` was at in ``video_id``, or None."""
        query = select(VideoPositionRow.position_ms).where(
            VideoPositionRow.video_id == video_id, VideoPositionRow.coder_id == coder_id
        )
        with self._db.read() as session:
            return session.scalar(query)

    def remember(self, video_id: int, coder_id: int, position_ms: int) -> None:
        """Keep ``position_ms`` as the coder's place in the video (one short write)."""
        if isinstance(position_ms, bool) or not isinstance(position_ms, int) or position_ms < 0:
            raise StudyError(f"a position is a whole number of ms from 0, not {position_ms!r}")
        with self._db.write() as session:
            row = session.get(VideoPositionRow, (video_id, coder_id))
            if row is None:
                row = VideoPositionRow(video_id=video_id, coder_id=coder_id, position_ms=0)
                session.add(row)
            row.position_ms, row.updated_at = position_ms, utcnow()
