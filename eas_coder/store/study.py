"""The Study service: every read and write the app makes, each write one audited commit.

The GUI, the CLI and the importers all go through a ``Study``; none of them holds a
SQLAlchemy session. Its parts each own one kind of record::

    study.coders.add("Ana")
    video = study.videos.add("D014", "T1 pre", path, probe(path))
    segment = study.segments.add(video.id, coder.id, 0, 60_000, "free_play")
    study.ratings.set(video.id, coder.id, "sensitivity", 5.5, segment_id=segment.id)
    study.assignments.add(video.id, coder.id)

Scores are validated against the study's scheme snapshot before a transaction opens, so a
bad score never reaches the database.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace
from types import TracebackType
from typing import Self

from sqlalchemy import exists, or_, select

from eas_coder import __version__
from eas_coder.errors import Conflict, StudyError
from eas_coder.location import Location
from eas_coder.model import AuditEntry, CheckReport, StudyInfo, StudySnapshot, Video
from eas_coder.scheme import Scheme, parse_scheme
from eas_coder.store import backups, convert, schemes
from eas_coder.store.assignments import Assignments
from eas_coder.store.attachments import Attachments
from eas_coder.store.bulk import ImportedRating, ImportSummary, apply_import
from eas_coder.store.coders import Coders
from eas_coder.store.consensus import ConsensusScores
from eas_coder.store.database import head_revision, integrity_messages, open_engine
from eas_coder.store.item_drafts import ItemDrafts
from eas_coder.store.list_rows import WORK_TABLES, worked_video_ids
from eas_coder.store.manager import Manager
from eas_coder.store.measures import Measures
from eas_coder.store.positions import Positions
from eas_coder.store.ratings import Ratings
from eas_coder.store.segments import Segments
from eas_coder.store.settings import Settings
from eas_coder.store.tables import AuditRow, CoderRow, ParticipantRow, StudyRow
from eas_coder.store.templates import Templates
from eas_coder.store.timepoints import Timepoints
from eas_coder.store.unit import StudyDb
from eas_coder.store.videos import Videos


class Study:
    """An open study database. Use ``Study.open`` or ``Study.create``; close when done."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db
        self._start()

    def _start(self) -> None:
        """Read the study and its scheme in force, and build the services on them."""
        db = self._db
        self.info, self.scheme = self._read_study_row()
        self.coders = Coders(db)
        self.videos = Videos(db)
        self.segments = Segments(db, self.scheme)
        self.ratings = Ratings(db, self.scheme)
        self.item_drafts = ItemDrafts(db, self.scheme, self.ratings)  # unfinished derived items
        self.assignments = Assignments(db)
        self.settings = Settings(db)
        self.consensus = ConsensusScores(db, self.scheme)
        self.manager = Manager(db)
        self.templates = Templates(db, self.scheme)
        self.attachments = Attachments(db, self.videos)
        self.timepoints = Timepoints(db)  # the order of timepoints (issue 22)
        self.measures = Measures(db)  # BDI, PSI, ... beside the EAS
        self.positions = Positions(db)  # where each coder last was in each video

    @property
    def location(self) -> Location:
        """Where the study lives."""
        return self._db.location

    @property
    def actor(self) -> str:
        """Who the audit log names for changes made through this object."""
        return self._db.actor

    # --- lifecycle ------------------------------------------------------------------------

    @classmethod
    def open(cls, location: Location, actor: str | None = None, backup: bool = True) -> Study:
        """Open an existing study, migrating an older schema forward.

        A study file is checked first (``StudyDamaged`` names a good backup) and, once open,
        backed up (``store/backups.py``); ``backup=False`` skips the backup, for a look that
        should leave the backups as they are (listing them, checking before a restore).
        """
        if location.path is not None:
            backups.refuse_damaged(location.path)
        db = StudyDb(open_engine(location, create=False), location, actor)
        try:
            study = cls(db)
            if location.path is not None and backup:
                backups.backup_on_open(location.path, study.settings.get("backups.keep"))
        except BaseException:
            db.close()
            raise
        return study

    @classmethod
    def create(
        cls, location: Location, scheme: Scheme, name: str, actor: str | None = None
    ) -> Study:
        """Create a study holding a snapshot of ``scheme``; refuses if one already exists."""
        db = StudyDb(open_engine(location, create=True), location, actor)
        try:
            with db.write() as session:
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
                schemes.record_first(session, scheme, db.actor)
                db.audit(session, "study.create", "study", 1, None, {"name": name})
            return cls(db)
        except BaseException:
            db.close()
            raise

    def writes(self) -> int:
        """Write transactions this process committed to the study so far (a change stamp:
        rows read before it moved may be old)."""
        return self._db.writes

    def close(self) -> None:
        """Release the database connections."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _read_study_row(self) -> tuple[StudyInfo, Scheme]:
        with self._db.read() as session:
            row = session.get(StudyRow, 1)
            if row is None:
                raise StudyError(f"{self.location.display()}: the database holds no study")
            info = StudyInfo(
                row.name, row.scheme_id, row.scheme_version, row.created_at, head_revision()
            )
            # The scheme comes from the snapshot, never from a file on disk.
            scheme = parse_scheme(
                row.scheme_toml, source=f"scheme snapshot of {row.name!r}", strict=False
            )
            scheme = replace(scheme, revision=schemes.current_number(session))
        return info, scheme

    @property
    def scheme_revision(self) -> int:
        """The number of the scheme version in force (1, 2, ...; store/schemes.py)."""
        return self.scheme.revision

    def set_scheme(self, scheme: Scheme) -> int:
        """Make ``scheme`` the study's next scheme version (the lab manager's decision:
        callers check who asks); ratings already given keep their version. Returns the
        version in force, and this object goes on under it."""
        number = schemes.save_scheme_version(self._db, scheme)
        self._start()
        return number

    def scheme_versions(self) -> list[schemes.SchemeVersion]:
        """Every version of the study's scheme, oldest first."""
        return schemes.versions(self._db)

    def transaction(self, commit: bool = True) -> AbstractContextManager[None]:
        """Every write made in the block is one transaction, with every service's checks
        (``StudyDb.transaction``); ``commit=False`` rolls it all back (a true dry run)."""
        return self._db.transaction(commit)

    def bulk_import(
        self,
        ratings: list[ImportedRating],
        source: str,
        allow_new: bool = False,
        dry_run: bool = False,
    ) -> ImportSummary:
        """Write validated imported ratings (see eas_coder.exchange.importer) atomically,
        under the window's rules (store.bulk); a dry run checks everything, writes nothing."""
        return apply_import(self._db, ratings, source, self.segments, allow_new, dry_run)

    def has_work(self, video_id: int, coder_id: int) -> bool:
        """True when the coder saved anything on the video: a segment, a rating or an item
        draft (one query: the window asks on every switch of videos)."""
        query = select(
            or_(
                *(
                    exists().where(table.video_id == video_id, table.coder_id == coder_id)
                    for table in WORK_TABLES
                )
            )
        )
        with self._db.read() as session:
            return bool(session.scalar(query))

    def worked_videos(self, coder_id: int) -> set[int]:
        """The videos the coder saved anything on (three column queries: the Videos list
        shows every video's status at sign-in, 10,000 of them in a large study)."""
        with self._db.read() as session:
            return worked_video_ids(session, coder_id, None)

    # --- the whole study ----------------------------------------------------------------------

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """Recorded changes, newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        with self._db.read() as session:
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.old, r.new)
                for r in session.scalars(query)
            ]

    def load(self) -> StudySnapshot:
        """Everything in the study, read in one transaction (a consistent snapshot)."""
        with self._db.read() as session:
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                # READ COMMITTED would let each SELECT see other coders' newer commits
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            return StudySnapshot(
                info=self.info,
                coders=tuple(
                    convert.coder(r)
                    for r in session.scalars(select(CoderRow).order_by(CoderRow.name))
                ),
                participants=tuple(
                    convert.participant(r)
                    for r in session.scalars(select(ParticipantRow).order_by(ParticipantRow.code))
                ),
                videos=tuple(convert.load_videos(session)),
                segments=tuple(convert.load_segments(session)),
                ratings=tuple(convert.load_ratings(session)),
                assignments=tuple(convert.load_assignments(session)),
            )

    def check(self) -> CheckReport:
        """Database integrity, and whether every video file is still where it was."""
        with self._db.engine.connect() as conn:
            problems = integrity_messages(conn)
        missing: list[Video] = []
        changed: list[Video] = []
        for video in self.videos.all():
            path = self.videos.file_of(video)
            if path is None:
                continue
            if not path.is_file():
                missing.append(video)
            elif video.file_size is not None and path.stat().st_size != video.file_size:
                changed.append(video)
        extra: list[str] = []
        for attached in self.attachments.all():
            file = self.attachments.file_of(attached)
            if not file.is_file():
                extra.append(f"missing attached {attached.kind}: {file}")
            elif attached.file_size is not None and file.stat().st_size != attached.file_size:
                extra.append(f"attached {attached.kind} changed size: {file}")
        return CheckReport(
            not problems, tuple(problems), tuple(missing), tuple(changed), tuple(extra)
        )
