"""Times → frame numbers for exports, the on-disk frame index cache and the zoomed tiles'
choice of frames: the parts of frame numbering that need no video to check."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from eas_coder.media.frame_cache import FrameIndexCache, last_frame, start_frame
from eas_coder.media.frame_index import FrameIndex
from eas_coder.media.thumbnails import tile_targets


def _index(times: list[float], keyframes: tuple[int, ...] = (0,)) -> FrameIndex:
    pts = tuple(round(t * 1000) for t in times)  # microsecond time base
    return FrameIndex(tuple(times), pts, keyframes, Fraction(1, 1_000_000), 64, 48)


def _marked(index: FrameIndex, first: int, last: int) -> tuple[int, int]:
    end = index.time_ms(last + 1) if last + 1 < index.frame_count else index.duration_ms
    return index.time_ms(first), end


def test_marked_frames_come_back_whatever_the_rounding() -> None:
    # 29.97 fps starts, and one start exactly on a half millisecond (rounds to even)
    times = [i * 1001 / 30 for i in range(40)]
    times[20] = 667.5
    index = _index(times)
    for first in range(0, 39):
        for last in range(first, 40):
            start, end = _marked(index, first, last)
            assert (start_frame(index, start), last_frame(index, start, end)) == (first, last)


def test_variable_rate_and_odd_spans() -> None:
    index = _index([0, 40, 80, 200, 400, 410])  # gaps of 40, 120, 200 and 10 ms
    assert start_frame(index, 150) == 2  # the frame on screen at 150 ms
    assert last_frame(index, 150, 390) == 3  # frame 4 starts at 400: outside
    assert last_frame(index, 0, 10) == 0  # shorter than a frame: the frame it starts on
    assert last_frame(index, 0, 10_000) == 5  # past the end: the last frame
    assert start_frame(index, index.duration_ms) is None  # starts after the video
    assert last_frame(index, index.duration_ms + 5, index.duration_ms + 50) is None


def test_cache_round_trip_and_damage(tmp_path: Path) -> None:
    cache = FrameIndexCache(tmp_path)
    index = _index([0, 40, 80, 120], (0, 2))
    assert cache.load("abc") is None and not cache.has("abc")
    cache.save("abc", index)
    assert cache.load("abc") == index
    next(tmp_path.glob("abc-*.npz")).write_bytes(b"PK\x03\x04 not a zip")
    assert cache.load("abc") is None  # read again from the video, never a crash
    cache.remember("abc", index)  # a damaged file is there: remember keeps it …
    assert cache.load("abc") is None
    cache.save("abc", index)  # … and an index read afresh replaces it
    assert cache.load("abc") == index


def test_tiles_get_exact_frames_only_where_keyframes_are_sparser() -> None:
    index = _index([i * 40.0 for i in range(1000)], (0, 250, 500, 750))  # 10-s keyframes
    tiles = [100, 103, 106]
    assert tile_targets(index, tiles, 120.0, 400.0) == tiles  # narrower than 10 s: exact
    far = [120, 370, 620]
    # 12 s wide tiles: the keyframe under each (narrower than the strip's 20-s spacing)
    assert tile_targets(index, far, 12_000.0, 20_000.0) == [0, 250, 500]
    assert tile_targets(index, far, 30_000.0, 20_000.0) == []  # the strip has them all


def test_cache_keeps_the_keyframes_decode_timestamps(tmp_path: Path) -> None:
    # An MPEG file is sought by decode time: an index from the cache without these would
    # make every seek land a keyframe late and seek twice (key_dts is not part of equality).
    index = FrameIndex(
        (0.0, 40.0, 80.0, 120.0), (3600, 7200, 10800, 14400), (0, 2),
        Fraction(1, 90_000), 64, 48, (0, 7200),
    )  # fmt: skip
    cache = FrameIndexCache(tmp_path)
    cache.save("mts", index)
    loaded = cache.load("mts")
    assert loaded is not None and loaded.key_dts == (0, 7200)
