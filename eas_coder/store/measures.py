"""Other measures beside the EAS: questionnaire totals such as BDI, BAI, MAI or PSI, one value
per participant, timepoint and measure, and for each measure whether a higher value is
better (BDI: lower is better), which turns a difference into "improved" or "declined".

Values arrive by import (``eas_coder.exchange.measures_import`` validates a sheet first);
``write`` stores them all in one transaction, or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from eas_coder.errors import NotFound, StudyError
from eas_coder.names import name_key, normalise_name
from eas_coder.store.tables import MeasureRow, MeasureValueRow, ParticipantRow
from eas_coder.store.unit import LABEL_LENGTH, StudyDb

HIGHER_BETTER = "higher-better"
LOWER_BETTER = "lower-better"
DIRECTIONS = (HIGHER_BETTER, LOWER_BETTER)


def direction_word(higher_is_better: bool) -> str:
    """``higher-better`` or ``lower-better``, as the sheets and the command line spell it."""
    return HIGHER_BETTER if higher_is_better else LOWER_BETTER


def parse_direction(text: str) -> bool:
    """``higher-better`` / ``lower-better`` (case, spaces, hyphens and a trailing "is" do not
    matter; ``higher`` / ``lower`` alone too) as higher_is_better; ValueError otherwise."""
    squashed = "".join(c for c in text.casefold() if c.isalnum()).replace("is", "")
    if squashed in ("higherbetter", "higher"):
        return True
    if squashed in ("lowerbetter", "lower"):
        return False
    raise ValueError(f"{text!r} is not a direction: write {HIGHER_BETTER} or {LOWER_BETTER}")


@dataclass(frozen=True)
class Measure:
    """A measure and which way is better."""

    id: int
    name: str
    higher_is_better: bool

    @property
    def direction(self) -> str:
        return direction_word(self.higher_is_better)


@dataclass(frozen=True)
class MeasureValue:
    """One participant's value of a measure at a timepoint."""

    participant: str
    timepoint: str
    measure: str
    value: float


@dataclass(frozen=True)
class NewValue:
    """A validated row of an import: names as stored (participant code, timepoint label)."""

    row: int
    participant: str
    timepoint: str
    measure: str
    value: float
    higher_is_better: bool | None  # None: the measure's stored direction stands


@dataclass(frozen=True)
class MeasureSummary:
    """What a write added, replaced and created."""

    added: int
    replaced: int
    new_measures: tuple[str, ...]


def measure_name(value: object) -> str:
    """A measure's name as stored (NFC, single spaces; eas_coder.names)."""
    return normalise_name(value, "the measure's name", LABEL_LENGTH)


def _find(session: Session, name: str) -> MeasureRow | None:
    key = name_key(name)
    for row in session.scalars(select(MeasureRow)):
        if name_key(row.name) == key:
            return row
    return None


class Measures:
    """List measures and their values, set a measure's direction, write imported values."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def all(self) -> list[Measure]:
        """Every measure, by name."""
        with self._db.read() as session:
            rows = session.scalars(select(MeasureRow).order_by(MeasureRow.name))
            return [Measure(r.id, r.name, r.higher_is_better) for r in rows]

    def values(self) -> list[MeasureValue]:
        """Every stored value (participant, timepoint, measure, value)."""
        query = (
            select(ParticipantRow.code, MeasureValueRow.timepoint, MeasureRow.name,
                   MeasureValueRow.value)
            .join(ParticipantRow, MeasureValueRow.participant_id == ParticipantRow.id)
            .join(MeasureRow, MeasureValueRow.measure_id == MeasureRow.id)
            .order_by(ParticipantRow.code, MeasureRow.name, MeasureValueRow.id)
        )  # fmt: skip
        with self._db.read() as session:
            return [MeasureValue(*row) for row in session.execute(query)]

    def get(self, name: str) -> Measure:
        """A measure by name (case and spacing do not matter); NotFound names the known."""
        with self._db.read() as session:
            row = _find(session, measure_name(name))
            if row is None:
                known = ", ".join(m.name for m in self.all()) or "none yet"
                raise NotFound(f"no measure called {name!r} in this study (known: {known})")
            return Measure(row.id, row.name, row.higher_is_better)

    def set_direction(self, name: str, higher_is_better: bool) -> Measure:
        """Say which way is better for ``name``; a new name is added as a measure."""
        cleaned = measure_name(name)
        with self._db.write() as session:
            row = _find(session, cleaned)
            old = None if row is None else {"name": row.name, "higher": row.higher_is_better}
            if row is None:
                row = MeasureRow(name=cleaned, higher_is_better=higher_is_better)
                session.add(row)
            row.higher_is_better = higher_is_better
            session.flush()
            new = {"name": row.name, "higher": higher_is_better}
            self._db.audit(session, "measure.direction", "measure", row.id, old, new)
            return Measure(row.id, row.name, row.higher_is_better)

    def write(
        self, values: Sequence[NewValue], source: str, replace: bool = False, dry_run: bool = False
    ) -> MeasureSummary:
        """Store validated values in one transaction (``dry_run``: roll it back). A value
        that differs from the stored one is refused unless ``replace``; a measure new to the
        study needs its direction."""
        with self._db.transaction(commit=not dry_run), self._db.write() as session:
            return self._write(session, values, source, replace)

    def _write(
        self, session: Session, values: Sequence[NewValue], source: str, replace: bool
    ) -> MeasureSummary:
        rows = session.execute(select(ParticipantRow.id, ParticipantRow.code))
        participants = {name_key(code): pid for pid, code in rows}
        measures: dict[str, MeasureRow] = {}
        created: list[str] = []
        added = replaced = 0
        for value in values:
            pid = participants.get(name_key(value.participant))
            if pid is None:
                who = value.participant
                raise NotFound(f"row {value.row}: no participant {who!r} in the study")
            key = name_key(value.measure)
            row = measures.get(key) or _find(session, value.measure)
            if row is None:
                if value.higher_is_better is None:
                    raise StudyError(
                        f"row {value.row}: {value.measure} is new and its direction is not "
                        f"known; give a direction column ({HIGHER_BETTER} or {LOWER_BETTER})"
                    )
                row = MeasureRow(name=value.measure, higher_is_better=value.higher_is_better)
                session.add(row)
                session.flush()
                created.append(row.name)
                new = {"name": row.name, "higher": row.higher_is_better}
                self._db.audit(session, "measure.add", "measure", row.id, None, new)
            measures[key] = row
            stored = session.scalar(
                select(MeasureValueRow).where(
                    MeasureValueRow.participant_id == pid,
                    MeasureValueRow.timepoint == value.timepoint,
                    MeasureValueRow.measure_id == row.id,
                )
            )
            state = {"participant": value.participant, "timepoint": value.timepoint,
                     "measure": row.name, "value": value.value, "source": source}  # fmt: skip
            if stored is None:
                stored = MeasureValueRow(participant_id=pid, timepoint=value.timepoint,
                                         measure_id=row.id, value=value.value)  # fmt: skip
                session.add(stored)
                session.flush()
                audit = self._db.audit
                audit(session, "measure_value.add", "measure_value", stored.id, None, state)
                added += 1
            elif stored.value != value.value:
                if not replace:
                    raise StudyError(
                        f"row {value.row}: the study holds {stored.value:g} for {row.name} of "
                        f"{value.participant} at {value.timepoint}; an import adds values, it "
                        "changes one only when told to (--replace)"
                    )
                old = state | {"value": stored.value}
                stored.value = value.value
                self._db.audit(session, "measure_value.set", "measure_value", stored.id, old, state)
                replaced += 1
        return MeasureSummary(added, replaced, tuple(created))
