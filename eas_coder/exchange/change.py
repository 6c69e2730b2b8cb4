"""Change between timepoints: per participant, each EAS dimension's and each other measure's
value and band at every timepoint in the study's order, the difference (last minus first),
whether that is an improvement, and the band transition. The workbook's ``Change`` and
``Measures`` sheets and the change report (eas_coder.change_report) are made from here.

For every EAS dimension higher is better (non-hostility too: a high score means little
hostility); another measure says which way is better (store/measures.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from eas_coder.exchange.naming import clean_text, unique_names, variable_name
from eas_coder.exchange.rows_source import per_video
from eas_coder.exchange.sheets import CHANGE_CELLS, Column, ExportData, LazyRows, Sheet
from eas_coder.model import Rating, Video
from eas_coder.session_scores import scored_sessions
from eas_coder.store.measures import Measure, MeasureValue
from eas_coder.store.study import Study
from eas_coder.store.timepoints import ordered

IMPROVED, DECLINED, UNCHANGED = "improved", "declined", "unchanged"
SOURCE_CONSENSUS = "consensus"
_SAME = 1e-9  # scores are stored rounded to 9 decimals


@dataclass(frozen=True)
class MeasureData:
    """The study's other measures and their values."""

    measures: tuple[Measure, ...] = ()
    values: tuple[MeasureValue, ...] = ()

    @classmethod
    def of(cls, study: Study) -> MeasureData:
        return cls(tuple(study.measures.all()), tuple(study.measures.values()))


@dataclass(frozen=True)
class ChangeRow:
    """One participant's change on one dimension or measure."""

    participant: str
    key: str  # dimension key, or the measure's name
    label: str
    is_measure: bool
    higher_is_better: bool
    scores: tuple[float | None, ...]  # per timepoint, in order
    bands: tuple[str, ...]  # per timepoint ("" without bands)
    sources: tuple[str, ...]  # per timepoint: where the score came from
    difference: float | None  # last timepoint minus first
    direction: str  # improved / declined / unchanged ("" without a difference)
    band_change: str  # "Risk → Non-Risk" ("" unless both bands are known)


def direction_of(difference: float | None, higher_is_better: bool) -> str:
    """``improved`` / ``declined`` / ``unchanged`` for a difference (last minus first)."""
    if difference is None:
        return ""
    if abs(difference) <= _SAME:
        return UNCHANGED
    return IMPROVED if (difference > 0) == higher_is_better else DECLINED


def band_change(first: str, last: str) -> str:
    """``"Risk → Non-Risk"``; the same band twice reads ``"Risk → Risk"``."""
    return f"{first} → {last}" if first and last else ""


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _difference(values: Sequence[float | None]) -> float | None:
    if len(values) < 2 or values[0] is None or values[-1] is None:
        return None
    return round(values[-1] - values[0], 6)


def chosen_measure_values(data: ExportData, measures: MeasureData) -> list[MeasureValue]:
    """Measure values within the export's filters: its timepoints, and with a video or
    timepoint filter only the participants of the chosen videos."""
    wanted = set(data.options.timepoints)
    narrowed = bool(data.options.timepoints or data.options.video_ids)
    people = {v.participant_code for v in data.videos}
    return [
        v
        for v in measures.values
        if (not wanted or v.timepoint in wanted) and (not narrowed or v.participant in people)
    ]


def change_timepoints(data: ExportData, values: Iterable[MeasureValue]) -> list[str]:
    """The timepoints the change uses: the study's order, of those with videos or values."""
    recorded = [v.timepoint for v in sorted(data.videos, key=lambda v: v.id)]
    recorded += [v.timepoint for v in values]
    present = set(recorded)
    return [t for t in ordered(data.timepoint_order, recorded) if t in present]


Cells = dict[tuple[str, str, str], tuple[list[float], set[str]]]


def add_video_cells(data: ExportData, video: Video, ratings: list[Rating], cells: Cells) -> None:
    """Add one video's values to ``cells`` (see _dimension_cells); videos in the order of
    ``data.videos``, so each cell's values sum in the same order every time."""
    scored = scored_sessions(ratings, {c.id for c in data.coders})
    by_key: dict[tuple[str, int], list[tuple[float, str]]] = defaultdict(list)
    for (key, video_id, _coder), session in scored.items():
        by_key[(key, video_id)].append((session.score, session.source))
    for dim in data.scheme.dimensions:
        agreed = data.consensus.get((video.id, dim.key))
        own = by_key.get((dim.key, video.id), [])
        value: float | None = agreed
        sources = {SOURCE_CONSENSUS}
        if agreed is None:
            value, sources = _mean([s for s, _ in own]), {src for _, src in own}
        if value is None:
            continue
        place = (video.participant_code, dim.key, video.timepoint)
        scores, seen = cells.setdefault(place, ([], set()))
        scores.append(value)
        seen.update(sources)


def _dimension_cells(data: ExportData) -> Cells:
    """(participant, dimension, timepoint) -> each video's score there, and their sources:
    the consensus, else the mean of the coders' session scores (scored_sessions). Made
    while the Sessions sheet was written, if it was (the same pass over the ratings);
    else from a pass of its own, one video's ratings at a time."""
    made = data.memo.get(CHANGE_CELLS)
    if made is not None:
        return cast(Cells, made)
    cells: Cells = {}
    lines = data.rating_lines(video_order=True)
    for video, group in per_video(data.snapshot.videos, data.videos, lines):
        add_video_cells(data, video, [line.rating for line in group], cells)
    return cells


def change_rows(
    data: ExportData, measures: MeasureData | None = None
) -> tuple[list[str], list[ChangeRow]]:
    """The timepoints in order, and a row per participant and dimension (then measure) with
    a value at some timepoint."""
    values = chosen_measure_values(data, measures or MeasureData())
    timepoints = change_timepoints(data, values)
    return timepoints, list(_change_rows(data, measures, values, timepoints))


def _change_rows(
    data: ExportData,
    measures: MeasureData | None,
    values: list[MeasureValue],
    timepoints: list[str],
) -> Iterator[ChangeRow]:
    """``change_rows``' rows, one at a time (from per-video aggregates: see _dimension_cells)."""
    cells = _dimension_cells(data)
    by_value = {(v.participant, v.measure, v.timepoint): v.value for v in values}
    known = {m.name: m for m in (measures or MeasureData()).measures}
    people = sorted({v.participant_code for v in data.videos} | {v.participant for v in values})
    for participant in people:
        for dim in data.scheme.dimensions:
            found = [cells.get((participant, dim.key, tp)) for tp in timepoints]
            scores = tuple(None if f is None else _mean(f[0]) for f in found)
            if all(s is None for s in scores):
                continue
            bands = tuple(data.band(dim.key, s) for s in scores)
            sources = tuple("" if f is None else "; ".join(sorted(f[1])) for f in found)
            diff = _difference(scores)
            moved = band_change(bands[0], bands[-1]) if diff is not None else ""
            yield ChangeRow(participant, dim.key, dim.label, False, True, scores, bands, sources,
                            diff, direction_of(diff, True), moved)  # fmt: skip
        for name in sorted({v.measure for v in values if v.participant == participant}):
            got = tuple(by_value.get((participant, name, tp)) for tp in timepoints)
            higher = known[name].higher_is_better if name in known else True
            diff = _difference(got)
            blank = ("",) * len(timepoints)
            yield ChangeRow(participant, name, name, True, higher, got, blank, blank, diff,
                            direction_of(diff, higher), "")  # fmt: skip


def change_sheet(data: ExportData, measures: MeasureData | None = None) -> Sheet:
    """Per participant and dimension (then measure): score and band at each timepoint in the
    study's order, the difference, its direction and the band transition."""
    values = chosen_measure_values(data, measures or MeasureData())
    timepoints = change_timepoints(data, values)
    labels = unique_names(variable_name(t) for t in timepoints)
    columns = [
        Column("participant", "De-identified dyad code"),
        Column(
            "dimension",
            "Dimension key of the coding scheme, or the name of another measure (see Measures)",
        ),
    ]
    for tp, label in zip(timepoints, labels, strict=True):
        columns.append(
            Column(
                f"score_{label}"[:64],
                f"Score at {tp}: consensus, else the coders' mean (mean of the session's "
                "videos); for another measure, its value",
                "number",
            )
        )
        columns.append(Column(f"band_{label}"[:64], f"Band at {tp}", "band"))
    first, last = (timepoints[0], timepoints[-1]) if timepoints else ("first", "last")
    columns += [
        Column("difference", f"Score at {last} minus score at {first}", "number"),
        Column(
            "direction",
            f"{IMPROVED}, {DECLINED} or {UNCHANGED} from {first} to {last}: higher is better "
            "for every EAS dimension; another measure says which way is better (Measures)",
        ),
        Column("band_change", f"Band at {first} → band at {last}, e.g. Risk → Non-Risk"),
    ]
    final = unique_names(variable_name(c.name) for c in columns)  # after any truncation
    columns = [Column(n, c.meaning, c.kind) for n, c in zip(final, columns, strict=True)]

    def rows() -> Iterator[list[object]]:
        for row in _change_rows(data, measures, values, timepoints):
            cells: list[object] = [clean_text(row.participant), clean_text(row.key)]
            for score, band in zip(row.scores, row.bands, strict=True):
                cells += [score, band]
            yield [*cells, row.difference, row.direction, row.band_change]

    return Sheet("Change", columns, LazyRows(rows, len(data.videos)))


def measures_sheet(data: ExportData, measures: MeasureData) -> Sheet:
    """Other measures in long layout, one value per row; imports back with
    ``eas-coder import-measures`` (the same columns)."""
    sheet = Sheet(
        "Measures",
        [
            Column("participant", "De-identified dyad code"),
            Column("timepoint", "Timepoint label"),
            Column("measure", "Name of the measure (e.g. BDI, PSI)"),
            Column("value", "The participant's value (e.g. a questionnaire total)", "number"),
            Column("direction", "higher-better or lower-better: which way is better"),
        ],
    )
    values = chosen_measure_values(data, measures)
    order = {t: i for i, t in enumerate(change_timepoints(data, values))}
    known = {m.name: m for m in measures.measures}
    for v in sorted(values, key=lambda v: (v.participant, v.measure, order.get(v.timepoint, 0))):
        direction = known[v.measure].direction if v.measure in known else ""
        sheet.rows.append(
            [clean_text(v.participant), clean_text(v.timepoint), clean_text(v.measure),
             v.value, direction]
        )  # fmt: skip
    return sheet
