"""How loud a video's audio track is: present, silent (a dead microphone), absent or unreadable.

Long tracks are sampled in one-second slices spread over the recording, stopping at the first
slice with sound, so checking a one-hour tape costs about as much as checking a short one.
"""

from __future__ import annotations

import math
from typing import Any

import av
import numpy as np

SILENT_DBFS = -90.0  # a track whose peak stays below this is silent (a dead microphone)
_AUDIO_SLICES = 8  # spread over the track; the first loud one ends the search
_AUDIO_SLICE_S = 1.0
_WHOLE_AUDIO_S = 30.0  # shorter tracks are decoded whole


def audio_level(container: Any) -> tuple[str, float | None]:
    """("present" | "silent" | "absent" | "unreadable", peak in dBFS of what was decoded)."""
    if not container.streams.audio:
        return "absent", None
    stream = container.streams.audio[0]
    length_s = _audio_length_s(container, stream)
    if length_s <= _WHOLE_AUDIO_S:
        starts: list[float | None] = [None]
        budget = math.inf
    else:
        step = length_s / _AUDIO_SLICES
        starts = [step * (i + 0.5) for i in range(_AUDIO_SLICES)]
        budget = _AUDIO_SLICE_S
    peak, decoded = 0.0, False
    for at in starts:
        level = _slice_peak(container, stream, at, budget)
        if level is None:
            continue
        decoded = True
        peak = max(peak, level)
        if _dbfs(peak) >= SILENT_DBFS:
            break  # sound: no need to look further
    if not decoded:
        return "unreadable", None
    loud = _dbfs(peak)
    status = "silent" if loud < SILENT_DBFS else "present"
    return status, (round(loud, 1) if math.isfinite(loud) else None)  # None: all zero


def _audio_length_s(container: Any, stream: Any) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return container.duration / 1_000_000 if container.duration else 0.0


def _slice_peak(container: Any, stream: Any, at_s: float | None, budget_s: float) -> float | None:
    """The peak (full scale 1.0) of ``budget_s`` of audio from ``at_s`` (None: the start)."""
    try:
        if at_s is not None and stream.time_base:
            container.seek(int(at_s / stream.time_base), stream=stream, backward=True)
        else:
            container.seek(0, backward=True)  # back from the video's tail
    except av.FFmpegError:
        return None
    peak, taken, decoded = 0.0, 0.0, False
    try:
        for frame in container.decode(stream):
            decoded = True
            data = frame.to_ndarray()
            if data.size:
                peak = max(peak, _full_scale_peak(data, frame.format.name))
            taken += frame.samples / (frame.sample_rate or 1)
            if taken >= budget_s:
                break
    except av.FFmpegError:
        pass
    return peak if decoded else None


def _full_scale_peak(data: np.ndarray, sample_format: str) -> float:
    kind = sample_format.removesuffix("p")
    values = data.astype(np.float64)
    if kind == "u8":
        return float(np.abs(values - 128.0).max() / 128.0)
    scale = {"s16": 32768.0, "s32": 2.0**31, "s64": 2.0**63}.get(kind, 1.0)
    return float(np.abs(values).max() / scale)


def _dbfs(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf
