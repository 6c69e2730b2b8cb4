"""Frame numbers for the exported segments: the frames the coder saw, from each video's index.

A segment stores times in ms (the start of the frame I was pressed on; the start of the frame
after the one O was pressed on). Mapping them through the video's frame index, exactly as the
player mapped frames to times, gives the frames back, for variable-frame-rate files and files
whose timestamps do not start at zero too. A video without its file gets no numbers at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eas_coder.model import Segment, Video
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the media modules (OpenCV, PyAV: 30 MB) load only for a video's file
    from eas_coder.media.frame_cache import FrameIndexCache
    from eas_coder.media.frame_index import FrameIndex

FRAMES_NOTE = (
    "Frame numbers count from 0 in presentation order, as the player shows them. "
    "segment_start_frame is the frame on screen at the segment's start (the first frame in "
    "it); segment_end_frame is the last frame inside the segment (the frame O was pressed "
    "on), so a segment holds end - start + 1 frames. Both come from each video's own frame "
    "timestamps (read by demuxing the file), so variable frame rates and files whose "
    "timestamps do not start at zero are right. They are empty where the video's file was "
    "not available at export: no file (sessions imported from a sheet), a missing file, or a "
    "file whose content is not the recording that was coded."
)


NO_FILE = "no video file (a session imported from a sheet)"
NOT_FOUND = "the video's file was not found"
NOT_THE_RECORDING = "the file is not the recording that was coded, or cannot be read"
_LISTED = 20  # videos named per reason in the Codebook; the rest are counted


@dataclass
class VideoFrames:
    """The frame index of each exported video that has one, and why the others have none."""

    indices: dict[int, FrameIndex] = field(default_factory=dict)
    missing: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (why, file)

    def span(self, segment: Segment) -> tuple[int | None, int | None]:
        """(first frame, last frame) of a segment; (None, None) without the video's index."""
        index = self.indices.get(segment.video_id)
        if index is None:
            return None, None
        from eas_coder.media.frame_cache import last_frame, start_frame

        first = start_frame(index, segment.start_ms)
        if first is None:
            return None, None
        return first, last_frame(index, segment.start_ms, segment.end_ms)


def missing_notes(frames: VideoFrames, labels: dict[int, str]) -> list[tuple[str, str]]:
    """Per reason: (what, which videos) for the Codebook, the first few named."""
    by_reason: dict[str, list[str]] = {}
    for video_id, (reason, file) in sorted(frames.missing.items()):
        name = labels.get(video_id, f"video {video_id}")
        by_reason.setdefault(reason, []).append(f"{name} ({file})" if file else name)
    notes = []
    for reason, videos in by_reason.items():
        shown = "; ".join(videos[:_LISTED])
        more = f"; and {len(videos) - _LISTED} more" if len(videos) > _LISTED else ""
        notes.append((f"no frame numbers: {reason}", f"{len(videos)} video(s): {shown}{more}"))
    return notes


def video_frames(
    study: Study,
    videos: Iterable[Video],
    cache: FrameIndexCache | None = None,
    progress: Callable[[str], None] | None = None,
) -> VideoFrames:
    """Frame indices of ``videos`` from the cache (demuxing only files not seen before)."""
    found = VideoFrames()
    chosen = list(videos)
    for number, video in enumerate(chosen, start=1):
        if progress:
            progress(f"frame numbers: video {number} of {len(chosen)}")
        path = study.videos.file_of(video)
        if path is None:
            found.missing[video.id] = (NO_FILE, "")
            continue
        if not path.is_file():
            found.missing[video.id] = (NOT_FOUND, path.name)
            continue
        if cache is None:
            from eas_coder.media.frame_cache import FrameIndexCache

            cache = FrameIndexCache()
        index = cache.index_for(path, video.fingerprint)
        if index is None:
            found.missing[video.id] = (NOT_THE_RECORDING, path.name)
            continue
        found.indices[video.id] = index
    return found
