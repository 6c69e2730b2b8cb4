"""The timestamp of every frame, read by demuxing (no decoding): the frame index is the truth.

A player reports times; a coder needs frames. Mapping between them by ``index / fps`` is
wrong for variable-frame-rate recordings (phones, some camcorders) and for files whose
timestamps do not start at zero, so we list every frame's presentation timestamp once and
map through that list. Demuxing a 10-minute 720p file takes a fraction of a second.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path

# PyAV and numpy load on first use (a frame index read or measured), not with this module:
# the window imports it for the type and starts ~0.3 s sooner without them.
from eas_coder.errors import VideoUnreadable
from eas_coder.media.probe import require_media_file

# Frame durations may jitter by a tick in constant-rate files (millisecond time bases).
_CONSTANT_RATE_TOLERANCE = 0.05


@dataclass(frozen=True)
class FrameIndex:
    """Every frame's start time (ms from the first frame), in presentation order."""

    times_ms: tuple[float, ...]
    pts: tuple[int, ...]  # in the stream's time base, parallel to times_ms
    keyframes: tuple[int, ...]  # frame indices of keyframes, ascending
    time_base: Fraction
    width: int
    height: int
    # Each keyframe's decode timestamp, parallel to keyframes (empty when not read): MPEG-TS
    # and -PS seek by decode timestamps, which run ahead of presentation with B-frames. A
    # seek hint only, so not part of what makes two indexes the same.
    key_dts: tuple[int, ...] = field(default=(), compare=False)
    _pts_to_index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A timestamp twice (a muxer's rounding): the first frame of the run; decoders put
        # the run out in order, so ExactFrames counts on from there.
        for i, p in enumerate(self.pts):
            self._pts_to_index.setdefault(p, i)

    @property
    def frame_count(self) -> int:
        """How many frames the video has."""
        return len(self.times_ms)

    @property
    def duration_ms(self) -> int:
        """From the first frame's start to the last frame's end."""
        if not self.times_ms:
            return 0
        return round(self.times_ms[-1] + self.frame_duration_ms(len(self.times_ms) - 1))

    @cached_property  # the whole list's median: asked for on every repaint of the timeline
    def median_frame_ms(self) -> float:
        """The typical frame duration (40 ms at 25 fps)."""
        if len(self.times_ms) < 2:
            return 40.0
        import numpy as np

        return float(np.median(np.diff(np.asarray(self.times_ms))))

    @property
    def fps(self) -> float:
        """The typical frame rate."""
        return 1000.0 / self.median_frame_ms

    @cached_property
    def is_variable_rate(self) -> bool:
        """True when frame durations differ by more than timestamp rounding explains."""
        if len(self.times_ms) < 3:
            return False
        import numpy as np

        steps = np.diff(np.asarray(self.times_ms))
        tick = float(self.time_base) * 1000.0
        spread = float(steps.max() - steps.min())
        return spread > max(2 * tick, _CONSTANT_RATE_TOLERANCE * float(np.median(steps)))

    def time_ms(self, index: int) -> int:
        """The start of a frame, in whole milliseconds (what segment marks store)."""
        return round(self.times_ms[self.clamp(index)])

    def frame_duration_ms(self, index: int) -> float:
        """How long a frame is shown (the last frame lasts a typical frame)."""
        if index + 1 < len(self.times_ms):
            return self.times_ms[index + 1] - self.times_ms[index]
        return self.median_frame_ms

    def index_at(self, ms: float) -> int:
        """The frame on screen at a time: its start ≤ ms < the next frame's start.

        Half a millisecond of slack makes ``index_at(time_ms(i)) == i`` despite rounding.
        """
        found = bisect.bisect_right(self.times_ms, ms + 0.5) - 1
        return self.clamp(found)

    def index_of_pts(self, pts: int) -> int | None:
        """The index of a decoded frame by its timestamp, or None if it is not one of ours
        (the first of the frames sharing a timestamp, if a muxer wrote one twice)."""
        return self._pts_to_index.get(pts)

    def keyframe_at_or_before(self, index: int) -> int:
        """The keyframe decoding must start from to reach a frame."""
        position = bisect.bisect_right(self.keyframes, index) - 1
        return self.keyframes[position] if position >= 0 else 0

    def seek_timestamp(self, keyframe: int, by_dts: bool) -> int:
        """The timestamp to seek to for a keyframe: its decode timestamp when asked and
        known, else its presentation timestamp."""
        if by_dts and self.key_dts:
            position = bisect.bisect_left(self.keyframes, keyframe)
            if position < len(self.keyframes) and self.keyframes[position] == keyframe:
                return self.key_dts[position]
        return self.pts[keyframe]

    def clamp(self, index: int) -> int:
        """An index inside the video."""
        return max(0, min(int(index), len(self.times_ms) - 1))


def read_frame_index(path: str | os.PathLike[str]) -> FrameIndex:
    """Demux a video's first video stream and list its frames; VideoUnreadable if we cannot."""
    import av

    file = Path(path)
    name = str(file)
    require_media_file(file)
    try:
        with av.open(name) as container:
            if not container.streams.video:
                raise VideoUnreadable(name, "the file has no video stream (audio only?)")
            still = _still_image_format(container.format.name)
            if still:
                raise VideoUnreadable(name, f"this is a still image ({still}), not a video")
            if container.format.name == "tty":  # FFmpeg draws .txt (.nfo, .ans …) as ANSI art
                raise VideoUnreadable(name, "cannot be read as a video (it is a text file)")
            stream = container.streams.video[0]
            time_base = stream.time_base or Fraction(1, 1000)
            packets = [
                (packet.pts, packet.is_keyframe, packet.dts)
                for packet in container.demux(stream)
                if packet.size and packet.pts is not None and not packet.is_discard
            ]
            width, height = stream.codec_context.width, stream.codec_context.height
    except av.FFmpegError as exc:
        raise VideoUnreadable(name, f"cannot be read as a video ({_reason(exc)})") from None
    if not packets:
        raise VideoUnreadable(name, "the video stream holds no frames")
    packets.sort(key=lambda packet: packet[0])
    pts = tuple(p for p, _key, _dts in packets)
    first = pts[0]
    times = tuple(float((p - first) * time_base * 1000) for p in pts)
    keyframes = tuple(i for i, (_p, key, _dts) in enumerate(packets) if key) or (0,)
    key_dts = tuple(_dts_or_pts(packets[i]) for i in keyframes)
    return FrameIndex(times, pts, keyframes, time_base, width, height, key_dts)


def _dts_or_pts(packet: tuple[int, bool, int | None]) -> int:
    pts, _key, dts = packet
    return pts if dts is None else dts


def _still_image_format(format_name: str) -> str:
    """The image type when FFmpeg opened a picture (it reads PNG, JPEG … as 1-frame videos)."""
    if format_name.endswith("_pipe"):
        return format_name.removesuffix("_pipe").upper()
    if format_name == "image2":
        return "image"
    return ""


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip().rstrip(".").lower()
