"""Reads of the open video's work shared by everything that shows it after one change
(issue 18, item 2: no GUI-thread stall over 50 ms).

One change of the coding session (a save done, a video opened) is shown by several widgets
at once — the segment table, the rating panel, the timeline's tracks, the video list's row,
the Selected video dock — and each asked the study for the coder's segments, ratings and
drafts again: a dozen short read transactions on the GUI thread, 40–100 ms under load at
10,000 videos. Here the first asker reads and the others, in the same turn of the event loop,
get the same rows.

Kept truthful: sharing starts only when a change is shown (``share``) and ends when the event
loop next turns; a read is never shared across a write committed meanwhile by this process
(``Study.writes``) or a save that finished (the save queue's count of finished jobs tags the
versions the screen records as seen, so they are exactly those read); only the GUI thread
shares (the save thread always reads afresh).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QTimer

T = TypeVar("T")


class SharedReads:
    """Rows read once per turn of the GUI thread's event loop, while a change is shown."""

    def __init__(self, stamp: Callable[[], Hashable]) -> None:
        self._stamp_now = stamp  # changes whenever what was read may have changed
        self._gui = threading.get_ident()  # made by the session, on the GUI thread
        self._rows: dict[Hashable, Sequence[Any]] = {}
        self._stamp: Hashable = None  # the stamp when the rows held were read
        self._sharing = False

    def share(self) -> None:
        """Read afresh now, then share the rows read until the event loop turns."""
        self._rows.clear()
        if not self._sharing:
            self._sharing = True
            QTimer.singleShot(0, self.stop)

    def stop(self) -> None:
        """Every read afresh from now on (until the next ``share``)."""
        self._sharing = False
        self._rows.clear()

    def get(self, key: Hashable, read: Callable[[], list[T]]) -> list[T]:
        """``read()``, or the rows it gave earlier in this turn (a new list each time)."""
        if not self._sharing or threading.get_ident() != self._gui:
            return read()
        stamp = self._stamp_now()  # taken before reading: a write meanwhile moves it
        if stamp != self._stamp:  # a write or save since: what was read may be old
            self._rows.clear()
            self._stamp = stamp
        if key not in self._rows:
            self._rows[key] = tuple(read())
        return list(self._rows[key])
