"""The change report a clinician reads (issue 22, item 6): per participant, each EAS dimension
and other measure from the first timepoint to the last in the study's order — "Sensitivity
4.75 (Risk) → 6.5 (Non-Risk), +1.75, improved, Risk → Non-Risk", "BDI 27 → 16, −11,
improved" — laid out like a paper's Table 2; for the whole study the mean change with its
95 % CI, a paired t test and a Wilcoxon test, how many moved out of the lowest band, and a
slope chart per dimension.

The rows are the workbook's Change sheet's (eas_coder.exchange.change), so the two never
disagree. The document is plain data (``change_model``: ``Block``s and ``SlopePanel``s);
``change_pdf`` and ``change_html`` draw it, and ``write`` here picks which.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import replace
from pathlib import Path

from eas_coder import __version__
from eas_coder.change_model import MINUS, ChangeReport, SlopePanel, num
from eas_coder.change_stats import PairedChange, moved_out_of_lowest, paired_change
from eas_coder.errors import NotFound, StudyError
from eas_coder.exchange.change import ChangeRow, MeasureData, change_rows
from eas_coder.exchange.sheets import ExportData, ExportOptions
from eas_coder.methods_sections import Block
from eas_coder.names import name_key
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer


def signed(value: float | None) -> str:
    """A difference with its sign: +1.75, −11, 0."""
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + num(value)


def _stat(value: float, digits: int = 2) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}".replace("-", MINUS)


def _p(value: float) -> str:
    if math.isnan(value):
        return "–"
    return "< .001" if value < 0.001 else f"{value:.3f}".lstrip("0")


def _export_data(study: Study, viewer: Viewer | None) -> ExportData:
    """The study as the export sees it, with what ``viewer`` may see (build_sheets' rule)."""
    consensus = {
        (c.video_id, c.dimension): c.score for c in study.consensus.all() if c.segment_id is None
    }
    snapshot = study.load()
    if viewer is not None and not viewer.manager:
        snapshot = replace(snapshot, ratings=tuple(viewer.only_visible(snapshot.ratings)))
        consensus = {key: score for key, score in consensus.items() if viewer.sees_all(key[0])}
    return ExportData(snapshot, study.scheme, ExportOptions(), {}, consensus,
                      timepoint_order=tuple(study.timepoints.order()))  # fmt: skip


def _cell(row: ChangeRow) -> str:
    parts = []
    for score, band in zip(row.scores, row.bands, strict=True):
        parts.append(num(score) + (f" ({band})" if band and score is not None else ""))
    return " → ".join(parts)


def _source(row: ChangeRow, timepoints: list[str]) -> str:
    if row.is_measure:
        return "self-report"
    named = [(tp, s) for tp, s in zip(timepoints, row.sources, strict=True) if s]
    if len({s for _, s in named}) == 1:
        return named[0][1]
    return "; ".join(f"{tp}: {s}" for tp, s in named)


def _participant_table(rows: list[ChangeRow], timepoints: list[str]) -> Block:
    header = ("Participant", "Measure", " → ".join(timepoints), "Difference", "Direction",
              "Band change", "Session score source")  # fmt: skip
    body = tuple(
        (r.participant, r.label, _cell(r), signed(r.difference), r.direction or "–",
         r.band_change or "–", _source(r, timepoints))
        for r in rows
    )  # fmt: skip
    return Block("table", header=header, rows=body)


def _study_table(rows: list[ChangeRow], lowest: str) -> Block:
    header = ("Measure", "n", "Mean change [95% CI]", "SD", "t (df)", "p", "Wilcoxon V",
              "p", f"Out of {lowest or 'lowest band'}")  # fmt: skip
    body = []
    keys = list(dict.fromkeys((r.key, r.label, r.is_measure) for r in rows))
    for key, label, is_measure in keys:
        mine = [r for r in rows if r.key == key and r.is_measure == is_measure]
        pairs = [r for r in mine if r.difference is not None]
        result: PairedChange = paired_change(
            [r.scores[0] or 0.0 for r in pairs], [r.scores[-1] or 0.0 for r in pairs]
        )
        started = sum(1 for r in pairs if lowest and r.bands[0] == lowest)
        moved = moved_out_of_lowest([r.bands[0] for r in pairs], [r.bands[-1] for r in pairs],
                                    lowest)  # fmt: skip
        better = "" if not is_measure else (" (higher better)" if mine[0].higher_is_better
                                            else " (lower better)")  # fmt: skip
        ci = f"{signed(result.mean)} [{_stat(result.ci_low)}, {_stat(result.ci_high)}]"
        body.append(
            (f"{label}{better}", str(result.n), ci if result.computed else signed(result.mean),
             _stat(result.sd), f"{_stat(result.t)} ({result.df})" if result.computed else "–",
             _p(result.p_t), _stat(result.v, 1), _p(result.p_wilcoxon),
             f"{moved} of {started}" if lowest and not is_measure else "–")
        )  # fmt: skip
    return Block("table", header=header, rows=tuple(body))


def _panels(data: ExportData, rows: list[ChangeRow], timepoints: list[str]) -> list[SlopePanel]:
    panels = []
    scheme = data.scheme
    labels = {b.key: b.label for b in scheme.bands}
    for key, is_measure in dict.fromkeys((r.key, r.is_measure) for r in rows):
        mine = [r for r in rows if r.key == key and r.is_measure == is_measure]
        cuts: tuple[tuple[float, str], ...] = ()
        if is_measure:
            values = [v for r in mine for v in r.scores if v is not None]
            pad = max((max(values) - min(values)) * 0.1, 1.0)
            low, high = min(values) - pad, max(values) + pad
            title = f"{key} ({'higher' if mine[0].higher_is_better else 'lower'} is better)"
        else:
            dim = scheme.dimension(key)
            low, high, title = dim.scale.minimum, dim.scale.maximum, dim.label
            cuts = tuple((lower, labels[band]) for band, lower in dim.cutoffs if lower <= high)
        lines = tuple((r.participant, r.scores) for r in mine)
        panels.append(SlopePanel(title, tuple(timepoints), low, high, cuts, lines))
    return panels


def build(
    study: Study, participant: str | None = None, viewer: Viewer | None = None
) -> ChangeReport:
    """Lay out the change report of the whole study, or of one participant."""
    data = _export_data(study, viewer)
    timepoints, rows = change_rows(data, MeasureData.of(study))
    if participant is not None:
        codes = {name_key(r.participant): r.participant for r in rows}
        found = codes.get(name_key(participant))
        if found is None:
            known = ", ".join(sorted(set(codes.values()))) or "none with scores yet"
            raise NotFound(f"no scores or measures of participant {participant!r} (known: {known})")
        rows = [r for r in rows if r.participant == found]
    if len(timepoints) < 2:
        raise StudyError(
            "a change needs two timepoints with scores; the study has "
            f"{', '.join(timepoints) or 'none'}"
        )
    first, last = timepoints[0], timepoints[-1]
    who = f" — participant {rows[0].participant}" if participant is not None and rows else ""
    title = f"Change from {first} to {last} — {study.info.name}{who}"
    scheme = study.scheme
    lowest = scheme.bands[0].label if scheme.bands else ""
    blocks = [
        Block("p", (
            f"Scheme: {scheme.name} (version {scheme.version}). Timepoints in the study's "
            f"order: {' → '.join(timepoints)}. Difference = {last} minus {first}. Written "
            f"{_dt.date.today().isoformat()} by EAS Coder {__version__}."
        )),
        Block("p", (
            "For every EAS dimension a higher score is better (non-hostility too: a high "
            "score means little hostility); for other measures the study records which way "
            "is better. A score is the coders' consensus, else the mean of the coders' session "
            "scores, each the coder's session rating or else the mean of their segment scores "
            "(the source column says which)."
        )),
        Block("p", f"Bands: {scheme.bands_note}" if scheme.bands_note else (
            "Bands: " + ", ".join(b.label for b in scheme.bands) + " (the scheme's cut-offs)."
            if scheme.bands else "The scheme defines no bands, so no band changes are shown."
        )),
    ]  # fmt: skip
    left_out = study.timepoints.unlisted()
    if left_out:
        blocks.append(Block("p", (
            f"Note: {', '.join(left_out)} is not in the study's set order and is placed last; "
            "set the order with `eas-coder timepoints set`."
        )))  # fmt: skip
    blocks += [Block("h2", "Table 2. Scores per participant"), _participant_table(rows, timepoints)]
    if participant is None:
        blocks += [
            Block("h2", f"Change in the study ({first} → {last})"),
            _study_table(rows, lowest),
            Block("p", (
                "Mean change with its 95 % confidence interval (t distribution); paired t "
                "test and Wilcoxon signed-rank test (V = sum of the ranks of positive "
                "differences, zero differences left out), both two-sided. A positive mean "
                "change is an improvement for the EAS and higher-better measures, a negative "
                f"one for lower-better measures. \"Out of {lowest or 'the lowest band'}\": "
                "participants who started there and ended in another band."
            )),
        ]  # fmt: skip
    blocks.append(Block("h2", "Slope charts"))
    return ChangeReport(title, tuple(blocks), tuple(_panels(data, rows, timepoints)))


def write(report: ChangeReport, path: Path) -> None:
    """Write the report as PDF (``.pdf``) or HTML (``.html``, ``.htm``), whole to a
    temporary name first, so a failure leaves no half-written report."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise StudyError(f"{path.name}: a report is written as .pdf or .html; name it so")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".pdf":
            from eas_coder.change_pdf import render_pdf  # fpdf2 only when a PDF is asked for

            render_pdf(report, partial)
        else:
            from eas_coder.change_html import render_html

            partial.write_text(render_html(report), encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
