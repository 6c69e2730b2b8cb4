"""What eas_coder.reliability attaches to each dimension beyond the agreement statistics:
each coder's bias (eas_coder.stats.bias) and the D-study line (eas_coder.stats.dstudy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from eas_coder.stats.bias import CoderBias, coder_bias
from eas_coder.stats.dstudy import DStudy, d_study
from eas_coder.stats.icc import IccTable
from eas_coder.store.study import Study

__all__ = ["CoderBias", "DStudy", "bias_lines", "dimension_extras", "dstudy_line", "extras_json"]


def dimension_extras(
    study: Study,
    coders: Sequence[str],
    target_form: str,
    target: float,
    table: IccTable,
    scores: np.ndarray,
) -> dict[str, Any]:
    """``bias`` and ``dstudy`` keyword arguments of a DimensionResult."""
    single = target_form.removesuffix("k")  # project the one-coder form of the target
    return {
        "bias": coder_bias(scores, coders),
        "dstudy": d_study(
            single,
            table[single].value,
            target,
            table.n_units,
            float(study.settings.get("reliability.ci_width")),
        ),
    }


def _clean(value: float) -> float | None:
    return None if value != value or abs(value) == float("inf") else float(value)


def extras_json(bias: Sequence[CoderBias], dstudy: DStudy | None) -> dict[str, Any]:
    """The ``bias`` and ``dstudy`` keys of a dimension in ``reliability --json``."""
    out: dict[str, Any] = {
        "bias": [
            {
                "coder": b.coder,
                "n_units": b.n_units,
                "mean_difference": _clean(b.mean_difference),
                "mean_difference_ci95": [_clean(b.ci[0]), _clean(b.ci[1])],
                "flagged": b.flagged,
            }
            for b in bias
        ]
    }
    if dstudy is not None:
        out["dstudy"] = {
            "form": dstudy.form,
            "single": _clean(dstudy.single),
            "projected": {str(k): _clean(v) for k, v in dstudy.projected.items()},
            "coders_for_target": dstudy.coders_for_target,
            "target": dstudy.target,
            "ci_width": dstudy.ci_width,
            "units_for_ci_width": dstudy.units_for_width,
            "n_units": dstudy.n_units,
        }
    return out


def _num(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"


def bias_lines(bias: Sequence[CoderBias]) -> list[str]:
    """One line per coder: mean difference from the others with its 95% CI, and a flag
    when the interval excludes 0 (for the terminal and the window)."""
    out = []
    for b in bias:
        value = "–" if b.mean_difference != b.mean_difference else f"{b.mean_difference:+.2f}"
        line = f"{b.coder} {value} [{_num(b.ci[0])}, {_num(b.ci[1])}], n = {b.n_units}"
        if b.flagged:
            side = "higher" if b.mean_difference > 0 else "lower"
            line += f" — bias: scores {side} than the others"
        out.append(line)
    return out


def dstudy_line(d: DStudy) -> str:
    """The D-study in one sentence: projected ICCs, coders for the target, videos for a CI."""
    projected = ", ".join(f"{k} {_num(v)}" for k, v in d.projected.items())
    text = f"D-study ({d.form} = {_num(d.single)}): mean of k coders {projected} (Spearman–Brown)"
    if d.coders_for_target is not None:
        text += f"; {d.coders_for_target} coder(s) reach the target {d.target:.2f}"
    if d.units_for_width is not None:
        text += (
            f"; {d.units_for_width} double-coded videos for a 95% CI of width "
            f"{d.ci_width:.2f} (Bonett 2002; now n = {d.n_units})"
        )
    else:
        text += f"; videos for a 95% CI of width {d.ci_width:.2f}: undefined at this ICC"
    return text + "."
