"""Shared episode templates: spans a lab manager fixes for a video so every coder rates the
same episodes (the basis of segment-level reliability)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from eas_coder.errors import StudyError
from eas_coder.model import Segment, TemplateSpan
from eas_coder.scheme import Scheme
from eas_coder.store import convert
from eas_coder.store.tables import CoderRow, SegmentRow, TemplateSegmentRow, VideoRow
from eas_coder.store.unit import StudyDb

Span = tuple[int, int, str | None]  # start_ms, end_ms, episode


class Templates:
    """Define a video's template and hand copies of it to coders."""

    def __init__(self, db: StudyDb, scheme: Scheme) -> None:
        self._db = db
        self._scheme = scheme

    def set(self, video_id: int, spans: Sequence[Span]) -> list[TemplateSpan]:
        """Replace a video's template by ``spans`` (start_ms, end_ms, episode)."""
        ordered = sorted(spans)
        known = self._scheme.episode_keys()
        for (start, end, episode), following in zip(ordered, [*ordered[1:], None], strict=True):
            if not 0 <= start < end:
                raise StudyError(f"a template span must end after it starts ({start}–{end} ms)")
            if episode is not None and known and episode not in known:
                raise StudyError(f"unknown episode label {episode!r}; known: {', '.join(known)}")
            if following is not None and following[0] < end:
                raise StudyError("template spans may not overlap")
        with self._db.write() as session:
            self._db.require(session, VideoRow, video_id, "video")
            old = [_span(r) for r in _rows(session, video_id)]
            gone = delete(TemplateSegmentRow).where(TemplateSegmentRow.video_id == video_id)
            session.execute(gone)
            rows = [
                TemplateSegmentRow(video_id=video_id, start_ms=s, end_ms=e, episode=ep)
                for s, e, ep in ordered
            ]
            session.add_all(rows)
            session.flush()
            new = [_span(r) for r in rows]
            self._db.audit(session, "template.set", "video", video_id, old, new)
            return [TemplateSpan(r.id, r.video_id, r.start_ms, r.end_ms, r.episode) for r in rows]

    def all(self, video_id: int) -> list[TemplateSpan]:
        """A video's template, in time order (empty when it has none)."""
        with self._db.read() as session:
            return [
                TemplateSpan(r.id, r.video_id, r.start_ms, r.end_ms, r.episode)
                for r in _rows(session, video_id)
            ]

    def to_copy(self, video_id: int, coder_id: int) -> bool:
        """True when the video has a template and the coder no segment of it yet (one
        query, no write lock: the window asks on every switch of videos)."""
        with self._db.read() as session:
            coder, template, started = session.execute(
                select(
                    exists().where(CoderRow.id == coder_id),
                    exists().where(TemplateSegmentRow.video_id == video_id),
                    exists().where(
                        SegmentRow.video_id == video_id, SegmentRow.coder_id == coder_id
                    ),
                )
            ).one()
            if not coder:
                self._db.require(session, CoderRow, coder_id, "coder")  # (says which)
            return bool(template) and not started

    def apply(self, video_id: int, coder_id: int) -> list[Segment]:
        """Give a coder their copy of the template, unless they have segments already."""
        if not self.to_copy(video_id, coder_id):  # most often: no write lock taken
            return []
        with self._db.write() as session:
            self._db.require(session, CoderRow, coder_id, "coder")
            has = session.scalar(
                select(SegmentRow.id).where(
                    SegmentRow.video_id == video_id, SegmentRow.coder_id == coder_id
                )
            )
            spans = list(_rows(session, video_id))
            if has is not None or not spans:
                return []
            self._db.require_not_submitted(session, video_id, coder_id)
            rows = [
                SegmentRow(
                    video_id=video_id,
                    coder_id=coder_id,
                    start_ms=t.start_ms,
                    end_ms=t.end_ms,
                    episode=t.episode,
                    note="",
                )
                for t in spans
            ]
            session.add_all(rows)
            session.flush()
            new = {"coder_id": coder_id, "segments": [r.id for r in rows]}
            self._db.audit(session, "template.apply", "video", video_id, None, new)
            return [convert.segment(r) for r in rows]


def _rows(session: Session, video_id: int) -> list[TemplateSegmentRow]:
    query = (
        select(TemplateSegmentRow)
        .where(TemplateSegmentRow.video_id == video_id)
        .order_by(TemplateSegmentRow.start_ms)
    )
    return list(session.scalars(query))


def _span(row: TemplateSegmentRow) -> dict[str, object]:
    return {"start_ms": row.start_ms, "end_ms": row.end_ms, "episode": row.episode}
