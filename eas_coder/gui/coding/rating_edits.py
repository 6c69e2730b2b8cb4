"""What a typed score, note or item score changes, as one undo step (or a refusal).

Each function compares what the coder typed with the rating stored and returns the
``RatingCommand`` that saves the difference, or None when nothing changes or the edit is
refused (a note or an item score before the score itself: the refusal is reported).
"""

from __future__ import annotations

from dataclasses import replace

from eas_coder.gui.coding.edit_target import EditTarget, ScoreState, state_of
from eas_coder.gui.coding.undo_commands import RatingCommand


def score_step(
    target: EditTarget, dimension: str, score: float | None, segment_id: int | None
) -> RatingCommand | None:
    """Rate (or clear) one dimension of a segment or the whole session."""
    old = target.find_rating(dimension, segment_id)
    old_state = None if old is None else state_of(old)
    new_state: ScoreState | None = None
    if score is not None:  # a new score keeps the rating's note and item scores
        new_state = replace(old_state or ScoreState(0.0), score=float(score))
    if old_state == new_state:
        return None
    label = target.study.scheme.dimension(dimension).label
    text = f"Clear {label}" if new_state is None else f"{label} {score:g}"
    seen = target.seen_version(dimension, segment_id)
    return RatingCommand(
        target, dimension, target.key_of(segment_id), old_state, new_state, text, seen
    )


def note_step(
    target: EditTarget, dimension: str, note: str, segment_id: int | None
) -> RatingCommand | None:
    """Write why a score was given (needs the score first)."""
    old = target.find_rating(dimension, segment_id)
    if old is None:
        if note.strip():
            target.report_failure("give the score first, then the note")
        return None
    if old.note == note.strip():
        return None
    label = target.study.scheme.dimension(dimension).label
    return RatingCommand(
        target, dimension, target.key_of(segment_id), state_of(old),
        replace(state_of(old), note=note.strip()), f"Note on {label}",
        target.seen_version(dimension, segment_id),
    )  # fmt: skip


def item_step(
    target: EditTarget, dimension: str, item: str, score: float | None, segment_id: int | None
) -> RatingCommand | None:
    """Score (or clear) one item of a dimension; it is kept with the dimension's rating, so
    that score comes first (as a note does)."""
    dim = target.study.scheme.dimension(dimension)
    label = f"{dim.label} / {dim.item(item).label}"
    old = target.find_rating(dimension, segment_id)
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
        target, dimension, target.key_of(segment_id), state_of(old),
        replace(state_of(old), items=items), text,
        target.seen_version(dimension, segment_id), part=item,
    )  # fmt: skip
