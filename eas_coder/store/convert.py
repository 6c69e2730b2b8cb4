"""Rows to domain objects, and bulk loading by plain column selects (fast for big studies)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.model import (
    Assignment,
    AssignmentStatus,
    Coder,
    Participant,
    Rating,
    Segment,
    Video,
)
from eas_coder.store.tables import (
    AssignmentRow,
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
)


def coder(row: CoderRow) -> Coder:
    """Copy a coder row."""
    return Coder(row.id, row.name, row.active)


def participant(row: ParticipantRow) -> Participant:
    """Copy a participant row."""
    return Participant(row.id, row.code)


def segment(row: SegmentRow) -> Segment:
    """Copy a segment row."""
    return Segment(
        row.id, row.video_id, row.coder_id, row.start_ms, row.end_ms, row.episode, row.note
    )


def rating(row: RatingRow) -> Rating:
    """Copy a rating row."""
    return Rating(
        row.id,
        row.video_id,
        row.coder_id,
        row.dimension,
        row.score,
        row.segment_id,
        row.items,
        row.note or "",
        row.version,
        row.scheme_version,
    )


def assignment(row: AssignmentRow) -> Assignment:
    """Copy an assignment row."""
    return Assignment(row.id, row.video_id, row.coder_id, AssignmentStatus(row.status))


_VIDEO_COLUMNS = (
    VideoRow.id,
    ParticipantRow.code,
    VideoRow.timepoint,
    VideoRow.path,
    VideoRow.duration_ms,
    VideoRow.fps,
    VideoRow.frame_count,
    VideoRow.width,
    VideoRow.height,
    VideoRow.file_size,
    VideoRow.fingerprint,
    VideoRow.name,
    VideoRow.archived_at,
)


def load_videos(session: Session, *where: Any) -> list[Video]:
    """Videos joined with their participant code, ordered by participant and timepoint."""
    query = (
        select(*_VIDEO_COLUMNS)
        .join(ParticipantRow, VideoRow.participant_id == ParticipantRow.id)
        .where(*where)
        .order_by(ParticipantRow.code, VideoRow.timepoint, VideoRow.id)
    )
    return [Video(*row) for row in session.execute(query)]


def load_segments(session: Session, *where: Any) -> list[Segment]:
    """Segments in time order."""
    query = (
        select(
            SegmentRow.id,
            SegmentRow.video_id,
            SegmentRow.coder_id,
            SegmentRow.start_ms,
            SegmentRow.end_ms,
            SegmentRow.episode,
            SegmentRow.note,
        )
        .where(*where)
        .order_by(SegmentRow.video_id, SegmentRow.start_ms, SegmentRow.id)
    )
    return [Segment(*row) for row in session.execute(query)]


def load_ratings(session: Session, *where: Any) -> list[Rating]:
    """Ratings ordered by video, coder and segment (session-level first)."""
    query = (
        select(
            RatingRow.id,
            RatingRow.video_id,
            RatingRow.coder_id,
            RatingRow.dimension,
            RatingRow.score,
            RatingRow.segment_id,
            RatingRow.items,
            RatingRow.note,
            RatingRow.version,
            RatingRow.scheme_version,
        )
        .where(*where)
        .order_by(RatingRow.video_id, RatingRow.coder_id, RatingRow.segment_id, RatingRow.id)
    )
    return [Rating(*row) for row in session.execute(query)]


def load_assignments(session: Session, *where: Any) -> list[Assignment]:
    """Assignments by video then coder."""
    query = (
        select(
            AssignmentRow.id, AssignmentRow.video_id, AssignmentRow.coder_id, AssignmentRow.status
        )
        .where(*where)
        .order_by(AssignmentRow.video_id, AssignmentRow.coder_id)
    )
    return [Assignment(i, v, c, AssignmentStatus(s)) for i, v, c, s in session.execute(query)]


def equal(table: type[Any], **columns: int | None) -> list[Any]:
    """WHERE clauses ``column == value`` for the values that are not None."""
    return [getattr(table, name) == value for name, value in columns.items() if value is not None]
