"""ExactFrames: frame(i) is OpenCV's i-th decoded frame, in any order, with a warm cache.

The reference is OpenCV decoding the whole file in order (``read()`` in a loop), converted
BGR -> RGB. A frame counts as "frame i" when it matches OpenCV's frame i (mean absolute
difference below 1) and is closer to it than to frames i-1 and i+1 whenever those differ.
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from eas_coder.errors import VideoUnreadable
from eas_coder.media.exact_frames import ExactFrames, first_frame
from eas_coder.media.frame_index import read_frame_index
from tests.support import ffmpeg_video, need_tool, shared_clip

SECONDS, FPS, GOP = 3, 30, 12
FRAMES = SECONDS * FPS


@dataclass(frozen=True)
class Reference:
    path: Path
    frames: dict[int, np.ndarray]  # OpenCV's decode, RGB, by frame index
    count: int  # frames OpenCV decoded (all of them unless limited)


def opencv_frames(path: Path, wanted: Iterable[int] | None = None) -> Reference:
    """Decode in order with OpenCV; keep every frame, or only ``wanted`` ones (and stop after)."""
    keep = None if wanted is None else set(wanted)
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), path
    frames: dict[int, np.ndarray] = {}
    count = 0
    try:
        while keep is None or count <= max(keep):
            ok, bgr = capture.read()
            if not ok:
                break
            if keep is None or count in keep:
                frames[count] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            count += 1
    finally:
        capture.release()
    return Reference(path, frames, count)


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def assert_is_frame(got: np.ndarray, reference: Reference, i: int) -> None:
    """``got`` is OpenCV's frame i, and not one of its (different) neighbours."""
    expected = reference.frames[i]
    assert got.dtype == np.uint8 and got.shape == expected.shape
    own = _diff(got, expected)
    assert own < 1, f"frame {i}: mean abs diff {own:.2f} from OpenCV's frame {i}"
    for j in (i - 1, i + 1):
        neighbour = reference.frames.get(j)
        if neighbour is not None and _diff(neighbour, expected) > 0:
            assert own < _diff(got, neighbour), f"frame {i} looks like frame {j}"


@pytest.fixture(scope="session")
def gop_video(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """3 s at 30 fps with a keyframe every 12 frames, and OpenCV's decode of every frame."""
    root = tmp_path_factory.mktemp("exact-frames")
    return opencv_frames(ffmpeg_video(root / "gop.mp4", SECONDS, str(FPS), gop=GOP))


@pytest.fixture(scope="session")
def vfr_video(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """Variable rate: the second half of the frames last twice as long."""
    root = tmp_path_factory.mktemp("exact-frames-vfr")
    path = ffmpeg_video(root / "vfr.mkv", SECONDS, str(FPS), audio=False, variable_rate=True)
    return opencv_frames(path)


# -- which frame ------------------------------------------------------------------------------


def test_every_frame_in_random_order(gop_video: Reference) -> None:
    assert gop_video.count == FRAMES
    order = list(range(FRAMES))
    random.Random(20_260_301).shuffle(order)
    with ExactFrames(gop_video.path) as frames:
        assert frames.index.frame_count == FRAMES
        for i in order:
            assert_is_frame(frames.frame(i), gop_video, i)


def test_frames_in_order_decode_each_frame_once(gop_video: Reference) -> None:
    with ExactFrames(gop_video.path) as frames:
        for i in range(FRAMES):
            assert_is_frame(frames.frame(i), gop_video, i)
        # Forward play continues the decoder: one seek, no frame decoded twice.
        assert frames.seeks == 1
        assert frames.decoded == FRAMES


def test_variable_rate_frames(vfr_video: Reference) -> None:
    index = read_frame_index(vfr_video.path)
    assert index.is_variable_rate and index.frame_count == vfr_video.count
    order = list(range(vfr_video.count))
    random.Random(7).shuffle(order)
    with ExactFrames(vfr_video.path, index) as frames:
        for i in order:
            assert_is_frame(frames.frame(i), vfr_video, i)


def test_asl_clip_starting_at_33_ms() -> None:
    reference = opencv_frames(shared_clip("asl-milk.mkv"))
    assert reference.count == 51
    order = list(range(reference.count))
    random.Random(3).shuffle(order)
    with ExactFrames(reference.path) as frames:
        assert frames.index.frame_count == reference.count
        for i in order[:25]:
            assert_is_frame(frames.frame(i), reference, i)


def test_real_clip_random_access_across_a_keyframe() -> None:
    """bottle-detection.mp4 has keyframes 250 frames apart; 240..260 straddle one."""
    path = shared_clip("bottle-detection.mp4")
    index = read_frame_index(path)
    boundary = next(k for k in index.keyframes if k > 0)
    rng = random.Random(11)
    picks = [*rng.sample(range(boundary + 20), 15), boundary - 1, boundary, boundary + 1]
    rng.shuffle(picks)
    reference = opencv_frames(path, {j for i in picks for j in (i - 1, i, i + 1) if j >= 0})
    with ExactFrames(path, index) as frames:
        for i in picks:
            assert_is_frame(frames.frame(i), reference, i)


def test_out_of_range_indices_clamp_to_first_and_last(gop_video: Reference) -> None:
    with ExactFrames(gop_video.path) as frames:
        assert_is_frame(frames.frame(10**6), gop_video, FRAMES - 1)
        assert_is_frame(frames.frame(-3), gop_video, 0)
        # The end of the stream was reached once; the decoder still serves the end again.
        assert_is_frame(frames.frame(FRAMES - 2), gop_video, FRAMES - 2)
        assert_is_frame(frames.frame(FRAMES - 1), gop_video, FRAMES - 1)


# -- the cache around the playhead ------------------------------------------------------------


def _prefetch_all(frames: ExactFrames) -> int:
    steps = 0
    while frames.has_prefetch_work():
        assert frames.prefetch_step()
        steps += 1
        assert steps < 10_000, "prefetch never finishes"
    assert not frames.prefetch_step()
    return steps


def test_stepping_back_30_frames_across_keyframes_is_all_cache_hits(gop_video: Reference) -> None:
    start = 6 * GOP + 5  # frame 77: stepping back to 47 crosses keyframes 72, 60 and 48
    with ExactFrames(gop_video.path, behind=45, ahead=10) as frames:
        assert_is_frame(frames.frame(start), gop_video, start)
        assert frames.has_prefetch_work()
        assert _prefetch_all(frames) > 0
        assert all(frames.cached(i) for i in range(start - 30, start))
        decoded, seeks = frames.decoded, frames.seeks
        for i in range(start - 1, start - 31, -1):
            assert frames.cached(i)
            assert_is_frame(frames.frame(i), gop_video, i)
        assert (frames.decoded, frames.seeks) == (decoded, seeks)


def test_stepping_back_with_prefetch_between_steps(gop_video: Reference) -> None:
    """A small window refilled between ±1 steps, as the frame server interleaves them."""
    start = 5 * GOP + 3
    with ExactFrames(gop_video.path, behind=8, ahead=4) as frames:
        frames.frame(start)
        for i in range(start - 1, start - 31, -1):
            _prefetch_all(frames)
            assert frames.cached(i), f"frame {i} was not prefetched"
            decoded, seeks = frames.decoded, frames.seeks
            assert_is_frame(frames.frame(i), gop_video, i)
            assert (frames.decoded, frames.seeks) == (decoded, seeks)
        # and forward again over the same ground
        for i in range(start - 29, start - 19):
            _prefetch_all(frames)
            assert frames.cached(i)
            assert_is_frame(frames.frame(i), gop_video, i)


def test_real_clip_steps_back_across_a_keyframe() -> None:
    path = shared_clip("bottle-detection.mp4")
    index = read_frame_index(path)
    boundary = next(k for k in index.keyframes if k > 0)
    start = boundary + 15
    reference = opencv_frames(path, range(start - 32, start + 2))
    with ExactFrames(path, index, behind=30, ahead=5) as frames:
        assert_is_frame(frames.frame(start), reference, start)
        _prefetch_all(frames)
        decoded, seeks = frames.decoded, frames.seeks
        for i in range(start - 1, start - 31, -1):
            assert frames.cached(i)
            assert_is_frame(frames.frame(i), reference, i)
        assert (frames.decoded, frames.seeks) == (decoded, seeks)


def test_prefetch_fills_exactly_the_window(gop_video: Reference) -> None:
    """Behind: back to the start of the GOP before the playhead's (frame 40 is in the GOP
    of keyframe 36; the one before starts at 24), at least ``behind``; ahead: ``ahead``."""
    with ExactFrames(gop_video.path, behind=7, ahead=5) as frames:
        frames.frame(40)
        _prefetch_all(frames)
        assert frames.window()[:2] == (24, 45)
        assert [i for i in range(FRAMES) if frames.cached(i)] == list(range(24, 46))
        # near the end the window is cut at the last frame, and prefetch still finishes
        frames.frame(FRAMES - 2)
        _prefetch_all(frames)
        assert all(frames.cached(i) for i in range(FRAMES - 9, FRAMES))
        assert not frames.has_prefetch_work()


def test_a_window_larger_than_the_cache_still_fills_and_stops(gop_video: Reference) -> None:
    """One byte of cache holds the minimum of 8 frames; the ±20 window cannot fit in it.

    Prefetch must still come to rest (a paused 1080p video: 86 frames in 256 MB, window 91),
    holding the frames nearest the playhead, and ±1 steps must be cache hits.
    """
    with ExactFrames(gop_video.path, behind=20, ahead=20, cache_bytes=1) as frames:
        assert_is_frame(frames.frame(50), gop_video, 50)
        assert _prefetch_all(frames) <= 40
        held = [i for i in range(FRAMES) if frames.cached(i)]
        assert 50 in held and len(held) == 8
        assert held == list(range(held[0], held[0] + 8))  # contiguous around the playhead
        assert held[0] < 50 < held[-1]
        for step in (49, 48, 49, 50, 51):
            _prefetch_all(frames)
            decoded = frames.decoded
            assert_is_frame(frames.frame(step), gop_video, step)
            assert frames.decoded == decoded, f"frame {step} was not in the cache"


def test_prefetch_comes_to_rest_after_jumping_around(gop_video: Reference) -> None:
    """Frames left over from an earlier window must not crowd out the current one."""
    frame_bytes = 320 * 240 * 3 // 2
    with ExactFrames(gop_video.path, behind=12, ahead=6, cache_bytes=20 * frame_bytes) as frames:
        for playhead in (60, 52, 75, 30, 41):
            assert_is_frame(frames.frame(playhead), gop_video, playhead)
            assert _prefetch_all(frames) <= 40, f"prefetch around {playhead} never rests"
            assert all(frames.cached(i) for i in range(playhead - 12, playhead + 7))


# -- first_frame and bad files ----------------------------------------------------------------


def test_first_frame_is_frame_zero(gop_video: Reference, vfr_video: Reference) -> None:
    for reference in (gop_video, vfr_video):
        image = first_frame(reference.path)
        assert image is not None
        assert_is_frame(image, reference, 0)
    asl = opencv_frames(shared_clip("asl-milk.mkv"), {0, 1})
    image = first_frame(asl.path)
    assert image is not None
    assert_is_frame(image, asl, 0)


def test_first_frame_of_a_non_video_is_none(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(np.random.default_rng(5).integers(0, 256, 4096, np.uint8).tobytes())
    sound = tmp_path / "sound.m4a"
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300", "-t", "1"]
    subprocess.run([*command, str(sound)], check=True, timeout=60)
    for path in (tmp_path / "absent.mp4", empty, noise, sound, tmp_path):
        assert first_frame(path) is None, path


def test_opening_a_non_video_is_video_unreadable(tmp_path: Path) -> None:
    with pytest.raises(VideoUnreadable, match="not found"):
        ExactFrames(tmp_path / "absent.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n", encoding="utf-8")
    with pytest.raises(VideoUnreadable):
        ExactFrames(text)


def _open_handles(path: Path) -> int:
    """How many of this process's file descriptors point at ``path`` (Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            count += Path(fd).resolve() == path.resolve()
        except OSError:
            continue
    return count


def test_close_releases_the_file_and_the_cache(gop_video: Reference) -> None:
    before = _open_handles(gop_video.path)
    frames = ExactFrames(gop_video.path)
    frames.frame(3)
    assert frames.cached(3)
    assert _open_handles(gop_video.path) > before
    frames.close()
    assert not frames.cached(3)
    assert _open_handles(gop_video.path) == before
