"""What the coding session lets the viewer see of the open video: their own segments,
ratings and status, and the other coders' work blind coding allows. Each read is asked of
the session's ``ReadMemo``: one event asks the study each question once (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from eas_coder.coding import CodingStatus, coding_status, only_visible, visible_coders
from eas_coder.gui.coding.read_memo import (
    COUNTS,
    DRAFTS,
    HAS_WORK,
    RATINGS,
    SEGMENTS,
    VIDEO_SEGMENTS,
    ReadMemo,
)
from eas_coder.model import Assignment, Coder, Rating, Segment, Video
from eas_coder.store.item_drafts import ItemDraft
from eas_coder.store.study import Study

T = TypeVar("T")


class SessionReads:
    """Mixed into ``CodingSession``: the reads of what the signed-in person may see."""

    study: Study
    coder: Coder | None
    video: Video | None
    manager: bool
    reads: ReadMemo

    def assignments_of(self, video_id: int) -> list[Assignment]:
        raise NotImplementedError  # the session's

    def _mine(self, kind: str, read: Callable[[int, int], list[T]]) -> list[T]:
        """The signed-in coder's ``kind`` of the open video ([] with none), read once an event;
        ``read(video id, coder id)`` reads it."""
        if self.video is None or self.coder is None:
            return []
        video_id, coder_id = self.video.id, self.coder.id
        return self.reads.get((kind, video_id, coder_id), lambda: read(video_id, coder_id))

    def my_segments(self) -> list[Segment]:
        """The coder's own segments of the video, in time order."""
        return self._mine(SEGMENTS, lambda v, c: self.study.segments.all(video_id=v, coder_id=c))

    def my_ratings(self) -> list[Rating]:
        """The coder's own ratings of the video."""
        return self._mine(RATINGS, lambda v, c: self.study.ratings.all(video_id=v, coder_id=c))

    def my_drafts(self) -> list[ItemDraft]:
        """The coder's unfinished items of derived dimensions of the open video."""
        return self._mine(DRAFTS, lambda v, c: self.study.item_drafts.all(video_id=v, coder_id=c))

    def others_segments(self) -> dict[int, list[Segment]]:
        """Other coders' segments of the video that blind coding lets the viewer see."""
        if self.video is None:
            return {}
        visible = visible_coders(
            self.assignments_of(self.video.id),
            self.video.id,
            self.coder.id if self.coder else None,
            self.manager,
        )
        mine = self.coder.id if self.coder else None
        shown: dict[int, list[Segment]] = {}
        video_id = self.video.id
        every = self.reads.get(
            (VIDEO_SEGMENTS, video_id), lambda: self.study.segments.all(video_id=video_id)
        )
        for segment in only_visible(every, visible):
            if segment.coder_id != mine:
                shown.setdefault(segment.coder_id, []).append(segment)
        return shown

    def status(self) -> CodingStatus | None:
        """The coder's status on the open video."""
        if self.video is None or self.coder is None:
            return None
        return self.status_of(self.video.id)

    def status_of(self, video_id: int) -> CodingStatus:
        """The signed-in coder's status on one video (two small indexed queries)."""
        if self.coder is None:
            return CodingStatus.NOT_STARTED
        coder_id = self.coder.id
        if self._submitted(video_id):
            return CodingStatus.SUBMITTED
        work = self.reads.get(
            (HAS_WORK, video_id, coder_id), lambda: self.study.has_work(video_id, coder_id)
        )
        return coding_status(False, work)

    def counts_by_coder(self, video_id: int) -> dict[int, tuple[str, int]]:
        """Per coder of a video: (name, how many scores) — every coder, blind or not."""
        return self.reads.get(
            (COUNTS, video_id), lambda: self.study.ratings.counts_by_coder(video_id)
        )

    def _submitted(self, video_id: int) -> bool:
        if self.coder is None:
            return False
        return any(
            a.coder_id == self.coder.id and a.status == "done"
            for a in self.assignments_of(video_id)
        )

    def is_locked(self) -> bool:
        """True when the coder submitted the open video (their work is read-only)."""
        return self.video is not None and self._submitted(self.video.id)

    def find_rating(self, dimension: str, segment_id: int | None) -> Rating | None:
        """The coder's rating of one dimension of one target."""
        for rating in self.my_ratings():
            if rating.dimension == dimension and rating.segment_id == segment_id:
                return rating
        return None
