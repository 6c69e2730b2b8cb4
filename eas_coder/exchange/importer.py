"""Import a long-format rating sheet: validate every row first, then write all or nothing.

Required columns: participant, timepoint, coder, dimension, score. Optional: video, level,
segment_start, segment_end, episode, note. A row that repeats a rating already stored (same
score) is skipped, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eas_coder.errors import EasCoderError, ScoreError
from eas_coder.exchange.reader import UnsavedFormula, read_sheet
from eas_coder.model import StudySnapshot
from eas_coder.scheme import Scheme
from eas_coder.store.bulk import ImportedRating, ImportSummary
from eas_coder.store.study import Study
from eas_coder.store.unit import LABEL_LENGTH, NAME_LENGTH
from eas_coder.timecode import parse_clock

REQUIRED = ("participant", "timepoint", "coder", "dimension", "score")
_LIMITS = {"participant": LABEL_LENGTH, "timepoint": LABEL_LENGTH, "coder": NAME_LENGTH}
OPTIONAL = ("video", "level", "segment_start", "segment_end", "episode", "note")


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


@dataclass
class ImportPlan:
    """What a valid sheet would add."""

    ratings: list[ImportedRating] = field(default_factory=list)
    skipped: int = 0  # rows already in the study with the same score


def _text(value: Any) -> str:
    if value is None or isinstance(value, UnsavedFormula):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(str(value).strip().replace(",", "."))
    if not math.isfinite(number):
        raise ValueError("not a number")
    return number


_MAX_TIME_MS = 48 * 3600 * 1000  # no interaction tape runs two days


def _time_ms(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0:
            raise ValueError("negative time" if value < 0 else "not a time")
        ms = round(float(value) * 1000)  # seconds
    else:
        try:
            ms = parse_clock(str(value))
        except OverflowError:
            raise ValueError(f"{value!r} is not a time") from None
    if ms > _MAX_TIME_MS:
        raise ValueError(f"{value!r} is longer than 48 hours")
    return ms


class _Validator:
    """Checks rows one by one, collecting every problem."""

    def __init__(self, scheme: Scheme, snapshot: StudySnapshot) -> None:
        self.scheme = scheme
        self.problems: list[Problem] = []
        self.by_label = {d.label.casefold(): d.key for d in scheme.dimensions}
        self.by_label.update({d.key.casefold(): d.key for d in scheme.dimensions})
        self.episodes = {e.key.casefold(): e.key for e in scheme.episodes}
        self.episodes.update({e.label.casefold(): e.key for e in scheme.episodes})
        self.existing = _existing_ratings(snapshot)
        self.sessions: dict[tuple[str, str], int] = {}
        for video in snapshot.videos:
            place = (video.participant_code, video.timepoint)
            self.sessions[place] = self.sessions.get(place, 0) + 1
        self.seen: dict[tuple[Any, ...], tuple[int, float]] = {}

    def fail(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def check(self, number: int, cells: dict[str, Any]) -> ImportedRating | bool | None:
        """The rating of a good row, False for a bad row, None for a row already stored."""
        before = len(self.problems)
        formulas = {n: v for n, v in cells.items() if isinstance(v, UnsavedFormula)}
        for name, formula in formulas.items():
            self.fail(number, name, str(formula))
        texts = {name: _text(cells.get(name)) for name in REQUIRED}
        for name in ("participant", "timepoint", "coder", "dimension"):
            if name in formulas:
                continue
            if not texts[name]:
                self.fail(number, name, "empty")
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
                score = _number(cells.get("score"))
            except ValueError:
                self.fail(number, "score", f"not a number: {texts['score']!r}")
        if key is not None and score is not None:
            try:
                score, _ = self.scheme.validate(key, score)
            except ScoreError as exc:
                self.fail(number, "score", str(exc))
        segment = self._segment(number, cells)
        if len(self.problems) > before or key is None or score is None:
            return False
        video = _text(cells.get("video")) or None
        if video is None and self.sessions.get((texts["participant"], texts["timepoint"]), 0) > 1:
            self.fail(number, "video", "several videos at this timepoint: name the video")
            return False
        rating = ImportedRating(
            number, texts["participant"], texts["timepoint"], video, texts["coder"], key,
            score, segment,
        )  # fmt: skip
        return self._deduplicate(rating)

    def _segment(
        self, number: int, cells: dict[str, Any]
    ) -> tuple[int, int, str | None, str] | None:
        level = _text(cells.get("level")).casefold()
        start_raw, end_raw = cells.get("segment_start"), cells.get("segment_end")
        has_times = _text(start_raw) != "" or _text(end_raw) != ""
        if level not in ("", "session", "segment"):
            self.fail(number, "level", f"{level!r} must be session or segment")
            return None
        if level == "session" or (level == "" and not has_times):
            return None
        times = []
        for column, raw in (("segment_start", start_raw), ("segment_end", end_raw)):
            if _text(raw) == "":
                self.fail(number, column, "empty (a segment needs a start and an end)")
                continue
            try:
                times.append(_time_ms(raw))
            except ValueError as exc:
                self.fail(number, column, str(exc))
        if len(times) < 2:
            return None
        if times[1] <= times[0]:
            self.fail(number, "segment_end", "the segment must end after it starts")
            return None
        episode_text = _text(cells.get("episode"))
        episode = self.episodes.get(episode_text.casefold()) if episode_text else None
        if episode_text and self.episodes and episode is None:
            self.fail(number, "episode", f"unknown episode {episode_text!r}")
            return None
        note = cells.get("note")  # a note is kept exactly as typed, spaces included
        return (
            times[0],
            times[1],
            episode or (episode_text or None),
            "" if note is None else str(note),
        )

    def _deduplicate(self, rating: ImportedRating) -> ImportedRating | bool | None:
        identity = rating.identity()
        previous = self.existing.get(identity)
        if previous is not None:
            if previous == rating.score:
                return None
            self.fail(rating.row, "score", f"duplicate of an existing rating ({previous:g})")
            return False
        earlier = self.seen.get(identity)
        if earlier is not None:
            if earlier[1] == rating.score:
                return None
            self.fail(rating.row, "score", f"contradicts row {earlier[0]} ({earlier[1]:g})")
            return False
        self.seen[identity] = (rating.row, rating.score)
        return rating


def _existing_ratings(snapshot: StudySnapshot) -> dict[tuple[Any, ...], float]:
    coders = {c.id: c.name.casefold() for c in snapshot.coders}
    videos = {v.id: v for v in snapshot.videos}
    segments = {s.id: s for s in snapshot.segments}
    existing = {}
    for r in snapshot.ratings:
        video = videos[r.video_id]
        seg = segments.get(r.segment_id) if r.segment_id is not None else None
        span = None if seg is None else (seg.start_ms, seg.end_ms)
        identity = (video.participant_code, video.timepoint, (video.name or "").casefold(),
                    coders[r.coder_id], span, r.dimension)  # fmt: skip
        existing[identity] = r.score
        if video.name:  # a sheet without a video column names the session only
            existing.setdefault((*identity[:2], "", *identity[3:]), r.score)
    return existing


def plan_import(study: Study, path: Path) -> ImportPlan:
    """Read and validate the whole sheet; raise ImportRejected listing every problem."""
    sheet = read_sheet(path)
    missing = [name for name in REQUIRED if name not in sheet.columns]
    if missing:
        raise ImportRejected(
            str(path), [Problem(1, name, "required column is missing") for name in missing]
        )
    validator = _Validator(study.scheme, study.load())
    plan = ImportPlan()
    for number, cells in sheet.rows:
        outcome = validator.check(number, cells)
        if outcome is None:
            plan.skipped += 1
        elif outcome is not False:
            assert isinstance(outcome, ImportedRating)
            plan.ratings.append(outcome)
    if validator.problems:
        raise ImportRejected(str(path), validator.problems)
    return plan


def import_ratings(
    study: Study,
    path: Path,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[ImportPlan, ImportSummary | None]:
    """Validate, then (unless ``dry_run``) write everything in one transaction."""
    plan = plan_import(study, path)
    if progress:
        progress(f"validated {len(plan.ratings) + plan.skipped} rows")
    if dry_run or not plan.ratings:
        return plan, None
    summary = study.bulk_import(plan.ratings, source=path.name)
    return plan, summary
