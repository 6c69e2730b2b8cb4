"""The export's sheets as plain tables, shared by the Excel, CSV and SPSS writers.

Each column carries its meaning, which the Codebook sheet lists, so an analyst opening the
workbook in a year still knows what ``sensitivity_c1`` was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from eas_coder.exchange.frames import VideoFrames
from eas_coder.exchange.naming import clean_text
from eas_coder.exchange.rows_source import StudyRows, snapshot_lines
from eas_coder.model import Coder, Rating, Segment, StudySnapshot, Video
from eas_coder.scheme import Scheme
from eas_coder.session_scores import SessionKey, SessionScore, scored_sessions
from eas_coder.store.export_rows import RatingLine
from eas_coder.store.item_drafts import ItemDraft
from eas_coder.store.timepoints import ordered

CHANGE_CELLS = "change cells"
Kind = Literal["text", "number", "integer", "seconds", "datetime", "band"]


@dataclass(frozen=True)
class Column:
    """One column: its name, what it means, and how its values look."""

    name: str
    meaning: str
    kind: Kind = "text"
    label: str = ""  # a longer label (SPSS variable label)
    levels: tuple[str, ...] = ()  # a zone's labels: SPSS value labels 1..n on its numbers


@dataclass
class Sheet:
    """A named table of rows: a list, or LazyRows made while a writer consumes them."""

    name: str
    columns: list[Column]
    rows: Any = field(default_factory=list)  # iterable (again and again); a list or LazyRows

    def expected_rows(self) -> int:
        """How many rows the sheet has (LazyRows: about how many, for progress)."""
        return self.rows.expected if isinstance(self.rows, LazyRows) else len(self.rows)


class LazyRows:
    """Rows made one at a time while a writer consumes them, from queries that stream: memory
    stays flat. Each iteration starts over (reads the study again)."""

    def __init__(self, make: Callable[[], Iterator[list[Any]]], expected: int = 0) -> None:
        self._make = make
        self.expected = expected  # about how many rows, for progress only

    def __iter__(self) -> Iterator[list[Any]]:
        return self._make()


@dataclass(frozen=True)
class ExportOptions:
    """Which part of the study to export, and how coders are named."""

    coders: tuple[str, ...] = ()  # names; empty = all
    timepoints: tuple[str, ...] = ()  # empty = all
    video_ids: tuple[int, ...] = ()  # empty = all
    coder_codes: bool = False  # C1, C2, ... instead of names (blind analysis)

    def describe(self) -> str:
        """The filters in words, for the About sheet."""
        parts = [
            f"coders: {', '.join(self.coders) or 'all'}",
            f"timepoints: {', '.join(self.timepoints) or 'all'}",
            f"videos: {', '.join(map(str, self.video_ids)) or 'all'}",
            f"coders shown as {'codes' if self.coder_codes else 'names'}",
        ]
        return "; ".join(parts)


@dataclass(frozen=True)
class ExportData:
    """The part of a study being exported, with lookups the sheet builders share."""

    snapshot: StudySnapshot
    scheme: Scheme
    options: ExportOptions
    saved_at: dict[int, datetime]
    consensus: dict[tuple[int, str], float]  # session-level (video_id, dimension) -> score
    frames: VideoFrames = field(default_factory=VideoFrames)  # for segments' frame numbers
    # The study's set order of timepoints (store/timepoints.py); empty: none is set.
    timepoint_order: tuple[str, ...] = ()
    # The study's setting scores.segment_weighting: "none" or "duration" (session_scores.py)
    weighting: str = "none"
    # The study's scheme versions (number, what it was) for the Codebook (store/schemes.py)
    scheme_versions: tuple[tuple[int, str], ...] = ()
    # Items typed of derived dimensions not yet complete (store/item_drafts.py), as the
    # viewer may see them (a coder: their own only)
    drafts: tuple[ItemDraft, ...] = ()
    # Where the ratings and segments stream from (an export: the study, read in chunks); None:
    # the snapshot's own ratings and segments (the change report holds them already)
    source: StudyRows | None = None
    # about how many ratings and segments the source holds (progress only; see expected_rows)
    counts: tuple[int, int] | None = None
    # what one pass over the ratings made for a later sheet (CHANGE_CELLS: the Sessions
    # sheet's pass leaves the Change sheet its per-video values, saving it a pass)
    memo: dict[str, object] = field(default_factory=dict, compare=False)

    def segments_by_id(self, ids: list[int]) -> dict[int, Segment]:
        """A few segments by id (those item drafts hang on)."""
        if self.source is not None:
            return self.source.segments_by_id(ids)
        wanted = set(ids)
        return {s.id: s for s in self.snapshot.segments if s.id in wanted}

    def expected_rows(self) -> tuple[int, int]:
        """About how many ratings and segments there are (for progress)."""
        if self.counts is not None:
            return self.counts
        return len(self.snapshot.ratings), len(self.snapshot.segments)

    def rating_lines(self, video_order: bool = False) -> Iterator[RatingLine]:
        """The chosen coders' ratings (as the viewer may see them), one video's together:
        by video id, or (``video_order``) in the order of ``videos``."""
        ids = [c.id for c in self.coders]
        if self.source is not None:
            return self.source.rating_lines(ids, video_order)
        return snapshot_lines(self.snapshot, self.saved_at, ids, video_order)

    def segments(self) -> Iterator[Segment]:
        """The chosen coders' segments (as the viewer may see them), by video and start."""
        ids = {c.id for c in self.coders}
        if self.source is not None:
            return self.source.segments(list(ids))
        return (s for s in self.snapshot.segments if s.coder_id in ids)

    @property
    def coders(self) -> list[Coder]:
        chosen = set(self.options.coders)
        return [c for c in self.snapshot.coders if not chosen or c.name in chosen]

    @property
    def videos(self) -> list[Video]:
        tps, ids = set(self.options.timepoints), set(self.options.video_ids)
        return [
            v
            for v in self.snapshot.videos
            if (not tps or v.timepoint in tps) and (not ids or v.id in ids)
        ]

    @property
    def timepoints(self) -> list[str]:
        """The exported videos' timepoints in the study's set order; one it leaves out (or
        every one, when no order is set) follows in the order first recorded (video
        creation order). See store/timepoints.py."""
        present = {v.timepoint for v in self.videos}
        recorded = [v.timepoint for v in sorted(self.videos, key=lambda v: v.id)]
        return [t for t in ordered(self.timepoint_order, recorded) if t in present]

    def coder_label(self, coder: Coder) -> str:
        return f"C{coder.id}" if self.options.coder_codes else clean_text(coder.name)

    def scored(
        self, ratings: Sequence[Rating], durations: Mapping[int, float]
    ) -> dict[SessionKey, SessionScore]:
        """The chosen coders' session scores with their source (session rating, or the
        segment mean, duration-weighted where the study says so); ``durations`` of the
        ratings' segments, by segment id."""
        return scored_sessions(
            ratings, {c.id for c in self.coders}, weighting=self.weighting, durations=durations
        )

    def band(self, key: str, score: float | None) -> str:
        if score is None or not self.scheme.bands:
            return ""
        band = self.scheme.band_of(key, score)
        return band.label if band else ""


def seconds(ms: int | None) -> float | None:
    """Milliseconds as seconds (3 decimals), for the sheets' ``*_s`` columns."""
    return None if ms is None else round(ms / 1000, 3)


SOURCE_MEANING = (
    "Where the row's session scores come from: session rating (the coder's own), segment "
    "mean, or segment mean (duration-weighted), as the study's setting "
    "scores.segment_weighting says; several, separated by '; ', when they differ"
)
VERSION_MEANING = (
    "The study's scheme version(s) the row's scores were given under (see Codebook); "
    "several, separated by '; ', when they differ"
)
