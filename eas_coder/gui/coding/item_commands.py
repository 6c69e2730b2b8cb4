"""The undo step of a dimension derived from its items: every item typed (and its note) is
saved at once through ``study.item_drafts.save``, which keeps a partial set as the coder's
draft and turns a full set into the rating, so nothing typed waits in the window alone."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from eas_coder.errors import StaleEdit, StudyError
from eas_coder.gui.coding.edit_target import EditTarget, ItemsState, Known, Unsaved
from eas_coder.gui.coding.undo_commands import StudyCommand


class ItemsCommand(StudyCommand):
    """Set or clear one item score (or the note) of a derived dimension of one target.

    Typing ``2`` then ``.5`` within a moment saves twice but is one undo step. Each save
    sends the (rating, draft) versions this window knew when it was queued (or those its own
    earlier queued save produced), so work changed elsewhere meanwhile is refused (StaleEdit)
    instead of overwritten; refused otherwise, what was typed stays on screen, "not saved".
    """

    MERGE_ID = 2
    MERGE_SECONDS = 1.5
    shows = "ratings"

    def __init__(
        self,
        session: EditTarget,
        dimension: str,
        segment_key: int | None,
        old: ItemsState,
        new: ItemsState,
        text: str,
        part: str,
    ) -> None:
        super().__init__(session, text)
        self.video_id, self.coder_id = session.require_coding()
        self.dimension, self.segment_key, self.part = dimension, segment_key, part
        self.old, self.new = old, new
        self.sent: object = (0, 0)  # the versions the last save of this command sent
        self.at = time.monotonic()

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ItemsCommand) or other.isObsolete():
            return False
        same = (other.dimension, other.segment_key, other.part) == (
            self.dimension, self.segment_key, self.part,
        )  # fmt: skip
        if not same or other.at - self.at > self.MERGE_SECONDS:
            return False
        self.new, self.at = other.new, other.at
        other.merged_into = self
        self.setText(other.text())
        return True

    def _queue(self, action: Callable[[], None], undone: bool) -> None:
        state = self.old if undone else self.new
        try:
            seen = self.session.items_known(self.dimension, self.session.resolve(self.segment_key))
        except StudyError:  # a new segment not saved yet: nothing of it is stored
            seen = Known((0, 0), -1.0)
        rows = (f"{self.dimension}/{self.part}" if self.part else self.dimension, self.segment_key)
        self.session.save(
            self, lambda: self._apply(state, seen), rows,
            lambda error: self._finished_items(error, undone, state),
            (self.dimension, self.segment_key, state),
        )  # fmt: skip

    def _finished_items(self, error: Exception | None, undone: bool, state: ItemsState) -> None:
        ids = (self.video_id, self.coder_id, self.dimension, self.segment_key)
        if error is None:
            self.session.saved_now(*ids)
        elif not isinstance(error, StaleEdit):
            self.session.keep_unsaved(Unsaved(*ids, state, self.sent))
        self._finished(error, undone)

    def _apply(self, state: ItemsState, seen: Known) -> None:
        """On the save thread."""
        session = self.session
        segment_id = session.resolve(self.segment_key)
        self.sent = session.expected_version(self.dimension, segment_id, seen, kind="items")
        saved = session.study.item_drafts.save(
            self.video_id, self.coder_id, self.dimension, dict(state.items), segment_id,
            note=state.note, expected=self.sent,
        )  # fmt: skip
        session.saw_items(self.dimension, segment_id, saved.versions)
        session.wrote(self.dimension, segment_id, saved.versions[0])
        session.touched("ratings")
