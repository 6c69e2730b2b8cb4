"""The export's sheets as plain tables, shared by the Excel, CSV and SPSS writers.

Each column carries its meaning, which the Codebook sheet lists, so an analyst opening the
workbook in a year still knows what ``sensitivity_c1`` was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from eas_coder.exchange.frames import VideoFrames
from eas_coder.exchange.naming import clean_text, unique_names, variable_name
from eas_coder.model import Coder, Rating, StudySnapshot, Video
from eas_coder.scheme import Dimension, Scheme
from eas_coder.session_scores import SessionKey, SessionScore, scored_sessions
from eas_coder.store.item_drafts import ItemDraft
from eas_coder.store.timepoints import ordered
from eas_coder.timecode import clock

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
    """A named table of rows (a list, or a LazyRows for the big long-format sheet)."""

    name: str
    columns: list[Column]
    rows: Any = field(default_factory=list)  # Sequence-like: len() and iteration


class LazyRows:
    """Rows made one at a time while a writer consumes them: memory stays flat."""

    def __init__(self, sources: Sequence[Any], make: Callable[[Any], list[Any]]) -> None:
        self._sources = sources
        self._make = make

    def __len__(self) -> int:
        return len(self._sources)

    def __iter__(self) -> Iterator[list[Any]]:
        return map(self._make, self._sources)


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

    def scored(self, ratings: Sequence[Rating] | None = None) -> dict[SessionKey, SessionScore]:
        """The chosen coders' session scores with their source (session rating, or the
        segment mean, duration-weighted where the study says so)."""
        durations = {s.id: float(s.duration_ms) for s in self.snapshot.segments}
        return scored_sessions(
            self.snapshot.ratings if ratings is None else ratings,
            {c.id for c in self.coders},
            weighting=self.weighting,
            durations=durations,
        )

    def band(self, key: str, score: float | None) -> str:
        if score is None or not self.scheme.bands:
            return ""
        band = self.scheme.band_of(key, score)
        return band.label if band else ""


def seconds(ms: int | None) -> float | None:
    """Milliseconds as seconds (3 decimals), for the sheets' ``*_s`` columns."""
    return None if ms is None else round(ms / 1000, 3)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


_COMPUTED = {"coders' mean", "consensus", "band", "zone label"}
SOURCE_MEANING = (
    "Where the row's session scores come from: session rating (the coder's own), segment "
    "mean, or segment mean (duration-weighted), as the study's setting "
    "scores.segment_weighting says; several, separated by '; ', when they differ"
)
VERSION_MEANING = (
    "The study's scheme version(s) the row's scores were given under (see Codebook); "
    "several, separated by '; ', when they differ"
)


def _item_ratings(ratings: Sequence[Rating]) -> list[Rating]:
    """Each item score as a rating of "dimension/item", so an item's session score follows
    the dimension's rule: the session rating's, else the mean of the segment ratings'."""
    return [
        replace(r, dimension=f"{r.dimension}/{key}", score=value, items=None)
        for r in ratings
        if r.items
        for key, value in r.items.items()
    ]


def _item_columns(data: ExportData, dim: Dimension) -> list[Column]:
    """Per item of ``dim``: a column per coder, then the coders' mean."""
    columns: list[Column] = []
    for item in dim.items:
        label = f"{dim.label} / {item.label}"
        columns.extend(
            Column(
                f"{dim.key}_{item.key}_{data.coder_label(c)}",
                f"{label}: item score of {data.coder_label(c)} (session rating's, else the "
                "mean of the coder's segment ratings')",
                "number",
                f"{label} – {data.coder_label(c)}",
            )
            for c in data.coders
        )
        columns.append(
            Column(
                f"{dim.key}_{item.key}_mean",
                f"{label}: mean of the coders' item scores",
                "number",
                f"{label} – coders' mean",
            )
        )
    return columns


def sessions_sheet(data: ExportData) -> Sheet:
    """Wide format for SPSS/R: one row per video, a column per dimension × coder."""
    coders = data.coders
    scores = data.scored()
    items = data.scored(_item_ratings(data.snapshot.ratings))
    columns = [
        Column("participant", "De-identified dyad code"),
        Column("timepoint", "Timepoint label"),
        Column("video", "Name of the recording"),
        Column("scheme_version", VERSION_MEANING),
        Column("session_score_source", SOURCE_MEANING),
    ]
    versions: dict[int, set[int]] = {}
    chosen = {c.id for c in coders}
    for r in data.snapshot.ratings:
        if r.coder_id in chosen:
            versions.setdefault(r.video_id, set()).add(r.scheme_version)
    per_dim: list[tuple[str, list[Column]]] = []
    for dim in data.scheme.dimensions:
        group = [
            Column(
                f"{dim.key}_{data.coder_label(c)}",
                f"{dim.label}: session score of {data.coder_label(c)} (session rating, else "
                "the mean of the coder's segment scores)",
                "number",
                f"{dim.label} – {data.coder_label(c)}",
                dim.levels,
            )
            for c in coders
        ]
        group.append(
            Column(
                f"{dim.key}_mean",
                f"{dim.label}: mean of the coders' session scores",
                "number",
                f"{dim.label} – coders' mean",
            )
        )
        group.append(
            Column(
                f"{dim.key}_consensus",
                f"{dim.label}: consensus score, if the coders recorded one",
                "number",
                f"{dim.label} – consensus",
            )
        )
        group.append(
            Column(
                f"{dim.key}_label",
                f"{dim.label}: zone of the consensus score, else of the mean (empty when the "
                f"mean falls between zones); zones 1..{len(dim.levels)}: " + ", ".join(dim.levels),
                "text",
                f"{dim.label} – zone label",
            )
            if dim.ordinal
            else Column(
                f"{dim.key}_band",
                f"{dim.label}: band of the consensus score, else of the mean",
                "band",
                f"{dim.label} – band",
            )
        )
        per_dim.append((dim.key, group))
        columns.extend(group)
        columns.extend(_item_columns(data, dim))
    # Computed columns get their names first, so a coder called "Mean" cannot take
    # sensitivity_mean: coder columns yield (sensitivity_mean_2), never the other way round.
    wanted = [variable_name(c.name) for c in columns]
    computed = [i for i, c in enumerate(columns) if c.label.split(" – ")[-1] in _COMPUTED]
    order = computed + [i for i in range(len(columns)) if i not in set(computed)]
    settled = unique_names(wanted[i] for i in order)
    names = [settled[order.index(i)] for i in range(len(columns))]
    columns = [
        Column(n, c.meaning, c.kind, c.label or c.meaning, c.levels)
        for n, c in zip(names, columns, strict=True)
    ]
    sheet = Sheet("Sessions", columns)
    for video in data.videos:
        row: list[Any] = [
            clean_text(video.participant_code),
            clean_text(video.timepoint),
            clean_text(video.name or ""),
            "; ".join(str(v) for v in sorted(versions.get(video.id, ()))),
            "",  # the sources, once the scores are known
        ]
        sources: set[str] = set()
        for key, _group in per_dim:
            found = [scores.get((key, video.id, c.id)) for c in coders]
            sources.update(s.source for s in found if s is not None)
            own = [None if s is None else s.score for s in found]
            present = [s for s in own if s is not None]
            mean, agreed = _mean(present), data.consensus.get((video.id, key))
            row.extend(own)
            dim = data.scheme.dimension(key)
            shown = agreed if agreed is not None else mean
            tag = dim.level_label(shown) if dim.ordinal else data.band(key, shown)
            row.extend([mean, agreed, tag])
            for item in dim.items:
                per_item = [items.get((f"{key}/{item.key}", video.id, c.id)) for c in coders]
                per_coder = [None if s is None else s.score for s in per_item]
                row.extend([*per_coder, _mean([s for s in per_coder if s is not None])])
        row[4] = "; ".join(sorted(sources))
        sheet.rows.append(row)
    return sheet


def segments_sheet(data: ExportData) -> Sheet:
    """Every segment with its coder, times, episode and note."""
    sheet = Sheet(
        "Segments",
        [
            Column("participant", "De-identified dyad code"),
            Column("timepoint", "Timepoint label"),
            Column("video", "Name of the recording"),
            Column("coder", "Coder who marked the segment"),
            Column("start_s", "Start in seconds", "seconds"),
            Column("end_s", "End in seconds", "seconds"),
            Column("start", "Start as hh:mm:ss.fff"),
            Column("end", "End as hh:mm:ss.fff"),
            Column(
                "segment_start_frame",
                "First frame of the segment (from 0; empty without the video's file)",
                "integer",
            ),
            Column(
                "segment_end_frame",
                "Last frame inside the segment (empty without the video's file)",
                "integer",
            ),
            Column("episode", "Episode label"),
            Column("note", "The coder's note"),
        ],
    )
    coders = {c.id: c for c in data.coders}
    videos = {v.id: v for v in data.videos}
    for s in data.snapshot.segments:
        video, coder = videos.get(s.video_id), coders.get(s.coder_id)
        if video is None or coder is None:
            continue
        sheet.rows.append(
            [
                clean_text(video.participant_code),
                clean_text(video.timepoint),
                clean_text(video.name or ""),
                data.coder_label(coder),
                seconds(s.start_ms),
                seconds(s.end_ms),
                clock(s.start_ms),
                clock(s.end_ms),
                *data.frames.span(s),
                clean_text(s.episode or ""),
                clean_text(s.note),
            ]
        )
    return sheet
