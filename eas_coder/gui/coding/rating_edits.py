"""What a typed score, note or item score changes, as one undo step (or a refusal).

Each function compares what the coder typed with the rating stored (as it will be once the
saves already queued are done: a note typed right after its score finds the score) and
returns the ``RatingCommand`` that saves the difference, or None when nothing changes or the
edit is refused (a note or an item score before the score itself: the refusal is reported).
A dimension derived from its items has no score to type first: each item (and its note) is
an ``ItemsCommand`` that keeps the items typed so far as the coder's draft.
"""

from __future__ import annotations

from dataclasses import replace

from eas_coder.gui.coding.edit_target import EditTarget, ItemsState, ScoreState
from eas_coder.gui.coding.item_commands import ItemsCommand
from eas_coder.gui.coding.undo_commands import RatingCommand


def score_step(
    target: EditTarget, dimension: str, score: float | None, segment_id: int | None
) -> RatingCommand | None:
    """Rate (or clear) one dimension of a segment or the whole session."""
    old_state = target.rating_state(dimension, segment_id)
    new_state: ScoreState | None = None
    if score is not None:  # a new score keeps the rating's note and item scores
        new_state = replace(old_state or ScoreState(0.0), score=float(score))
    if old_state == new_state:
        return None
    label = target.study.scheme.dimension(dimension).label
    text = f"Clear {label}" if new_state is None else f"{label} {score:g}"
    return RatingCommand(target, dimension, target.key_of(segment_id), old_state, new_state, text)


def note_step(
    target: EditTarget, dimension: str, note: str, segment_id: int | None
) -> RatingCommand | None:
    """Write why a score was given (needs the score first, or an item of a derived one)."""
    if target.study.scheme.dimension(dimension).derive is not None:
        return _derived_step(target, dimension, None, None, segment_id, note)
    old = target.rating_state(dimension, segment_id)
    if old is None:
        if note.strip():
            target.report_failure("give the score first, then the note")
        return None
    if old.note == note.strip():
        return None
    label = target.study.scheme.dimension(dimension).label
    return RatingCommand(
        target, dimension, target.key_of(segment_id), old,
        replace(old, note=note.strip()), f"Note on {label}",
    )  # fmt: skip


def item_step(
    target: EditTarget, dimension: str, item: str, score: float | None, segment_id: int | None
) -> RatingCommand | None:
    """Score (or clear) one item of a dimension; it is kept with the dimension's rating, so
    that score comes first (as a note does)."""
    dim = target.study.scheme.dimension(dimension)
    if dim.derive is not None:
        return _derived_step(target, dimension, item, score, segment_id)
    label = f"{dim.label} / {dim.item(item).label}"
    old = target.rating_state(dimension, segment_id)
    if old is None:
        if score is not None:
            target.report_failure(f"give the {dim.label} score first, then its items")
            target.touched("ratings")  # show the item empty again: nothing was saved
        return None
    items = dict(old.items or {})
    if score is None:
        items.pop(item, None)
    else:
        items[item] = float(score)
    if items == (old.items or {}):
        return None
    text = f"Clear {label}" if score is None else f"{label} {score:g}"
    return RatingCommand(
        target, dimension, target.key_of(segment_id), old, replace(old, items=items), text,
        part=item,
    )  # fmt: skip


def items_state(target: EditTarget, dimension: str, segment_id: int | None) -> ItemsState:
    """What a derived dimension of a target holds now (or once the queued saves are done):
    its rating's items, else its draft's."""
    waiting, state = target.pending_state(dimension, target.key_of(segment_id))
    if waiting and isinstance(state, ItemsState):
        return state
    rating = target.find_rating(dimension, segment_id)
    if rating is not None:
        return ItemsState(dict(rating.items or {}), rating.note)
    draft = target.find_draft(dimension, segment_id)
    return ItemsState() if draft is None else ItemsState(dict(draft.items), draft.note)


def _derived_step(
    target: EditTarget,
    dimension: str,
    item: str | None,
    score: float | None,
    segment_id: int | None,
    note: str | None = None,
) -> ItemsCommand | None:
    """One item (``item``) or the note (``note``) of a derived dimension, saved at once
    whether or not the other items are there yet."""
    dim = target.study.scheme.dimension(dimension)
    old = items_state(target, dimension, segment_id)
    items = dict(old.items)
    if item is not None:
        if score is None:
            items.pop(item, None)
        else:
            items[item] = float(score)
    new = ItemsState(items, old.note if note is None else note.strip())
    if new == old:
        return None
    if item is None:
        text = f"Note on {dim.label}"
    else:
        label = f"{dim.label} / {dim.item(item).label}"
        text = f"Clear {label}" if score is None else f"{label} {score:g}"
    return ItemsCommand(
        target, dimension, target.key_of(segment_id), old, new, text, part=item or ""
    )
