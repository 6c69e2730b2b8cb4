"""Further camera angles and separate audio recordings attached to a video.

Segments and ratings belong to the video, never to an angle; an attachment only adds what
the coder can see and hear. Each file keeps its own fingerprint, so relinking and merging
recognise it like the main file, and its whole-file SHA-256, so relinking refuses a changed
one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from eas_coder.errors import Conflict, StudyError
from eas_coder.model import Attachment
from eas_coder.store.tables import AttachmentRow, VideoRow
from eas_coder.store.unit import StudyDb
from eas_coder.store.videos import Videos, require_same_file

KINDS = ("angle", "audio")
MAX_OFFSET_MS = 24 * 3600 * 1000


def _attachment(row: AttachmentRow) -> Attachment:
    return Attachment(
        row.id, row.video_id, row.kind, row.path, row.offset_ms, row.name, row.file_size,
        row.fingerprint,
    )  # fmt: skip


def _state(row: AttachmentRow) -> dict[str, object]:
    return {"video_id": row.video_id, "kind": row.kind, "path": row.path,
            "offset_ms": row.offset_ms, "fingerprint": row.fingerprint}  # fmt: skip


class Attachments:
    """Attach, re-time, detach and list a video's extra media."""

    def __init__(self, db: StudyDb, videos: Videos) -> None:
        self._db = db
        self._videos = videos

    def attach(
        self,
        video_id: int,
        path: Path,
        kind: str,
        offset_ms: int = 0,
        file_size: int | None = None,
        fingerprint: str | None = None,
        full_hash: str | None = None,
    ) -> Attachment:
        """Attach a probed file (probe it first: a file that does not decode is refused);
        ``full_hash`` is its SHA-256 (``media.probe.full_hash``)."""
        if kind not in KINDS:
            raise StudyError(f"an attachment is an 'angle' or 'audio', not {kind!r}")
        offset = _checked_offset(offset_ms)
        stored = self._videos.stored_path(path)
        with self._db.write() as session:
            video = self._db.require(session, VideoRow, video_id, "video")
            if video.path == stored:
                raise Conflict(f"{path} is the video's own file")
            clash = session.scalar(
                select(AttachmentRow).where(
                    AttachmentRow.video_id == video_id, AttachmentRow.path == stored
                )
            )
            if clash is not None:
                raise Conflict(f"{path} is already attached to this video")
            row = AttachmentRow(
                video_id=video_id, kind=kind, path=stored, name=path.name, offset_ms=offset,
                file_size=file_size, fingerprint=fingerprint, full_hash=full_hash,
            )  # fmt: skip
            session.add(row)
            session.flush()
            self._db.audit(session, "attachment.add", "attachment", row.id, None, _state(row))
            return _attachment(row)

    def set_offset(self, attachment_id: int, offset_ms: int) -> Attachment:
        """Re-time an attachment (e.g. after aligning a clap on the waveforms)."""
        offset = _checked_offset(offset_ms)
        with self._db.write() as session:
            row = self._db.require(session, AttachmentRow, attachment_id, "attachment")
            old = _state(row)
            row.offset_ms = offset
            self._db.audit(session, "attachment.offset", "attachment", row.id, old, _state(row))
            return _attachment(row)

    def relink(self, attachment_id: int, path: Path, fingerprint: str) -> Attachment:
        """Point an attachment at its moved or renamed file; as ``Videos.relink``, a file
        whose fingerprint differs from the recorded one (or none recorded) is refused."""
        stored = self._videos.stored_path(path)
        with self._db.write() as session:
            row = self._db.require(session, AttachmentRow, attachment_id, "attachment")
            what = f"attached {row.kind} {attachment_id}"
            recorded = self._videos.absolute(row.path)
            require_same_file(what, recorded, row.file_size, row.fingerprint, path, fingerprint)
            if row.path != stored:
                old = _state(row)
                row.path = stored
                self._db.audit(session, "attachment.relink", "attachment", row.id, old, _state(row))
            return _attachment(row)

    def full_hash_of(self, attachment_id: int) -> str | None:
        """The SHA-256 of the file recorded when it was attached (or relinked), or None."""
        with self._db.read() as session:
            found: str | None = session.scalar(
                select(AttachmentRow.full_hash).where(AttachmentRow.id == attachment_id)
            )
        return found

    def set_full_hash(self, attachment_id: int, full_hash: str) -> None:
        """Record the SHA-256 of an attachment attached before hashes were kept (relinking
        records it then); a recorded hash is never replaced."""
        with self._db.write() as session:
            row = self._db.require(session, AttachmentRow, attachment_id, "attachment")
            if row.full_hash is None:
                row.full_hash = full_hash
                self._db.audit(session, "attachment.hash", "attachment", row.id, None,
                               {"full_hash": full_hash})  # fmt: skip

    def detach(self, attachment_id: int) -> None:
        """Remove an attachment (the file itself is left alone)."""
        with self._db.write() as session:
            row = self._db.require(session, AttachmentRow, attachment_id, "attachment")
            self._db.audit(session, "attachment.remove", "attachment", row.id, _state(row), None)
            session.delete(row)

    def of_video(self, video_id: int) -> list[Attachment]:
        """A video's attachments, angles first, in the order they were added."""
        with self._db.read() as session:
            rows = session.scalars(
                select(AttachmentRow)
                .where(AttachmentRow.video_id == video_id)
                .order_by(AttachmentRow.kind, AttachmentRow.id)
            )
            return [_attachment(r) for r in rows]

    def all(self) -> list[Attachment]:
        """Every attachment of the study (for checks, relinking and merging)."""
        with self._db.read() as session:
            rows = session.scalars(select(AttachmentRow).order_by(AttachmentRow.id))
            return [_attachment(r) for r in rows]

    def file_of(self, attachment: Attachment) -> Path:
        """The absolute path of an attachment's file (which may not exist)."""
        return self._videos.absolute(attachment.path)


def _checked_offset(offset_ms: int) -> int:
    if isinstance(offset_ms, bool) or not isinstance(offset_ms, int):
        raise StudyError(f"an offset is whole milliseconds, not {offset_ms!r}")
    if abs(offset_ms) > MAX_OFFSET_MS:
        raise StudyError(f"an offset of {offset_ms} ms is more than a day: check the number")
    return offset_ms
