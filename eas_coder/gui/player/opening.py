"""Keys pressed while a video is still opening (its frame index is read off the GUI thread).

The latest key waits and runs once the video is open (steps add up: ← ← ← is three back);
the player says what is waiting, so a key is never silently lost.
"""

from __future__ import annotations

from collections.abc import Callable


class KeysWhileOpening:
    """From ``start()`` (open) to ``opened()``: transport actions wait here."""

    def __init__(self, announce: Callable[[str], None]) -> None:
        self._announce = announce  # told what will follow once the video is open
        self.loading = False
        self._waiting: Callable[[], None] | None = None
        self._steps = 0

    def start(self) -> None:
        """A video began opening."""
        self.loading = True
        self._waiting, self._steps = None, 0

    def drop(self) -> None:
        """Closed, or opening failed: nothing waits any more."""
        self.loading = False
        self._waiting, self._steps = None, 0

    def defer(self, what: str, action: Callable[[], None]) -> bool:
        """While opening, keep ``action`` for later (replacing an earlier key) and say so;
        False when the video is open and the action can run now."""
        if not self.loading:
            return False
        self._waiting, self._steps = action, 0
        self._announce(what)
        return True

    def defer_step(self, frames: int, step: Callable[[int], None]) -> bool:
        """Like ``defer`` for frame steps, which add up."""
        if not self.loading:
            return False
        steps = self._steps + frames
        self._waiting, self._steps = (lambda: step(steps)), steps
        self._announce(f"a step of {steps:+d} frames")
        return True

    def opened(self) -> None:
        """The video is open: run the key that waited, if any."""
        waiting = self._waiting
        self.drop()
        if waiting is not None:
            waiting()
