"""SQLAlchemy 2.x ORM tables and their constraints.

One database holds one study. Alembic owns the schema (``migrations/``); these classes
describe it for queries and must match the newest revision (a test compares them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints so Alembic batch migrations on SQLite can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way out, whatever the backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_per_target(prefix: str, *columns: str) -> tuple[Index, Index]:
    """Unique ``columns`` per whole session (segment_id NULL) and per segment.

    NULLs never collide in a UNIQUE constraint, hence two partial indexes: one keyed by the
    video for session-level rows, one keyed by the segment for segment-level rows.
    """
    where_session, where_segment = text("segment_id IS NULL"), text("segment_id IS NOT NULL")
    return (
        Index(f"{prefix}_session", "video_id", *columns, unique=True,
              sqlite_where=where_session, postgresql_where=where_session),
        Index(f"{prefix}_segment", "segment_id", *columns, unique=True,
              sqlite_where=where_segment, postgresql_where=where_segment),
    )  # fmt: skip


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 -- SQLAlchemy's hook


class StudyRow(Base):
    __tablename__ = "study"
    __table_args__ = (CheckConstraint("id = 1", name="single_study"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scheme_id: Mapped[str] = mapped_column(String(100))
    scheme_version: Mapped[str] = mapped_column(String(50))
    scheme_toml: Mapped[str] = mapped_column(Text)  # the snapshot the study was created with
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    app_version: Mapped[str] = mapped_column(String(50))
    # scrypt hash of the lab manager's passphrase (never the passphrase itself)
    manager_hash: Mapped[str | None] = mapped_column(String(300))
    # A random identity: restore tells this study's backups from another study's.
    uid: Mapped[str | None] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))


class SettingRow(Base):
    """Study-wide settings such as the reliability target (key -> JSON text)."""

    __tablename__ = "study_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CoderRow(Base):
    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # scrypt hash of the coder's own passphrase, when the lab manager set one
    passphrase_hash: Mapped[str | None] = mapped_column(String(300))
    # When the lab manager retired the coder (active false); a coder with work is never deleted
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class SeenWorkRow(Base):
    """A coder who could see other coders' work on a video (under the rule of versions before
    schema 0007): the reliability sample never assigns them that video (sampling.py)."""

    __tablename__ = "seen_work"

    video_id: Mapped[int] = mapped_column(
        ForeignKey("video.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True
    )


class ParticipantRow(Base):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)  # de-identified dyad code
    note: Mapped[str] = mapped_column(Text, default="")


class VideoRow(Base):
    __tablename__ = "video"
    __table_args__ = (
        Index("ix_video_participant_timepoint", "participant_id", "timepoint"),
        CheckConstraint("duration_ms IS NULL OR duration_ms >= 0", name="duration_nonneg"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"))
    timepoint: Mapped[str] = mapped_column(String(100))
    # Relative to the study file where possible; NULL for ratings imported from paper.
    path: Mapped[str | None] = mapped_column(Text)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    fps: Mapped[float | None] = mapped_column(Float)
    frame_count: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How people and sheets name the recording (its file name, or a sheet's "video" column).
    name: Mapped[str | None] = mapped_column(String(200))
    # The frame-accuracy check run on add / relink (JSON text; see media.accuracy).
    accuracy: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the whole file: relink refuses any changed byte.
    full_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the video was removed from the study while it had work: hidden, never deleted.
    archived_at: Mapped[datetime | None] = mapped_column(default=None)


class SegmentRow(Base):
    __tablename__ = "segment"
    __table_args__ = (
        CheckConstraint("start_ms >= 0 AND end_ms > start_ms", name="valid_span"),
        Index("ix_segment_video_coder", "video_id", "coder_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    episode: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingRow(Base):
    __tablename__ = "rating"
    __table_args__ = (
        # One score per coder and dimension, for each segment or for the whole session.
        *one_per_target("uq_rating", "coder_id", "dimension"),
        Index("ix_rating_video_coder", "video_id", "coder_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    dimension: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    # none_as_null: no items is SQL NULL, not the JSON text "null" (loads 2x faster)
    items: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # why this score
    # +1 on every save: an edit made from a stale copy is refused instead of overwriting
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The study's scheme version (scheme_version.number) the score was given under
    scheme_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class SchemeVersionRow(Base):
    """Every scheme the study has used: number 1 at creation, +1 on each edit (the newest
    is the one in force, and is also ``study.scheme_toml``)."""

    __tablename__ = "scheme_version"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    scheme_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(50))  # the file's own [scheme] version
    scheme_toml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")


class AttachmentRow(Base):
    """A further camera angle or a separate audio recording of a video, with its offset."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint("kind IN ('angle', 'audio')", name="known_kind"),
        Index("ix_attachment_video", "video_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(200))
    # ms to add to the main video's time to get this file's time (the clap aligns them)
    offset_ms: Mapped[int] = mapped_column(Integer, default=0)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    full_hash: Mapped[str | None] = mapped_column(String(64))


class TemplateSegmentRow(Base):
    """A span the lab manager fixed for a video: every coder rates the same episodes."""

    __tablename__ = "template_segment"
    __table_args__ = (
        CheckConstraint("start_ms >= 0 AND end_ms > start_ms", name="valid_span"),
        Index("ix_template_segment_video", "video_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    episode: Mapped[str | None] = mapped_column(String(100))


class ConsensusRow(Base):
    """An agreed score after coders discussed a disagreement: kept apart from their own."""

    __tablename__ = "consensus"
    __table_args__ = one_per_target("uq_consensus", "dimension")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised on every save; a save naming an older version is refused (as ratings).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class AssignmentRow(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("video_id", "coder_id", name="uq_assignment_video_coder"),
        CheckConstraint("status IN ('assigned', 'in_progress', 'done')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimepointRow(Base):
    """The study's order of timepoints (pre -> post -> follow-up): before and after in every
    change computation come from here, never from the order videos were added."""

    __tablename__ = "timepoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)


class MeasureRow(Base):
    """Another instrument beside the EAS (BDI, PSI, ...) and which way is better."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    higher_is_better: Mapped[bool] = mapped_column(Boolean)


class MeasureValueRow(Base):
    """One participant's value of a measure at a timepoint (e.g. BDI 27 at pre)."""

    __tablename__ = "measure_value"
    __table_args__ = (
        UniqueConstraint(
            "participant_id", "timepoint", "measure_id", name="uq_measure_value_participant_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"))
    timepoint: Mapped[str] = mapped_column(String(100))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)


class ItemDraftRow(Base):
    """Item scores typed of a dimension derived from its items while some are still missing
    (its rating is refused until all are there); the last item turns it into the rating."""

    __tablename__ = "item_draft"
    __table_args__ = (
        *one_per_target("uq_item_draft", "coder_id", "dimension"),
        Index("ix_item_draft_video_coder", "video_id", "coder_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    dimension: Mapped[str] = mapped_column(String(100))
    items: Mapped[dict[str, Any]] = mapped_column(JSON(none_as_null=True))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class VideoPositionRow(Base):
    """Where a coder last was in a video: the video reopens there for them."""

    __tablename__ = "video_position"
    __table_args__ = (CheckConstraint("position_ms >= 0", name="nonneg"),)

    video_id: Mapped[int] = mapped_column(
        ForeignKey("video.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True
    )
    position_ms: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
