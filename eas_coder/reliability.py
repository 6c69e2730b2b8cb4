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
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from eas_coder.errors import StudyError
from eas_coder.model import Coder, Rating, Segment
from eas_coder.scheme import Dimension
from eas_coder.session_scores import session_scores
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


def koo_li_label(value: float) -> str:
    """Koo & Li (2016) label of an ICC: poor < .50 <= moderate < .75 <= good < .90."""
    if value != value:  # NaN
        return "undefined"
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value < 0.9:
        return "good"
    return "excellent"


@dataclass(frozen=True)
class Table:
    """Scores of one dimension: rows are units, columns the chosen coders (NaN = missing)."""

    units: tuple[Hashable, ...]
    scores: np.ndarray


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


@dataclass(frozen=True)
class ReliabilityReport:
    """Reliability of chosen coders at one level, per dimension."""

    coders: tuple[str, ...]
    level: Level
    target_form: str
    target: float
    tolerance: float
    dimensions: dict[str, DimensionResult] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape; NaN becomes null."""
        return {
            "coders": list(self.coders),
            "level": self.level,
            "target": {"form": self.target_form, "value": self.target},
            "dimensions": {key: _dimension_json(d) for key, d in self.dimensions.items()},
        }


def _clean(value: float) -> float | None:
    return None if value != value or value in (float("inf"), float("-inf")) else float(value)


def _dimension_json(result: DimensionResult) -> dict[str, Any]:
    out: dict[str, Any] = {"n_units": result.n_units, "n_dropped": result.n_dropped}
    for form in ICC_FORMS:
        out[form] = _clean(result.icc[form].value)
    for form in ICC_FORMS:
        low, high = result.icc[form].ci
        out[f"{form}_ci95"] = [_clean(low), _clean(high)]
    out.update({name: _clean(value) for name, value in result.values.items()})
    out["pairs"] = [
        {"coders": list(p.coders), "n_units": p.n_units}
        | {name: _clean(v) for name, v in p.values.items()}
        for p in result.pairs
    ]
    return out


def _on_scale(scores: np.ndarray, dim: Dimension) -> np.ndarray:
    """Scores snapped to the scale's steps: session means of segment scores may fall between."""
    scale = dim.scale
    snapped = scale.minimum + np.round((scores - scale.minimum) / scale.step) * scale.step
    return np.clip(snapped, scale.minimum, scale.maximum)


def _two_coder_values(scores: np.ndarray, dim: Dimension) -> dict[str, float]:
    categories, on_scale = dim.scale.values(), _on_scale(scores, dim)
    limits = bland_altman(scores)
    return {
        "pearson_r": pearson_r(scores),
        "kappa": cohen_kappa(on_scale, categories).value,
        "kappa_linear": cohen_kappa(on_scale, categories, "linear").value,
        "kappa_quadratic": cohen_kappa(on_scale, categories, "quadratic").value,
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
    ratings: Sequence[Rating], coder_ids: Sequence[int], keys: Sequence[str]
) -> dict[str, Table]:
    column = {cid: i for i, cid in enumerate(coder_ids)}
    return _tabulate(session_scores(ratings, column, keys), column, keys)


def _segment_tables(
    ratings: Sequence[Rating],
    segments: Sequence[Segment],
    coder_ids: Sequence[int],
    keys: Sequence[str],
) -> dict[str, Table]:
    column = {cid: i for i, cid in enumerate(coder_ids)}
    spans = {s.id: (s.video_id, s.start_ms, s.end_ms, s.episode) for s in segments}
    values: dict[tuple[str, Hashable, int], float] = {}
    for r in ratings:
        if r.segment_id is None or r.coder_id not in column or r.dimension not in keys:
            continue
        values[(r.dimension, spans[r.segment_id], r.coder_id)] = r.score
    return _tabulate(values, column, keys)


def _tabulate(
    values: dict[tuple[str, Any, int], float], column: dict[int, int], keys: Sequence[str]
) -> dict[str, Table]:
    per_key: dict[str, dict[Hashable, np.ndarray]] = {k: {} for k in keys}
    for (key, unit, coder_id), score in values.items():
        row = per_key[key].setdefault(unit, np.full(len(column), np.nan))
        row[column[coder_id]] = score
    tables = {}
    for key, rows in per_key.items():
        units = tuple(sorted(rows, key=repr))
        scores = np.array([rows[u] for u in units]) if units else np.empty((0, len(column)))
        tables[key] = Table(units, scores)
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
    if level not in LEVELS:
        raise StudyError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    chosen = _choose_coders(study, coders)
    keys = [d.key for d in _choose_dimensions(study, dimensions)]
    ids = [c.id for c in chosen]
    ratings = study.ratings.all()
    if viewer is not None:
        ratings = viewer.only_visible(ratings)
    if level == "session":
        return chosen, _session_tables(ratings, ids, keys)
    return chosen, _segment_tables(ratings, study.segments.all(), ids, keys)


def compute(
    study: Study,
    coders: Sequence[str] | None = None,
    level: Level = "session",
    dimensions: Sequence[str] | None = None,
    viewer: Viewer | None = None,
) -> ReliabilityReport:
    """Reliability of the chosen coders (default: all) on the chosen dimensions (default: all),
    from what ``viewer`` may see (default: everything, as the lab manager)."""
    chosen, tables = compute_tables(study, coders, level, dimensions, viewer)
    dims = _choose_dimensions(study, dimensions)
    tolerance = float(study.settings.get("reliability.tolerance"))
    report = ReliabilityReport(
        coders=tuple(c.name for c in chosen),
        level=level,
        target_form=str(study.settings.get("reliability.target_form")),
        target=float(study.settings.get("reliability.target")),
        tolerance=tolerance,
    )
    for dim in dims:
        scores = tables[dim.key].scores
        table = icc(scores)
        pairs: tuple[PairResult, ...] = ()
        if len(chosen) > 2:
            pairs = tuple(
                PairResult(
                    (chosen[i].name, chosen[j].name),
                    int((~np.isnan(scores[:, [i, j]]).any(axis=1)).sum()),
                    score_table(scores[:, [i, j]], dim, tolerance),
                )
                for i, j in itertools.combinations(range(len(chosen)), 2)
            )
        report.dimensions[dim.key] = DimensionResult(
            key=dim.key,
            label=dim.label,
            n_units=table.n_units,
            n_dropped=table.n_dropped,
            icc=table,
            values=score_table(scores, dim, tolerance),
            pairs=pairs,
        )
    return report


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
