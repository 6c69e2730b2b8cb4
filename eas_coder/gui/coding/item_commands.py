"""The undo step of a dimension derived from its items: every item typed (and its note) is
saved at once through ``study.item_drafts.save``, which keeps a partial set as the coder's
draft and turns a full set into the rating, so nothing typed waits in the window alone."""

from __future__ import annotations

import time

from PySide6.QtGui import QUndoCommand

from eas_coder.gui.coding.edit_target import EditTarget, ItemsState
from eas_coder.gui.coding.undo_commands import StudyCommand


class ItemsCommand(StudyCommand):
    """Set or clear one item score (or the note) of a derived dimension of one target.

    Typing ``2`` then ``.5`` within a moment saves twice but is one undo step. Each save
    sends the (rating, draft) versions this window last knew, so work changed elsewhere
    meanwhile is refused (StaleEdit) instead of overwritten.
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
        self.setText(other.text())
        return True

    def _apply(self, state: ItemsState) -> None:
        session = self.session
        segment_id = session.resolve(self.segment_key)
        saved = session.study.item_drafts.save(
            self.video_id, self.coder_id, self.dimension, dict(state.items), segment_id,
            note=state.note, expected=session.items_seen(self.dimension, segment_id),
        )  # fmt: skip
        session.saw_items(self.dimension, segment_id, saved.versions)
        session.wrote(self.dimension, segment_id, saved.versions[0])
        session.touched("ratings")

    def _redo(self) -> None:
        self._apply(self.new)

    def _undo(self) -> None:
        self._apply(self.old)
