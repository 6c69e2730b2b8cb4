"""Where the export's ratings and segments come from, one video's at a time: streamed from
the study (an export: ``store.export_rows``), or a snapshot already in memory (the change
report). Blind coding is applied here, to every row, as ``Viewer.only_visible`` does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from eas_coder.model import Segment, StudySnapshot, Video
from eas_coder.store.export_rows import (
    RatingLine,
    rating_lines,
    rating_lines_by_video_order,
    reading,
    segment_stream,
    segments_by_id,
)
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer


@dataclass(frozen=True)
class StudyRows:
    """The study's ratings and segments, read in chunks while they are written."""

    study: Study
    viewer: Viewer | None = None  # None: everything (the lab manager's view)

    def _sees(self, video_id: int, coder_id: int) -> bool:
        return self.viewer is None or self.viewer.manager or self.viewer.sees(video_id, coder_id)

    def rating_lines(self, coder_ids: list[int], video_order: bool) -> Iterator[RatingLine]:
        with reading(self.study) as session:
            read = rating_lines_by_video_order if video_order else rating_lines
            for line in read(session, coder_ids):
                if self._sees(line.rating.video_id, line.rating.coder_id):
                    yield line

    def segments(self, coder_ids: list[int]) -> Iterator[Segment]:
        with reading(self.study) as session:
            for segment in segment_stream(session, coder_ids):
                if self._sees(segment.video_id, segment.coder_id):
                    yield segment

    def segments_by_id(self, ids: list[int]) -> dict[int, Segment]:
        with reading(self.study) as session:
            found = segments_by_id(session, ids)
        return {i: s for i, s in found.items() if self._sees(s.video_id, s.coder_id)}


def snapshot_lines(
    snapshot: StudySnapshot,
    saved_at: Mapping[int, datetime],
    coder_ids: Sequence[int],
    video_order: bool,
) -> Iterator[RatingLine]:
    """``StudyRows.rating_lines`` from a snapshot in memory (in the same orders)."""
    chosen = set(coder_ids)
    segments = {s.id: s for s in snapshot.segments}
    ratings = [r for r in snapshot.ratings if r.coder_id in chosen]
    if video_order:
        place = {v.id: n for n, v in enumerate(snapshot.videos)}
        ratings.sort(key=lambda r: place.get(r.video_id, -1))  # stable: each video's order kept
    for r in ratings:
        segment = None if r.segment_id is None else segments.get(r.segment_id)
        yield RatingLine(r, saved_at.get(r.id), segment)


def by_video(lines: Iterable[RatingLine]) -> Iterator[tuple[int, list[RatingLine]]]:
    """Consecutive lines of the same video, together (one video's ratings at a time)."""
    for video_id, group in groupby(lines, key=lambda line: line.rating.video_id):
        yield video_id, list(group)


def per_video(
    every_video: Sequence[Video], chosen: Sequence[Video], lines: Iterable[RatingLine]
) -> Iterator[tuple[Video, list[RatingLine]]]:
    """Each chosen video (in ``every_video``'s order) with its lines, which come in that
    order too (``video_order``); a video without ratings gets an empty list."""
    place = {v.id: n for n, v in enumerate(every_video)}
    groups = by_video(lines)
    pending = next(groups, None)
    for video in chosen:
        at = place[video.id]
        while pending is not None and place.get(pending[0], -1) < at:
            pending = next(groups, None)  # a video left out of the export (or added since)
        if pending is not None and pending[0] == video.id:
            yield video, pending[1]
            pending = next(groups, None)
        else:
            yield video, []


def durations(lines: Iterable[RatingLine]) -> dict[int, float]:
    """The duration (ms) of each line's segment, by segment id."""
    return {
        line.segment.id: float(line.segment.duration_ms)
        for line in lines
        if line.segment is not None
    }
