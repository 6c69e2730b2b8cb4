"""Stepping back never misses the cache: the whole GOP behind the playhead stays decoded.

The decoder's speed is modelled, not timed: between two steps back the prefetch may decode
a fixed number of frames (``DECODES_PER_STEP``: a decoder four times faster than the coder
steps). A step is a miss when its frame had to be decoded on request.
"""

from __future__ import annotations

import pytest

from eas_coder.media.exact_frames import ExactFrames
from tests.media.test_exact_frames import Reference, assert_is_frame, opencv_frames
from tests.support import ffmpeg_video

GOP, FPS, SECONDS = 150, 30, 15  # three GOPs of 150 frames (keyframes 0, 150, 300)
DECODES_PER_STEP = 4


@pytest.fixture(scope="module")
def long_gop(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    root = tmp_path_factory.mktemp("back-stepping")
    path = ffmpeg_video(root / "gop150.mp4", SECONDS, str(FPS), "160x120", False, gop=GOP)
    return opencv_frames(path)


def _prefetch(frames: ExactFrames, budget: int | None) -> None:
    """Let the prefetch decode up to ``budget`` frames (None: until the window is full)."""
    start = frames.decoded
    for _ in range(100_000):
        if budget is not None and frames.decoded - start >= budget:
            return
        if not frames.prefetch_step():
            return
    raise AssertionError("the prefetch never comes to rest")


def _step_back(frames: ExactFrames, reference: Reference, start: int, steps: int) -> list[int]:
    """Step back one frame at a time from ``start``; the frames that were not cached."""
    misses = []
    for i in range(start - 1, start - 1 - steps, -1):
        _prefetch(frames, DECODES_PER_STEP)
        if not frames.cached(i):
            misses.append(i)
        assert_is_frame(frames.frame(i), reference, i)
    return misses


def test_stepping_back_150_frames_on_a_gop_150_clip_never_misses(long_gop: Reference) -> None:
    playhead = 2 * GOP + 100  # frame 400; stepping back to 250 crosses keyframe 300
    with ExactFrames(long_gop.path) as frames:
        assert frames.index.keyframes == (0, GOP, 2 * GOP)
        assert_is_frame(frames.frame(playhead), long_gop, playhead)
        _prefetch(frames, None)  # a paused coder: the worker comes to rest first
        assert all(frames.cached(i) for i in range(GOP, playhead + 1))
        assert _step_back(frames, long_gop, playhead, GOP) == []


def test_stepping_back_through_the_whole_clip_never_misses(long_gop: Reference) -> None:
    """From the last frame to frame 0: every keyframe crossed backwards asks for one more
    GOP, decoded in one run while the coder steps through the GOP already held."""
    last = long_gop.count - 1
    with ExactFrames(long_gop.path) as frames:
        frames.frame(last)
        _prefetch(frames, None)
        seeks = frames.seeks
        assert _step_back(frames, long_gop, last, last) == []
        # one run per GOP behind, not one per refill of a sliding window
        assert frames.seeks - seeks <= len(frames.index.keyframes)


def test_the_window_stays_within_the_memory_budget(long_gop: Reference) -> None:
    """A budget of 60 frames cannot hold a GOP of 150: the frames behind are as many as fit,
    and the cache never holds more than the budget."""
    frame_bytes = 160 * 120 * 3 // 2
    with ExactFrames(long_gop.path, cache_bytes=60 * frame_bytes) as frames:
        frames.frame(400)
        _prefetch(frames, None)
        low, high, _sliding = frames.window()
        assert high - low + 1 <= 60
        assert all(frames.cached(i) for i in range(low, 401))
        for i in range(399, 300, -1):
            _prefetch(frames, None)
            assert frames.cached(i)
            frames.frame(i)
            assert frames.cached_count() <= 60
