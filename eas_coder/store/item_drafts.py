"""Item drafts: item scores typed of a dimension derived from its items (``derive = "sum" |
"mean"``) while some of its items are still missing.

The rating of such a dimension is refused until every item has a score (a partial sum would
pass for a low score), yet nothing a coder types may be lost. So the items typed so far, and
the note on the dimension, wait in ``item_draft``; ``save`` is the one door for a derived
dimension's items: it keeps a partial set as the draft, turns a full set into the rating
(and drops the draft), and turns a rating whose item is cleared back into a draft — each in
one transaction, so a target never has both, or neither when something was typed.

A draft is the coder's own unfinished work: blind coding shows it to nobody else (the window
reads only the signed-in coder's; exports filter by ``Viewer``), and reliability, bands and
session scores never read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, EasCoderError, StaleEdit, StudyError
from eas_coder.model import Rating
from eas_coder.scheme import Dimension, Scheme
from eas_coder.store import convert
from eas_coder.store.bulk import _Resolver  # an import's finding and creating by name
from eas_coder.store.import_rows import ImportedRating, RowsRefused
from eas_coder.store.ratings import Ratings
from eas_coder.store.segments import Segments
from eas_coder.store.tables import CoderRow, ItemDraftRow, RatingRow, VideoRow, utcnow
from eas_coder.store.unit import StudyDb, note_text, same_target, target_text

# (rating version, draft version) of one target as an editor last saw it; 0 = none
Versions = tuple[int, int]


@dataclass(frozen=True)
class ItemDraft:
    """The items typed so far of one derived dimension of one target, and its note."""

    id: int
    video_id: int
    coder_id: int
    dimension: str
    segment_id: int | None
    items: dict[str, float]
    note: str = ""
    version: int = 1
    saved_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ImportedDraft:
    """A draft read from a sheet: where it is (natural keys and the sheet row, as a rating
    row names them; its score is not used), its items and its note."""

    place: ImportedRating
    items: dict[str, float]
    note: str = ""


@dataclass(frozen=True)
class ItemsSaved:
    """What a target holds after ``save``: the rating (all items), a draft, or neither."""

    rating: Rating | None
    draft: ItemDraft | None

    @property
    def versions(self) -> Versions:
        return (
            0 if self.rating is None else self.rating.version,
            0 if self.draft is None else self.draft.version,
        )


def _draft(row: ItemDraftRow) -> ItemDraft:
    return ItemDraft(
        row.id, row.video_id, row.coder_id, row.dimension, row.segment_id,
        {k: float(v) for k, v in (row.items or {}).items()}, row.note or "", row.version,
        row.saved_at,
    )  # fmt: skip


def _state(row: ItemDraftRow) -> dict[str, Any]:
    """What the audit log keeps of a draft."""
    return {
        "video_id": row.video_id,
        "coder_id": row.coder_id,
        "segment_id": row.segment_id,
        "dimension": row.dimension,
        "items": row.items,
        "note": row.note or "",
        "version": row.version,
    }


class ItemDrafts:
    """Save a derived dimension's items (as a draft or as the rating), list the drafts."""

    def __init__(self, db: StudyDb, scheme: Scheme, ratings: Ratings) -> None:
        self._db = db
        self._scheme = scheme
        self._ratings = ratings

    def all(self, video_id: int | None = None, coder_id: int | None = None) -> list[ItemDraft]:
        """Drafts, optionally of one video and/or one coder, in a stable order."""
        query = select(ItemDraftRow).order_by(
            ItemDraftRow.video_id, ItemDraftRow.coder_id, ItemDraftRow.id
        )
        if video_id is not None:
            query = query.where(ItemDraftRow.video_id == video_id)
        if coder_id is not None:
            query = query.where(ItemDraftRow.coder_id == coder_id)
        with self._db.read() as session:
            return [_draft(row) for row in session.scalars(query)]

    def save(
        self,
        video_id: int,
        coder_id: int,
        dimension: str,
        items: Mapping[str, float],
        segment_id: int | None = None,
        note: str | None = None,
        expected: Versions | None = None,
    ) -> ItemsSaved:
        """Store the item scores of a derived dimension of one target, all of them.

        Every item scored: the rating (its score is their sum or mean), and no draft. Some:
        the draft, and no rating (a rating whose item was cleared becomes a draft). None and
        no note: nothing. ``note`` None keeps the note stored (on the rating or the draft).
        ``expected`` is (rating version, draft version) as the editor last saw them: a target
        changed elsewhere meanwhile is refused with StaleEdit, nothing saved.
        """
        dim = self._derived(dimension)
        checked = {
            key: dim.item(key).scale.check(score, f"{dim.label} / {dim.item(key).label}")
            for key, score in items.items()
        }
        text = None if note is None else note_text(note, "a rating's note")
        complete = all(item.key in checked for item in dim.items)
        db = self._db
        with db.transaction():
            with db.write() as session:
                rating, draft = self._target(session, video_id, coder_id, dimension, segment_id)
                if rating is None and draft is None:  # the checks ratings.set would make
                    db.require(session, VideoRow, video_id, "video")
                    db.require(session, CoderRow, coder_id, "coder")
                    db.require_segment_of(session, segment_id, video_id)
                db.require_not_submitted(session, video_id, coder_id)
                seen: Versions = (rating.version if rating else 0, draft.version if draft else 0)
                if expected is not None and seen != expected:
                    raise self._stale(session, dim, segment_id, rating)
                stored = rating.note if rating is not None else draft.note if draft else ""
                kept = text if text is not None else stored or ""
                rating_id = None if rating is None else rating.id
                if complete:
                    self._drop(session, draft)
            if complete:  # ratings.set checks the items again and derives the score
                saved = self._ratings.set(
                    video_id, coder_id, dimension, None, segment_id, checked, note=kept,
                    expected_version=seen[0],
                )  # fmt: skip
                return ItemsSaved(saved, None)
            if rating_id is not None:
                self._ratings.clear(rating_id, expected_version=seen[0])
            with db.write() as session:
                row = session.get(ItemDraftRow, draft.id) if draft is not None else None
                if not checked and not kept:
                    self._drop(session, row)
                    return ItemsSaved(None, None)
                return ItemsSaved(None, self._keep(session, row, video_id, coder_id, dimension,
                                                   segment_id, checked, kept))  # fmt: skip

    def _derived(self, dimension: str) -> Dimension:
        dim = self._scheme.dimension(dimension)
        if dim.derive is None:
            raise StudyError(
                f"{dim.label} is typed, not derived from its items: its items are kept with "
                "its score (Ratings.set)"
            )
        return dim

    @staticmethod
    def _target(
        session: Session, video_id: int, coder_id: int, dimension: str, segment_id: int | None
    ) -> tuple[RatingRow | None, ItemDraftRow | None]:
        rating = session.scalar(
            select(RatingRow).where(
                RatingRow.video_id == video_id, RatingRow.coder_id == coder_id,
                RatingRow.dimension == dimension, same_target(RatingRow.segment_id, segment_id),
            ).with_for_update()
        )  # fmt: skip
        draft = session.scalar(
            select(ItemDraftRow).where(
                ItemDraftRow.video_id == video_id, ItemDraftRow.coder_id == coder_id,
                ItemDraftRow.dimension == dimension,
                same_target(ItemDraftRow.segment_id, segment_id),
            ).with_for_update()
        )  # fmt: skip
        return rating, draft

    def _drop(self, session: Session, row: ItemDraftRow | None) -> None:
        if row is not None:
            self._db.audit(session, "item_draft.clear", "item_draft", row.id, _state(row), None)
            session.delete(row)
            session.flush()

    def _keep(
        self,
        session: Session,
        row: ItemDraftRow | None,
        video_id: int,
        coder_id: int,
        dimension: str,
        segment_id: int | None,
        items: dict[str, float],
        note: str,
    ) -> ItemDraft:
        old = None if row is None else _state(row)
        if row is None:
            row = ItemDraftRow(
                video_id=video_id, coder_id=coder_id, dimension=dimension,
                segment_id=segment_id, version=1,
            )  # fmt: skip
            session.add(row)
        else:
            row.version += 1
        row.items, row.note, row.saved_at = items, note, utcnow()
        session.flush()
        self._db.audit(session, "item_draft.set", "item_draft", row.id, old, _state(row))
        return _draft(row)

    def add(
        self,
        video_id: int,
        coder_id: int,
        dimension: str,
        items: Mapping[str, float],
        segment_id: int | None = None,
        note: str = "",
    ) -> ItemDraft | None:
        """An imported draft: added where the target holds neither a rating nor another
        draft; None when the very same draft is already there. An import adds: a target
        with a rating, or with different draft items, is refused (Conflict)."""
        with self._db.write() as session:
            self._db.require(session, VideoRow, video_id, "video")
            self._db.require(session, CoderRow, coder_id, "coder")
            self._db.require_segment_of(session, segment_id, video_id)
            return self._add_in(session, video_id, coder_id, dimension, segment_id, items, note)

    def import_drafts(
        self, drafts: Sequence[ImportedDraft], source: str, rules: Segments,
        allow_new: bool = False,
    ) -> int:  # fmt: skip
        """Imported drafts, found (or created, as an import of ratings would: participants,
        file-less videos, coders, segments) by natural keys, in one transaction; call it
        inside ``Study.transaction`` after the sheet's ratings. RowsRefused names each row
        refused (nothing written). Returns how many were added."""
        places = [d.place for d in drafts]
        added = 0
        with self._db.write() as session:
            resolve = _Resolver(self._db, session, source, rules, allow_new)
            vids = resolve.videos_of(places, resolve.people(places, "participant"))
            cids = resolve.people(places, "coder")
            for place, video_id, coder_id in zip(places, vids, cids, strict=True):
                resolve.unlocked(place.row, video_id, coder_id, place.coder)
            sids = resolve.segments_of(places, vids, cids)
            problems = resolve.problems
            for draft, vid, cid, sid in zip(drafts, vids, cids, sids, strict=True):
                try:
                    kept = self._add_in(
                        session, vid, cid, draft.place.dimension, sid, draft.items, draft.note
                    )
                except EasCoderError as exc:
                    problems.append((draft.place.row, "score", str(exc)))
                else:
                    added += kept is not None
            if problems:
                raise RowsRefused(sorted(problems))
        return added

    def _add_in(
        self,
        session: Session,
        video_id: int,
        coder_id: int,
        dimension: str,
        segment_id: int | None,
        items: Mapping[str, float],
        note: str,
    ) -> ItemDraft | None:
        dim = self._derived(dimension)
        label = dim.label
        if all(item.key in items for item in dim.items) or not (items or note.strip()):
            raise StudyError(f"{label}: a draft holds some of its items (or a note), not all")
        rating, draft = self._target(session, video_id, coder_id, dimension, segment_id)
        where = target_text(session, segment_id)
        if rating is not None:
            raise Conflict(
                f"{label} of {where} already has its score; the unfinished items were not imported"
            )
        checked = {
            key: dim.item(key).scale.check(score, f"{label} / {dim.item(key).label}")
            for key, score in items.items()
        }
        if draft is not None:
            if draft.items == checked and (draft.note or "") == note.strip():
                return None
            raise Conflict(
                f"{label} of {where} already has other unfinished items stored; an "
                "import adds, it never changes them"
            )
        return self._keep(
            session, None, video_id, coder_id, dimension, segment_id, checked,
            note_text(note, "a rating's note"),
        )  # fmt: skip

    def _stale(
        self, session: Session, dim: Dimension, segment_id: int | None, rating: RatingRow | None
    ) -> StaleEdit:
        where = target_text(session, segment_id)
        now = "" if rating is None else f" (its score is now {rating.score:g})"
        return StaleEdit(
            f"the items of {dim.label} of {where} were changed meanwhile{now}; "
            "your change was not saved",
            None if rating is None else convert.rating(rating),
        )
