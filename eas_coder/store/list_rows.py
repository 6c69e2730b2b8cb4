"""The Videos list as one person sees it, read in a few column queries (issue 18).

The window's live refresh reads, in a worker thread with a connection of its own, only the
rows that changed since it last looked (after a long gap, all of them). What is read for a
row follows blind coding: the lab manager gets every coder's assignment of the video; a coder
gets only their own assignment and whether they saved any work on it. No score is read.
A video is listed while it is not archived (``Videos.in_use``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from eas_coder.location import Location
from eas_coder.model import AssignmentStatus, Video
from eas_coder.store import convert
from eas_coder.store.database import make_engine
from eas_coder.store.tables import (
    AssignmentRow,
    CoderRow,
    ItemDraftRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
)
from eas_coder.store.unit import StudyDb
from eas_coder.store.videos import Videos

# What counts as a coder's work on a video (their status is "in progress" once any exists).
WORK_TABLES = (SegmentRow, RatingRow, ItemDraftRow)


@dataclass(frozen=True)
class ListViewer:
    """Who the list is for: the lab manager, a coder (by id), or nobody signed in yet."""

    coder_id: int | None = None
    manager: bool = False


@dataclass(frozen=True)
class ListedVideo:
    """One row of the list: the video, whether its file is on this computer, its stored
    accuracy check (JSON), and the assignments the viewer may see, as (coder name, status):
    every coder's for the lab manager, at most the coder's own for a coder."""

    video: Video
    present: bool
    accuracy: str | None
    assigned: tuple[tuple[str, AssignmentStatus], ...] = ()
    worked: bool = False  # the coder saved a segment, rating or draft on it (coders only)


class ListReader:
    """Reads list rows on its own engine; use it in the one thread that made it."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db
        self._videos = Videos(db)  # where files are on this computer (media roots)

    @classmethod
    def open(cls, location: Location, actor: str = "live refresh") -> ListReader:
        """A reader with its own connections (no schema check: the window opened the study)."""
        return cls(StudyDb(make_engine(location), location, actor))

    def close(self) -> None:
        """Release the connections."""
        self._db.close()

    def rows(
        self, viewer: ListViewer, video_ids: Collection[int] | None = None
    ) -> tuple[list[ListedVideo], set[int]]:
        """The listed videos among ``video_ids`` (every one when None), in list order, and
        those of ``video_ids`` no longer listed (removed or archived)."""
        where: list[Any] = [VideoRow.archived_at.is_(None)]
        if video_ids is not None:
            if not video_ids:
                return [], set()
            where.append(VideoRow.id.in_(sorted(video_ids)))
        with self._db.read() as session:
            videos = convert.load_videos(session, *where)
            ids = None if video_ids is None else [v.id for v in videos]
            query = select(VideoRow.id, VideoRow.accuracy).where(
                VideoRow.accuracy.is_not(None), *_among(VideoRow.id, ids)
            )
            accuracy = {i: text for i, text in session.execute(query) if text is not None}
            assigned = _assigned(session, viewer, ids)
            worked = set() if viewer.manager else worked_video_ids(session, viewer.coder_id, ids)
        rows = [
            ListedVideo(v, self._present(v), accuracy.get(v.id), assigned.get(v.id, ()),
                        v.id in worked)
            for v in videos
        ]  # fmt: skip
        gone = set() if video_ids is None else set(video_ids) - {v.id for v in videos}
        return rows, gone

    def _present(self, video: Video) -> bool:
        try:
            path = self._videos.file_of(video)
            return bool(path and path.is_file())
        except (OSError, ValueError):  # an unreachable share or an unusable stored path
            return False

    def assignment_pairs(self, assignment_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """(video id, coder id) of these assignments (those still stored)."""
        wanted = sorted(set(assignment_ids))
        if not wanted:
            return {}
        query = select(AssignmentRow.id, AssignmentRow.video_id, AssignmentRow.coder_id)
        with self._db.read() as session:
            found = session.execute(query.where(AssignmentRow.id.in_(wanted)))
            return {i: (v, c) for i, v, c in found}

    def coder_names(self) -> dict[int, str]:
        """Every coder's name by id (a few rows)."""
        with self._db.read() as session:
            return {i: name for i, name in session.execute(select(CoderRow.id, CoderRow.name))}

    def labels(self, video_ids: Iterable[int]) -> dict[int, str]:
        """Labels ("D014 · T1 pre") of these videos, archived ones too (the feed names them)."""
        wanted = sorted(set(video_ids))
        if not wanted:
            return {}
        query = (
            select(VideoRow.id, ParticipantRow.code, VideoRow.timepoint)
            .join(ParticipantRow, VideoRow.participant_id == ParticipantRow.id)
            .where(VideoRow.id.in_(wanted))
        )
        with self._db.read() as session:
            return {i: f"{code} · {timepoint}" for i, code, timepoint in session.execute(query)}


def _among(column: Any, ids: list[int] | None) -> list[Any]:
    return [] if ids is None else [column.in_(ids)]


def _assigned(
    session: Any, viewer: ListViewer, ids: list[int] | None
) -> dict[int, tuple[tuple[str, AssignmentStatus], ...]]:
    if not viewer.manager and viewer.coder_id is None:
        return {}
    query = (
        select(AssignmentRow.video_id, CoderRow.name, AssignmentRow.status)
        .join(CoderRow, AssignmentRow.coder_id == CoderRow.id)
        .where(*_among(AssignmentRow.video_id, ids))
        .order_by(AssignmentRow.video_id, AssignmentRow.coder_id)
    )
    if not viewer.manager:  # blind coding: a coder reads their own assignment only
        query = query.where(AssignmentRow.coder_id == viewer.coder_id)
    found: dict[int, list[tuple[str, AssignmentStatus]]] = {}
    for video_id, name, status in session.execute(query):
        found.setdefault(video_id, []).append((name, AssignmentStatus(status)))
    return {video_id: tuple(pairs) for video_id, pairs in found.items()}


def worked_video_ids(session: Any, coder_id: int | None, ids: list[int] | None) -> set[int]:
    """The videos the coder saved anything on (segments, ratings, item drafts)."""
    if coder_id is None:
        return set()
    found: set[int] = set()
    for table in WORK_TABLES:
        query = select(table.video_id).distinct().where(table.coder_id == coder_id)
        found.update(session.scalars(query.where(*_among(table.video_id, ids))))
    return found
