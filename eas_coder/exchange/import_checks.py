"""Checking an imported rating sheet row by row (the importer's first pass): every cell of
every row, with every problem collected, and the item scores put on their ratings once the
whole sheet is read. Nothing is written here (``importer`` writes a valid plan)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from eas_coder.errors import ScoreError, StudyError
from eas_coder.exchange.cells import cell_note, cell_number, cell_text, cell_time_ms
from eas_coder.exchange.reader import UnsavedFormula
from eas_coder.model import Rating, StudySnapshot
from eas_coder.names import name_key, normalise_name
from eas_coder.scheme import Scheme
from eas_coder.store.bulk import ImportedRating
from eas_coder.store.item_drafts import ImportedDraft
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


class RowValidator:
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
