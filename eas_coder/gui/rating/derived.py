"""A score derived from its items (``derive = "sum" | "mean"``) as the rating panel shows it:
their sum or mean once every item has a score (a partial sum would pass for a low score),
and a line saying so and how many items are typed."""

from __future__ import annotations

from collections.abc import Mapping

from eas_coder.gui.rating.score_row import ScoreRow
from eas_coder.scheme import Dimension


def show_derived(dim: Dimension, rows: Mapping[str, ScoreRow]) -> None:
    """Put the derived score of ``dim`` (or none) and its hint on its row, from the item
    scores its item rows show (``rows`` by key, items as "dimension/item")."""
    row = rows[dim.key]
    typed = {
        item.key: score
        for item in dim.items
        if (score := rows[f"{dim.key}/{item.key}"].control.score()) is not None
    }
    complete = len(typed) == len(dim.items)
    row.control.set_score(dim.derived(typed) if complete else None)
    if row.derived_hint is not None:
        whole = f"Derived from items: the {dim.derive} of its {len(dim.items)} items"
        if not complete:
            whole += f" ({len(typed)} of {len(dim.items)} typed so far)"
        row.derived_hint.setText(whole)
