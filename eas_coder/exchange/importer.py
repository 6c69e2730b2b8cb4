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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eas_coder.errors import EasCoderError, ScoreError, StudyError
from eas_coder.exchange.cells import cell_note, cell_number, cell_text, cell_time_ms
from eas_coder.exchange.draft_rows import DraftRows
from eas_coder.exchange.reader import UnsavedFormula, read_sheet
from eas_coder.model import Rating, StudySnapshot
from eas_coder.names import name_key, normalise_name
from eas_coder.scheme import Scheme
from eas_coder.store.bulk import NEAR_NAME, ImportedRating, ImportSummary, RowsRefused
from eas_coder.store.item_drafts import ImportedDraft
from eas_coder.store.study import Study
from eas_coder.store.timepoints import ordered
from eas_coder.store.unit import LABEL_LENGTH, NAME_LENGTH

REQUIRED = ("participant", "timepoint", "coder", "dimension", "score")
_LIMITS = {"participant": LABEL_LENGTH, "timepoint": LABEL_LENGTH, "coder": NAME_LENGTH}
OPTIONAL = ("video", "level", "segment_start", "segment_end", "episode", "item", "score_note",
            "segment_note", "note", "scheme_version")  # fmt: skip
NOTE_LIMIT = 4000  # as a note typed in the window (store.unit.note_text)


@dataclass(frozen=True)
class Problem:
    """One bad cell: where, and why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class ImportRejected(EasCoderError):
    """The sheet has problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(map(str, problems[:5]))
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing imported: {shown}{more}")


@dataclass(frozen=True)
class ItemScore:
    """A row holding an item score: ``rating`` names the rating (its score is the item's)."""

    rating: ImportedRating
    item: str


@dataclass
class ImportPlan:
    """What a valid sheet would add."""

    ratings: list[ImportedRating] = field(default_factory=list)
    skipped: int = 0  # rows already in the study with the same score
    timepoint_order: tuple[str, ...] = ()  # the export's (About sheet), when it has one
    drafts: list[ImportedDraft] = field(default_factory=list)  # status "incomplete" rows


class _Validator:
    """Checks rows one by one, collecting every problem."""

    def __init__(self, scheme: Scheme, snapshot: StudySnapshot, columns: list[str]) -> None:
        self.scheme = scheme
        self.newest_version = scheme.revision
        # An older sheet's one "note": the segment's on segment rows, the score's on session rows
        self.legacy_note = "note" in columns and not {"score_note", "segment_note"} & {*columns}
        self.problems: list[Problem] = []
        self.by_label = {d.label.casefold(): d.key for d in scheme.dimensions}
        self.by_label.update({d.key.casefold(): d.key for d in scheme.dimensions})
        self.episodes = {e.key.casefold(): e.key for e in scheme.episodes}
        self.episodes.update({e.label.casefold(): e.key for e in scheme.episodes})
        self.existing = _existing_ratings(snapshot)
        self.sessions: dict[tuple[str, str], int] = {}
        for video in snapshot.videos:
            place = (name_key(video.participant_code), video.timepoint)
            self.sessions[place] = self.sessions.get(place, 0) + 1
        self.seen: dict[tuple[Any, ...], tuple[int, float]] = {}
        self.seen_items: dict[tuple[Any, ...], tuple[int, float]] = {}

    def fail(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def check(self, number: int, cells: dict[str, Any]) -> ImportedRating | ItemScore | bool | None:
        """The rating (or item score) of a good row, False for a bad row, None for a row
        already stored."""
        before = len(self.problems)
        formulas = {n: v for n, v in cells.items() if isinstance(v, UnsavedFormula)}
        for name, formula in formulas.items():
            self.fail(number, name, str(formula))
        texts = {name: cell_text(cells.get(name)) for name in REQUIRED}
        for name in ("participant", "timepoint", "coder", "dimension"):
            if name in formulas:
                continue
            if not texts[name]:
                self.fail(number, name, "empty")
            elif name in ("participant", "coder"):
                # names are identities: the one normaliser every writer uses
                try:
                    texts[name] = normalise_name(cells.get(name), f"the {name}", _LIMITS[name])
                except StudyError as exc:
                    self.fail(number, name, str(exc))
            elif len(texts[name]) > _LIMITS.get(name, 200):
                self.fail(number, name, f"longer than {_LIMITS.get(name, 200)} characters")
        key = self.by_label.get(texts["dimension"].casefold())
        if texts["dimension"] and key is None:
            self.fail(number, "dimension", f"unknown dimension {texts['dimension']!r}")
        score: float | None = None
        if not texts["score"]:
            if "score" not in formulas:
                self.fail(number, "score", "empty")
        else:
            try:
                score = cell_number(cells.get("score"))
            except ValueError:
                self.fail(number, "score", f"not a number: {texts['score']!r}")
        item_text = cell_text(cells.get("item"))
        item = None if key is None or not item_text else self._item(number, key, item_text)
        if key is not None and score is not None and (item or not item_text):
            try:
                derived = self.scheme.dimension(key).derive is not None
                if item is None and derived:  # checked against its items once they are read
                    dim = self.scheme.dimension(key)
                    score = dim.scale.check(score, dim.label)
                elif item is None:
                    score, _ = self.scheme.validate(key, score)
                else:
                    dim = self.scheme.dimension(key)
                    scored = dim.item(item)
                    score = scored.scale.check(score, f"{dim.label} / {scored.label}")
            except ScoreError as exc:
                self.fail(number, "score", str(exc))
        segment = self._segment(number, cells)
        note = self._score_note(number, cells, segment is None, bool(item_text))
        version = self._scheme_version(number, cells.get("scheme_version"))
        if len(self.problems) > before or key is None or score is None:
            return False
        video = cell_text(cells.get("video")) or None
        place = (name_key(texts["participant"]), texts["timepoint"])
        if video is None and self.sessions.get(place, 0) > 1:
            self.fail(number, "video", "several videos at this timepoint: name the video")
            return False
        rating = ImportedRating(
            number, texts["participant"], texts["timepoint"], video, texts["coder"], key,
            score, segment, note, scheme_version=version,
        )  # fmt: skip
        return self._deduplicate(rating) if item is None else ItemScore(rating, item)

    def _scheme_version(self, number: int, raw: Any) -> int | None:
        """The row's scheme version, which the study must have (it numbers its own)."""
        if isinstance(raw, UnsavedFormula) or not cell_text(raw):
            return None  # a formula is named above; an empty cell: the version in force
        try:
            value = cell_number(raw)
        except ValueError:
            value = -1.0
        if value != int(value) or not 1 <= value <= self.newest_version:
            self.fail(
                number,
                "scheme_version",
                f"the score was given under scheme version {cell_text(raw)}; this study has "
                f"versions 1 to {self.newest_version}. Give it the same scheme versions first "
                "(eas-coder scheme set FILE, in order), then import again",
            )
            return None
        return int(value)

    def _item(self, number: int, key: str, text: str) -> str | None:
        dim = self.scheme.dimension(key)
        for item in dim.items:
            if text.casefold() in (item.key.casefold(), item.label.casefold()):
                return item.key
        self.fail(number, "item", f"{dim.label} has no item {text!r}")
        return None

    def _score_note(self, number: int, cells: dict[str, Any], session: bool, item: bool) -> str:
        if "score_note" in cells:
            note = cell_note(cells["score_note"])
        elif self.legacy_note and session:
            note = cell_note(cells.get("note"))
        else:
            return ""
        if item and note.strip():
            self.fail(
                number,
                "score_note",
                "an item shares its dimension's note: put the note on the dimension's row",
            )
        elif len(note) > NOTE_LIMIT:
            self.fail(number, "score_note", f"longer than {NOTE_LIMIT} characters")
        return note

    def _segment(
        self, number: int, cells: dict[str, Any]
    ) -> tuple[int, int, str | None, str] | None:
        level = cell_text(cells.get("level")).casefold()
        start_raw, end_raw = cells.get("segment_start"), cells.get("segment_end")
        has_times = cell_text(start_raw) != "" or cell_text(end_raw) != ""
        if level not in ("", "session", "segment"):
            self.fail(number, "level", f"{level!r} must be session or segment")
            return None
        if level == "session" or (level == "" and not has_times):
            if cell_note(cells.get("segment_note")).strip():
                self.fail(
                    number,
                    "segment_note",
                    "a session score has no segment: put this note in score_note",
                )
            return None
        times = []
        for column, raw in (("segment_start", start_raw), ("segment_end", end_raw)):
            if cell_text(raw) == "":
                self.fail(number, column, "empty (a segment needs a start and an end)")
                continue
            try:
                times.append(cell_time_ms(raw))
            except ValueError as exc:
                self.fail(number, column, str(exc))
        if len(times) < 2:
            return None
        if times[1] <= times[0]:
            self.fail(number, "segment_end", "the segment must end after it starts")
            return None
        episode_text = cell_text(cells.get("episode"))
        episode = self.episodes.get(episode_text.casefold()) if episode_text else None
        if episode_text and self.episodes and episode is None:
            self.fail(number, "episode", f"unknown episode {episode_text!r}")
            return None
        # a note is kept exactly as typed, spaces included
        note = cell_note(cells.get("note" if self.legacy_note else "segment_note"))
        return times[0], times[1], episode or (episode_text or None), note

    def _deduplicate(self, rating: ImportedRating) -> ImportedRating | bool | None:
        identity = rating.identity()
        stored = self.existing.get(identity)
        if stored is not None:
            if stored.score == rating.score:
                return None
            self.fail(rating.row, "score", f"duplicate of an existing rating ({stored.score:g})")
            return False
        earlier = self.seen.get(identity)
        if earlier is not None:
            if earlier[1] == rating.score:
                return None
            self.fail(rating.row, "score", f"contradicts row {earlier[0]} ({earlier[1]:g})")
            return False
        self.seen[identity] = (rating.row, rating.score)
        return rating

    def attach_items(self, plan: ImportPlan, items: list[ItemScore]) -> None:
        """Put each item score on its rating: one of the sheet's, or (when the sheet repeats
        it) one the study holds with that very item score already."""
        index = {r.identity(): n for n, r in enumerate(plan.ratings)}
        found: dict[int, dict[str, float]] = {}
        for entry in items:
            rating, identity = entry.rating, entry.rating.identity()
            earlier = self.seen_items.get((*identity, entry.item))
            if earlier is not None:
                if earlier[1] == rating.score:
                    plan.skipped += 1
                else:
                    self.fail(rating.row, "score", f"contradicts row {earlier[0]} ({earlier[1]:g})")
                continue
            self.seen_items[(*identity, entry.item)] = (rating.row, rating.score)
            stored = self.existing.get(identity)
            if identity in index:
                found.setdefault(index[identity], {})[entry.item] = rating.score
            elif stored is None:
                label = self.scheme.dimension(rating.dimension).label
                target = "session" if rating.segment is None else "segment"
                why = f"no score for {label} of this {target} in the sheet or the study"
                self.fail(rating.row, "dimension", f"{why}: an item goes with its dimension's")
            elif (stored.items or {}).get(entry.item) == rating.score:
                plan.skipped += 1
            else:
                self.fail(
                    rating.row,
                    "score",
                    "the study holds this rating with another score "
                    "for this item; an import adds, it never changes a rating",
                )
        for n, scores in found.items():
            plan.ratings[n] = replace(plan.ratings[n], items=scores)

    def check_derived(self, plan: ImportPlan) -> None:
        """A dimension the scheme derives from its items comes with all of them, and its
        score is their sum or mean (as the window would have stored it)."""
        for rating in plan.ratings:
            if self.scheme.dimension(rating.dimension).derive is None:
                continue
            try:
                self.scheme.validate(rating.dimension, rating.score, rating.items)
            except ScoreError as exc:
                self.fail(rating.row, "score", str(exc))


def _existing_ratings(snapshot: StudySnapshot) -> dict[tuple[Any, ...], Rating]:
    coders = {c.id: name_key(c.name) for c in snapshot.coders}
    videos = {v.id: v for v in snapshot.videos}
    segments = {s.id: s for s in snapshot.segments}
    existing = {}
    for r in snapshot.ratings:
        video = videos[r.video_id]
        seg = segments.get(r.segment_id) if r.segment_id is not None else None
        span = None if seg is None else (seg.start_ms, seg.end_ms)
        identity = (name_key(video.participant_code), video.timepoint,
                    (video.name or "").casefold(), coders[r.coder_id], span,
                    r.dimension)  # fmt: skip
        existing[identity] = r
        if video.name:  # a sheet without a video column names the session only
            existing.setdefault((*identity[:2], "", *identity[3:]), r)
    return existing


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
    validator = _Validator(study.scheme, study.load(), sheet.columns)
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
