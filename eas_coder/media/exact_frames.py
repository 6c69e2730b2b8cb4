"""The exact frame at an index, decoded with PyAV, with a cache around the playhead.

Seeking lands on a keyframe; we decode forward to the wanted frame and keep every frame on
the way (they are the frames a coder steps back through). ``prefetch_step`` fills the rest
of the window around the playhead one frame at a time, so a caller can interleave it with
new requests and ±1 steps in either direction become cache hits.

Frames are cached as decoded (YUV, ~1.5 bytes per pixel) and converted to RGB on request:
twice the frames for the same memory, at ~2 ms per conversion at 720p.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from eas_coder.errors import VideoUnreadable
from eas_coder.media.frame_index import FrameIndex, read_frame_index

DEFAULT_CACHE_BYTES = 192 * 1024 * 1024  # 139 frames at 720p, 64 at 1080p


def first_frame(path: str | os.PathLike[str]) -> np.ndarray | None:
    """The first picture of a video as RGB, or None when nothing decodes (no exception)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            for frame in container.decode(video=0):
                return frame.to_ndarray(format="rgb24")
    except (av.FFmpegError, OSError, ValueError):
        return None
    return None


class ExactFrames:
    """Decodes frames by index; not thread-safe (one owner thread)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        index: FrameIndex | None = None,
        *,
        behind: int = 45,
        ahead: int = 45,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        self.path = Path(path)
        self.index = index if index is not None else read_frame_index(self.path)
        self.behind, self.ahead = behind, ahead
        try:
            self._container = av.open(str(self.path))
        except av.FFmpegError as exc:
            raise VideoUnreadable(str(self.path), f"cannot be decoded ({exc})") from None
        self._stream = self._container.streams.video[0]
        # Frame threads decode a run of frames after a seek faster on several cores.
        self._stream.thread_type = "AUTO"
        frame_bytes = max(1, self.index.width * self.index.height * 3 // 2)
        self._capacity = max(8, cache_bytes // frame_bytes)
        # A window the cache cannot hold would be decoded, evicted and decoded again forever
        # (1080p: 86 frames in 256 MB < 91): shrink it to fit, keeping its proportions.
        if self.behind + self.ahead + 1 > self._capacity:
            spare = self._capacity - 1
            self.behind = spare * self.behind // max(1, self.behind + self.ahead)
            self.ahead = spare - self.behind
        self._cache: dict[int, av.VideoFrame] = {}
        self._unreachable: set[int] = set()
        self._decoder: Iterator[av.VideoFrame] | None = None
        self._next = -1  # the index the decoder will produce next, -1 when unknown
        self.center = 0
        self.decoded = 0  # frames decoded so far (for benchmarks and tests)
        self.seeks = 0

    def close(self) -> None:
        """Release the decoder and the cache."""
        self._cache.clear()
        self._decoder = None
        self._container.close()

    def __enter__(self) -> ExactFrames:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------

    def cached(self, index: int) -> bool:
        """True if a frame is decoded and waiting."""
        return index in self._cache

    def frame(self, index: int) -> np.ndarray:
        """The frame at ``index`` as an RGB array (height × width × 3, uint8)."""
        index = self.index.clamp(index)
        self.center = index
        found = self._cache.get(index)
        if found is None:
            found = self._decode_until(index)
        return found.to_ndarray(format="rgb24")

    def has_prefetch_work(self) -> bool:
        """True while the window around ``center`` has frames not yet decoded."""
        return self._next_missing() is not None

    def prefetch_step(self) -> bool:
        """Decode one more frame of the window around ``center``; False when it is full."""
        target = self._next_missing()
        if target is None:
            return False
        if not self._decoder_reaches(target):
            self._seek(target)
        if self._decode_one() is None:
            self._unreachable.add(target)  # a damaged tail: do not retry it forever
        return True

    # -- decoding -------------------------------------------------------------------------

    def _next_missing(self) -> int | None:
        last = self.index.frame_count - 1
        for candidate in range(self.center + 1, min(last, self.center + self.ahead) + 1):
            if candidate not in self._cache and candidate not in self._unreachable:
                return candidate
        # Behind the playhead decoding runs forward, so the lowest gap comes first.
        for candidate in range(max(0, self.center - self.behind), self.center):
            if candidate not in self._cache and candidate not in self._unreachable:
                return candidate
        return None

    def _decoder_reaches(self, target: int) -> bool:
        """True if decoding on from where the decoder is gets to ``target`` cheaply."""
        if self._decoder is None or self._next < 0 or self._next > target:
            return False
        return self.index.keyframe_at_or_before(target) <= self._next

    def _decode_until(self, target: int) -> av.VideoFrame:
        if not self._decoder_reaches(target):
            self._seek(target)
        while True:
            got = self._decode_one()
            if got is None:
                raise VideoUnreadable(str(self.path), f"frame {target} could not be decoded")
            produced, frame = got
            if produced >= target:
                return frame

    def _seek(self, target: int) -> None:
        keyframe = self.index.keyframe_at_or_before(target)
        self._container.seek(
            self.index.pts[keyframe], stream=self._stream, backward=True, any_frame=False
        )
        self._decoder = self._frames()
        self._next = keyframe
        self.seeks += 1

    def _frames(self) -> Iterator[av.VideoFrame]:
        for packet in self._container.demux(self._stream):
            yield from packet.decode()

    def _decode_one(self) -> tuple[int, av.VideoFrame] | None:
        assert self._decoder is not None
        for frame in self._decoder:
            produced = self.index.index_of_pts(frame.pts) if frame.pts is not None else None
            if produced is None:
                continue  # e.g. a frame an edit list hides
            self.decoded += 1
            self._next = produced + 1
            self._keep(produced, frame)
            return produced, frame
        self._decoder = None
        self._next = -1
        return None

    def _keep(self, index: int, frame: av.VideoFrame) -> None:
        low, high = self.center - self.behind, self.center + self.ahead
        if not low <= index <= high and index != self.center:
            return
        self._cache[index] = frame
        if len(self._cache) > self._capacity:
            # Frames outside the window go first: evicting one inside it means decoding it again.
            farthest = max(self._cache, key=lambda i: (not low <= i <= high, abs(i - self.center)))
            del self._cache[farthest]
