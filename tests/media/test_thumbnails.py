"""Timeline thumbnails: slots, coarse-first order, keyframe images, the on-disk cache.

Images are checked against OpenCV's sequential decode of the keyframe they claim to show,
shrunk to the thumbnail size; keyframes against how the video was generated (``-g``).
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eas_coder.errors import VideoUnreadable
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.thumbnails import (
    THUMBNAIL_HEIGHT,
    Thumbnail,
    ThumbnailCache,
    make_thumbnails,
    slot_order,
    slot_times,
    thumbnail_size,
)
from tests.support import ffmpeg_video, shared_clip

SECONDS, FPS, GOP = 3, 30, 12
FRAMES = SECONDS * FPS
KEYFRAMES = list(range(0, FRAMES, GOP))


@dataclass(frozen=True)
class Video:
    path: Path
    index: FrameIndex
    frames: list[np.ndarray]  # OpenCV's decode, RGB
    starts_ms: list[float]  # OpenCV's timestamp of each frame


@pytest.fixture(scope="session")
def video(tmp_path_factory: pytest.TempPathFactory) -> Video:
    """3 s at 30 fps, a keyframe every 12 frames, decoded once by OpenCV."""
    path = ffmpeg_video(tmp_path_factory.mktemp("thumbs") / "gop.mp4", SECONDS, str(FPS), gop=GOP)
    capture = cv2.VideoCapture(str(path))
    frames, starts = [], []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        starts.append(capture.get(cv2.CAP_PROP_POS_MSEC))
    capture.release()
    assert len(frames) == FRAMES
    return Video(path, read_frame_index(path), frames, starts)


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


# -- slots ------------------------------------------------------------------------------------


def test_slot_times_are_slot_middles() -> None:
    assert slot_times(1000, 4) == [125, 375, 625, 875]
    assert slot_times(3000, 1) == [1500]


@given(st.integers(min_value=0, max_value=48 * 3_600_000), st.integers(min_value=1, max_value=500))
def test_slot_times_split_the_video_evenly(duration_ms: int, count: int) -> None:
    times = slot_times(duration_ms, count)
    assert len(times) == count
    for slot, t in enumerate(times):
        middle = Fraction(2 * slot + 1, 2 * count) * duration_ms  # exact
        assert abs(t - middle) <= Fraction(1, 2) + Fraction(1, 10**6)
        assert 0 <= t <= duration_ms
    assert times == sorted(times)


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=1, max_value=50))
def test_slot_order_makes_every_slot_once(count: int, coarse: int) -> None:
    order = slot_order(count, coarse)
    assert sorted(order) == list(range(count))


def test_slot_order_coarse_slots_first_spread_over_the_tape() -> None:
    order = slot_order(100, 10)  # what the timeline asks for
    assert order[:10] == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
    assert order[10:] == sorted(order[10:])


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=10))
def test_slot_order_coarse_slots_cover_the_tape(per_coarse: int, coarse: int) -> None:
    count = per_coarse * coarse
    first = slot_order(count, coarse)[:coarse]
    assert first == sorted(first)
    # one coarse slot in each equal share of the tape
    assert [slot // per_coarse for slot in first] == list(range(coarse))


def _shape_only(width: int, height: int) -> FrameIndex:
    """A one-frame index of a given picture size (thumbnail_size looks at nothing else)."""
    return FrameIndex((0.0,), (0,), (0,), Fraction(1, 1000), width, height)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (320, 240, (96, 72)),  # 4:3
        (1280, 720, (128, 72)),  # 16:9
        (768, 432, (128, 72)),
        (720, 576, (90, 72)),  # PAL: 1.25
        (240, 320, (54, 72)),  # portrait: 72 * 3 / 4
    ],
)
def test_thumbnail_size_keeps_the_aspect(
    width: int, height: int, expected: tuple[int, int]
) -> None:
    index = _shape_only(width, height)
    assert thumbnail_size(index) == expected


@given(
    st.integers(min_value=2, max_value=8000),
    st.integers(min_value=2, max_value=8000),
    st.integers(min_value=8, max_value=400),
)
def test_thumbnail_width_is_even_and_close_to_the_aspect(w: int, h: int, height: int) -> None:
    index = _shape_only(w, h)
    thumb_w, thumb_h = thumbnail_size(index, height)
    assert thumb_h == height
    assert thumb_w % 2 == 0 and thumb_w >= 2
    assert abs(thumb_w - w * height / h) <= 1 or thumb_w == 2


# -- making thumbnails --------------------------------------------------------------------------


def _nearest_keyframe(frame: int) -> int:
    """From the GOP the video was made with; a tie goes to the earlier keyframe."""
    return min(KEYFRAMES, key=lambda k: (abs(k - frame), k))


def test_thumbnails_show_the_keyframe_nearest_each_slot(video: Video) -> None:
    count, coarse = 20, 5
    thumbs = list(make_thumbnails(video.path, video.index, count, coarse))
    assert [t.slot for t in thumbs] == slot_order(count, coarse)
    duration = SECONDS * 1000
    width, height = round(THUMBNAIL_HEIGHT * 320 / 240), THUMBNAIL_HEIGHT
    starts = [t - video.starts_ms[0] for t in video.starts_ms]
    shrunk = {
        k: cv2.resize(video.frames[k], (width, height), interpolation=cv2.INTER_AREA)
        for k in KEYFRAMES
    }
    for thumb in thumbs:
        assert thumb.time_ms == round((thumb.slot + 0.5) * duration / count)
        on_screen = max(i for i, start in enumerate(starts) if round(start) <= thumb.time_ms)
        assert thumb.frame == _nearest_keyframe(on_screen)
        assert thumb.image.shape == (height, width, 3) and thumb.image.dtype == np.uint8
        # The picture is that keyframe, shrunk (scalers differ a little, keyframes a lot).
        own = _diff(thumb.image, shrunk[thumb.frame])
        assert own < 10
        assert all(own < _diff(thumb.image, shrunk[k]) / 2 for k in KEYFRAMES if k != thumb.frame)


def test_coarse_thumbnails_come_first(video: Video) -> None:
    thumbs = make_thumbnails(video.path, video.index, count=30, coarse=3)
    first = [next(thumbs).slot for _ in range(3)]
    assert first == [5, 15, 25]
    thumbs.close()


def test_stop_ends_the_run_early(video: Video) -> None:
    made: list[Thumbnail] = []
    for thumb in make_thumbnails(video.path, video.index, 50, 10, stop=lambda: len(made) >= 4):
        made.append(thumb)
    assert len(made) == 4
    assert [t.slot for t in made] == slot_order(50, 10)[:4]


def test_stop_before_start_makes_nothing(video: Video) -> None:
    assert list(make_thumbnails(video.path, video.index, 10, 2, stop=lambda: True)) == []


def test_real_clip_thumbnails() -> None:
    """one-by-one-person-detection.mp4: 768×432, a keyframe every 10 frames, 10 fps."""
    path = shared_clip("one-by-one-person-detection.mp4")
    index = read_frame_index(path)
    count = 12
    thumbs = list(make_thumbnails(path, index, count, coarse=4))
    assert sorted(t.slot for t in thumbs) == list(range(count))
    duration = index.frame_count * 100  # 10 fps
    for thumb in thumbs:
        assert thumb.image.shape == (72, 128, 3)
        assert thumb.time_ms == round((thumb.slot + 0.5) * duration / count)
        on_screen = thumb.time_ms // 100
        assert thumb.frame in index.keyframes
        assert abs(thumb.frame - on_screen) <= 5
    # thumbnails of distant slots are different pictures
    assert _diff(thumbs[0].image, thumbs[-1].image) > 1


def test_unopenable_video_is_video_unreadable(video: Video, tmp_path: Path) -> None:
    text = tmp_path / "gone.mp4"
    text.write_text("no longer a video\n", encoding="utf-8")
    with pytest.raises(VideoUnreadable):
        list(make_thumbnails(text, video.index, 4, 2))


# -- the cache ----------------------------------------------------------------------------------


def _strip(count: int = 6, seed: int = 0) -> list[Thumbnail]:
    rng = np.random.default_rng(seed)
    return [
        Thumbnail(slot, slot * 500 + 250, slot * 12, rng.integers(0, 256, (72, 96, 3), np.uint8))
        for slot in range(count)
    ]


def _assert_same(got: list[Thumbnail] | None, expected: list[Thumbnail]) -> None:
    assert got is not None and len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert (a.slot, a.time_ms, a.frame) == (b.slot, b.time_ms, b.frame)
        assert a.image.dtype == np.uint8 and np.array_equal(a.image, b.image)


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "cache")
    strip = _strip()
    cache.save("abc123", 100, 72, strip)
    _assert_same(cache.load("abc123", 100, 72), strip)
    # a fresh cache object on the same folder (next start of the program)
    _assert_same(ThumbnailCache(tmp_path / "cache").load("abc123", 100, 72), strip)


def test_cache_of_real_thumbnails_round_trip(video: Video, tmp_path: Path) -> None:
    thumbs = list(make_thumbnails(video.path, video.index, 10, 2))
    cache = ThumbnailCache(tmp_path)
    cache.save("gop", 10, THUMBNAIL_HEIGHT, thumbs)
    _assert_same(cache.load("gop", 10, THUMBNAIL_HEIGHT), thumbs)


def test_cache_misses(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "never-made")
    assert cache.load("abc123", 100, 72) is None
    cache.save("abc123", 100, 72, _strip())
    assert cache.load("other", 100, 72) is None  # another video
    assert cache.load("abc123", 50, 72) is None  # another strip shape
    assert cache.load("abc123", 100, 48) is None


def test_empty_strip_is_not_saved(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "cache")
    cache.save("abc123", 100, 72, [])
    assert cache.load("abc123", 100, 72) is None
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_saving_again_replaces_the_strip(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path)
    cache.save("abc123", 100, 72, _strip(6, seed=1))
    newer = _strip(4, seed=2)
    cache.save("abc123", 100, 72, newer)
    _assert_same(cache.load("abc123", 100, 72), newer)
    assert len(list(tmp_path.iterdir())) == 1  # no temporary files left behind


def test_failed_save_keeps_the_old_strip_and_leaves_no_litter(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path)
    old = _strip(3)
    cache.save("abc123", 100, 72, old)
    files = sorted(tmp_path.iterdir())
    broken = [*_strip(2), Thumbnail(2, 1250, 24, np.zeros((10, 10, 3), np.uint8))]
    with pytest.raises(ValueError, match="same shape"):  # cannot stack different sizes
        cache.save("abc123", 100, 72, broken)
    assert sorted(tmp_path.iterdir()) == files
    _assert_same(cache.load("abc123", 100, 72), old)


def _the_file(root: Path) -> Path:
    (file,) = [f for f in root.iterdir() if f.is_file()]
    return file


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "empty",
        "truncated",
        "cut in half",
        "flipped bytes",
        "missing array",
        "fewer images",
        "folder",
    ],
)
def test_unreadable_cache_file_is_a_miss(tmp_path: Path, damage: str) -> None:
    cache = ThumbnailCache(tmp_path)
    cache.save("abc123", 100, 72, _strip())
    file = _the_file(tmp_path)
    data = file.read_bytes()
    if damage == "garbage":
        file.write_bytes(b"this is not a numpy archive")
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "truncated":  # a crash of an older, non-atomic writer; a full disk
        file.write_bytes(data[: len(data) - 40])
    elif damage == "cut in half":
        file.write_bytes(data[: len(data) // 2])
    elif damage == "flipped bytes":
        middle = len(data) // 2
        file.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]))
    elif damage == "missing array":
        with zipfile.ZipFile(file) as archive:
            kept = {n: archive.read(n) for n in archive.namelist() if n != "images.npy"}
        with zipfile.ZipFile(file, "w") as archive:
            for name, content in kept.items():
                archive.writestr(name, content)
    elif damage == "fewer images":  # a readable archive whose arrays disagree
        with np.load(file) as old:
            arrays = {name: old[name] for name in old.files}
        arrays["images"] = arrays["images"][:2]
        with file.open("wb") as out:
            np.savez(out, **arrays)
    elif damage == "folder":
        file.unlink()
        file.mkdir()
    assert cache.load("abc123", 100, 72) is None
    # and the strip can be made and saved again over it (unless a folder is in the way)
    if damage != "folder":
        cache.save("abc123", 100, 72, _strip(2))
        _assert_same(cache.load("abc123", 100, 72), _strip(2))


def test_unwritable_cache_folder_raises_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError, match=re.escape(str(blocker))):
        ThumbnailCache(blocker).save("abc123", 100, 72, _strip())
    assert os.listdir(tmp_path) == ["cache"]
