"""Videos and the participants (de-identified dyads) they belong to."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder import media_roots
from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.model import Video, VideoInfo
from eas_coder.names import name_key, normalise_name
from eas_coder.store import convert, video_edits
from eas_coder.store.tables import ParticipantRow, SettingRow, StudyRow, VideoRow
from eas_coder.store.unit import LABEL_LENGTH, StudyDb, checked_text

MEDIA_ROOT_KEY = "media.root_name"  # the study setting naming its media root ("" for none)


class Videos:
    """Register videos (or file-less sessions for imported sheets) and find their files."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db
        self._uid: str | None = None  # the study's identity, read once (it never changes)

    # --- where files are (eas_coder.media_roots decides) -------------------------------------

    def study_uid(self) -> str | None:
        """The study's identity: a workstation remembers its media root under it."""
        if self._uid is None:
            with self._db.read() as session:
                self._uid = session.scalar(select(StudyRow.uid).where(StudyRow.id == 1))
        return self._uid

    def media_root_name(self) -> str:
        """The study's media root name (setting ``media.root_name``; "" when it has none)."""
        with self._db.read() as session:
            row = session.get(SettingRow, MEDIA_ROOT_KEY)
        value = "" if row is None else json.loads(row.value)
        return value if isinstance(value, str) else ""

    def media_root(self) -> Path | None:
        """Where the study's media root is on this computer (None: not set here)."""
        return media_roots.local_root(self.study_uid())

    def stored_path(self, path: Path) -> str:
        """How a path is stored: under the media root when the study has one and the file is
        inside it here, else relative to the study file when inside its folder, else
        absolute (media_roots.store_form)."""
        root = self.media_root() if self.media_root_name() else None
        return media_roots.store_form(path, self._db.location.base_dir, root)

    def file_of(self, video: Video) -> Path | None:
        """The absolute path of a video's file (which may not exist), or None."""
        return None if video.path is None else self.absolute(video.path)

    def absolute(self, stored: str) -> Path:
        """A stored path on this computer (media_roots.resolve: the one place it is done)."""
        root = self.media_root() if media_roots.is_media_relative(stored) else None
        return media_roots.resolve(stored, self._db.location.base_dir, root)

    def unresolved_reason(self, video: Video) -> str | None:
        """Why a video's file cannot be looked for on this computer (its media root is not
        set here), or None."""
        if video.path is None or not media_roots.is_media_relative(video.path):
            return None
        return media_roots.unresolved_reason(video.path, self.media_root())

    def move_to_media_root(self) -> video_edits.MediaRootMove:
        """Store every path inside this computer's media root relative to it (one audited
        transaction); refused when the study names no media root or none is set here."""
        if not self.media_root_name():
            raise StudyError(
                "the study has no media root yet: name one first (setting media.root_name)"
            )
        root = self.media_root()
        if root is None:
            raise StudyError(
                "this computer has not been told where the media root is: set it first"
            )
        return video_edits.move_to_media_root(self._db, root)

    # --- the lab manager's changes ------------------------------------------------------------

    def edit(
        self,
        video_id: int,
        participant: str | None = None,
        timepoint: str | None = None,
        name: str | None = None,
    ) -> Video:
        """Change a video's dyad, timepoint and/or name (store/video_edits.edit)."""
        video_edits.edit(self._db, video_id, self._participant_id, participant, timepoint, name)
        return self.get(video_id)

    def remove(self, video_id: int) -> str:
        """Delete an uncoded video or archive a coded one: "deleted" or "archived"."""
        return video_edits.remove(self._db, video_id)

    def restore(self, video_id: int) -> Video:
        """Bring an archived video back into the coding lists."""
        video_edits.restore(self._db, video_id)
        return self.get(video_id)

    def work_on(self, video_id: int) -> dict[str, int]:
        """The segments, ratings, drafts and consensus scores a video holds, by kind."""
        with self._db.read() as session:
            return video_edits.work_on(session, video_id)

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
        """All videos, archived ones too (their work stays in reports and exports), by
        participant code and timepoint."""
        with self._db.read() as session:
            return convert.load_videos(session)

    def in_use(self) -> list[Video]:
        """The videos not archived: what the coding lists show and the sample draws from."""
        with self._db.read() as session:
            return convert.load_videos(session, VideoRow.archived_at.is_(None))

    def archived(self) -> list[Video]:
        """The archived videos (removed with work on them), for restoring."""
        with self._db.read() as session:
            return convert.load_videos(session, VideoRow.archived_at.is_not(None))

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
