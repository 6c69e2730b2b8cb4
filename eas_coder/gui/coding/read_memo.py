"""The open video's reads, remembered for one event of the GUI thread (issue 18).

One score asked the study the same questions again and again on the GUI thread: the coder's
ratings three times (the old score, the target's scores, the segments' counts) and the coding
status twice, ~1 ms each on a quiet machine and two to three times that on a busy one. A value
read here is kept until the event being handled is done (a zero timer forgets it) or this
process writes to the study (``Study.writes``), whichever comes first: nothing outlives the
event that read it, so another workstation's change is seen at the next event as before.

After a save, the save thread reads what the screen update will show (``after_save_reads``)
and the update takes it (``seed``) if nothing was written since: the update then reads
nothing on the GUI thread. Only the GUI thread uses the memo; other threads read the study.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from contextlib import suppress
from typing import Any, TypeVar

from PySide6.QtCore import QTimer

from eas_coder.errors import EasCoderError
from eas_coder.store.study import Study

T = TypeVar("T")


# A memo key is (kind, video id, coder id) for the signed-in coder's own work, and
# (kind, video id) for every coder's.
SEGMENTS, RATINGS, DRAFTS, HAS_WORK = "segments", "ratings", "drafts", "has work"
VIDEO_SEGMENTS, COUNTS = "video segments", "counts"
TEMPLATE = "template to copy"  # (kind, video id, coder id): a template the coder has no copy of


class ReadMemo:
    """Reads of the GUI thread, kept for the event being handled (see the module doc)."""

    def __init__(self, stamp: Callable[[], int]) -> None:
        self._stamp = stamp
        self._at = -1  # the write stamp the values were read at
        self._values: dict[Hashable, Any] = {}
        self._forgetting = False
        self._gui = threading.get_ident()  # made on the GUI thread, with the session

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``'s value, read at most once in this event unless the study was written."""
        if threading.get_ident() != self._gui:
            return read()
        self._check_stamp(self._stamp())
        if key in self._values:
            value: T = self._values[key]
            return value
        value = read()
        self._values[key] = value
        self._forget_later()
        return value

    def seed(self, values: dict[Hashable, Any], stamp: int) -> None:
        """Take values read elsewhere at write stamp ``stamp``, if still current."""
        current = self._stamp()
        if not values or stamp != current:
            return
        self._check_stamp(current)
        self._values.update(values)
        self._forget_later()

    def forget(self) -> None:
        """Read afresh from now on (news from another workstation, a study reread)."""
        self._values.clear()

    def _check_stamp(self, stamp: int) -> None:
        if stamp != self._at:
            self._values.clear()
            self._at = stamp

    def _forget_later(self) -> None:
        if not self._forgetting:
            self._forgetting = True
            QTimer.singleShot(0, self._forget_now)

    def _forget_now(self) -> None:
        self._forgetting = False
        self._values.clear()


def after_save_reads(study: Study, video_id: int, coder_id: int) -> tuple[dict[Hashable, Any], int]:
    """On the save thread, after a save: what the screen update will read, and the write
    stamp it was read at. A failure reads nothing (the update then reads for itself)."""
    stamp = study.writes()
    values: dict[Hashable, Any] = {}
    with suppress(EasCoderError):
        values = work_reads(study, video_id, coder_id)
    return values, stamp


def work_reads(study: Study, video_id: int, coder_id: int | None) -> dict[Hashable, Any]:
    """A video's work as the memo keys it: every coder's segments and counts and, for a coder
    (``coder_id``), their own segments, ratings, drafts and whether they have any."""
    every = study.segments.all(video_id=video_id)  # in time order, every coder's
    values: dict[Hashable, Any] = {
        (VIDEO_SEGMENTS, video_id): every,
        (COUNTS, video_id): study.ratings.counts_by_coder(video_id),
    }
    if coder_id is not None:
        segments = [s for s in every if s.coder_id == coder_id]
        ratings = study.ratings.all(video_id=video_id, coder_id=coder_id)
        drafts = study.item_drafts.all(video_id=video_id, coder_id=coder_id)
        mine = {SEGMENTS: segments, RATINGS: ratings, DRAFTS: drafts}
        mine[HAS_WORK] = bool(segments or ratings or drafts)  # = study.has_work
        values.update({(kind, video_id, coder_id): value for kind, value in mine.items()})
    return values
