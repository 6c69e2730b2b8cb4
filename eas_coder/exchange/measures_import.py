"""Import other measures (BDI, BAI, MAI, PSI totals, ...): validate every row first, then
write all or nothing, as the rating import does.

Columns: participant, timepoint, measure, value, and optionally direction (``higher-better``
or ``lower-better``). An .xlsx is read from its "Measures" sheet (the export's), else its
first sheet. Participants and timepoints must already be in the study (a participant comes
with their videos; a timepoint from a video or the set order); an unknown one is named with
its row. A measure new to the study needs its direction, from the sheet's direction column
or from ``eas-coder measures set-direction`` beforehand. A row that repeats a stored value
is skipped, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eas_coder.errors import StudyError
from eas_coder.exchange.cells import cell_number, cell_text
from eas_coder.exchange.importer import ImportRejected, Problem
from eas_coder.exchange.reader import UnsavedFormula, read_sheet
from eas_coder.names import name_key, near, normalise_name
from eas_coder.store.measures import (
    HIGHER_BETTER,
    LOWER_BETTER,
    MeasureSummary,
    NewValue,
    direction_word,
    measure_name,
    parse_direction,
)
from eas_coder.store.study import Study
from eas_coder.store.unit import LABEL_LENGTH

REQUIRED = ("participant", "timepoint", "measure", "value")
MEASURES_SHEET = "Measures"


@dataclass
class MeasuresPlan:
    """What a valid sheet would write."""

    values: list[NewValue] = field(default_factory=list)
    skipped: int = 0  # rows repeating a stored value, or an earlier row of the sheet


class _Checker:
    """Checks rows one by one, collecting every problem."""

    def __init__(self, study: Study, replace: bool) -> None:
        self.replace = replace
        snapshot = study.load()
        self.participants = {name_key(p.code): p.code for p in snapshot.participants}
        timepoints = study.timepoints.ordered()
        self.timepoints = {name_key(t): t for t in reversed(timepoints)}
        self.timepoint_list = ", ".join(timepoints) or "none yet"
        self.directions = {name_key(m.name): m.higher_is_better for m in study.measures.all()}
        self.spelled = {name_key(m.name): m.name for m in study.measures.all()}
        self.stored = {
            (name_key(v.participant), v.timepoint, name_key(v.measure)): v.value
            for v in study.measures.values()
        }
        self.seen: dict[tuple[str, str, str], tuple[int, float]] = {}
        self.said: dict[str, tuple[int, bool]] = {}  # measure key -> (row, direction) in sheet
        self.problems: list[Problem] = []

    def fail(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def _name(self, number: int, column: str, value: Any, what: str) -> str | None:
        if isinstance(value, UnsavedFormula):
            self.fail(number, column, str(value))
            return None
        if not cell_text(value):
            self.fail(number, column, "empty")
            return None
        try:
            return normalise_name(cell_text(value), what, LABEL_LENGTH)
        except StudyError as exc:
            self.fail(number, column, str(exc))
            return None

    def check(self, number: int, cells: dict[str, Any]) -> NewValue | bool | None:
        """The value of a good row, False for a bad row, None for a repeated one."""
        before = len(self.problems)
        participant = self._name(number, "participant", cells.get("participant"), "the participant")
        if participant is not None:
            found = self.participants.get(name_key(participant))
            if found is None:
                close = near(name_key(participant), self.participants.items())
                hint = f" (did you mean {close}?)" if close else ": add their videos first"
                self.fail(number, "participant", f"unknown participant {participant!r}{hint}")
            participant = found
        timepoint = self._name(number, "timepoint", cells.get("timepoint"), "the timepoint")
        if timepoint is not None:
            found = self.timepoints.get(name_key(timepoint))
            if found is None:
                self.fail(
                    number,
                    "timepoint",
                    f"unknown timepoint {timepoint!r}; the study's timepoints: "
                    f"{self.timepoint_list} (add one with `eas-coder timepoints set`)",
                )
            timepoint = found
        measure = self._name(number, "measure", cells.get("measure"), "the measure's name")
        value = self._value(number, cells.get("value"))
        higher = self._direction(number, measure, cells.get("direction"))
        if len(self.problems) > before:
            return False
        assert participant and timepoint and measure and value is not None
        measure = self.spelled.setdefault(name_key(measure), measure_name(measure))
        place = (name_key(participant), timepoint, name_key(measure))
        earlier = self.seen.get(place)
        if earlier is not None:
            if earlier[1] == value:
                return None
            what = f"{measure} of {participant} at {timepoint}"
            self.fail(number, "value", f"contradicts row {earlier[0]} ({earlier[1]:g}) for {what}")
            return False
        self.seen[place] = (number, value)
        stored = self.stored.get(place)
        if stored == value:
            return None
        if stored is not None and not self.replace:
            held = f"the study holds {stored:g} for {measure} of {participant} at {timepoint}"
            self.fail(number, "value", f"{held}; to change it, import with --replace")
            return False
        return NewValue(number, participant, timepoint, measure, value, higher)

    def _value(self, number: int, raw: Any) -> float | None:
        if isinstance(raw, UnsavedFormula):
            self.fail(number, "value", str(raw))
            return None
        if not cell_text(raw):
            self.fail(number, "value", "empty")
            return None
        try:
            return cell_number(raw)
        except ValueError:
            self.fail(number, "value", f"not a number: {cell_text(raw)!r}")
            return None

    def _direction(self, number: int, measure: str | None, raw: Any) -> bool | None:
        text = cell_text(raw)
        if measure is None or not text:
            return None
        try:
            higher = parse_direction(text)
        except ValueError as exc:
            self.fail(number, "direction", str(exc))
            return None
        key = name_key(measure)
        stored = self.directions.get(key)
        if stored is not None and stored != higher:
            self.fail(
                number,
                "direction",
                f"{measure} is {direction_word(stored)} in this study; to change that, run "
                f"`eas-coder measures set-direction {measure!r} {direction_word(higher)}`",
            )
            return None
        said = self.said.setdefault(key, (number, higher))
        if said[1] != higher:
            self.fail(number, "direction", f"contradicts row {said[0]} ({direction_word(said[1])})")
        return higher

    def finish(self, plan: MeasuresPlan) -> None:
        """A measure new to the study needs a direction somewhere in the sheet."""
        for value in plan.values:
            key = name_key(value.measure)
            if key in self.directions:
                continue
            if key not in self.said:
                self.fail(
                    value.row,
                    "direction",
                    f"{value.measure} is new and whether higher or lower is better is not "
                    f"known: add a direction column ({HIGHER_BETTER} or {LOWER_BETTER}) or run "
                    f"`eas-coder measures set-direction {value.measure!r} {LOWER_BETTER}` first",
                )
                self.directions[key] = True  # say it once per measure
        said = {key: higher for key, (_row, higher) in self.said.items()}
        plan.values = [
            v if v.higher_is_better is not None else
            NewValue(v.row, v.participant, v.timepoint, v.measure, v.value,
                     said.get(name_key(v.measure)))
            for v in plan.values
        ]  # fmt: skip


def plan_measures(
    study: Study, path: Path, encoding: str | None = None, replace: bool = False
) -> MeasuresPlan:
    """Read and validate the whole sheet; ImportRejected lists every problem."""
    sheet = read_sheet(path, encoding, sheet=MEASURES_SHEET)
    missing = [Problem(1, name, "required column is missing") for name in REQUIRED
               if name not in sheet.columns]  # fmt: skip
    if missing:
        raise ImportRejected(str(path), missing)
    checker = _Checker(study, replace)
    plan = MeasuresPlan()
    for number, cells in sheet.rows:
        outcome = checker.check(number, cells)
        if outcome is None:
            plan.skipped += 1
        elif isinstance(outcome, NewValue):
            plan.values.append(outcome)
    checker.finish(plan)
    if checker.problems:
        raise ImportRejected(str(path), checker.problems)
    return plan


def import_measures(
    study: Study,
    path: Path,
    dry_run: bool = False,
    replace: bool = False,
    encoding: str | None = None,
) -> tuple[MeasuresPlan, MeasureSummary]:
    """Validate, then write every value in one transaction (a dry run rolls it back)."""
    plan = plan_measures(study, path, encoding, replace)
    try:
        summary = study.measures.write(plan.values, path.name, replace, dry_run)
    except StudyError as exc:  # changed meanwhile by someone else: checked again in the write
        raise ImportRejected(str(path), [Problem(0, "value", str(exc))]) from exc
    return plan, summary
