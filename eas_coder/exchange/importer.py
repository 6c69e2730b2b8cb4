"""Import a long-format rating sheet: validate every row first, then write all or nothing.

Required columns: participant, timepoint, coder, dimension, score. Optional: video, level,
segment_start, segment_end, episode, item, score_note, segment_note, scheme_version (the
study's scheme version the score was given under: kept when the study has it, refused when
not; without it, the version in force). A row with an item holds
that item's score of the rating named by the rest of the row. An older sheet's plain ``note``
is the segment's note on a segment row and the score's note on a session row. A row that
repeats a rating already stored (same score) is skipped, so importing the same file twice
changes nothing the second time. The About sheet's timepoint order becomes the study's when
the study has none yet (a study that has one keeps it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from eas_coder.errors import EasCoderError, StudyError
from eas_coder.exchange.draft_rows import DraftRows
from eas_coder.exchange.import_checks import (  # re-exported: callers import them from here
    NOTE_LIMIT,
    OPTIONAL,
    REQUIRED,
    ImportPlan,
    ItemScore,
    Problem,
    RowValidator,
)
from eas_coder.exchange.reader import read_sheet
from eas_coder.store.bulk import NEAR_NAME, ImportedRating, ImportSummary, RowsRefused
from eas_coder.store.study import Study
from eas_coder.store.timepoints import ordered

__all__ = [
    "NOTE_LIMIT", "OPTIONAL", "REQUIRED", "ImportPlan", "ImportRejected", "ItemScore",
    "Problem", "import_ratings", "is_near_name", "plan_import",
]  # fmt: skip


class ImportRejected(EasCoderError):
    """The sheet has problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(map(str, problems[:5]))
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing imported: {shown}{more}")


def _check_header(path: Path, columns: list[str]) -> None:
    problems = [Problem(1, name, "required column is missing") for name in REQUIRED
                if name not in columns]  # fmt: skip
    if problems and path.suffix.lower() == ".sav":
        problems.append(
            Problem(
                1,
                "file",
                "this looks like the wide SPSS file (a row per "
                f"video); import {path.stem}-Ratings.sav beside it",
            )
        )
    if "note" in columns and {"score_note", "segment_note"} & {*columns}:
        problems.append(
            Problem(
                1,
                "note",
                "a plain note beside score_note or segment_note is "
                "ambiguous: name it score_note or segment_note",
            )
        )
    if problems:
        raise ImportRejected(str(path), problems)


def is_near_name(problem: Problem) -> bool:
    """A problem that confirming new names (``allow_new``) would lift."""
    return problem.column in ("coder", "participant") and NEAR_NAME in problem.reason


def _check_scheme(study: Study, path: Path, named: str | None) -> None:
    """A workbook exported under another scheme (or version) has other ranges and meanings:
    refuse it rather than read its scores against this study's scheme."""
    ours = f"{study.info.scheme_id} version {study.info.scheme_version}"
    if named is not None and named.casefold() != ours.casefold():
        why = (
            f"the sheet's scores were given under the scheme {named!r}; this study uses "
            f"{ours!r}. Import it into a study with that scheme"
        )
        raise ImportRejected(str(path), [Problem(1, "scheme", why)])


def plan_import(study: Study, path: Path, encoding: str | None = None) -> ImportPlan:
    """Read and validate the whole sheet; raise ImportRejected listing every problem."""
    sheet = read_sheet(path, encoding)
    _check_header(path, sheet.columns)
    _check_scheme(study, path, sheet.scheme)
    validator = RowValidator(study.scheme, study.load(), sheet.columns)
    plan = ImportPlan()
    items: list[ItemScore] = []
    unfinished = DraftRows(study.scheme)
    for number, cells in sheet.rows:
        if unfinished.take(number, cells, validator):
            continue
        outcome = validator.check(number, cells)
        if outcome is None:
            plan.skipped += 1
        elif isinstance(outcome, ItemScore):
            items.append(outcome)
        elif outcome is not False:
            assert isinstance(outcome, ImportedRating)
            plan.ratings.append(outcome)
    plan.timepoint_order = sheet.timepoint_order
    validator.attach_items(plan, items)
    validator.check_derived(plan)
    plan.drafts = unfinished.drafts()
    if validator.problems:
        raise ImportRejected(str(path), validator.problems)
    return plan


def import_ratings(
    study: Study,
    path: Path,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    allow_new: bool = False,
    encoding: str | None = None,
) -> tuple[ImportPlan, ImportSummary | None]:
    """Validate, then write everything in one transaction under the window's rules.

    A dry run goes through the same transaction and rolls it back: its summary says what
    the import would create. Names one edit from an existing coder or participant are
    refused unless ``allow_new``. Returns (plan, summary); the summary is None when there
    is nothing to write.
    """
    plan = plan_import(study, path, encoding)
    if progress:
        progress(f"validated {len(plan.ratings) + plan.skipped} rows")
    order = _order_to_set(study, plan)
    if not plan.ratings and not order and not plan.drafts:
        return plan, None
    summary = None
    # one transaction: the ratings and the order, or nothing (a dry run rolls it all back)
    with study.transaction(commit=not dry_run):
        try:  # the drafts after the ratings they may join (store/item_drafts.py)
            if plan.ratings:
                summary = study.bulk_import(plan.ratings, path.name, allow_new)
            study.item_drafts.import_drafts(plan.drafts, path.name, study.segments, allow_new)
        except RowsRefused as exc:
            raise ImportRejected(str(path), [Problem(*p) for p in exc.problems]) from exc
        if order:
            try:
                study.timepoints.set(order)
            except StudyError as exc:
                raise ImportRejected(str(path), [Problem(1, "timepoint order", str(exc))]) from exc
    return plan, summary


def _order_to_set(study: Study, plan: ImportPlan) -> list[str]:
    """The sheet's timepoint order, for a study that has none yet, followed by the study's
    other timepoints (as the order's rule places them); empty when nothing is to be set."""
    if not plan.timepoint_order or study.timepoints.order():
        return []
    recorded = [*study.timepoints.recorded(), *(r.timepoint for r in plan.ratings)]
    return ordered(list(plan.timepoint_order), recorded)
