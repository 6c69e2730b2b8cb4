"""Consensus scores: what coders agreed on after reviewing a disagreement.

They are stored apart from the coders' own ratings, which never change because of them.
"""

from __future__ import annotations

from sqlalchemy import select

from eas_coder.model import Consensus
from eas_coder.scheme import Scheme
from eas_coder.store.tables import ConsensusRow, VideoRow, utcnow
from eas_coder.store.unit import StudyDb, same_target


def _copy(row: ConsensusRow) -> Consensus:
    return Consensus(
        row.id, row.video_id, row.dimension, row.score, row.segment_id, row.note, row.decided_by
    )


class ConsensusScores:
    """Record and list consensus scores (one per video or segment and dimension)."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    def set(
        self,
        video_id: int,
        dimension: str,
        score: float,
        segment_id: int | None = None,
        note: str = "",
    ) -> Consensus:
        """Record (or change) the agreed score; validated like any rating."""
        value, _ = self._scheme.validate(dimension, score)
        db = self._db
        with db.write() as session:
            db.require(session, VideoRow, video_id, "video")
            db.require_segment_of(session, segment_id, video_id)
            row = session.scalar(
                select(ConsensusRow).where(
                    ConsensusRow.video_id == video_id,
                    ConsensusRow.dimension == dimension,
                    same_target(ConsensusRow.segment_id, segment_id),
                )
            )
            old = None if row is None else {"score": row.score, "note": row.note}
            if row is None:
                row = ConsensusRow(video_id=video_id, segment_id=segment_id, dimension=dimension)
                session.add(row)
            row.score, row.note, row.decided_by, row.updated_at = value, note, db.actor, utcnow()
            session.flush()
            new = {"video_id": video_id, "segment_id": segment_id, "dimension": dimension,
                   "score": value, "note": note}  # fmt: skip
            db.audit(session, "consensus.set", "consensus", row.id, old, new)
            return _copy(row)

    def all(self, video_id: int | None = None) -> list[Consensus]:
        """Consensus scores, optionally of one video."""
        query = select(ConsensusRow).order_by(ConsensusRow.video_id, ConsensusRow.id)
        if video_id is not None:
            query = query.where(ConsensusRow.video_id == video_id)
        with self._db.read() as session:
            return [_copy(row) for row in session.scalars(query)]
