"""Probing real video files: generated ones and the real camera clips in tests/media/clips."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from eas_coder.errors import VideoUnreadable
from eas_coder.media.demo_videos import write_demo_video
from eas_coder.media.probe import fingerprint, probe
from tests.support import ffmpeg_video, shared_clip


def _decoded_frames(path: Path) -> int:
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.grab():
        count += 1
    capture.release()
    return count


def test_opencv_written_video(tmp_path: Path) -> None:
    path = write_demo_video(tmp_path / "demo.mp4", "D001", seconds=2.0, fps=25.0)
    info = probe(path)
    assert (info.frame_count, info.fps, info.duration_ms) == (50, 25.0, 2000)
    assert (info.width, info.height) == (320, 240)
    assert info.file_size == path.stat().st_size


def test_ffmpeg_h264_with_audio(tmp_path: Path) -> None:
    path = ffmpeg_video(tmp_path / "h264.mp4", seconds=3.0, fps="30", size="640x360")
    info = probe(path)
    assert info.frame_count == _decoded_frames(path) == 90
    assert info.duration_ms == 3000
    assert (info.width, info.height) == (640, 360)


def test_ffmpeg_odd_frame_rate(tmp_path: Path) -> None:
    path = ffmpeg_video(tmp_path / "ntsc.mp4", seconds=2.0, fps="30000/1001", audio=False)
    info = probe(path)
    assert info.fps == pytest.approx(29.97, abs=0.01)
    assert info.frame_count == _decoded_frames(path)
    assert info.duration_ms == round(info.frame_count * 1000 / info.fps)


@pytest.mark.parametrize(
    ("name", "frames", "fps", "size"),
    [
        ("bottle-detection.mp4", 1189, 179 / 6, (640, 360)),
        ("one-by-one-person-detection.mp4", 1394, 10.0, (768, 432)),
    ],
)
def test_real_camera_clips(name: str, frames: int, fps: float, size: tuple[int, int]) -> None:
    info = probe(shared_clip(name))
    assert info.frame_count == frames
    assert info.fps == pytest.approx(fps, rel=1e-6)
    assert (info.width, info.height) == size
    assert info.duration_ms == round(frames * 1000 / fps)


def test_matroska_without_frame_count_is_counted_exactly() -> None:
    path = shared_clip("asl-milk.mkv")
    header = int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT))
    info = probe(path)
    assert info.frame_count == _decoded_frames(path)
    assert header != info.frame_count  # OpenCV's estimate is off by one for this file
    assert info.fps == 30.0


def test_missing_file() -> None:
    with pytest.raises(VideoUnreadable, match=r"nowhere\.mp4: file not found"):
        probe("/nonexistent/nowhere.mp4")


def test_wrong_file_type(tmp_path: Path) -> None:
    sheet = tmp_path / "ratings.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + bytes(500))
    with pytest.raises(VideoUnreadable, match=r"ratings\.xlsx: not a video file \(\.xlsx\)"):
        probe(sheet)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(VideoUnreadable, match="empty"):
        probe(empty)


def test_truncated_video_is_refused(tmp_path: Path) -> None:
    good = write_demo_video(tmp_path / "good.mp4", "x", seconds=1.0)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(good.read_bytes()[:400])
    with pytest.raises(VideoUnreadable, match=r"broken\.mp4: .*(corrupt|cannot)"):
        probe(broken)


def test_random_bytes_with_video_extension(tmp_path: Path) -> None:
    noise = tmp_path / "noise.mkv"
    noise.write_bytes(np.random.default_rng(1).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    with pytest.raises(VideoUnreadable, match=r"noise\.mkv"):
        probe(noise)


def test_fingerprint_tracks_content_not_name(tmp_path: Path) -> None:
    a = write_demo_video(tmp_path / "a.mp4", "same", seconds=1.0)
    b = tmp_path / "renamed.mp4"
    b.write_bytes(a.read_bytes())
    c = write_demo_video(tmp_path / "c.mp4", "different", seconds=1.0, seed=5)
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    assert len(fingerprint(a)) == 32
