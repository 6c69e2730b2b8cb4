"""Reliability over a study: gather coders' ratings into units × coders tables, then score.

Levels:
- ``session``: one unit per video and dimension. A coder's score is their session rating, or
  else the mean of their segment ratings of that dimension on that video.
- ``segment``: one unit per rated span (video, start, end, episode). Coders meet on a unit
  when they rated the same segment, or identical spans of a shared episode template.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from eas_coder.errors import StudyError
from eas_coder.model import Coder, Segment
from eas_coder.reliability_columns import (
    segment_cube,
    session_cube,
    session_rated,
    visible_columns,
)
from eas_coder.reliability_design import (
    chance_values,
    design_note,
    design_of,
    f_tests_json,
    idle_note,
    intervals_json,
    on_scale,
    quality_label,
    rated_columns,
)
from eas_coder.reliability_design import (
    koo_li_label as koo_li_label,  # re-exported: callers import the label from here
)
from eas_coder.reliability_extras import CoderBias, DStudy, dimension_extras, extras_json
from eas_coder.reliability_sources import (
    scale_of,
    segment_weights,
    source_counts,
    versions_used,
    weighting_of,
)
from eas_coder.scheme import Dimension
from eas_coder.segment_matching import (
    SegmentMatching,
    group_segments,
    summarise,
    units_of_segments,
)
from eas_coder.stats import (
    ICC_FORMS,
    IccTable,
    agreement_within,
    bland_altman,
    cohen_kappa,
    exact_agreement,
    icc,
    krippendorff_alpha,
    pearson_r,
)
from eas_coder.stats.boundaries import BoundaryAgreement, match_segments
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

Level = Literal["session", "segment"]
LEVELS: tuple[Level, ...] = ("session", "segment")


@dataclass(frozen=True)
class Table:
    """Scores of one dimension: rows are units, columns the chosen coders (NaN = missing)."""

    units: tuple[Hashable, ...]
    scores: np.ndarray
    # session level: how many scores are session ratings, how many segment means
    sources: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionResult:
    """Every statistic for one dimension (two-coder statistics are NaN with more coders)."""

    key: str
    label: str
    n_units: int
    n_dropped: int
    icc: IccTable
    values: dict[str, float]
    pairs: tuple[PairResult, ...] = ()
    bias: tuple[CoderBias, ...] = ()  # each coder's mean difference from the others
    dstudy: DStudy | None = None  # Spearman–Brown projections, units for a CI width
    quality: str = ""  # Koo & Li's word for the target ICC, or "too few units (n = …)"
    design: str = "complete"  # "incomplete": not every coder rated every unit
    notes: tuple[str, ...] = ()  # which units and coders the statistics used, in words
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # 95% CIs by key
    sources: dict[str, int] = field(default_factory=dict)  # session_score_source counts
    versions: tuple[int, ...] = ()  # scheme versions of the ratings used
    scale: str = "interval"  # "ordinal" for a zone: read alpha ordinal, weighted kappa, AC2

    def flagged(self, form: str, target: float) -> bool:
        """True when the target ICC form is below target (or undefined)."""
        value = self.icc[form].value
        return not value >= target


@dataclass(frozen=True)
class PairResult:
    """Two-coder statistics for one pair of coders (reported when more than two are chosen)."""

    coders: tuple[str, str]
    n_units: int
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # 95% CIs by key


@dataclass(frozen=True)
class ReliabilityReport:
    """Reliability of chosen coders at one level, per dimension."""

    coders: tuple[str, ...]
    level: Level
    target_form: str
    target: float
    tolerance: float
    dimensions: dict[str, DimensionResult] = field(default_factory=dict)
    segment_matching: SegmentMatching | None = None  # segment level: how segments met
    min_n: int = 10  # below it a value is "too few units", not good or poor
    notes: tuple[str, ...] = ()  # e.g. coders left out for having rated nothing
    weighting: str = "none"  # the study's segment-mean rule (scores.segment_weighting)
    scheme_versions: tuple[int, ...] = ()  # of every rating used, all dimensions

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape; NaN becomes null."""
        out = {
            "coders": list(self.coders),
            "level": self.level,
            "target": {"form": self.target_form, "value": self.target},
            "min_n": self.min_n,
            "notes": list(self.notes),
            "session_score_weighting": self.weighting,
            "scheme_versions": list(self.scheme_versions),
            "dimensions": {key: _dimension_json(d) for key, d in self.dimensions.items()},
        }
        if self.segment_matching is not None:
            out["segment_matching"] = self.segment_matching.to_json()
        return out


def _clean(value: float) -> float | None:
    return None if value != value or value in (float("inf"), float("-inf")) else float(value)


def _dimension_json(result: DimensionResult) -> dict[str, Any]:
    out: dict[str, Any] = {"n_units": result.n_units, "n_dropped": result.n_dropped}
    out |= {"n_units_one_way": result.icc.n_for("ICC1"), "design": result.design}
    out |= {"label": result.quality, "notes": list(result.notes)}
    out |= {"scale": result.scale, "scheme_versions": list(result.versions)}
    if result.sources:
        out["session_score_source"] = dict(result.sources)
    out |= f_tests_json(result.icc, ICC_FORMS) | intervals_json(result.intervals)
    for form in ICC_FORMS:
        out[form] = _clean(result.icc[form].value)
    for form in ICC_FORMS:
        low, high = result.icc[form].ci
        out[f"{form}_ci95"] = [_clean(low), _clean(high)]
    out.update({name: _clean(value) for name, value in result.values.items()})
    out["pairs"] = [
        {"coders": list(p.coders), "n_units": p.n_units}
        | {name: _clean(v) for name, v in p.values.items()}
        | intervals_json(p.intervals)
        for p in result.pairs
    ]
    out.update(extras_json(result.bias, result.dstudy))
    return out


def _two_coder_values(scores: np.ndarray, dim: Dimension) -> dict[str, float]:
    categories, snapped = dim.scale.values(), on_scale(scores, dim)
    limits = bland_altman(scores)
    return {
        "pearson_r": pearson_r(scores),
        "kappa": cohen_kappa(snapped, categories).value,
        "kappa_linear": cohen_kappa(snapped, categories, "linear").value,
        "kappa_quadratic": cohen_kappa(snapped, categories, "quadratic").value,
        "mean_difference": limits.mean_difference,
        "loa_lower": limits.lower,
        "loa_upper": limits.upper,
    }


_TWO_CODER_KEYS = (
    "pearson_r", "kappa", "kappa_linear", "kappa_quadratic", "mean_difference", "loa_lower",
    "loa_upper",
)  # fmt: skip


def score_table(scores: np.ndarray, dim: Dimension, tolerance: float) -> dict[str, float]:
    """All statistics of one units × coders table."""
    nan = float("nan")
    two = (
        _two_coder_values(scores, dim)
        if scores.shape[1] == 2
        else dict.fromkeys(_TWO_CODER_KEYS, nan)
    )
    return two | {
        "alpha_interval": krippendorff_alpha(scores, "interval"),
        "alpha_ordinal": krippendorff_alpha(scores, "ordinal"),
        "alpha_nominal": krippendorff_alpha(scores, "nominal"),
        "exact_agreement": exact_agreement(scores),
        "within_one": agreement_within(scores, tolerance),
    }


# --- gathering --------------------------------------------------------------------------------


def _session_tables(
    study: Study, coder_ids: Sequence[int], keys: Sequence[str], viewer: Viewer | None
) -> dict[str, Table]:
    """One query of five columns, then numpy (eas_coder.reliability_columns): fast at lab
    scale, where building every rating as an object took seconds (issue 18)."""
    columns = visible_columns(study.ratings.columns(coder_ids, keys), viewer)
    weighting = weighting_of(study)
    weights = segment_weights(study, columns) if weighting == "duration" else None
    videos, cube = session_cube(columns, coder_ids, len(keys), weights)
    rated = session_rated(columns, coder_ids, len(keys), videos)
    tables = {}
    for k, key in enumerate(keys):
        rows = ~np.isnan(cube[k]).all(axis=1)
        sources = source_counts(cube[k][rows], rated[k][rows], weighting)
        tables[key] = Table(tuple(int(v) for v in videos[rows]), cube[k][rows], sources)
    return tables


def _segment_tables(
    study: Study,
    coder_ids: Sequence[int],
    keys: Sequence[str],
    viewer: Viewer | None,
    groups: Sequence[dict[int, Segment]],
) -> dict[str, Table]:
    """Coders meet on segments that overlap within tolerance (eas_coder.segment_matching);
    the ratings come as columns, as at session level (one query, no rating objects)."""
    columns = visible_columns(study.ratings.columns(coder_ids, keys, segments_only=True), viewer)
    units, cube = segment_cube(columns, coder_ids, len(keys), units_of_segments(groups))
    tables = {}
    for k, key in enumerate(keys):
        rows = ~np.isnan(cube[k]).all(axis=1)
        tables[key] = Table(tuple(u for u, kept in zip(units, rows, strict=True) if kept),
                            cube[k][rows])  # fmt: skip
    return tables


def _choose_coders(study: Study, names: Sequence[str] | None) -> list[Coder]:
    coders = [study.coders.get(n) for n in names] if names else study.coders.all()
    if len({c.id for c in coders}) < 2:
        raise StudyError("reliability needs at least two different coders")
    return coders


def _choose_dimensions(study: Study, keys: Sequence[str] | None) -> list[Dimension]:
    return [study.scheme.dimension(k) for k in keys] if keys else list(study.scheme.dimensions)


def compute_tables(
    study: Study,
    coders: Sequence[str] | None,
    level: Level,
    dimensions: Sequence[str] | None,
    viewer: Viewer | None = None,
) -> tuple[list[Coder], dict[str, Table]]:
    """The chosen coders and, per dimension key, their units × coders table; with a
    ``viewer``, only the ratings that person may see (blind coding)."""
    chosen, tables, _ = _gather(study, coders, level, dimensions, viewer, matching=False)
    return chosen, tables


def _gather(
    study: Study,
    coders: Sequence[str] | None,
    level: Level,
    dimensions: Sequence[str] | None,
    viewer: Viewer | None,
    matching: bool = True,
) -> tuple[list[Coder], dict[str, Table], SegmentMatching | None]:
    """``compute_tables``, and at segment level how the segments met (from the same groups:
    matching them twice cost a fifth of the time)."""
    if level not in LEVELS:
        raise StudyError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    chosen = _choose_coders(study, coders)
    keys = [d.key for d in _choose_dimensions(study, dimensions)]
    ids = [c.id for c in chosen]
    if level == "session":
        return chosen, _session_tables(study, ids, keys, viewer), None
    segments, tolerance = _segments(study, viewer), _tolerance(study)
    groups = group_segments(segments, ids, tolerance)
    met = (
        summarise(segments, ids, [c.name for c in chosen], tolerance, groups) if matching else None
    )
    return chosen, _segment_tables(study, ids, keys, viewer, groups), met


def _segments(study: Study, viewer: Viewer | None) -> list[Segment]:
    segments = study.segments.all()
    return segments if viewer is None else viewer.only_visible(segments)


def _tolerance(study: Study) -> int:
    return int(study.settings.get("reliability.boundary_tolerance_ms"))


def compute(
    study: Study,
    coders: Sequence[str] | None = None,
    level: Level = "session",
    dimensions: Sequence[str] | None = None,
    viewer: Viewer | None = None,
) -> ReliabilityReport:
    """Reliability of the chosen coders (default: all) on the chosen dimensions (default: all),
    from what ``viewer`` may see (default: everything, as the lab manager)."""
    chosen, tables, matching = _gather(study, coders, level, dimensions, viewer)
    dims = _choose_dimensions(study, dimensions)
    tolerance = float(study.settings.get("reliability.tolerance"))
    names = tuple(c.name for c in chosen)
    rated = np.zeros(len(chosen), dtype=bool)
    for dim in dims:
        rated |= rated_columns(tables[dim.key].scores)
    report = ReliabilityReport(
        coders=names,
        level=level,
        target_form=str(study.settings.get("reliability.target_form")),
        target=float(study.settings.get("reliability.target")),
        tolerance=tolerance,
        min_n=int(study.settings.get("reliability.min_n")),
        segment_matching=matching,
        notes=idle_note([n for n, r in zip(names, rated, strict=True) if not r]),
        weighting=weighting_of(study),
    )
    versions = versions_used(study, [c.id for c in chosen], [d.key for d in dims], viewer)
    report = replace(
        report, scheme_versions=tuple(sorted({n for v in versions.values() for n in v}))
    )
    for dim in dims:
        # coders who rated nothing of this dimension carry no information: left out
        active = rated_columns(tables[dim.key].scores)
        if active.sum() < 2:  # nothing to compare either way: keep the table as chosen
            active[:] = True
        scores = tables[dim.key].scores[:, active]
        who = [c for c, a in zip(chosen, active, strict=True) if a]
        table = icc(scores)
        chance, intervals = chance_values(scores, dim)
        pairs: tuple[PairResult, ...] = ()
        if len(chosen) > 2:
            pairs = tuple(_pair(scores[:, [i, j]], (who[i].name, who[j].name), dim, tolerance)
                          for i, j in itertools.combinations(range(len(who)), 2))  # fmt: skip
        design = design_of(scores)
        idle = [n for n, r, a in zip(names, rated, active, strict=True) if r and not a]
        report.dimensions[dim.key] = DimensionResult(
            key=dim.key,
            label=dim.label,
            n_units=table.n_units,
            n_dropped=table.n_dropped,
            icc=table,
            values=score_table(scores, dim, tolerance) | chance,
            pairs=pairs,
            **dimension_extras(
                study, tuple(c.name for c in who), report.target_form, report.target, table, scores
            ),
            quality=quality_label(
                table[report.target_form].value, table.n_for(report.target_form), report.min_n
            ),
            design=design,
            notes=idle_note(idle, "of this dimension")
            + design_note(design, table.n_units, table.n_for("ICC1")),
            intervals=intervals,
            sources=tables[dim.key].sources,
            versions=tuple(versions[dim.key]),
            scale=scale_of(dim),
        )
    return report


def _pair(
    scores: np.ndarray, names: tuple[str, str], dim: Dimension, tolerance: float
) -> PairResult:
    """Two-coder statistics of one pair, chance-corrected coefficients with their CIs."""
    chance, intervals = chance_values(scores, dim)
    n_units = int((~np.isnan(scores).any(axis=1)).sum())
    return PairResult(names, n_units, score_table(scores, dim, tolerance) | chance, intervals)


def boundary_agreement(
    study: Study, first: str, second: str, tolerance_ms: int = 2000
) -> dict[int, BoundaryAgreement]:
    """Per video that both coders segmented: how their segments line up."""
    a, b = study.coders.get(first), study.coders.get(second)
    by_video: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for s in study.segments.all():
        if s.coder_id in (a.id, b.id):
            by_video[s.video_id][s.coder_id].append((s.start_ms, s.end_ms))
    return {
        video_id: match_segments(spans[a.id], spans[b.id], tolerance_ms)
        for video_id, spans in sorted(by_video.items())
        if spans.get(a.id) and spans.get(b.id)
    }
