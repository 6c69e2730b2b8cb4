"""Writing a validated import in one transaction: everything, or nothing.

Coders, participants, videos (file-less when new) and segments are found by their natural
keys or created; ratings and their audit rows are inserted in bulk so a 50,000-row sheet
takes seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from eas_coder.store.tables import (
    AuditRow,
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
    utcnow,
)
from eas_coder.store.unit import StudyDb, to_json

Span = tuple[int, int, str | None, str]  # start ms, end ms, episode, note


@dataclass(frozen=True)
class ImportedRating:
    """One validated row of a rating sheet, by natural keys."""

    row: int
    participant: str
    timepoint: str
    video: str | None
    coder: str
    dimension: str
    score: float
    segment: Span | None
    note: str = ""  # why this score (the segment's own note is in ``segment``)
    items: dict[str, float] | None = field(default=None, compare=False)

    def identity(self) -> tuple[Any, ...]:
        """What makes two ratings the same rating (the score aside)."""
        span = None if self.segment is None else self.segment[:2]
        return (
            self.participant,
            self.timepoint,
            (self.video or "").casefold(),
            self.coder.casefold(),
            span,
            self.dimension,
        )


@dataclass(frozen=True)
class ImportSummary:
    """What an import added."""

    ratings: int
    coders: int
    participants: int
    videos: int
    segments: int


class _Resolver:
    """Finds or creates the rows ratings hang on, inside one session."""

    def __init__(self, db: StudyDb, session: Session, source: str) -> None:
        self.db, self.session, self.source = db, session, source
        self.coders = {
            n.casefold(): i for i, n in session.execute(select(CoderRow.id, CoderRow.name))
        }
        self.participants: dict[str, int] = {
            code: pid
            for code, pid in session.execute(select(ParticipantRow.code, ParticipantRow.id))
        }
        self.videos: dict[tuple[int, str], list[tuple[int, str]]] = {}
        for vid, pid, tp, name, path in session.execute(
            select(
                VideoRow.id,
                VideoRow.participant_id,
                VideoRow.timepoint,
                VideoRow.name,
                VideoRow.path,
            )
        ):
            label = (name or (path or "").rsplit("/", 1)[-1]).casefold()
            self.videos.setdefault((pid, tp), []).append((vid, label))
        self.segments = {
            (v, c, s, e): i
            for i, v, c, s, e in session.execute(
                select(
                    SegmentRow.id,
                    SegmentRow.video_id,
                    SegmentRow.coder_id,
                    SegmentRow.start_ms,
                    SegmentRow.end_ms,
                )
            )
        }
        self.created = {"coders": 0, "participants": 0, "videos": 0, "segments": 0}

    def _add(self, row: Any, kind: str, state: dict[str, Any]) -> int:
        self.session.add(row)
        self.session.flush()
        self.db.audit(
            self.session, f"{kind}.import", kind, row.id, None, state | {"source": self.source}
        )
        self.created[f"{kind}s"] += 1
        return int(row.id)

    def coder(self, name: str) -> int:
        found = self.coders.get(name.casefold())
        if found is None:
            found = self._add(CoderRow(name=name, active=True), "coder", {"name": name})
            self.coders[name.casefold()] = found
        return found

    def participant(self, code: str) -> int:
        found = self.participants.get(code)
        if found is None:
            found = self._add(ParticipantRow(code=code, note=""), "participant", {"code": code})
            self.participants[code] = found
        return found

    def video(self, participant: str, timepoint: str, name: str | None) -> int:
        pid = self.participant(participant)
        known = self.videos.setdefault((pid, timepoint), [])
        wanted = (name or "").casefold()
        for vid, label in known:
            if label == wanted or (not wanted and len(known) == 1):
                return vid
        row = VideoRow(participant_id=pid, timepoint=timepoint, path=None, name=name)
        state = {"participant": participant, "timepoint": timepoint, "name": name}
        vid = self._add(row, "video", state)
        known.append((vid, wanted))
        return vid

    def segment(self, video_id: int, coder_id: int, span: Span) -> int:
        start, end, episode, note = span
        found = self.segments.get((video_id, coder_id, start, end))
        if found is None:
            row = SegmentRow(
                video_id=video_id,
                coder_id=coder_id,
                start_ms=start,
                end_ms=end,
                episode=episode,
                note=note,
            )
            state = {"video_id": video_id, "coder_id": coder_id, "start_ms": start, "end_ms": end}
            found = self._add(row, "segment", state)
            self.segments[(video_id, coder_id, start, end)] = found
        return found


def apply_import(db: StudyDb, ratings: list[ImportedRating], source: str) -> ImportSummary:
    """Insert validated ratings and everything they need, in one transaction."""
    now = utcnow()
    with db.write() as session:
        resolve = _Resolver(db, session, source)
        rows = []
        for r in ratings:
            video_id = resolve.video(r.participant, r.timepoint, r.video)
            coder_id = resolve.coder(r.coder)
            segment_id = (
                None if r.segment is None else resolve.segment(video_id, coder_id, r.segment)
            )
            rows.append(
                {
                    "video_id": video_id,
                    "coder_id": coder_id,
                    "segment_id": segment_id,
                    "dimension": r.dimension,
                    "score": r.score,
                    "items": r.items or None,
                    "note": r.note,
                    "updated_at": now,
                }
            )
        ids = session.scalars(insert(RatingRow).returning(RatingRow.id), rows).all()
        audits = [
            {
                "at": now,
                "actor": db.actor,
                "action": "rating.import",
                "entity": "rating",
                "entity_id": rating_id,
                "old": None,
                "new": to_json({**row, "updated_at": None, "source": source}),
            }
            for rating_id, row in zip(ids, rows, strict=True)
        ]
        if audits:
            session.execute(insert(AuditRow), audits)
    return ImportSummary(len(rows), **resolve.created)
