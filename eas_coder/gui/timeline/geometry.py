"""Where the timeline's rows are and which time each x shows: the shared geometry every layer
draws in. The lowest module of the room: it imports nothing from the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RULER_H = 22
STRIP_H = 48
TRACK_H = 18


@dataclass(frozen=True)
class LayerView:
    """What the layers need to know: the widget's size and the time range it shows."""

    width: float
    height: float
    start_ms: float
    span_ms: float
    duration_ms: int
    frames: Sequence[float]
    frame_ms: float
    wave_h: float = 0.0  # the waveform lane between the strip and the tracks (0: hidden)

    @property
    def tracks_top(self) -> float:
        """The y where the first track row starts."""
        return RULER_H + STRIP_H + self.wave_h

    def x_of(self, ms: float) -> float:
        """The x coordinate of a time."""
        return (ms - self.start_ms) * self.width / self.span_ms

    def time_at(self, x: float) -> float:
        """The time at an x coordinate."""
        return self.start_ms + x * self.span_ms / self.width
