"""Consensus scores: what coders agreed on after reviewing a disagreement.

They are stored apart from the coders' own ratings, which never change because of them.
Each save adds 1 to the score's version; a save naming the version its editor saw is
refused when someone else saved meanwhile (as ratings are), and the later writer is told
what is stored now.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict
from eas_coder.model import Consensus
from eas_coder.scheme import Scheme
from eas_coder.store.tables import ConsensusRow, VideoRow, utcnow
from eas_coder.store.unit import StudyDb, last_changed_by, same_target, target_text


class StaleConsensus(Conflict):
    """A consensus score was saved by someone else since the editor read it.

    Nothing was saved; ``current`` is the stored consensus now (None: there is none).
    """

    def __init__(self, message: str, current: Consensus | None) -> None:
        self.current = current
        super().__init__(message)


def _copy(row: ConsensusRow) -> Consensus:
    return Consensus(
        row.id, row.video_id, row.dimension, row.score, row.segment_id, row.note,
        row.decided_by, row.version,
    )  # fmt: skip


def _state(row: ConsensusRow) -> dict[str, object]:
    return {"video_id": row.video_id, "segment_id": row.segment_id, "dimension": row.dimension,
            "score": row.score, "note": row.note, "version": row.version}  # fmt: skip


def _target(video_id: int, dimension: str, segment_id: int | None) -> Select[ConsensusRow]:
    return select(ConsensusRow).where(
        ConsensusRow.video_id == video_id,
        ConsensusRow.dimension == dimension,
        same_target(ConsensusRow.segment_id, segment_id),
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
        expected_version: int | None = None,
    ) -> Consensus:
        """Record (or change) the agreed score; validated like any rating.

        ``expected_version`` is the version the editor last saw (0: it saw none). When the
        stored one differs, nothing is saved and StaleConsensus says what is stored now.
        None skips the check (the command line records what it is told).
        """
        value, _ = self._scheme.validate(dimension, score)
        db = self._db
        try:
            with db.write() as session:
                db.require(session, VideoRow, video_id, "video")
                db.require_segment_of(session, segment_id, video_id)
                # FOR UPDATE holds the row on PostgreSQL until the commit; SQLite's write
                # transaction (BEGIN IMMEDIATE) already excludes every other writer.
                row = session.scalar(_target(video_id, dimension, segment_id).with_for_update())
                stored = 0 if row is None else row.version
                if expected_version is not None and stored != expected_version:
                    raise self._stale(session, dimension, segment_id, row, value)
                old = None if row is None else _state(row)
                if row is None:
                    row = ConsensusRow(
                        video_id=video_id, segment_id=segment_id, dimension=dimension, version=1
                    )
                    session.add(row)
                else:
                    row.version += 1
                row.score, row.note, row.decided_by, row.updated_at = (
                    value, note, db.actor, utcnow(),
                )  # fmt: skip
                session.flush()
                db.audit(session, "consensus.set", "consensus", row.id, old, _state(row))
                return _copy(row)
        except Conflict as exc:
            if expected_version != 0 or isinstance(exc, StaleConsensus):
                raise
            # Two editors who both saw none: the unique index let only one create it.
            with db.read() as session:
                row = session.scalar(_target(video_id, dimension, segment_id))
                raise self._stale(session, dimension, segment_id, row, value) from exc

    def _stale(
        self,
        session: Session,
        dimension: str,
        segment_id: int | None,
        row: ConsensusRow | None,
        value: float,
    ) -> StaleConsensus:
        """The refusal of a save made from a stale copy: what is stored now, and by whom."""
        label = self._scheme.dimension(dimension).label
        target = target_text(session, segment_id)
        if row is None:
            return StaleConsensus(
                f"The consensus on {label} of {target} was removed meanwhile; "
                f"your {value:g} was not saved",
                None,
            )
        by = last_changed_by(session, "consensus", row.id)
        return StaleConsensus(
            f"The consensus on {label} of {target} was changed meanwhile{by}: now "
            f"{row.score:g} (version {row.version}); your {value:g} was not saved",
            _copy(row),
        )

    def get(self, video_id: int, dimension: str, segment_id: int | None = None) -> Consensus | None:
        """The consensus on one dimension of a video (or segment), or None."""
        with self._db.read() as session:
            row = session.scalar(_target(video_id, dimension, segment_id))
            return None if row is None else _copy(row)

    def all(self, video_id: int | None = None) -> list[Consensus]:
        """Consensus scores, optionally of one video."""
        query = select(ConsensusRow).order_by(ConsensusRow.video_id, ConsensusRow.id)
        if video_id is not None:
            query = query.where(ConsensusRow.video_id == video_id)
        with self._db.read() as session:
            return [_copy(row) for row in session.scalars(query)]
