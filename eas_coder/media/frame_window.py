"""Which decoded frames to keep around the playhead (``ExactFrames``' cache window).

Behind the playhead: back to the start of the GOP before the playhead's (and at least
``behind`` frames, rounded down to a keyframe), so the lower edge moves only when the
playhead crosses a keyframe, by one whole GOP, refilled in one forward run from its
keyframe. When that does not fit the memory budget: as many frames behind as fit (a
sliding edge). Ahead: ``ahead`` frames, fewer while stepping back (the frames just left
are decoded already; the memory is better spent behind).
"""

from __future__ import annotations

import itertools
import time
from typing import Any, NamedTuple

from eas_coder.media.frame_index import FrameIndex

BACKWARD_AHEAD = 8  # frames kept ahead of the playhead while it steps back


class Window(NamedTuple):
    """Frames ``low``..``high`` (inclusive) are kept; ``sliding`` when the GOPs behind do
    not fit the budget and the lower edge follows the playhead frame by frame."""

    low: int
    high: int
    sliding: bool


def cache_window(
    index: FrameIndex,
    center: int,
    last: int,
    sizes: tuple[int, int, int],
    backward: bool,
) -> Window:
    """The window around ``center`` up to frame ``last``; ``sizes`` are the frames wanted
    behind and ahead and the cache's capacity in frames."""
    behind, ahead, capacity = sizes
    keyframe_at = index.keyframe_at_or_before
    high = min(last, center + (min(ahead, BACKWARD_AHEAD) if backward else ahead))
    own = keyframe_at(center)
    previous = keyframe_at(own - 1) if own > 0 else 0
    low = keyframe_at(max(0, min(previous, center - behind)))
    room = max(behind, capacity - 1 - (high - center))
    return Window(max(low, center - room), high, center - low > room)


def release_frames(cache: dict[int, Any]) -> None:
    """Empty a frame cache a few frames at a time, letting other threads run in between:
    freeing ~150 decoded 720p frames at once held the GIL for ~20 ms (~80 ms on a busy
    machine), a stall of the GUI thread whenever the coder switched videos."""
    while cache:
        for index in list(itertools.islice(cache, 8)):
            del cache[index]
        time.sleep(0)  # gives up the GIL
