"""Reading back the Ratings sheet's rows with status "incomplete": items typed of a dimension
derived from its items while others were still missing (store/item_drafts.py), and the note
on such a dimension. They are checked cell by cell as any rating row is (by the importer's
validator), gathered per target, and written after the sheet's ratings, in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from eas_coder.exchange.cells import cell_note, cell_text
from eas_coder.scheme import Scheme
from eas_coder.store.import_rows import ImportedRating
from eas_coder.store.item_drafts import ImportedDraft

INCOMPLETE = "incomplete"  # as long_sheet writes it


class _Checks(Protocol):
    """The importer's row validator, as far as draft rows use it."""

    def check(self, number: int, cells: dict[str, Any]) -> Any: ...

    def fail(self, row: int, column: str, reason: str) -> None: ...


@dataclass
class DraftRows:
    """Collects the incomplete rows of a sheet, per target and dimension."""

    scheme: Scheme
    places: dict[tuple[Any, ...], ImportedRating] = field(default_factory=dict)
    items: dict[tuple[Any, ...], dict[str, float]] = field(default_factory=dict)
    notes: dict[tuple[Any, ...], str] = field(default_factory=dict)

    def take(self, number: int, cells: dict[str, Any], checks: _Checks) -> bool:
        """True when the row is an incomplete one (then it is taken here, checked)."""
        if cell_text(cells.get("status")).casefold() != INCOMPLETE:
            return False
        dimension = cell_text(cells.get("dimension"))
        dim = next(
            (d for d in self.scheme.dimensions if dimension.casefold() in
             (d.key.casefold(), d.label.casefold())), None,
        )  # fmt: skip
        if dim is None or dim.derive is None:
            checks.fail(number, "status", "only a dimension derived from its items has "
                        "incomplete rows (its items typed so far)")  # fmt: skip
            return True
        note_row = not cell_text(cells.get("item"))
        note = cell_note(cells.get("score_note"))
        if note_row:  # the note: its place checked as if it were the first item's row
            first = dim.items[0]
            cells = {**cells, "item": first.key, "score": first.scale.minimum, "score_note": ""}
        outcome = checks.check(number, cells)
        if not hasattr(outcome, "item"):  # refused (the reasons are recorded), or no item
            return True
        place: ImportedRating = outcome.rating
        identity = place.identity()
        self.places.setdefault(identity, place)
        if note_row:
            self.notes[identity] = note
            return True
        self.items.setdefault(identity, {})[outcome.item] = place.score
        return True

    def drafts(self) -> list[ImportedDraft]:
        """One draft per target and dimension, in sheet order."""
        return [
            ImportedDraft(place, self.items.get(identity, {}), self.notes.get(identity, ""))
            for identity, place in self.places.items()
        ]
