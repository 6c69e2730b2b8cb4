"""What the timeline's track rows show: one coder's segments per track. Plain data the coding
room builds and the timeline draws; it imports nothing from the timeline."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TRACK_COLOR = "#4f8bd6"


@dataclass(frozen=True)
class TimelineSegment:
    """A coded stretch of video on one track."""

    start_ms: int
    end_ms: int
    label: str = ""
    id: int | None = None  # lets the window tell which segment a click or an edit is about


@dataclass(frozen=True)
class TimelineTrack:
    """One coder's row of segments."""

    name: str
    segments: tuple[TimelineSegment, ...] = ()
    color: str = DEFAULT_TRACK_COLOR
    editable: bool = False  # the current coder's own track: edges can be dragged, spans drawn
