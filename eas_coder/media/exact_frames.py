"""The exact frame at an index, decoded with PyAV, with a cache around the playhead.

Seeking lands on a keyframe; we decode forward to the wanted frame and keep every frame on
the way (they are the frames a coder steps back through). ``prefetch_step`` fills the rest
of the window around the playhead one frame at a time, so a caller can interleave it with
new requests and ±1 steps in either direction become cache hits.

Behind the playhead the window holds the whole GOP before the playhead's, as far as memory
allows (``frame_window``): stepping back never waits for a decode.

Frames are cached as decoded (YUV, ~1.5 bytes per pixel) and converted to RGB on request:
twice the frames for the same memory, at ~0.4 ms per conversion at 720p (one shared converter).
"""

from __future__ import annotations

import bisect
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from eas_coder.errors import VideoUnreadable
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.frame_window import Window, cache_window, release_frames

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


class FrameUndecodable(VideoUnreadable):
    """One frame cannot be decoded from any start (damaged or missing references); the
    rest of the video may still be fine."""

    def __init__(self, path: str, index: int) -> None:
        self.frame = index
        super().__init__(
            path,
            f"frame {index} cannot be decoded (the file is damaged there); step to "
            "another frame, or re-export the recording",
        )


class _Interrupted(Exception):
    """A prefetch gave way to a request (the decoder stays where it got to)."""


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path))
    except av.FFmpegError as exc:
        raise VideoUnreadable(str(path), f"cannot be decoded ({exc})") from None


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
        self._container = _open(self.path)
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
        self._decoder: Iterator[av.Packet[Any]] | None = None  # packets from the last start
        self._ready: deque[av.VideoFrame] = deque()  # decoded, not yet taken
        self._next = -1  # the index the decoder will produce next, -1 when unknown
        self._started_at: int | None = None  # the keyframe the run was seeked to
        self._trusted_from: int | None = None  # first frame of this start we vouch for
        self._keyframes = frozenset(self.index.keyframes)
        self._last_produced = -1  # the last frame this start put out
        # The last frame that decodes, once a decode ran into the end of the stream short
        # of the index's last frame (a damaged tail: the index lists frames that are lost).
        self.decodable_end: int | None = None
        # One converter for every frame: PyAV's frame.to_ndarray(format=…) builds a new
        # swscale context per frame (1–8 ms at SD sizes, more than the decode itself).
        self._to_rgb = VideoReformatter()
        self._interrupt: Callable[[], bool] | None = None  # set while prefetching
        self._refilling = False  # a refill behind the playhead under way
        self._backward = False  # the last move went back: keep fewer frames ahead
        # Seek by keyframes' decode timestamps: learnt on the first seek that lands a
        # keyframe late (MPEG-TS/PS compare seeks with decode timestamps).
        self._seek_by_dts = False
        self.center = 0
        self.decoded = 0  # frames decoded so far (for benchmarks and tests)
        self.seeks = 0

    def close(self) -> None:
        """Release the decoder and the cache."""
        release_frames(self._cache)
        self._decoder = None
        self._ready.clear()
        self._container.close()

    def __enter__(self) -> ExactFrames:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------

    def cached(self, index: int) -> bool:
        """True if a frame is decoded and waiting."""
        return index in self._cache

    def cached_count(self) -> int:
        """How many decoded frames the cache holds (bounded by the memory budget)."""
        return len(self._cache)

    def frame(self, index: int) -> np.ndarray:
        """The frame at ``index`` as an RGB array (height × width × 3, uint8);
        FrameUndecodable when it cannot be decoded."""
        index = self.index.clamp(index)
        if index != self.center:
            self._backward = index < self.center
        self.center = index
        found = self._cache.get(index)
        if found is None:
            self._refilling = True  # a jump: fill the whole window around it
            found = self._decode_until(index)
        return self.rgb(found)

    def frame_at(self, index: int) -> tuple[int, np.ndarray]:
        """Like ``frame``, but at or past the end of a damaged tail the last frame that
        decodes (End lands there, as on a file whose header has no frame count); returns
        the index served with the picture."""
        index = self.index.clamp(index)
        if self.decodable_end is not None:
            index = min(index, self.decodable_end)
        try:
            return index, self.frame(index)
        except FrameUndecodable:
            if self.decodable_end is None or index <= self.decodable_end:
                raise
        return self.decodable_end, self.frame(self.decodable_end)

    def rgb(self, frame: av.VideoFrame) -> np.ndarray:
        """A decoded frame as RGB (the same pixels as ``to_ndarray(format="rgb24")``)."""
        return self._to_rgb.reformat(frame, format="rgb24").to_ndarray()

    def has_prefetch_work(self) -> bool:
        """True while the window around ``center`` has frames not yet decoded."""
        return self._next_missing() is not None

    def prefetch_step(self, interrupt: Callable[[], bool] | None = None) -> bool:
        """Decode one more frame of the window around ``center``; False when it is full.

        ``interrupt`` is asked before each packet of a decode that needs a seek (a run of
        up to a keyframe interval): when it says True the run stops where it got to, so a
        waiting request is served after one frame's decode at most; the next step goes on
        from there.
        """
        target = self._next_missing()
        if target is None:
            return False
        if not self._decoder_reaches(target):
            self._interrupt = interrupt
            try:
                self._decode_until(target)
            except FrameUndecodable:
                self._unreachable.add(target)  # a damaged stretch: do not retry it forever
            except _Interrupted:
                pass
            finally:
                self._interrupt = None
            return True
        if self._decode_one() is None:
            self._unreachable.add(target)  # a damaged tail: do not retry it forever
        return True

    # -- decoding -------------------------------------------------------------------------

    def window(self) -> Window:
        """The frames kept around ``center`` (first, last, whether the edge behind slides)."""
        last = self.index.frame_count - 1 if self.decodable_end is None else self.decodable_end
        sizes = (self.behind, self.ahead, self._capacity)
        return cache_window(self.index, self.center, last, sizes, self._backward)

    def _next_missing(self) -> int | None:
        low, high, sliding = self.window()
        for candidate in range(self.center + 1, high + 1):
            if candidate not in self._cache and candidate not in self._unreachable:
                return candidate
        # Behind, decoding runs forward: the lowest gap first, one run fills it. A GOP edge
        # moved by a whole GOP: refill now. A sliding (memory-bound) edge moves a frame a
        # step: wait until half the frames behind are used up, then refill them in one run.
        missing = [
            candidate
            for candidate in range(low, self.center)
            if candidate not in self._cache and candidate not in self._unreachable
        ]
        half = (self.center - low) // 2 + 1
        if missing and (not sliding or self._refilling or self.center - missing[-1] <= half):
            self._refilling = True
            # Finish the run under way first: the sliding edge gains frames under it at
            # every step, and chasing them would restart the run from its keyframe each time.
            return next((m for m in missing if self._decoder_reaches(m)), missing[0])
        self._refilling = False
        return None

    def _decoder_reaches(self, target: int) -> bool:
        """True if decoding on from where the decoder is gets to ``target`` cheaply."""
        if self._decoder is None:
            return False
        # A run seeked to a keyframe that has not put out a frame yet (a request broke in,
        # or a threaded decoder's delay): it reaches what a new seek would.
        at = self._next if self._next >= 0 else self._started_at
        if at is None or at > target:
            return False
        return self.index.keyframe_at_or_before(target) <= at

    def _decode_until(self, target: int) -> av.VideoFrame:
        """The frame at ``target`` and nothing else: a start past it means seeking further
        back (MPEG-TS/PS seek by byte estimates and can land a keyframe interval late)."""
        if self._decoder_reaches(target):
            found = self._forward_to(target)
            if found is not None:
                return found
        for start in self._seek_starts(target):
            if start is None:
                self._reopen()  # from byte 0: the one start no seek estimate can miss
            else:
                self._seek(start)
            found = self._forward_to(target)
            if found is not None:
                return found
            if start is not None and self._landed_late(start):
                self._seek_by_dts = True
                self._seek(start)
                found = self._forward_to(target)
                if found is not None:
                    return found
            if self.decodable_end is not None and target > self.decodable_end:
                break  # the stream ended before it: no earlier start gets further
        raise FrameUndecodable(str(self.path), target)

    def _seek_starts(self, target: int) -> Iterator[int | None]:
        """Keyframes to start from, ever further back (1, 2, 4 … keyframes), then the
        file's beginning (None)."""
        keys = self.index.keyframes
        position = max(0, bisect.bisect_right(keys, target) - 1)
        back = 0
        while position - back > 0:
            yield keys[position - back]
            back = 1 if back == 0 else back * 2
        yield None

    def _landed_late(self, keyframe: int) -> bool:
        """True if a seek to ``keyframe`` by presentation time started at a later keyframe
        and seeking by decode time has not been tried yet."""
        late = self._trusted_from is not None and self._trusted_from > keyframe
        return late and not self._seek_by_dts and bool(self.index.key_dts)

    def _forward_to(self, target: int) -> av.VideoFrame | None:
        """Decode on until ``target``; None when the decoder passes it or the stream ends."""
        while True:
            got = self._decode_one()
            if got is None:
                return None
            produced, frame = got
            if produced == target:
                return frame
            if produced > target:
                return None

    def _seek(self, keyframe: int) -> None:
        timestamp = self.index.seek_timestamp(keyframe, self._seek_by_dts)
        self._container.seek(timestamp, stream=self._stream, backward=True, any_frame=False)
        self._restart()
        self._started_at = keyframe

    def _reopen(self) -> None:
        self._container.close()
        self._container = _open(self.path)
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self._restart()
        self._started_at = 0

    def _restart(self) -> None:
        self._decoder = iter(self._container.demux(self._stream))
        self._ready.clear()
        self._next = -1  # unknown until a frame comes out: a seek may land anywhere
        self._started_at = None
        self._trusted_from = None
        self._last_produced = -1
        self.seeks += 1

    def _pull(self) -> av.VideoFrame | None:
        """The next decoded frame; None at the end of what decodes. Between packets (one
        frame's decode at most) a prefetch gives way to a waiting request."""
        assert self._decoder is not None
        while not self._ready:
            if self._interrupt is not None and self._interrupt():
                raise _Interrupted
            try:
                packet = next(self._decoder, None)
                if packet is None:
                    return None
                self._ready.extend(packet.decode())
            except av.InvalidDataError:
                continue  # a damaged packet: its frame is missing, the next may decode
            except av.FFmpegError:
                return None  # the file cannot be read on from here: the end of what decodes
        return self._ready.popleft()

    def _decode_one(self) -> tuple[int, av.VideoFrame] | None:
        """The next frame we can vouch for, with its index; None at the end of the stream."""
        while (frame := self._pull()) is not None:
            produced = self.index.index_of_pts(frame.pts) if frame.pts is not None else None
            if produced is None:
                continue  # e.g. a frame an edit list hides
            if (
                produced < self._next < self.index.frame_count
                and self.index.pts[self._next] == frame.pts
            ):
                produced = self._next  # the next of frames sharing one timestamp
            self.decoded += 1
            if self._trusted_from is None:
                self._trusted_from = self._first_trusted(produced, frame)
            # Before the first keyframe of a start (an open GOP's leading B-frames) or
            # flagged by the decoder: a picture built on references it never had.
            if produced < self._trusted_from or frame.is_corrupt:
                continue
            self._next = produced + 1
            self._last_produced = produced
            self._keep(produced, frame)
            return produced, frame
        self._decoder = None
        self._ready.clear()
        self._next = -1
        self._started_at = None
        if 0 <= self._last_produced < self.index.frame_count - 1:
            # The stream ended short of the index's last frame: frames after this one are
            # lost; another start decodes no further (keep the furthest one seen).
            self.decodable_end = max(self.decodable_end or 0, self._last_produced)
        return None

    def _first_trusted(self, produced: int, frame: av.VideoFrame) -> int:
        """After a start, frames count from the first keyframe the decoder put out."""
        if frame.key_frame or produced in self._keyframes:
            return produced
        later = bisect.bisect_left(self.index.keyframes, produced)
        keys = self.index.keyframes
        return keys[later] if later < len(keys) else self.index.frame_count

    def _keep(self, index: int, frame: av.VideoFrame) -> None:
        low, high, _sliding = self.window()
        if not low <= index <= high and index != self.center:
            return
        self._cache[index] = frame
        if len(self._cache) <= self._capacity:
            return
        # Frames outside the window go first: evicting one inside it means decoding it again.
        # A quarter of the cache at once: a full cache of small frames holds thousands, and
        # a scan of them per decoded frame cost more than decoding it.
        outside = [i for i in self._cache if not low <= i <= high]
        if outside:
            outside.sort(key=lambda i: abs(i - self.center), reverse=True)
            for i in outside[: len(self._cache) - self._capacity + self._capacity // 4]:
                del self._cache[i]
        else:
            del self._cache[max(self._cache, key=lambda i: abs(i - self.center))]
