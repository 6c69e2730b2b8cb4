"""Pure helpers for the timeline (no Qt): tick steps and labels, frame snapping, view limits."""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_FRAME_MS = 40.0
HOUR_MS = 3_600_000
MIN_LABEL_PX = 80.0

# Human time steps (ms), each with the minor step drawn between its labelled ticks.
TIME_STEPS: tuple[tuple[int, int], ...] = (
    (10, 2),
    (20, 5),
    (50, 10),
    (100, 20),
    (200, 50),
    (500, 100),
    (1_000, 200),
    (2_000, 500),
    (5_000, 1_000),
    (10_000, 2_000),
    (15_000, 5_000),
    (30_000, 5_000),
    (60_000, 10_000),
    (120_000, 30_000),
    (300_000, 60_000),
    (600_000, 120_000),
    (900_000, 300_000),
    (1_800_000, 300_000),
    (3_600_000, 600_000),
)
# Frame steps (frames): labelled every n frames, minor ticks every m frames.
FRAME_STEPS: tuple[tuple[int, int], ...] = ((1, 1), (2, 1), (5, 1), (10, 5))


@dataclass(frozen=True)
class TickStep:
    """The ruler's step: labelled ticks every ``major_ms``, minor ticks every ``minor_ms``.

    ``frames`` > 0 means a frame-based step (labels every ``frames`` frames, minor ticks
    every ``minor_frames``); ``major_ms`` is then the typical duration of that many frames.
    """

    major_ms: float
    minor_ms: float
    frames: int = 0
    minor_frames: int = 0

    @property
    def frame_based(self) -> bool:
        """True when ticks sit on frame starts rather than on round times."""
        return self.frames > 0


def choose_step(
    px_per_ms: float, frame_ms: float | None = None, min_label_px: float = MIN_LABEL_PX
) -> TickStep:
    """The smallest step whose labelled ticks are at least ``min_label_px`` apart.

    Frame steps are used only when ``frame_ms`` is known and ten frames already span the
    label distance (that is, at frame zoom); otherwise the human time ladder applies.
    """
    if px_per_ms <= 0:
        major, minor = TIME_STEPS[-1]
        return TickStep(float(major), float(minor))
    if frame_ms is not None and frame_ms > 0:
        for frames, minor_frames in FRAME_STEPS:
            if frames * frame_ms * px_per_ms >= min_label_px:
                return TickStep(frames * frame_ms, minor_frames * frame_ms, frames, minor_frames)
    for major, minor in TIME_STEPS:
        if major * px_per_ms >= min_label_px:
            return TickStep(float(major), float(minor))
    # Beyond the ladder (a very long tape in a very narrow widget): whole hours.
    hours = max(1, int(-(-min_label_px // (HOUR_MS * px_per_ms))))
    return TickStep(float(hours * HOUR_MS), float(hours * HOUR_MS) / 2)


def format_tick(ms: float, step_ms: float, hours: bool = False) -> str:
    """A ruler label: ``m:ss`` for steps of a second or more, ``m:ss.fff`` below.

    With ``hours`` (videos of an hour or more) the forms are ``h:mm:ss`` and ``h:mm:ss.fff``.
    """
    total = max(0, round(ms))
    seconds, millis = divmod(total, 1000)
    minutes, secs = divmod(seconds, 60)
    if hours:
        hrs, minutes = divmod(minutes, 60)
        text = f"{hrs}:{minutes:02d}:{secs:02d}"
    else:
        text = f"{minutes}:{secs:02d}"
    return text if step_ms >= 1000 else f"{text}.{millis:03d}"


def format_clock(ms: float) -> str:
    """A full time stamp ``hh:mm:ss.fff`` (tooltips)."""
    total = max(0, round(ms))
    seconds, millis = divmod(total, 1000)
    minutes, secs = divmod(seconds, 60)
    hrs, minutes = divmod(minutes, 60)
    return f"{hrs:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def frame_index_at(frame_times_ms: Sequence[float], ms: float) -> int:
    """The frame shown at ``ms`` (start ≤ ms < next start); 0 before the first frame.

    Half a millisecond of slack maps a rounded frame start back to its own frame, as
    ``FrameIndex.index_at`` does.
    """
    if not frame_times_ms:
        return 0
    found = bisect.bisect_right(frame_times_ms, ms + 0.5) - 1
    return max(0, min(found, len(frame_times_ms) - 1))


def median_frame_ms(frame_times_ms: Sequence[float]) -> float:
    """The typical frame duration, or 40 ms when it cannot be told."""
    if len(frame_times_ms) < 2:
        return DEFAULT_FRAME_MS
    steps = [b - a for a, b in itertools.pairwise(frame_times_ms)]
    median = statistics.median(steps)
    return float(median) if median > 0 else DEFAULT_FRAME_MS


def tick_times(start_ms: float, end_ms: float, step_ms: float) -> list[float]:
    """Multiples of ``step_ms`` from ``start_ms`` to ``end_ms`` inclusive."""
    if step_ms <= 0 or end_ms < start_ms:
        return []
    first = int(start_ms // step_ms)
    if first * step_ms < start_ms:
        first += 1
    last = int(end_ms // step_ms)
    return [n * step_ms for n in range(first, last + 1)]


def ruler_ticks(
    start_ms: float,
    end_ms: float,
    step: TickStep,
    frame_times_ms: Sequence[float] = (),
    hours: bool = False,
) -> list[tuple[float, str | None]]:
    """The ticks in view as (ms, label); minor ticks have no label.

    Frame steps put ticks on frame starts and label them ``#index time``.
    """
    ticks: list[tuple[float, str | None]] = []
    if step.frame_based and frame_times_ms:
        first = frame_index_at(frame_times_ms, start_ms)
        last = frame_index_at(frame_times_ms, end_ms)
        for i in range(first, last + 1):
            t = frame_times_ms[i]
            if i % step.frames == 0:
                ticks.append((t, f"#{i} {format_tick(t, 0, hours)}"))
            elif i % step.minor_frames == 0:
                ticks.append((t, None))
        return ticks
    for t in tick_times(start_ms, end_ms, step.minor_ms):
        major = abs(t / step.major_ms - round(t / step.major_ms)) < 1e-6
        ticks.append((t, format_tick(t, step.major_ms, hours) if major else None))
    return ticks


def snap_to_frame(frame_times_ms: Sequence[float], ms: float, max_ms: float) -> int:
    """``ms`` clamped to [0, max_ms] and moved to the start of the frame containing it."""
    t = max(0.0, min(float(ms), float(max_ms)))
    if not frame_times_ms:
        return round(t)
    return round(frame_times_ms[frame_index_at(frame_times_ms, t)])


def nearest_boundary(frame_times_ms: Sequence[float], ms: float, duration_ms: float) -> int:
    """The frame start (or the tape's end) nearest ``ms``; ``ms`` itself without frames."""
    t = max(0.0, min(float(ms), float(duration_ms)))
    if not frame_times_ms:
        return round(t)
    i = frame_index_at(frame_times_ms, t)
    start = frame_times_ms[i]
    end = frame_times_ms[i + 1] if i + 1 < len(frame_times_ms) else float(duration_ms)
    return round(start if t - start <= end - t else end)


def boundary_before(
    frame_times_ms: Sequence[float], ms: float, frame_ms: float = DEFAULT_FRAME_MS
) -> int:
    """The last frame start before ``ms`` (0 when none); ``ms`` less a frame without frame times."""
    if not frame_times_ms:
        return max(0, round(ms - frame_ms))
    i = bisect.bisect_left(frame_times_ms, ms - 0.5) - 1
    return round(frame_times_ms[i]) if i >= 0 else 0


def boundary_after(
    frame_times_ms: Sequence[float],
    ms: float,
    duration_ms: float,
    frame_ms: float = DEFAULT_FRAME_MS,
) -> int:
    """The first frame start after ``ms``, or the tape's end; ``ms`` plus a frame without times."""
    if not frame_times_ms:
        return round(min(float(duration_ms), ms + frame_ms))
    i = bisect.bisect_right(frame_times_ms, ms + 0.5)
    return round(frame_times_ms[i]) if i < len(frame_times_ms) else round(duration_ms)


def nearest_index(times: Sequence[float], t: float) -> int:
    """The index of the value in sorted, non-empty ``times`` nearest ``t``."""
    i = bisect.bisect_left(times, t)
    if i == len(times) or (i > 0 and t - times[i - 1] < times[i] - t):
        i -= 1
    return i


def clamp_view(
    start_ms: float, span_ms: float, duration_ms: float, min_span_ms: float
) -> tuple[float, float]:
    """A view (start, span) inside the tape, no wider than it and no narrower than the limit."""
    span = max(min(min_span_ms, duration_ms), min(span_ms, duration_ms))
    start = max(0.0, min(start_ms, duration_ms - span))
    return start, span
