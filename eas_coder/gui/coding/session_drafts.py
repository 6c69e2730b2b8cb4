"""The coding session's side of item drafts: the items a coder typed of a dimension derived
from its items while others are still missing (``store/item_drafts.py``). Only the signed-in
coder's own drafts are read (blind coding: a draft is shown to nobody else)."""

from __future__ import annotations

from eas_coder.gui.coding.edit_target import Known
from eas_coder.model import Coder, Rating, Video
from eas_coder.store.item_drafts import ItemDraft, Versions
from eas_coder.store.study import Study


class SessionDrafts:
    """Mixed into ``CodingSession``: find a draft, and the (rating, draft) versions of a
    derived dimension this window last showed or saved (sent along with each save)."""

    study: Study
    coder: Coder | None
    video: Video | None

    def find_rating(self, dimension: str, segment_id: int | None) -> Rating | None:
        raise NotImplementedError  # the session's

    def seen_version(self, dimension: str, segment_id: int | None) -> int:
        raise NotImplementedError  # the session's

    def known_items(self, dimension: str, segment_id: int | None) -> Known | None:
        raise NotImplementedError  # the session's

    def saw_items(self, dimension: str, segment_id: int | None, versions: Versions) -> None:
        raise NotImplementedError  # the session's

    def _tag(self, ours: bool) -> float:
        raise NotImplementedError  # the session's

    def my_drafts(self) -> list[ItemDraft]:
        raise NotImplementedError  # the session's (session_reads.py)

    def find_draft(self, dimension: str, segment_id: int | None) -> ItemDraft | None:
        """The coder's unfinished items of one derived dimension of one target."""
        for draft in self.my_drafts():
            if (draft.dimension, draft.segment_id) == (dimension, segment_id):
                return draft
        return None

    def items_known(self, dimension: str, segment_id: int | None) -> Known:
        """(rating version, draft version) of a derived dimension as last shown or saved."""
        known = self.known_items(dimension, segment_id)
        if known is not None:
            return known
        draft = self.find_draft(dimension, segment_id)
        versions = (self.seen_version(dimension, segment_id), draft.version if draft else 0)
        return Known(versions, self._tag(False))

    def add_drafts(
        self, segment_id: int | None, scores: dict[str, float], notes: dict[str, str]
    ) -> None:
        """Add a target's drafts to the scores ("dimension/item") and notes shown, and
        record the versions shown of each derived dimension (after its ratings were read)."""
        for dim in self.study.scheme.dimensions:
            if dim.derive is not None:
                self.saw_items(dim.key, segment_id, (self.seen_version(dim.key, segment_id), 0))
        for draft in self.my_drafts():
            if draft.segment_id == segment_id and draft.dimension not in scores:
                scores.update({f"{draft.dimension}/{k}": v for k, v in draft.items.items()})
                notes[draft.dimension] = draft.note
                rated = self.seen_version(draft.dimension, segment_id)
                self.saw_items(draft.dimension, segment_id, (rated, draft.version))
