"""The Sessions sheet (wide: a row per video, a column per dimension × coder) and the
Segments sheet, made one row at a time from the study's ratings and segments as they stream
(``ExportData.rating_lines``): one video's ratings are held at a time, never the study's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from eas_coder.exchange.change import Cells, add_video_cells
from eas_coder.exchange.naming import clean_text, unique_names, variable_name
from eas_coder.exchange.rows_source import durations, per_video
from eas_coder.exchange.sheets import (
    CHANGE_CELLS,
    SOURCE_MEANING,
    VERSION_MEANING,
    Column,
    ExportData,
    LazyRows,
    Sheet,
    seconds,
)
from eas_coder.model import Rating
from eas_coder.scheme import Dimension
from eas_coder.timecode import clock


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


_COMPUTED = {"coders' mean", "consensus", "band", "zone label"}


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
    columns = [
        Column("participant", "De-identified dyad code"),
        Column("timepoint", "Timepoint label"),
        Column("video", "Name of the recording"),
        Column("scheme_version", VERSION_MEANING),
        Column("session_score_source", SOURCE_MEANING),
    ]
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
    expected = len(data.videos)
    return Sheet("Sessions", columns, LazyRows(lambda: _session_rows(data, per_dim), expected))


def _session_rows(data: ExportData, per_dim: list[tuple[str, list[Column]]]) -> Iterator[list[Any]]:
    """A row per exported video, from that video's ratings alone."""
    coders = data.coders
    lines = data.rating_lines(video_order=True)
    data.memo.pop(CHANGE_CELLS, None)
    cells: Cells = {}  # the Change sheet's values, made in this same pass
    for video, group in per_video(data.snapshot.videos, data.videos, lines):
        ratings = [line.rating for line in group]
        add_video_cells(data, video, ratings, cells)
        spans = durations(group)
        scores = data.scored(ratings, spans)
        items = data.scored(_item_ratings(ratings), spans)
        versions = {r.scheme_version for r in ratings}
        row: list[Any] = [
            clean_text(video.participant_code),
            clean_text(video.timepoint),
            clean_text(video.name or ""),
            "; ".join(str(v) for v in sorted(versions)),
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
        yield row
    data.memo[CHANGE_CELLS] = cells  # only once every video is in


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
    sheet.rows = LazyRows(lambda: _segment_rows(data), data.expected_rows()[1])
    return sheet


def _segment_rows(data: ExportData) -> Iterator[list[Any]]:
    coders = {c.id: c for c in data.coders}
    videos = {v.id: v for v in data.videos}
    for s in data.segments():
        video, coder = videos.get(s.video_id), coders.get(s.coder_id)
        if video is None or coder is None:
            continue
        yield [
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
