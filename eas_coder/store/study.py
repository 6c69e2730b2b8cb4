"""The Study service: every read and write the app makes, each write one audited commit.

The GUI, the CLI and the importers all go through this class; none of them holds a
SQLAlchemy session. Scores are validated against the study's scheme snapshot before a
transaction opens, so a bad score never reaches the database.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Self

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from eas_coder import __version__
from eas_coder.errors import Conflict, NotFound, StudyError
from eas_coder.location import Location
from eas_coder.model import (
    Assignment,
    AssignmentStatus,
    AuditEntry,
    CheckReport,
    Coder,
    Rating,
    Segment,
    StudyInfo,
    StudySnapshot,
    Video,
    VideoInfo,
)
from eas_coder.scheme import Scheme, parse_scheme
from eas_coder.store import convert
from eas_coder.store.database import head_revision, integrity_messages, open_engine
from eas_coder.store.tables import (
    AssignmentRow,
    AuditRow,
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    StudyRow,
    VideoRow,
    utcnow,
)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


class Study:
    """An open study database. Use ``Study.open`` or ``Study.create``; close when done."""

    def __init__(self, engine: Engine, location: Location, actor: str | None = None) -> None:
        self._engine = engine
        self.location = location
        self.actor = actor or _os_user()
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # --- lifecycle ------------------------------------------------------------------------

    @classmethod
    def open(cls, location: Location, actor: str | None = None) -> Study:
        """Open an existing study, migrating an older schema forward."""
        study = cls(open_engine(location, create=False), location, actor)
        try:
            study.info  # noqa: B018 -- fail now, not later, if the study row is missing
        except BaseException:
            study.close()
            raise
        return study

    @classmethod
    def create(
        cls, location: Location, scheme: Scheme, name: str, actor: str | None = None
    ) -> Study:
        """Create a study with a snapshot of ``scheme``; refuses if one already exists."""
        engine = open_engine(location, create=True)
        study = cls(engine, location, actor)
        try:
            with study._write() as session:
                if session.get(StudyRow, 1) is not None:
                    raise Conflict(f"{location.display()}: a study already exists here")
                session.add(
                    StudyRow(
                        id=1,
                        name=name,
                        scheme_id=scheme.id,
                        scheme_version=scheme.version,
                        scheme_toml=scheme.source_text,
                        app_version=__version__,
                    )
                )
                study._audit(session, "study.create", "study", 1, None, {"name": name})
        except BaseException:
            study.close()
            raise
        return study

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One short transaction: committed on success, rolled back on any error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise Conflict(f"the change conflicts with what is stored ({exc.orig})") from exc
            except BaseException:
                session.rollback()
                raise

    def _audit(
        self, session: Session, action: str, entity: str, entity_id: int | None, old: Any, new: Any
    ) -> None:
        session.add(
            AuditRow(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                old=_json(old),
                new=_json(new),
            )
        )

    # --- the study itself -----------------------------------------------------------------

    @property
    def info(self) -> StudyInfo:
        """Name, scheme and schema revision of the study."""
        with self._read() as session:
            row = session.get(StudyRow, 1)
            if row is None:
                raise StudyError(f"{self.location.display()}: the database holds no study")
            return StudyInfo(
                row.name, row.scheme_id, row.scheme_version, row.created_at, head_revision()
            )

    @cached_property
    def scheme(self) -> Scheme:
        """The study's scheme, parsed from its snapshot (never from a file on disk)."""
        with self._read() as session:
            row = session.get(StudyRow, 1)
            if row is None:
                raise StudyError(f"{self.location.display()}: the database holds no study")
            return parse_scheme(row.scheme_toml, source=f"scheme snapshot of {row.name!r}")

    # --- coders and participants ------------------------------------------------------------

    def add_coder(self, name: str) -> Coder:
        """Add a coder; names are unique."""
        name = name.strip()
        if not name:
            raise StudyError("a coder needs a name")
        with self._write() as session:
            if session.scalar(select(CoderRow.id).where(CoderRow.name == name)) is not None:
                raise Conflict(f"a coder called {name!r} already exists")
            row = CoderRow(name=name, active=True)
            session.add(row)
            session.flush()
            self._audit(session, "coder.add", "coder", row.id, None, {"name": name})
            return convert.coder(row)

    def coders(self) -> list[Coder]:
        """All coders, by name."""
        with self._read() as session:
            rows = session.scalars(select(CoderRow).order_by(CoderRow.name))
            return [convert.coder(row) for row in rows]

    def coder(self, name_or_id: str | int) -> Coder:
        """A coder by id or by name."""
        with self._read() as session:
            if isinstance(name_or_id, int):
                row = session.get(CoderRow, name_or_id)
            else:
                row = session.scalar(select(CoderRow).where(CoderRow.name == name_or_id))
            if row is None:
                raise NotFound(f"no coder {name_or_id!r} in this study")
            return convert.coder(row)

    def _participant_id(self, session: Session, code: str) -> int:
        code = code.strip()
        if not code:
            raise StudyError("a participant needs a dyad code")
        found = session.scalar(select(ParticipantRow.id).where(ParticipantRow.code == code))
        if found is not None:
            return found
        row = ParticipantRow(code=code, note="")
        session.add(row)
        session.flush()
        self._audit(session, "participant.add", "participant", row.id, None, {"code": code})
        return row.id

    # --- videos -----------------------------------------------------------------------------

    def stored_path(self, path: Path) -> str:
        """How a video path is stored: relative to the study file when inside its folder."""
        absolute = path.expanduser().resolve()
        base = self.location.base_dir
        if base is not None and absolute.is_relative_to(base):
            return PurePosixPath(*absolute.relative_to(base).parts).as_posix()
        return absolute.as_posix()

    def video_file(self, video: Video) -> Path | None:
        """The absolute path of a video's file (which may not exist), or None."""
        if video.path is None:
            return None
        stored = Path(video.path)
        if stored.is_absolute() or self.location.base_dir is None:
            return stored
        return self.location.base_dir / stored

    def add_video(
        self, participant: str, timepoint: str, path: Path | None, info: VideoInfo | None = None
    ) -> Video:
        """Register a video (probed elsewhere) or a file-less session for imported ratings."""
        timepoint = timepoint.strip()
        if not timepoint:
            raise StudyError("a video needs a timepoint label such as 'T1 pre'")
        stored = None if path is None else self.stored_path(path)
        with self._write() as session:
            row = VideoRow(
                participant_id=self._participant_id(session, participant),
                timepoint=timepoint,
                path=stored,
            )
            if info is not None:
                row.duration_ms, row.fps, row.frame_count = (
                    info.duration_ms,
                    info.fps,
                    info.frame_count,
                )
                row.width, row.height = info.width, info.height
                row.file_size, row.fingerprint = info.file_size, info.fingerprint
            session.add(row)
            session.flush()
            new = {"participant": participant, "timepoint": timepoint, "path": stored}
            self._audit(session, "video.add", "video", row.id, None, new)
            video_id = row.id
        return self.video(video_id)

    def videos(self) -> list[Video]:
        """All videos, by participant code and timepoint."""
        with self._read() as session:
            return convert.load_videos(session)

    def video(self, video_id: int) -> Video:
        """One video by id."""
        with self._read() as session:
            found = convert.load_videos(session, VideoRow.id == video_id)
        if not found:
            raise NotFound(f"no video with id {video_id} in this study")
        return found[0]

    # --- segments ---------------------------------------------------------------------------

    def _check_span(self, start_ms: int, end_ms: int, episode: str | None) -> None:
        if start_ms < 0 or end_ms <= start_ms:
            raise StudyError(f"a segment must end after it starts ({start_ms}–{end_ms} ms)")
        if (
            episode is not None
            and self.scheme.episodes
            and episode not in self.scheme.episode_keys()
        ):
            known = ", ".join(self.scheme.episode_keys())
            raise StudyError(f"unknown episode label {episode!r}; known: {known}")

    def _require(self, session: Session, table: type[Any], key: int, what: str) -> Any:
        row = session.get(table, key)
        if row is None:
            raise NotFound(f"no {what} with id {key} in this study")
        return row

    def add_segment(
        self,
        video_id: int,
        coder_id: int,
        start_ms: int,
        end_ms: int,
        episode: str | None = None,
        note: str = "",
    ) -> Segment:
        """Mark an interaction episode on a video."""
        self._check_span(start_ms, end_ms, episode)
        with self._write() as session:
            self._require(session, VideoRow, video_id, "video")
            self._require(session, CoderRow, coder_id, "coder")
            row = SegmentRow(
                video_id=video_id,
                coder_id=coder_id,
                start_ms=start_ms,
                end_ms=end_ms,
                episode=episode,
                note=note,
            )
            session.add(row)
            session.flush()
            self._audit(session, "segment.add", "segment", row.id, None, _segment_state(row))
            return convert.segment(row)

    def update_segment(
        self, segment_id: int, *, start_ms: int, end_ms: int, episode: str | None, note: str
    ) -> Segment:
        """Change a segment's span, episode label or note."""
        self._check_span(start_ms, end_ms, episode)
        with self._write() as session:
            row = self._require(session, SegmentRow, segment_id, "segment")
            old = _segment_state(row)
            row.start_ms, row.end_ms, row.episode, row.note = start_ms, end_ms, episode, note
            self._audit(session, "segment.update", "segment", row.id, old, _segment_state(row))
            return convert.segment(row)

    def delete_segment(self, segment_id: int) -> None:
        """Delete a segment and the ratings made on it."""
        with self._write() as session:
            row = self._require(session, SegmentRow, segment_id, "segment")
            old = _segment_state(row)
            session.query(RatingRow).filter(RatingRow.segment_id == segment_id).delete()
            session.delete(row)
            self._audit(session, "segment.delete", "segment", segment_id, old, None)

    def segments(self, video_id: int | None = None, coder_id: int | None = None) -> list[Segment]:
        """Segments, optionally of one video and/or one coder, in time order."""
        where = _filters(SegmentRow, video_id=video_id, coder_id=coder_id)
        with self._read() as session:
            return convert.load_segments(session, *where)

    # --- ratings ----------------------------------------------------------------------------

    def set_rating(
        self,
        video_id: int,
        coder_id: int,
        dimension: str,
        score: float,
        segment_id: int | None = None,
        items: Mapping[str, float] | None = None,
    ) -> Rating:
        """Save one score (for a segment, or the whole session when segment_id is None).

        The score is validated against the scheme first; on return it is committed.
        """
        value, item_scores = self.scheme.validate(dimension, score, items)
        with self._write() as session:
            self._require(session, VideoRow, video_id, "video")
            self._require(session, CoderRow, coder_id, "coder")
            if segment_id is not None:
                seg = self._require(session, SegmentRow, segment_id, "segment")
                if seg.video_id != video_id:
                    raise StudyError(f"segment {segment_id} belongs to another video")
            row = session.scalar(
                select(RatingRow).where(
                    RatingRow.video_id == video_id,
                    RatingRow.coder_id == coder_id,
                    RatingRow.dimension == dimension,
                    RatingRow.segment_id.is_(None)
                    if segment_id is None
                    else RatingRow.segment_id == segment_id,
                )
            )
            old = None if row is None else {"score": row.score, "items": row.items}
            if row is None:
                row = RatingRow(
                    video_id=video_id, coder_id=coder_id, dimension=dimension, segment_id=segment_id
                )
                session.add(row)
            row.score, row.items, row.updated_at = value, item_scores, utcnow()
            session.flush()
            new = {"score": value, "items": item_scores, "dimension": dimension}
            self._audit(session, "rating.set", "rating", row.id, old, new)
            return convert.rating(row)

    def clear_rating(self, rating_id: int) -> None:
        """Remove one score."""
        with self._write() as session:
            row = self._require(session, RatingRow, rating_id, "rating")
            old = {"score": row.score, "items": row.items, "dimension": row.dimension}
            session.delete(row)
            self._audit(session, "rating.clear", "rating", rating_id, old, None)

    def ratings(self, video_id: int | None = None, coder_id: int | None = None) -> list[Rating]:
        """Ratings, optionally of one video and/or one coder."""
        where = _filters(RatingRow, video_id=video_id, coder_id=coder_id)
        with self._read() as session:
            return convert.load_ratings(session, *where)

    # --- assignments ------------------------------------------------------------------------

    def assign(self, video_id: int, coder_id: int) -> Assignment:
        """Give a video to a coder (once)."""
        with self._write() as session:
            self._require(session, VideoRow, video_id, "video")
            self._require(session, CoderRow, coder_id, "coder")
            row = AssignmentRow(video_id=video_id, coder_id=coder_id, status="assigned")
            session.add(row)
            session.flush()
            new = {"video_id": video_id, "coder_id": coder_id}
            self._audit(session, "assignment.add", "assignment", row.id, None, new)
            return convert.assignment(row)

    def set_assignment_status(self, assignment_id: int, status: AssignmentStatus) -> Assignment:
        """Move an assignment to assigned / in progress / done."""
        status = AssignmentStatus(status)
        with self._write() as session:
            row = self._require(session, AssignmentRow, assignment_id, "assignment")
            old, row.status = row.status, status.value
            self._audit(session, "assignment.status", "assignment", row.id, old, status.value)
            return convert.assignment(row)

    def assignments(self, coder_id: int | None = None) -> list[Assignment]:
        """Assignments, optionally of one coder."""
        with self._read() as session:
            return convert.load_assignments(session, *_filters(AssignmentRow, coder_id=coder_id))

    # --- the whole study ----------------------------------------------------------------------

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """Recorded changes, newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        with self._read() as session:
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.old, r.new)
                for r in session.scalars(query)
            ]

    def load(self) -> StudySnapshot:
        """Everything in the study, read in one transaction (a consistent snapshot)."""
        info = self.info
        with self._read() as session:
            return StudySnapshot(
                info=info,
                coders=tuple(convert.coder(r) for r in session.scalars(select(CoderRow))),
                participants=tuple(
                    convert.participant(r) for r in session.scalars(select(ParticipantRow))
                ),
                videos=tuple(convert.load_videos(session)),
                segments=tuple(convert.load_segments(session)),
                ratings=tuple(convert.load_ratings(session)),
                assignments=tuple(convert.load_assignments(session)),
            )

    def check(self) -> CheckReport:
        """Database integrity and whether every video file is still where it was."""
        with self._engine.connect() as conn:
            problems = integrity_messages(conn)
        missing: list[Video] = []
        changed: list[Video] = []
        for video in self.videos():
            path = self.video_file(video)
            if path is None:
                continue
            if not path.is_file():
                missing.append(video)
            elif video.file_size is not None and path.stat().st_size != video.file_size:
                changed.append(video)
        return CheckReport(not problems, tuple(problems), tuple(missing), tuple(changed))


def _segment_state(row: SegmentRow) -> dict[str, Any]:
    return {
        "video_id": row.video_id,
        "coder_id": row.coder_id,
        "start_ms": row.start_ms,
        "end_ms": row.end_ms,
        "episode": row.episode,
        "note": row.note,
    }


def _filters(table: type[Any], **equal: int | None) -> list[Any]:
    return [getattr(table, name) == value for name, value in equal.items() if value is not None]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")
