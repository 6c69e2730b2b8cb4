"""Videos and the participants (de-identified dyads) they belong to."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.model import Video, VideoInfo
from eas_coder.names import name_key, normalise_name
from eas_coder.store import convert
from eas_coder.store.tables import ParticipantRow, VideoRow
from eas_coder.store.unit import LABEL_LENGTH, StudyDb, checked_text


class Videos:
    """Register videos (or file-less sessions for imported sheets) and find their files."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def stored_path(self, path: Path) -> str:
        """How a path is stored: relative to the study file when inside its folder."""
        absolute = path.expanduser().resolve()
        base = self._db.location.base_dir
        if base is not None and absolute.is_relative_to(base):
            return PurePosixPath(*absolute.relative_to(base).parts).as_posix()
        return absolute.as_posix()

    def file_of(self, video: Video) -> Path | None:
        """The absolute path of a video's file (which may not exist), or None."""
        return None if video.path is None else self.absolute(video.path)

    def absolute(self, stored: str) -> Path:
        """A stored path as an absolute one (relative paths are inside the study's folder)."""
        path = Path(stored)
        base = self._db.location.base_dir
        return path if path.is_absolute() or base is None else base / path

    def _participant_id(self, session: Session, code: str) -> int:
        code = normalise_name(code, "the participant's dyad code", LABEL_LENGTH)
        found = session.scalar(select(ParticipantRow.id).where(ParticipantRow.code == code))
        if found is not None:
            return found
        key = name_key(code)  # "d002" is the dyad D002 (eas_coder.names)
        for pid, known in session.execute(select(ParticipantRow.id, ParticipantRow.code)):
            if name_key(known) == key:
                return pid
        row = ParticipantRow(code=code, note="")
        session.add(row)
        session.flush()
        self._db.audit(session, "participant.add", "participant", row.id, None, {"code": code})
        return row.id

    def _refuse_duplicate(self, session: Session, stored: str, info: VideoInfo | None) -> None:
        same = VideoRow.path == stored
        if info is not None:
            same = same | (VideoRow.fingerprint == info.fingerprint)
        existing = session.scalar(select(VideoRow.id).where(same).limit(1))
        if existing is not None:
            video = convert.load_videos(session, VideoRow.id == existing)[0]
            raise Conflict(
                f"{stored}: this recording is already in the study as {video.label} "
                f"(video {video.id}, {video.path})"
            )

    def add(
        self,
        participant: str,
        timepoint: str,
        path: Path | None,
        info: VideoInfo | None = None,
        allow_duplicate: bool = False,
        name: str | None = None,
        accuracy: str | None = None,
        full_hash: str | None = None,
        accepted_problems: list[str] | None = None,
    ) -> Video:
        """Register a video probed elsewhere, or with no path a session without a file.

        The same file (by path or content fingerprint) is refused a second time unless
        ``allow_duplicate``: a duplicate would count twice in reliability and exports.
        ``accuracy`` is the accuracy check's JSON (``media.accuracy``), ``full_hash`` the
        file's SHA-256; ``accepted_problems`` (a damaged file the lab manager accepted) go
        into the audit log with the addition.
        """
        timepoint = checked_text(timepoint, "the timepoint label (e.g. 'T1 pre')", LABEL_LENGTH)
        stored = None if path is None else self.stored_path(path)
        with self._db.write() as session:
            if stored is not None and not allow_duplicate:
                self._refuse_duplicate(session, stored, info)
            row = VideoRow(
                participant_id=self._participant_id(session, participant),
                timepoint=timepoint,
                path=stored,
                name=name or (None if path is None else path.name),
            )
            if info is not None:
                row.duration_ms, row.fps, row.frame_count = (
                    info.duration_ms,
                    info.fps,
                    info.frame_count,
                )
                row.width, row.height = info.width, info.height
                row.file_size, row.fingerprint = info.file_size, info.fingerprint
            row.accuracy, row.full_hash = accuracy, full_hash
            session.add(row)
            session.flush()
            new: dict[str, object] = {
                "participant": participant,
                "timepoint": timepoint,
                "path": stored,
            }
            if accepted_problems:
                new["accepted_problems"] = list(accepted_problems)
            self._db.audit(session, "video.add", "video", row.id, None, new)
            video_id = row.id
        return self.get(video_id)

    def relink(self, video_id: int, path: Path, fingerprint: str) -> Video:
        """Point a video at its moved or renamed file, ``fingerprint`` being the new file's
        (``eas_coder.media.probe.fingerprint``).

        A file that is not the recording the study holds (another size or fingerprint) is
        refused, and so is a video without a recorded fingerprint: a file other than the one
        the coders rated is never accepted in its place.
        """
        stored = self.stored_path(path)
        with self._db.write() as session:
            row = self._db.require(session, VideoRow, video_id, "video")
            if row.path is None:
                raise StudyError(
                    f"video {video_id} has no file (its ratings came from a sheet): "
                    "there is nothing to relink"
                )
            what = f"video {video_id}"
            require_same_file(what, self.absolute(row.path), row.file_size, row.fingerprint,
                              path, fingerprint)  # fmt: skip
            if row.path != stored:
                old = {"path": row.path, "fingerprint": row.fingerprint}
                row.path = stored
                new = {"path": stored, "fingerprint": fingerprint}
                self._db.audit(session, "video.relink", "video", row.id, old, new)
        return self.get(video_id)

    def set_accuracy(self, video_id: int, accuracy: str) -> None:
        """Store a (re-)check's JSON (``media.accuracy.VideoAccuracy.to_json``); audited
        only when what it found changed."""
        with self._db.write() as session:
            row = self._db.require(session, VideoRow, video_id, "video")
            if row.accuracy == accuracy:
                return
            old, row.accuracy = row.accuracy, accuracy
            before = None if old is None else {"accuracy": old}
            self._db.audit(
                session, "video.accuracy", "video", video_id, before, {"accuracy": accuracy}
            )

    def set_full_hash(self, video_id: int, full_hash: str) -> None:
        """Store the SHA-256 of the video's whole file (computed when it was added)."""
        with self._db.write() as session:
            row = self._db.require(session, VideoRow, video_id, "video")
            row.full_hash = full_hash

    def accuracy_of(self, video_id: int) -> str | None:
        """The stored accuracy check's JSON, or None when the video was never checked."""
        with self._db.read() as session:
            found: str | None = session.scalar(
                select(VideoRow.accuracy).where(VideoRow.id == video_id)
            )
        return found

    def accuracies(self) -> dict[int, str]:
        """Every stored accuracy check's JSON by video id (one query, for the video list)."""
        with self._db.read() as session:
            rows = session.execute(
                select(VideoRow.id, VideoRow.accuracy).where(VideoRow.accuracy.is_not(None))
            )
            return {video_id: text for video_id, text in rows if text is not None}

    def full_hash_of(self, video_id: int) -> str | None:
        """The SHA-256 of the file recorded when the video was added, or None."""
        with self._db.read() as session:
            found: str | None = session.scalar(
                select(VideoRow.full_hash).where(VideoRow.id == video_id)
            )
        return found

    def all(self) -> list[Video]:
        """All videos, by participant code and timepoint."""
        with self._db.read() as session:
            return convert.load_videos(session)

    def get(self, video_id: int) -> Video:
        """One video by id."""
        with self._db.read() as session:
            found = convert.load_videos(session, VideoRow.id == video_id)
        if not found:
            raise NotFound(f"no video with id {video_id} in this study")
        return found[0]


def require_same_file(
    what: str,
    recorded: Path,
    recorded_size: int | None,
    recorded_fingerprint: str | None,
    new: Path,
    new_fingerprint: str,
) -> None:
    """Refuse (StudyError naming both files) ``new`` unless it is the recorded file's content."""
    if recorded_fingerprint is None:
        raise StudyError(
            f"{what}: no fingerprint was recorded for {recorded}, so {new} cannot be checked "
            "to be the same recording; relinking is refused"
        )
    try:
        size = new.stat().st_size if new.is_file() else None
    except OSError:
        size = None
    if size is None:
        raise StudyError(f"{what}: {new} is not a file (it was to replace {recorded})")
    if (recorded_size is not None and size != recorded_size) or (
        new_fingerprint != recorded_fingerprint
    ):
        raise StudyError(
            f"{what}: {new} is not the recording {recorded} was (its size or content "
            "fingerprint differs); a different file is never accepted in its place"
        )
