"""The accuracy check run when a video is added (and by ``eas-coder check``): what the file
really holds, compared with what its header claims, in plain words.

A player that trusts headers shows a truncated recording as a 0:00, one-frame video and a
damaged tail as frames that never come. We compare the frame index from demuxing (the truth
the player steps through, ``frame_index.py``) with the header's frame count and duration,
decode only the last frames (a damaged tail shows there) and a few short slices of audio
(a silent microphone shows anywhere), so the check costs one demux and a fraction of a
second of decoding, whatever the length.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import Any

from eas_coder.errors import VideoUnreadable
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.probe import fingerprint, require_media_file

VERSION = 1
_TAIL_FRAMES = 3  # the last frames we must be able to decode
_TAIL_RETRIES = 3  # earlier keyframes tried when decoding from the last one gives nothing
# Header vs demuxed duration: audio may outlast the video by a little; more is missing data.
_MISSING_MS = 1000.0
_MISSING_SHARE = 0.02


@dataclass(frozen=True)
class VideoAccuracy:
    """What the accuracy check found in one file (stored with the video as JSON)."""

    frames: int = 0  # frames found by demuxing
    header_frames: int | None = None  # the stream header's count (None: not given)
    duration_ms: int = 0  # from the demuxed timestamps
    header_duration_ms: int | None = None  # the header's (video stream, else container)
    decodable_frames: int = 0  # frames minus an unreadable tail
    variable_rate: bool = False
    fps: float = 0.0
    start_offset_ms: float = 0.0  # the first frame's timestamp (0 for most files)
    rotation: int = 0  # degrees the file asks players to turn the picture
    audio: str = "absent"  # "present", "silent", "absent" or "unreadable"
    audio_peak_dbfs: float | None = None
    truncated: bool = False
    missing_bytes: int = 0  # an MP4/MOV box runs this far past the end of the file
    unreadable: str = ""  # why the file cannot be read at all ("" when it can)
    version: int = VERSION

    # -- what it means ------------------------------------------------------------------------

    @property
    def unreadable_tail(self) -> int:
        """Frames at the end that the demuxer lists but no decoder can show."""
        return max(0, self.frames - self.decodable_frames)

    @property
    def damaged(self) -> bool:
        """True when frames are missing or cannot be shown: adding asks the lab manager."""
        return bool(self.unreadable or self.truncated or self.unreadable_tail)

    @property
    def problems(self) -> list[str]:
        """What is wrong, in plain words (empty for a sound file)."""
        if self.unreadable:
            if self.truncated:
                return [
                    f"the file is truncated ({_size(self.missing_bytes)} missing at the end) "
                    "and cannot be read as a video — was the copy or the recording "
                    "interrupted?"
                ]
            return [f"the file cannot be read: {self.unreadable}"]
        found = []
        if self.truncated:
            claimed = _clock(self.header_duration_ms or 0)
            found.append(
                f"the file is truncated: its header says {claimed}"
                + (f" ({self.header_frames} frames)" if self.header_frames else "")
                + f" but only {_clock(self.duration_ms)} ({self.frames} frames) are in it"
                " — was the copy or the recording interrupted?"
            )
        elif self.header_frames and abs(self.header_frames - self.frames) > _frame_slack(self):
            found.append(
                f"the header counts {self.header_frames} frames but {self.frames} are in the "
                "file (the player uses the frames in the file)"
            )
        if self.unreadable_tail:
            found.append(
                f"the last {self.unreadable_tail} frame(s) cannot be decoded (damaged end of "
                f"file): coding stops at frame {max(0, self.decodable_frames - 1)}"
            )
        if self.audio == "silent":
            found.append("the audio track is silent (no sound was recorded: check the microphone)")
        elif self.audio == "unreadable":
            found.append("the audio track cannot be decoded")
        return found

    @property
    def notes(self) -> list[str]:
        """What is worth knowing but handled (frame times stay exact), in plain words."""
        if self.unreadable:
            return []
        found = []
        if self.variable_rate:
            found.append(
                f"variable frame rate (about {self.fps:.3g} fps): times are the file's own "
                "timestamps"
            )
        if abs(self.start_offset_ms) >= 0.5:
            found.append(
                f"the first frame's timestamp is {self.start_offset_ms / 1000:.3f} s, not 0: "
                "times count from the first frame"
            )
        if self.rotation:
            found.append(f"the file asks players to turn the picture by {self.rotation}°")
        if self.audio == "absent":
            found.append("no audio track")
        return found

    @property
    def mark(self) -> str:
        """A few words for lists: the worst finding first ("" when there is nothing)."""
        words = []
        if self.unreadable and not self.truncated:
            words.append("unreadable")
        if self.truncated:
            words.append("truncated")
        if self.unreadable_tail:
            words.append("damaged end")
        if self.audio in ("silent", "unreadable"):
            words.append(f"audio {self.audio}")
        if (
            not words
            and self.header_frames
            and abs(self.header_frames - self.frames) > (_frame_slack(self))
        ):
            words.append("frame count differs")
        if self.variable_rate:
            words.append("VFR")
        if self.rotation:
            words.append(f"rotated {self.rotation}°")
        if abs(self.start_offset_ms) >= 0.5 and not self.unreadable:
            words.append("starts late")
        return ", ".join(words)

    def describe(self) -> str:
        """A paragraph for people: what was found, or that all is well."""
        if self.unreadable:
            return _sentence(f"Problem: {self.problems[0]}")
        head = (
            f"{self.frames} frames, {_clock(self.duration_ms)}"
            + ("" if self.variable_rate else f" at {self.fps:.3g} fps")
            + f"; audio: {self.audio}"
            + (
                f" (peak {self.audio_peak_dbfs:.0f} dBFS)"
                if self.audio_peak_dbfs is not None and self.audio != "absent"
                else ""
            )
            + "."
        )
        lines = [head]
        lines += [_sentence(f"Problem: {p}") for p in self.problems]
        lines += [_sentence(f"Note: {n}") for n in self.notes]
        if not self.problems:
            lines.append("Every frame listed in the file can be decoded.")
        return "\n".join(lines)

    # -- stored form --------------------------------------------------------------------------

    def to_json(self) -> str:
        """The JSON stored in ``video.accuracy``."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> VideoAccuracy:
        """Read a stored check; ValueError when it is not one (keys from newer versions are
        ignored, so an older program still reads what it knows)."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("an accuracy check is a JSON object")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _frame_slack(result: VideoAccuracy) -> int:
    """How far a header's frame count may be off without meaning anything (edit lists and
    encoder delay hide a frame or two)."""
    return max(2, round(0.01 * (result.header_frames or 0)))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB"):
        if count < 1000 or unit == "MB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return f"{count} bytes"


def _clock(ms: int) -> str:
    seconds = max(0, ms) / 1000
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return (f"{hours}:" if hours else "") + f"{minutes:02d}:{rest:06.3f}"


# --- the check -------------------------------------------------------------------------------


def check_video(path: str | os.PathLike[str]) -> VideoAccuracy:
    """Check a video file; VideoUnreadable only when it is missing or not a file.

    An empty or unreadable file gives a result whose ``unreadable`` says why, so ``eas-coder
    check`` can report it beside the others.
    """
    # PyAV, numpy and the caches load here, on the first check, not with the module: the
    # window reads stored results (VideoAccuracy) at start-up and must not wait for them.
    import av

    from eas_coder.media.frame_cache import FrameIndexCache

    file = Path(path)
    try:
        require_media_file(file)
        missing = _iso_missing_bytes(file)
        index = read_frame_index(file)
    except VideoUnreadable as exc:
        if not file.is_file():
            raise
        missing = _iso_missing_bytes(file) if file.stat().st_size else 0
        return VideoAccuracy(unreadable=exc.reason, truncated=missing > 0, missing_bytes=missing)
    # The index was read anyway: keep it, so exports and the player never demux this file again.
    FrameIndexCache().remember(fingerprint(file), index)
    try:
        with av.open(str(file)) as container:
            return _check_open(container, index, missing)
    except av.FFmpegError as exc:  # it demuxed a moment ago: the file changed under us
        return VideoAccuracy(unreadable=str(exc))


def _iso_missing_bytes(file: Path) -> int:
    """How far the top-level boxes of an MP4/MOV file run past its end (0: they fit, or not
    such a file). A copy cut short loses the end of ``mdat`` and often the whole ``moov``
    index, so FFmpeg cannot say more than "invalid data"; the box sizes still can."""
    size = file.stat().st_size
    offset = 0
    with file.open("rb") as handle:
        for count in range(256):  # top-level boxes are few; a bound keeps garbage cheap
            if offset + 8 > size:
                return 0
            handle.seek(offset)
            head = handle.read(16)
            length, kind = int.from_bytes(head[:4], "big"), head[4:8]
            if count == 0 and kind not in (b"ftyp", b"wide", b"free", b"mdat", b"moov"):
                return 0  # not an ISO media file
            if length == 1 and len(head) == 16:
                length = int.from_bytes(head[8:16], "big")
            if length == 0:
                return 0  # "up to the end of the file"
            if length < 8:
                return 0  # not a box: garbage, not truncation
            if offset + length > size:
                return offset + length - size
            offset += length
    return 0


def _check_open(container: Any, index: FrameIndex, missing_bytes: int) -> VideoAccuracy:
    from eas_coder.media.audio_level import audio_level

    stream = container.streams.video[0]
    base = stream.time_base or Fraction(1, 1000)
    header_ms, from_container = _header_duration_ms(container, stream)
    decodable, rotation = _decode_tail(container, stream, index)
    audio, peak = audio_level(container)
    start_ms = float(index.pts[0] * base) * 1000.0
    # Matroska's (the container's) duration runs from 0 to the end: compare ends there.
    end_ms = index.duration_ms + (max(0.0, start_ms) if from_container else 0.0)
    missing_ms = (header_ms or 0) - end_ms
    truncated = missing_bytes > 0 or (
        header_ms is not None and missing_ms > max(_MISSING_MS, _MISSING_SHARE * header_ms)
    )
    return VideoAccuracy(
        frames=index.frame_count,
        header_frames=stream.frames or None,
        duration_ms=index.duration_ms,
        header_duration_ms=header_ms,
        decodable_frames=decodable,
        variable_rate=index.is_variable_rate,
        fps=round(index.fps, 3),
        start_offset_ms=round(start_ms, 3),
        rotation=rotation,
        audio=audio,
        audio_peak_dbfs=peak,
        truncated=truncated,
        missing_bytes=missing_bytes,
    )


def _header_duration_ms(container: Any, stream: Any) -> tuple[int | None, bool]:
    """(The video stream's duration from the header, else the container's; True when it
    is the container's)."""
    if stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base) * 1000), False
    if container.duration:
        return round(container.duration / 1000), True
    return None, False


def _decode_tail(container: Any, stream: Any, index: FrameIndex) -> tuple[int, int]:
    """(frames decodable up to the last one that decodes, rotation in degrees).

    Decodes from the keyframe before the last few frames to the end; when that gives no
    frame at all (the damage reaches back past it), from earlier keyframes.
    """
    last = index.frame_count - 1
    target = max(0, last - _TAIL_FRAMES + 1)
    rotation = 0
    start = index.keyframe_at_or_before(target)
    for _attempt in range(_TAIL_RETRIES + 1):
        decoded, rotation = _decode_from(container, stream, index, start)
        if decoded is not None:
            return decoded + 1, rotation
        if start == 0:
            break
        start = index.keyframe_at_or_before(start - 1)
    return 0, rotation


def _decode_from(
    container: Any, stream: Any, index: FrameIndex, start: int
) -> tuple[int | None, int]:
    """The index of the last frame decoded from keyframe ``start`` to the end (None: none)."""
    import av

    container.seek(index.pts[start], stream=stream, backward=True, any_frame=False)
    best: int | None = None
    rotation = 0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue  # a damaged packet: the frames after it may still decode
            for frame in frames:
                found = index.index_of_pts(frame.pts) if frame.pts is not None else None
                if found is not None and found >= start:
                    best = found if best is None else max(best, found)
                    rotation = _rotation(frame)
    except av.FFmpegError:
        pass  # the demuxer gave up: what decoded so far counts
    return best, rotation


def _rotation(frame: Any) -> int:
    """Degrees from the display matrix (phones record upright pictures turned by 90°)."""
    value = getattr(frame, "rotation", 0) or 0
    return round(float(value)) % 360
