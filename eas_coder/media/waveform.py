"""The audio envelope for the timeline: min/max per millisecond, with coarser levels for zoom.

We decode the first audio stream at its own rate with PyAV and reduce it with numpy in large
chunks. Speed is set by Python's work per decoded frame (~170,000 AAC frames an hour): each
frame only goes into an FFmpeg audio FIFO (one C call); mixing to mono and the min/max
reduction run once per ~2.7 s of audio. On a 60-min stereo AAC track this costs ~4 s of CPU,
of which ~2.6 s is FFmpeg's decoding alone. Resampling first (s16 mono at 8 kHz through
``AudioResampler``) was measured ~2.7× *slower*: the resampler's cost and its per-frame
calls outweigh the smaller arrays, and a low rate would also flatten high-pitched sounds.

Timing: bin ``b`` of level 0 holds the samples of milliseconds [b, b + 1) counted from the
audio stream's first decoded sample. ``start_offset_ms`` places that sample on the video's
clock: the first audio frame's timestamp less the video stream's start time, both read from
the same container (0 for a file without video). Matroska stores AAC priming samples that MP4
edit lists hide, so there the audio starts ~21 ms before the first frame and the offset is
negative. Gaps in the audio timestamps (dropped packets) are filled with silence so that
later sounds stay in place.
"""

from __future__ import annotations

import math
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from eas_coder.errors import VideoUnreadable
from eas_coder.media.audio_level import SILENT_DBFS

LEVEL_FACTOR = 4  # each coarser level merges this many bins of the one below
SILENT_PEAK = 10 ** (-60 / 20)  # below -60 dBFS there is no waveform worth drawing
DEAD_PEAK = 10 ** (SILENT_DBFS / 20)  # below -90 dBFS (or all zero) nothing was recorded
CACHE_VERSION = 1
_CHUNK_SAMPLES = 1 << 17  # reduce in chunks of ~2.7 s at 48 kHz
_GAP_MS = 10  # a hole in the timestamps longer than this is filled with silence

Floats = npt.NDArray[np.float32]
# Full scale of FFmpeg's integer sample formats (planar ones end in "p"); floats are ±1.
_FULL_SCALE = {"u8": 128.0, "s16": 32768.0, "s32": 2.0**31, "s64": 2.0**63}


@dataclass(frozen=True, eq=False)
class Waveform:
    """An audio track's envelope: ``levels[k]`` holds (mins, maxs) per ``LEVEL_FACTOR**k`` ms.

    Values are mono samples in [-1, 1] (full scale). Bin 0 starts at ``start_offset_ms`` on
    the video's clock (ms from the first frame; negative when the audio starts earlier).
    """

    levels: tuple[tuple[Floats, Floats], ...]
    sample_rate: int
    start_offset_ms: float = 0.0
    peak: float = field(init=False)

    def __post_init__(self) -> None:
        mins, maxs = self.levels[0]
        peak = max(float(-mins.min()), float(maxs.max())) if len(mins) else 0.0
        object.__setattr__(self, "peak", peak)

    @classmethod
    def from_bins(
        cls, mins: Floats, maxs: Floats, sample_rate: int, start_offset_ms: float = 0.0
    ) -> Waveform:
        """Build the coarser levels over 1-ms (mins, maxs)."""
        return cls(_pyramid(mins, maxs), sample_rate, start_offset_ms)

    def shifted(self, delta_ms: float) -> Waveform:
        """The same envelope placed ``delta_ms`` later on the video's clock (shares arrays)."""
        return Waveform(self.levels, self.sample_rate, self.start_offset_ms + delta_ms)

    @property
    def duration_ms(self) -> int:
        """How long the audio lasts."""
        return len(self.levels[0][0])

    @property
    def silent(self) -> bool:
        """True when the loudest sample stays below -60 dBFS (nothing to see)."""
        return self.peak < SILENT_PEAK

    @property
    def label(self) -> str:
        """What the lane says instead of a waveform when there is nothing to draw: a track is
        there but silent (a dead microphone, the wrong input), or very quiet ("" otherwise)."""
        if not self.silent:
            return ""
        if self.peak < DEAD_PEAK:
            return "audio: silent"
        return f"audio: very quiet (peak {20 * math.log10(self.peak):.0f} dBFS)"

    def columns(self, start_ms: float, end_ms: float, n: int) -> tuple[Floats, Floats]:
        """(mins, maxs) for ``n`` equal columns over [start_ms, end_ms) of video time.

        Each column spans every bin it touches, read from the coarsest level whose bins are
        no wider than a column, so the cost is O(n) at any zoom. Columns without audio
        (before it starts, after it ends) are NaN.
        """
        n = max(0, int(n))
        nan = np.full(n, np.nan, np.float32)
        if n == 0 or not end_ms > start_ms or self.duration_ms == 0:
            return nan, nan.copy()
        per_column = (end_ms - start_ms) / n
        level = 0
        while level + 1 < len(self.levels) and LEVEL_FACTOR ** (level + 1) <= per_column:
            level += 1
        mins, maxs = self.levels[level]
        size = float(LEVEL_FACTOR**level)  # ms per bin
        edges = (start_ms - self.start_offset_ms) + per_column * np.arange(n + 1, dtype=np.float64)
        lo = np.floor(edges[:-1] / size).astype(np.int64)
        hi = np.maximum(lo + 1, np.ceil(edges[1:] / size).astype(np.int64))
        lo, hi = np.clip(lo, 0, len(mins)), np.clip(hi, 0, len(mins))
        width = int((hi - lo).max())
        if width == 0:
            return nan, nan.copy()
        index = lo[:, None] + np.arange(width)[None, :]
        inside = index < hi[:, None]
        index = np.minimum(index, len(mins) - 1)
        col_min = np.where(inside, mins[index], np.inf).min(axis=1).astype(np.float32)
        col_max = np.where(inside, maxs[index], -np.inf).max(axis=1).astype(np.float32)
        empty = hi <= lo
        col_min[empty] = np.nan
        col_max[empty] = np.nan
        return col_min, col_max


def compute_waveform(
    path: str | os.PathLike[str],
    stop: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] | None = None,
) -> Waveform | None:
    """The envelope of a file's first audio stream (a video or an audio file).

    None when the file has no audio stream, or when ``stop()`` turned true before the end.
    ``progress`` receives the fraction done (0..1) about every percent. VideoUnreadable when
    the file cannot be opened at all.
    """
    name = str(path)
    try:
        container = av.open(name)
    except (av.FFmpegError, OSError) as exc:
        raise VideoUnreadable(name, f"cannot be decoded ({exc})") from None
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.sample_rate or stream.codec_context.sample_rate
        if not rate:
            return None
        chunk = _Chunk(_Binner(rate))
        total = _duration_s(container, stream) * rate  # samples expected, 0 if unknown
        first_s: float | None = None
        reported = 0.0
        try:
            for frame in container.decode(stream):
                if frame.time is not None:
                    if first_s is None:
                        first_s = frame.time
                    gap = round((frame.time - first_s) * rate) - chunk.samples
                    if gap > rate * _GAP_MS // 1000:
                        chunk.silence(gap)
                chunk.add(frame)
                if chunk.full:
                    if stop():
                        return None
                    chunk.flush()
                    if progress is not None and total > 0:
                        done = min(1.0, chunk.samples / total)
                        if done - reported >= 0.01:
                            reported = done
                            progress(done)
        except av.FFmpegError:
            pass  # a damaged tail: keep what was decoded
        if stop():
            return None
        chunk.flush()
        mins, maxs = chunk.binner.finish()
        offset = _offset_ms(container, stream, first_s)
    if progress is not None:
        progress(1.0)
    return Waveform.from_bins(mins, maxs, rate, offset)


def _duration_s(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


def _offset_ms(
    container: av.container.InputContainer, stream: av.AudioStream, first_s: float | None
) -> float:
    """Where the first audio sample lies on the video's clock (0 without a video stream)."""
    if first_s is None:
        start, base = stream.start_time, stream.time_base
        first_s = float(start * base) if start is not None and base is not None else 0.0
    if not container.streams.video:
        return 0.0
    video = container.streams.video[0]
    if video.start_time is None or video.time_base is None:
        return 0.0
    return (first_s - float(video.start_time * video.time_base)) * 1000.0


class _Chunk:
    """Decoded frames gathered in an FFmpeg audio FIFO, then mixed and reduced in one go.

    Writing a frame to the FIFO is one C call (~2.5 µs); viewing its planes from Python cost
    more, and numpy is only efficient on arrays far longer than a 1024-sample AAC frame.
    """

    def __init__(self, binner: _Binner) -> None:
        self.binner = binner
        self.samples = 0  # samples added so far, silence included
        self._fifo = av.AudioFifo()

    @property
    def full(self) -> bool:
        """True when the chunk is worth reducing."""
        return self._fifo.samples >= _CHUNK_SAMPLES

    def add(self, frame: av.AudioFrame) -> None:
        """Queue a decoded frame's samples."""
        frame.pts = None  # the FIFO checks timestamps for continuity; we did already
        try:
            self._fifo.write(frame)
        except ValueError:  # the sample format or the channel layout changed
            self.flush()
            self._fifo = av.AudioFifo()
            self._fifo.write(frame)
        self.samples += frame.samples

    def silence(self, count: int) -> None:
        """Fill a hole in the timestamps."""
        self.flush()
        self.binner.push(np.zeros(count, np.float32))
        self.samples += count

    def flush(self) -> None:
        """Mix what is waiting to mono full scale and reduce it."""
        if not self._fifo.samples:
            return
        frame = self._fifo.read()
        if frame is not None:
            self.binner.push(_mono(frame))


def _mono(frame: av.AudioFrame) -> Floats:
    """A frame's channels mixed to one, as float32 full scale (±1)."""
    kind = frame.format.name.removesuffix("p")
    channels = max(1, frame.layout.nb_channels)
    data = frame.to_ndarray()
    if not frame.format.is_planar:
        data = data.reshape(-1, channels).T  # interleaved: one column per channel
    full_scale = _FULL_SCALE.get(kind, 1.0)
    work = np.float64 if kind == "dbl" else np.float32
    mixed = data.sum(axis=0, dtype=work) if channels > 1 else data[0].astype(work)
    if kind == "u8":
        mixed -= 128.0 * channels
    if channels != 1 or full_scale != 1.0:
        mixed *= 1.0 / (full_scale * channels)
    result: Floats = mixed.astype(np.float32, copy=False)
    return result


class _Binner:
    """Cuts a stream of samples into 1-ms bins and keeps each bin's min and max.

    Bin ``b`` starts at sample ceil(b × rate / 1000), so 44.1 kHz bins hold 44 or 45
    samples; the samples of an unfinished bin wait for the next chunk.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.bins = 0  # finished bins
        self.consumed = 0  # samples in finished bins
        self.rest: Floats = np.zeros(0, np.float32)
        self.mins: list[Floats] = []
        self.maxs: list[Floats] = []

    def push(self, chunk: Floats) -> None:
        """Add samples; every bin they complete is reduced."""
        buf = np.concatenate((self.rest, chunk)) if len(self.rest) else chunk
        last = (self.consumed + len(buf)) * 1000 // self.rate  # bins before `last` are complete
        if last <= self.bins:
            self.rest = buf
            return
        end = -(-last * self.rate // 1000) - self.consumed
        # reduceat beats reshape(-1, 48).min(axis=1) by ~2.5× on short rows, and handles
        # rates that are not a multiple of 1000.
        bins = np.arange(self.bins, last, dtype=np.int64)
        offsets = -(-bins * self.rate // 1000) - self.consumed
        self.mins.append(np.minimum.reduceat(buf[:end], offsets))
        self.maxs.append(np.maximum.reduceat(buf[:end], offsets))
        self.bins, self.consumed = last, self.consumed + end
        self.rest = buf[end:].copy()

    def finish(self) -> tuple[Floats, Floats]:
        """All bins, the last one partial if samples were left over."""
        if len(self.rest):
            self.mins.append(np.array([self.rest.min()], np.float32))
            self.maxs.append(np.array([self.rest.max()], np.float32))
            self.rest = np.zeros(0, np.float32)
        if not self.mins:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        return np.concatenate(self.mins), np.concatenate(self.maxs)


def _pyramid(mins: Floats, maxs: Floats) -> tuple[tuple[Floats, Floats], ...]:
    """Level 0 and every coarser level down to a single bin."""
    mins = np.ascontiguousarray(mins, np.float32)
    maxs = np.ascontiguousarray(maxs, np.float32)
    levels = [(mins, maxs)]
    while len(mins) > 1:
        groups = np.arange(0, len(mins), LEVEL_FACTOR)
        mins, maxs = np.minimum.reduceat(mins, groups), np.maximum.reduceat(maxs, groups)
        levels.append((mins, maxs))
    return tuple(levels)


class WaveformCache:
    """Finished waveforms on disk, one file per video fingerprint.

    Level 0 is stored as float16 (half the size of float32, ~14 MB an hour; ~0.05 %
    relative error, invisible in a 36-px lane) and the coarser levels are rebuilt on load.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, fingerprint: str) -> Path:
        return self.root / f"{fingerprint}-v{CACHE_VERSION}.npz"

    def load(self, fingerprint: str) -> Waveform | None:
        """The cached waveform, or None when absent or unreadable (then it is made again)."""
        try:
            with np.load(self._file(fingerprint)) as data:
                mins = data["mins"].astype(np.float32)
                maxs = data["maxs"].astype(np.float32)
                rate, offset = int(data["sample_rate"]), float(data["start_offset_ms"])
            if mins.shape != maxs.shape or mins.ndim != 1 or rate <= 0 or not math.isfinite(offset):
                return None
            return Waveform.from_bins(mins, maxs, rate, offset)
        # A truncated or damaged file: BadZipFile; an empty one: EOFError (neither is OSError).
        except (OSError, KeyError, ValueError, IndexError, TypeError, EOFError, zipfile.BadZipFile):
            return None

    def save(self, fingerprint: str, waveform: Waveform) -> None:
        """Write a waveform atomically (a crash leaves the old file or none)."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        mins, maxs = waveform.levels[0]
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    mins=mins.astype(np.float16),
                    maxs=maxs.astype(np.float16),
                    sample_rate=np.int64(waveform.sample_rate),
                    start_offset_ms=np.float64(waveform.start_offset_ms),
                )
            os.replace(temporary, self._file(fingerprint))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
