"""Plain domain types the study service hands out: frozen, Qt-free, SQL-free.

Rows are copied into these at the edge of the store so no caller ever holds a live ORM
object or a database session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AssignmentStatus(StrEnum):
    """Where a coder stands with an assigned video."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class StudyInfo:
    """The study's own record."""

    name: str
    scheme_id: str
    scheme_version: str
    created_at: datetime
    schema_revision: str


@dataclass(frozen=True)
class Coder:
    """A person who rates videos."""

    id: int
    name: str
    active: bool = True


@dataclass(frozen=True)
class Participant:
    """A de-identified mother–infant dyad."""

    id: int
    code: str


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video file tells (see eas_coder.media.probe)."""

    duration_ms: int
    fps: float
    frame_count: int
    width: int
    height: int
    file_size: int
    fingerprint: str


@dataclass(frozen=True)
class Video:
    """One recorded session of one dyad at one timepoint (possibly without a file)."""

    id: int
    participant_code: str
    timepoint: str
    path: str | None  # as stored: relative to the study file where possible
    duration_ms: int | None = None
    fps: float | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    file_size: int | None = None
    fingerprint: str | None = None
    name: str | None = None  # the file's name, or the "video" column of an imported sheet
    archived_at: datetime | None = None  # removed with work on it: kept, out of the lists

    @property
    def label(self) -> str:
        """Short human label such as ``D014 · T1 pre``."""
        return f"{self.participant_code} · {self.timepoint}"


@dataclass(frozen=True)
class Segment:
    """An interaction episode a coder marked on a video."""

    id: int
    video_id: int
    coder_id: int
    start_ms: int
    end_ms: int
    episode: str | None = None
    note: str = ""

    @property
    def duration_ms(self) -> int:
        """Length of the segment."""
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Attachment:
    """A further camera angle (``kind`` "angle") or separate audio ("audio") of a video.

    ``offset_ms`` is added to the main video's time to get this file's time.
    """

    id: int
    video_id: int
    kind: str
    path: str
    offset_ms: int = 0
    name: str | None = None
    file_size: int | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class TemplateSpan:
    """One span of a video's shared episode template (every coder rates it)."""

    id: int
    video_id: int
    start_ms: int
    end_ms: int
    episode: str | None = None


@dataclass(frozen=True)
class Rating:
    """One score on one dimension, for a segment or (segment_id None) the whole session."""

    id: int
    video_id: int
    coder_id: int
    dimension: str
    score: float
    segment_id: int | None = None
    items: dict[str, float] | None = field(default=None, compare=False)
    note: str = ""  # the coder's reason for this score
    version: int = field(default=1, compare=False)  # +1 on every save (stale-edit check)
    scheme_version: int = field(default=1, compare=False)  # the study's scheme version used


@dataclass(frozen=True)
class Consensus:
    """A score agreed after discussion, kept apart from each coder's own rating."""

    id: int
    video_id: int
    dimension: str
    score: float
    segment_id: int | None = None
    note: str = ""
    decided_by: str = ""
    version: int = field(default=1, compare=False)  # +1 on every save (stale-edit check)


@dataclass(frozen=True)
class Assignment:
    """A video given to a coder to rate."""

    id: int
    video_id: int
    coder_id: int
    status: AssignmentStatus


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who, when, what, old value, new value."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    old: str | None
    new: str | None


@dataclass(frozen=True)
class StudySnapshot:
    """Everything a window needs to show a study, loaded in one go."""

    info: StudyInfo
    coders: tuple[Coder, ...]
    participants: tuple[Participant, ...]
    videos: tuple[Video, ...]
    segments: tuple[Segment, ...]
    ratings: tuple[Rating, ...]
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class CheckReport:
    """Result of an integrity check."""

    database_ok: bool
    database_messages: tuple[str, ...]
    missing_files: tuple[Video, ...]
    changed_files: tuple[Video, ...]
    # attached angles and audio whose file is gone or changed size
    attachment_problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing needs attention."""
        return (
            self.database_ok
            and not self.missing_files
            and not self.changed_files
            and not self.attachment_problems
        )
