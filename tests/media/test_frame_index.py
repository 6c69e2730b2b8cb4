"""The frame index: every frame's timestamp by demuxing, checked against OpenCV's decode.

OpenCV decodes every frame in order and reports each frame's time (``CAP_PROP_POS_MSEC``
after a ``read()``, counted from the first frame); that is our independent reference for the
count and the timestamps. Keyframes are checked against how the video was generated
(``-g``) or against ffprobe's packet flags.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eas_coder.errors import VideoUnreadable
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from tests.support import ffmpeg_video, need_tool, shared_clip

SECONDS, FPS, GOP = 3, 30, 12
FRAME_MS = 1000 / FPS
# ffmpeg_video(variable_rate=True): the first half of the frames last one frame, the rest two.
VFR_HALF = round(SECONDS * FPS / 2)


@dataclass(frozen=True)
class Generated:
    path: Path
    index: FrameIndex
    opencv_ms: list[float]  # each frame's time as OpenCV reports it


def opencv_times(path: Path, limit: int | None = None) -> list[float]:
    """Each frame's timestamp (ms) by decoding in order with OpenCV."""
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), path
    times: list[float] = []
    try:
        while (limit is None or len(times) < limit) and capture.grab():
            times.append(capture.get(cv2.CAP_PROP_POS_MSEC))
    finally:
        capture.release()
    return times


def vfr_expected_ms(i: int) -> float:
    """A frame's time in a variable_rate video, from the setpts curve that made it."""
    if i < VFR_HALF:
        return i * FRAME_MS
    return VFR_HALF * FRAME_MS + (i - VFR_HALF) * 2 * FRAME_MS


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Short generated videos, made once: constant and variable rate, mp4 and Matroska."""
    root = tmp_path_factory.mktemp("frame-index")
    made = {
        "cfr-mp4": ffmpeg_video(root / "cfr.mp4", SECONDS, str(FPS), gop=GOP),
        # Matroska stores milliseconds: 33/34-ms steps that are still a constant rate.
        "cfr-mkv": ffmpeg_video(root / "cfr.mkv", SECONDS, str(FPS), audio=False, gop=GOP),
        "vfr-mp4": ffmpeg_video(root / "vfr.mp4", SECONDS, str(FPS), variable_rate=True),
        "vfr-mkv": ffmpeg_video(
            root / "vfr.mkv", SECONDS, str(FPS), audio=False, variable_rate=True
        ),
    }
    return {
        name: Generated(path, read_frame_index(path), opencv_times(path))
        for name, path in made.items()
    }


# -- generated videos: what we asked ffmpeg for -------------------------------------------------


@pytest.mark.parametrize("name", ["cfr-mp4", "cfr-mkv"])
def test_constant_rate_video(videos: dict[str, Generated], name: str) -> None:
    video = videos[name]
    index = video.index
    assert index.frame_count == len(video.opencv_ms) == SECONDS * FPS
    assert index.times_ms == pytest.approx(video.opencv_ms, abs=0.5)
    assert index.times_ms == pytest.approx([i * FRAME_MS for i in range(SECONDS * FPS)], abs=1)
    assert index.keyframes == tuple(range(0, SECONDS * FPS, GOP))
    assert not index.is_variable_rate
    assert index.fps == pytest.approx(FPS, rel=0.05)
    assert index.duration_ms == pytest.approx(SECONDS * 1000, abs=1)
    assert (index.width, index.height) == (320, 240)


@pytest.mark.parametrize("name", ["vfr-mp4", "vfr-mkv"])
def test_variable_rate_video(videos: dict[str, Generated], name: str) -> None:
    video = videos[name]
    index = video.index
    assert index.frame_count == len(video.opencv_ms)
    assert index.frame_count > VFR_HALF + 10
    assert index.is_variable_rate
    # Timestamps as OpenCV decodes them, and as the setpts curve placed them.
    assert index.times_ms == pytest.approx(video.opencv_ms, abs=0.5)
    # ffmpeg's -t trimming moves the last few timestamps off the curve (OpenCV sees the same).
    body = index.frame_count - 3
    expected = [vfr_expected_ms(i) for i in range(body)]
    assert index.times_ms[:body] == pytest.approx(expected, abs=1)
    # index / fps would be wrong by the whole slow half: the index must not do that.
    last = index.frame_count - 1
    assert index.time_ms(last) - round(last * FRAME_MS) > (last - VFR_HALF) * FRAME_MS - 1
    assert index.frame_duration_ms(1) == pytest.approx(FRAME_MS, abs=1)
    assert index.frame_duration_ms(last - 1) == pytest.approx(2 * FRAME_MS, abs=1)


def test_time_ms_is_the_rounded_start(videos: dict[str, Generated]) -> None:
    for video in videos.values():
        index = video.index
        assert [index.time_ms(i) for i in range(index.frame_count)] == [
            round(t - video.opencv_ms[0]) for t in video.opencv_ms
        ]
        # Out-of-range indices are clamped to the first and last frame.
        assert index.time_ms(-5) == 0
        assert index.time_ms(10**6) == round(video.opencv_ms[-1] - video.opencv_ms[0])


@pytest.mark.parametrize("name", ["cfr-mp4", "cfr-mkv", "vfr-mp4", "vfr-mkv"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_index_at_time_ms_is_the_frame(
    videos: dict[str, Generated], name: str, data: st.DataObject
) -> None:
    index = videos[name].index
    i = data.draw(st.integers(min_value=0, max_value=index.frame_count - 1), label="frame")
    assert index.index_at(index.time_ms(i)) == i


@pytest.mark.parametrize("name", ["cfr-mp4", "cfr-mkv", "vfr-mp4", "vfr-mkv"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_index_at_any_millisecond_is_the_frame_on_screen(
    videos: dict[str, Generated], name: str, data: st.DataObject
) -> None:
    """A whole millisecond maps to the last frame whose (OpenCV) start is not after it."""
    video = videos[name]
    starts = [t - video.opencv_ms[0] for t in video.opencv_ms]
    end = starts[-1] + 3 * FRAME_MS
    ms = data.draw(st.integers(min_value=0, max_value=round(end)), label="ms")
    # Marks are stored as rounded milliseconds, so a frame owns [round(start), round(next)).
    on_screen = max(i for i, start in enumerate(starts) if round(start) <= ms)
    assert video.index.index_at(ms) == on_screen


def test_index_at_outside_the_video_clamps(videos: dict[str, Generated]) -> None:
    index = videos["cfr-mp4"].index
    assert index.index_at(-1000) == 0
    assert index.index_at(10**9) == index.frame_count - 1


def test_index_of_pts_finds_only_our_frames(videos: dict[str, Generated]) -> None:
    index = videos["vfr-mp4"].index
    assert [index.index_of_pts(p) for p in index.pts] == list(range(index.frame_count))
    assert index.index_of_pts(index.pts[1] - 1) is None


def test_keyframe_at_or_before(videos: dict[str, Generated]) -> None:
    index = videos["cfr-mp4"].index
    for i in range(index.frame_count):
        assert index.keyframe_at_or_before(i) == i // GOP * GOP


# -- the real clips -----------------------------------------------------------------------------


def test_asl_clip_starts_at_33_ms_and_counts_from_there() -> None:
    path = shared_clip("asl-milk.mkv")
    index = read_frame_index(path)
    reference = opencv_times(path)
    assert index.frame_count == len(reference) == 51
    # The container's first timestamp is 33 ms; the index counts from the first frame.
    assert float(index.pts[0] * index.time_base * 1000) == pytest.approx(33, abs=0.5)
    assert index.times_ms[0] == 0
    assert index.times_ms == pytest.approx([t - reference[0] for t in reference], abs=0.5)
    assert not index.is_variable_rate  # 33/34-ms steps are millisecond rounding
    assert index.fps == pytest.approx(30, rel=0.05)
    assert index.index_at(index.time_ms(50)) == 50


def _ffprobe_keyframes(path: Path) -> list[int]:
    """Keyframe indices in presentation order, from ffprobe's packet flags."""
    ffprobe = need_tool("ffprobe")
    out = subprocess.run(
        [
            ffprobe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts,flags",
            "-of",
            "csv=p=0",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    packets = sorted(
        (int(pts), "K" in flags)
        for pts, flags in (line.split(",")[:2] for line in out.split())
        if pts != "N/A"
    )
    return [i for i, (_pts, key) in enumerate(packets) if key]


@pytest.mark.parametrize(
    ("name", "frames", "fps", "size"),
    [
        ("bottle-detection.mp4", 1189, 179 / 6, (640, 360)),
        ("one-by-one-person-detection.mp4", 1394, 10.0, (768, 432)),
    ],
)
def test_real_camera_clip(name: str, frames: int, fps: float, size: tuple[int, int]) -> None:
    path = shared_clip(name)
    index = read_frame_index(path)
    assert index.frame_count == frames
    assert (index.width, index.height) == size
    assert index.fps == pytest.approx(fps, rel=1e-3)
    assert not index.is_variable_rate
    assert index.times_ms == pytest.approx([i * 1000 / fps for i in range(frames)], abs=0.5)
    # OpenCV's decode agrees on the first 150 frames (a full decode would be slow).
    head = opencv_times(path, 150)
    assert index.times_ms[:150] == pytest.approx(head, abs=0.5)
    assert list(index.keyframes) == _ffprobe_keyframes(path)
    assert index.keyframes[0] == 0 and len(index.keyframes) > 1


# -- files that are not videos ------------------------------------------------------------------


def _png(path: Path) -> None:
    ok, data = cv2.imencode(".png", np.full((48, 64, 3), 200, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())


def _jpeg(path: Path) -> None:
    ok, data = cv2.imencode(".jpg", np.full((48, 64, 3), 90, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())


def _audio(path: Path) -> None:
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300"]
    subprocess.run([*command, "-t", "1", "-c:a", "aac", str(path)], check=True, timeout=60)


def _text(path: Path) -> None:
    path.write_text("Participant notes\n" + "D001 smiled at 00:12\n" * 40, encoding="utf-8")


def _garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 4096, np.uint8).tobytes())


def _empty(path: Path) -> None:
    path.write_bytes(b"")


BAD_FILES = {
    # name -> (file name, how to make it, words the reason must contain)
    "missing": ("absent.mp4", None, "not found"),
    "empty": ("empty.mp4", _empty, "empty"),
    "png": ("still.png", _png, "still image (PNG)"),
    "png named .mp4": ("still.mp4", _png, "still image (PNG)"),
    "jpeg": ("photo.jpg", _jpeg, "still image"),
    "audio only": ("sound.m4a", _audio, "no video stream"),
    "text .txt": ("notes.txt", _text, "cannot be read as a video"),
    "text named .mp4": ("notes.mp4", _text, "cannot be read as a video"),
    "random bytes": ("noise.mp4", _garbage, "cannot be read as a video"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_not_a_video_is_video_unreadable(tmp_path: Path, case: str) -> None:
    file_name, make, words = BAD_FILES[case]
    path = tmp_path / file_name
    if make is not None:
        make(path)
    with pytest.raises(VideoUnreadable) as raised:
        read_frame_index(path)
    assert words in raised.value.reason
    assert raised.value.path == str(path) and str(path) in str(raised.value)


def test_a_folder_is_not_a_video(tmp_path: Path) -> None:
    with pytest.raises(VideoUnreadable, match="not a file"):
        read_frame_index(tmp_path)


def test_truncated_mp4_is_video_unreadable(videos: dict[str, Generated], tmp_path: Path) -> None:
    data = videos["cfr-mp4"].path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # the mp4 index (moov) is at the end: lost
    with pytest.raises(VideoUnreadable, match="cannot be read as a video"):
        read_frame_index(cut)


def test_single_frame_video_is_a_video(tmp_path: Path) -> None:
    """One encoded frame is a (short) video, unlike a picture file."""
    ffmpeg = need_tool("ffmpeg")
    path = tmp_path / "one.mp4"
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5"]
    subprocess.run([*command, "-frames:v", "1", "-c:v", "libx264", str(path)], check=True)
    index = read_frame_index(path)
    assert index.frame_count == len(opencv_times(path)) == 1
    assert index.keyframes == (0,) and not index.is_variable_rate
    assert index.index_at(0) == index.index_at(10_000) == 0
