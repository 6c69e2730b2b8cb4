"""The lab manager's changes to registered videos: edit participant, timepoint and name;
remove (an uncoded video is deleted, one with any work is archived, never deleted); restore
an archived one; move stored paths under the study's media root.

Archived videos keep every segment, rating, item draft, consensus score and assignment row:
they leave the coding lists and can no longer be assigned, while exports still carry their
work, marked in the Videos sheet's ``archived`` column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eas_coder import media_roots
from eas_coder.errors import Conflict, StudyError
from eas_coder.names import name_key
from eas_coder.store.tables import (
    AssignmentRow,
    AttachmentRow,
    ConsensusRow,
    ItemDraftRow,
    ParticipantRow,
    RatingRow,
    SeenWorkRow,
    SegmentRow,
    TemplateSegmentRow,
    VideoPositionRow,
    VideoRow,
    utcnow,
)
from eas_coder.store.unit import LABEL_LENGTH, NAME_LENGTH, StudyDb, checked_text

DELETED = "deleted"
ARCHIVED = "archived"
_WORK = (
    (SegmentRow, "segments"),
    (RatingRow, "ratings"),
    (ItemDraftRow, "item drafts"),
    (ConsensusRow, "consensus scores"),
)


def _state(session: Session, row: VideoRow) -> dict[str, object]:
    code = session.scalar(
        select(ParticipantRow.code).where(ParticipantRow.id == row.participant_id)
    )
    return {"participant": code, "timepoint": row.timepoint, "name": row.name, "path": row.path}


def work_on(session: Session, video_id: int) -> dict[str, int]:
    """How many segments, ratings, item drafts and consensus scores a video holds (nonzero)."""
    counts: dict[str, int] = {}
    for table, what in _WORK:
        found = session.scalar(
            select(func.count()).select_from(table).where(table.video_id == video_id)
        )
        if found:
            counts[what] = int(found)
    return counts


def edit(
    db: StudyDb,
    video_id: int,
    participant_id_of: Callable[[Session, str], int],
    participant: str | None = None,
    timepoint: str | None = None,
    name: str | None = None,
) -> None:
    """Change a video's participant (dyad), timepoint and/or name, as one audited write.

    Refused, with nothing written: an empty or over-long value, and a change that would
    make this video a second recording of the same dyad and timepoint, or give it another
    video's name (sheets find videos by it).
    """
    if timepoint is not None:
        timepoint = checked_text(timepoint, "the timepoint label (e.g. 'T1 pre')", LABEL_LENGTH)
    if name is not None:
        name = checked_text(name, "the video's name", NAME_LENGTH)
    if participant is not None:
        participant = checked_text(participant, "the participant's dyad code", LABEL_LENGTH)
    with db.write() as session:
        row = db.require(session, VideoRow, video_id, "video")
        old = _state(session, row)
        if participant is not None:
            row.participant_id = participant_id_of(session, participant)
        if timepoint is not None:
            row.timepoint = timepoint
        if name is not None:
            row.name = name
        session.flush()
        new = _state(session, row)
        moved = (new["participant"], new["timepoint"]) != (old["participant"], old["timepoint"])
        _refuse_clash(session, row, moved, new["name"] != old["name"])
        if new != old:
            changed = [key for key in new if new[key] != old[key]]
            db.audit(session, "video.edit", "video", video_id,
                     {k: old[k] for k in changed}, {k: new[k] for k in changed})  # fmt: skip


def _refuse_clash(session: Session, row: VideoRow, moved: bool, renamed: bool) -> None:
    """Refuse the clashes an edit makes (a study may hold older ones: left alone)."""
    others = (
        select(VideoRow.id, VideoRow.participant_id, ParticipantRow.code, VideoRow.timepoint,
               VideoRow.name)
        .join(ParticipantRow, VideoRow.participant_id == ParticipantRow.id)
        .where(VideoRow.id != row.id)
    )  # fmt: skip
    timepoint_key = name_key(row.timepoint)
    for other_id, participant_id, code, timepoint, name in session.execute(others):
        same_session = participant_id == row.participant_id and name_key(timepoint) == timepoint_key
        if moved and same_session:
            raise Conflict(
                f"dyad {code} already has a video at timepoint {timepoint!r} (video "
                f"{other_id}, {name or 'no file'}): one dyad has one recording per timepoint. "
                "Choose another timepoint, or correct the other video first"
            )
        if renamed and row.name and name and name_key(name) == name_key(row.name):
            raise Conflict(
                f"the name {row.name!r} is already taken by video {other_id} ({name!r}, "
                f"{code} · {timepoint}); "
                "sheets find videos by name, so each name is used once"
            )


def remove(db: StudyDb, video_id: int) -> str:
    """Delete an uncoded video, or archive one with any work; returns DELETED or ARCHIVED.

    Deleting also drops what only served the video (assignments, attachments, template,
    saved positions; the files stay on disk). Archiving changes nothing but the mark.
    """
    with db.write() as session:
        row = db.require(session, VideoRow, video_id, "video")
        if row.archived_at is not None:
            raise StudyError(f"video {video_id} is already archived (restore it to use it again)")
        old = _state(session, row)
        work = work_on(session, video_id)
        if work:
            row.archived_at = utcnow()
            db.audit(session, "video.archive", "video", video_id, None, {**old, "work": work})
            return ARCHIVED
        for table in (AssignmentRow, AttachmentRow, TemplateSegmentRow, VideoPositionRow,
                      SeenWorkRow):  # fmt: skip
            session.execute(delete(table).where(table.video_id == video_id))
        session.delete(row)
        db.audit(session, "video.remove", "video", video_id, old, None)
        return DELETED


def restore(db: StudyDb, video_id: int) -> None:
    """Bring an archived video back into the coding lists (audited)."""
    with db.write() as session:
        row = db.require(session, VideoRow, video_id, "video")
        if row.archived_at is None:
            raise StudyError(f"video {video_id} is not archived")
        archived, row.archived_at = row.archived_at, None
        db.audit(session, "video.restore", "video", video_id,
                 {"archived_at": archived.isoformat()}, {"archived_at": None})  # fmt: skip


@dataclass(frozen=True)
class MediaRootMove:
    """What ``move_to_media_root`` did: paths moved, and stored paths left as they were
    because their file is not inside the media root."""

    moved: tuple[tuple[str, str], ...]  # (old, new) stored paths
    outside: tuple[str, ...]


def move_to_media_root(db: StudyDb, media_root: Path) -> MediaRootMove:
    """Store every video and attachment path inside ``media_root`` relative to it, in one
    audited transaction (all or nothing). Files need not be present: the stored text is
    converted, so a study can be converted before its drive is attached."""
    if not media_root.is_dir():
        raise StudyError(f"{media_root}: not a folder, or not reachable (is the drive connected?)")
    study_dir = db.location.base_dir
    moved: list[tuple[str, str]] = []
    outside: list[str] = []
    with db.write() as session:
        videos = session.scalars(select(VideoRow).order_by(VideoRow.id))
        attachments = session.scalars(select(AttachmentRow).order_by(AttachmentRow.id))
        rows: list[VideoRow | AttachmentRow] = [*videos, *attachments]
        for row in rows:
            stored = row.path
            if stored is None or media_roots.is_media_relative(stored):
                continue
            new = media_roots.media_form(stored, study_dir, media_root)
            if new is None:
                outside.append(stored)
                continue
            row.path = new
            moved.append((stored, new))
            entity = "video" if isinstance(row, VideoRow) else "attachment"
            db.audit(session, f"{entity}.media_root", entity, row.id,
                     {"path": stored}, {"path": new})  # fmt: skip
    return MediaRootMove(tuple(moved), tuple(outside))
