"""What a merge reports, and the parts of a merge beside segments and ratings (``merge.py``):
the scheme versions a copy must share, the timepoint order and the other measures.

Their rules are the ratings' rules: what the copy has and this study lacks is added; what is
the same is left; what differs is a conflict, reported and kept as it is here, never
overwritten. Scheme versions alone can refuse the whole merge: a score means what its scheme
version says, so every version of the copy must be here with the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eas_coder.errors import EasCoderError, StudyError
from eas_coder.names import name_key
from eas_coder.store.measures import NewValue, direction_word
from eas_coder.store.study import Study

T = TypeVar("T")


@dataclass
class MergeReport:
    """What a merge did (or, in a dry run, would do)."""

    coders_added: list[str] = field(default_factory=list)
    segments_added: int = 0
    ratings_added: int = 0
    drafts_added: int = 0  # unfinished items of derived dimensions (item_draft)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # differences: kept as here
    refused: list[str] = field(default_factory=list)  # refused by the study's rules
    unmatched_videos: list[str] = field(default_factory=list)
    timepoint_order: list[str] = field(default_factory=list)  # the copy's order, adopted
    measures_added: list[str] = field(default_factory=list)
    measure_values_added: int = 0

    @property
    def changed(self) -> bool:
        """True when the main study was (or would be) changed."""
        return bool(
            self.coders_added
            or self.segments_added
            or self.ratings_added
            or self.drafts_added
            or self.timepoint_order
            or self.measures_added
            or self.measure_values_added
        )


def attempt(
    report: MergeReport, what: str, action: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """``action`` through the study's rules; a refusal is undone alone and listed."""
    try:
        return action(*args, **kwargs)
    except EasCoderError as exc:  # e.g. submitted (locked) here, or overlapping segments
        report.refused.append(f"{what}: not merged ({exc})")
        return None


def check_scheme_versions(main: Study, other: Study) -> None:
    """StudyError, before anything is written, unless every scheme version of the copy is
    here under the same number with the same scheme and text (this study may have more: a
    copy taken before the lab edited the scheme keeps its scores' older version)."""
    here = {v.number: v for v in main.scheme_versions()}
    where = other.location.display()
    for theirs in other.scheme_versions():
        mine = here.get(theirs.number)
        what = (
            f"scheme version {theirs.number} ({theirs.scheme_id} {theirs.label}, made "
            f"{theirs.created_at:%Y-%m-%d %H:%M} UTC)"
        )
        if mine is None:
            raise StudyError(
                f"{where}: the copy's {what} is not in this study, so its scores would "
                "lose the scheme they were given under. Make the same scheme change here "
                "first (eas-coder scheme set FILE), then merge again. Nothing was changed"
            )
        if (mine.scheme_id, mine.scheme_toml) != (theirs.scheme_id, theirs.scheme_toml):
            raise StudyError(
                f"{where}: the copy's {what} differs from this study's scheme version "
                f"{mine.number} ({mine.scheme_id} {mine.label}); scores given under two "
                "different schemes cannot be merged. Nothing was changed"
            )
    # The copy's own study row must name its newest version as this study has it.
    number, there = other.scheme_revision, other.info
    mine = here.get(number)
    if mine is not None and (mine.scheme_id, mine.label) != (there.scheme_id, there.scheme_version):
        raise StudyError(
            f"{where}: the copy was coded with the scheme {there.scheme_id} "
            f"{there.scheme_version} (its version {number}); this study's version {number} "
            f"is {mine.scheme_id} {mine.label}; scores of two schemes cannot be merged. "
            "Nothing was changed"
        )


def _subsequence(short: list[str], long: list[str]) -> bool:
    keys = iter(name_key(label) for label in long)
    return all(name_key(label) in keys for label in short)


def merge_timepoint_order(main: Study, other: Study, report: MergeReport) -> None:
    """Adopt the copy's order when this study has none, or one the copy's only extends;
    another order here is a conflict, kept."""
    theirs, mine = other.timepoints.order(), main.timepoints.order()
    if not theirs or [name_key(t) for t in theirs] == [name_key(t) for t in mine]:
        return
    if not _subsequence(mine, theirs):
        report.conflicts.append(
            f"the timepoint order is {', '.join(mine)} here and {', '.join(theirs)} in the "
            "copy (kept this study's; change it with eas-coder timepoints set)"
        )
        return
    stored = attempt(report, "the copy's timepoint order", main.timepoints.set, theirs)
    if stored is not None:
        report.timepoint_order = stored


def merge_measures(main: Study, other: Study, report: MergeReport) -> None:
    """The copy's measures (with their directions) and values; a direction or a value that
    differs is a conflict, kept as here."""
    mine = {name_key(m.name): m for m in main.measures.all()}
    for theirs in other.measures.all():
        found = mine.get(name_key(theirs.name))
        if found is None:
            what = f"measure {theirs.name!r}"
            added = attempt(report, what, main.measures.set_direction, theirs.name,
                            theirs.higher_is_better)  # fmt: skip
            if added is not None:
                report.measures_added.append(added.name)
                mine[name_key(added.name)] = added
        elif found.higher_is_better != theirs.higher_is_better:
            report.conflicts.append(
                f"{found.name} is {direction_word(found.higher_is_better)} here and "
                f"{direction_word(theirs.higher_is_better)} in the copy (kept "
                f"{direction_word(found.higher_is_better)})"
            )
    participants = {name_key(p.code): p.code for p in main.load().participants}
    timepoints = {name_key(t): t for t in reversed(main.timepoints.ordered())}
    stored = {
        (name_key(v.participant), name_key(v.timepoint), name_key(v.measure)): v.value
        for v in main.measures.values()
    }
    source = f"merge of {other.location.display()}"
    for value in other.measures.values():
        measure = mine.get(name_key(value.measure))
        what = f"{value.measure} of {value.participant} at {value.timepoint}"
        code = participants.get(name_key(value.participant))
        if measure is None or code is None:
            why = "its measure could not be added" if code else "no such participant here"
            report.refused.append(f"{what}: not merged ({why})")
            continue
        here = stored.get((name_key(code), name_key(value.timepoint), name_key(measure.name)))
        if here == value.value:
            report.unchanged += 1
            continue
        if here is not None:
            report.conflicts.append(
                f"{what} is {here:g} here and {value.value:g} in the copy (kept {here:g})"
            )
            continue
        timepoint = timepoints.get(name_key(value.timepoint), value.timepoint)
        new = NewValue(0, code, timepoint, measure.name, value.value, None)
        if attempt(report, what, main.measures.write, [new], source) is not None:
            report.measure_values_added += 1
