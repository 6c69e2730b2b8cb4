"""Probe a video file with OpenCV: exact frame count, duration, size and a fingerprint.

Container headers lie: Matroska files may carry no frame count, and OpenCV estimates one
from duration × fps that can be one too many. The count is therefore checked by decoding at
the claimed end (seeking from the last keyframe, ~0.2 s), and counted frame by frame only
when the header gives nothing usable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from eas_coder.errors import VideoUnreadable
from eas_coder.media.quiet import quiet_ffmpeg
from eas_coder.model import VideoInfo
from eas_coder.store.study_files import held_study, refuse_study_file

if TYPE_CHECKING:  # OpenCV loads with the first probe, not with this module (start-up)
    import cv2

# Fingerprint = size + three 256 KiB samples: fast on multi-GB files, and distinct enough to
# recognise a moved or renamed recording when relinking.
_SAMPLE = 256 * 1024
_VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".mkv", ".avi", ".mpg", ".mpeg", ".mts", ".webm", ".wmv"}


def fingerprint(path: Path) -> str:
    """A fast content fingerprint (hex) from the file size and three samples."""
    refuse_study_file(path, "read it as a video")
    size = path.stat().st_size
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(size).encode())
    with path.open("rb") as handle:
        for offset in (0, max(0, size // 2 - _SAMPLE // 2), max(0, size - _SAMPLE)):
            handle.seek(offset)
            digest.update(handle.read(_SAMPLE))
    return digest.hexdigest()


def full_hash(path: Path, chunk: int = 1024 * 1024) -> str:
    """SHA-256 (hex) of the whole file: computed once when a file is added, so relink can
    refuse any changed byte (the sampled fingerprint only finds candidates quickly)."""
    refuse_study_file(path, "read it as a video")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def require_media_file(path: str | os.PathLike[str]) -> int:
    """The size of a media file that exists, is a file and is not empty; else
    VideoUnreadable naming the file and which of those it is not."""
    file = Path(path)
    name = str(file)
    if not file.exists():
        raise VideoUnreadable(name, "file not found")
    if not file.is_file():
        raise VideoUnreadable(name, "not a file")
    if held_study(file) is not None:
        # FFmpeg/OpenCV would open and close it, dropping SQLite's locks on the open study
        raise VideoUnreadable(name, "that is a study file open in this program, not a video")
    size = file.stat().st_size
    if size == 0:
        raise VideoUnreadable(name, "the file is empty")
    return size


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Read a video's timing and size; raise VideoUnreadable naming the file and the reason."""
    import cv2

    file = Path(path)
    name = str(file)
    size = require_media_file(file)
    quiet_ffmpeg()
    capture = cv2.VideoCapture(name)
    try:
        if not capture.isOpened():
            raise VideoUnreadable(name, _not_a_video_reason(file))
        if capture.getBackendName() == "CV_IMAGES":  # OpenCV opens pictures as videos
            raise VideoUnreadable(name, "this is a still image, not a video")
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        ok, _frame = capture.read()
        if not ok:
            raise VideoUnreadable(name, "no frame could be decoded (corrupt or unsupported codec)")
        if not fps > 0 or width <= 0 or height <= 0:
            raise VideoUnreadable(name, "the video stream reports no frame rate or size")
        frames = _exact_frame_count(capture, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
        if frames == 0:
            raise VideoUnreadable(name, "no frame could be decoded (a picture or a damaged file?)")
    finally:
        capture.release()
    return VideoInfo(
        duration_ms=round(frames * 1000.0 / fps),
        fps=fps,
        frame_count=frames,
        width=width,
        height=height,
        file_size=size,
        fingerprint=fingerprint(file),
    )


def _not_a_video_reason(file: Path) -> str:
    if file.suffix.lower() not in _VIDEO_SUFFIXES:
        return f"not a video file ({file.suffix or 'no extension'}), or a format OpenCV cannot open"
    return "cannot be opened as a video (corrupt file or unsupported format)"


def _decodes(capture: cv2.VideoCapture, index: int) -> bool:
    import cv2

    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    return bool(capture.grab())


def _exact_frame_count(capture: cv2.VideoCapture, claimed: int) -> int:
    """The number of decodable frames, trusting the header only after checking its end."""
    import cv2

    if claimed > 1:
        # Accept the claim if its last frame decodes and nothing follows; allow the usual
        # one-too-many estimate by checking one frame back.
        for count in (claimed, claimed - 1):
            if _decodes(capture, count - 1) and not capture.grab():
                return count
    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
    count = 0
    while capture.grab():
        count += 1
    return count


def probe_audio(path: str | os.PathLike[str]) -> tuple[int, str]:
    """Check a separate audio recording: (file size, fingerprint); VideoUnreadable if the
    file is missing or holds no audio stream we can decode."""
    import av  # PyAV: audio formats OpenCV does not read

    file = Path(path)
    name = str(file)
    require_media_file(file)
    try:
        with av.open(name) as container:
            if not container.streams.audio:
                raise VideoUnreadable(name, "the file has no audio stream")
            for _frame in container.decode(audio=0):
                break
            else:
                raise VideoUnreadable(name, "no audio could be decoded")
    except av.FFmpegError as exc:
        raise VideoUnreadable(name, f"cannot be read as audio ({exc})") from None
    return file.stat().st_size, fingerprint(file)
