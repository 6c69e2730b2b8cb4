"""Who takes part in a dimension's statistics, whether the design is complete, the
chance-corrected coefficients (Gwet's AC1/AC2, Brennan–Prediger), and honest labels.

Coders with no rating of a dimension in the selection (a coder who has not started) are left
out of that dimension's statistics with a note: they carry no information, and keeping them
would leave no complete unit, turning every two-way ICC undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from eas_coder.scheme import Dimension
from eas_coder.stats.gwet import chance_corrected

NAN = float("nan")
CHANCE_KEYS = (
    "gwet_ac1", "gwet_ac2_linear", "gwet_ac2_quadratic", "gwet_ac2_ordinal", "bp", "bp_linear",
    "bp_quadratic",
)  # fmt: skip
Interval = tuple[float, float]


def rated_columns(scores: np.ndarray) -> np.ndarray:
    """True for each coder (column) with at least one rating in the table."""
    if scores.size == 0:
        return np.zeros(scores.shape[1], dtype=bool)
    return np.asarray(~np.isnan(scores).all(axis=0))


def idle_note(names: Sequence[str], where: str = "in this selection") -> tuple[str, ...]:
    """The note naming coders left out because they rated nothing."""
    if not names:
        return ()
    verb = "has" if len(names) == 1 else "have"
    return (
        f"{', '.join(names)} {verb} no ratings {where} and {'is' if len(names) == 1 else 'are'} "
        "left out of the statistics (they would leave no video rated by every coder).",
    )


def design_of(scores: np.ndarray) -> str:
    """``complete`` when every unit rated at least twice was rated by every coder."""
    present = ~np.isnan(scores)
    pairable = present.sum(axis=1) >= 2
    return "complete" if bool(present[pairable].all()) else "incomplete"


def design_note(design: str, n_complete: int, n_one_way: int) -> tuple[str, ...]:
    """Which units each statistic used when not every coder rated every unit."""
    if design == "complete":
        return ()
    return (
        f"Incomplete design: ICC1 / ICC1k use all {n_one_way} units rated at least twice "
        "(one-way model, unequal numbers of ratings); ICC2 / ICC3 need every coder on every "
        f"unit and use the {n_complete} complete units; alpha and AC1/AC2 use every pairable "
        "unit.",
    )


def on_scale(scores: np.ndarray, dim: Dimension) -> np.ndarray:
    """Scores snapped to the scale's steps: session means of segment scores may fall between."""
    scale = dim.scale
    snapped = scale.minimum + np.round((scores - scale.minimum) / scale.step) * scale.step
    return np.clip(snapped, scale.minimum, scale.maximum)


def chance_values(
    scores: np.ndarray, dim: Dimension
) -> tuple[dict[str, float], dict[str, Interval]]:
    """Gwet's AC1/AC2 and Brennan–Prediger over the scheme's whole scale, with 95% CIs."""
    if scores.shape[1] < 2:
        return dict.fromkeys(CHANCE_KEYS, NAN), dict.fromkeys(CHANCE_KEYS, (NAN, NAN))
    found = chance_corrected(on_scale(scores, dim), dim.scale.values())
    return (
        {key: found[key].value for key in CHANCE_KEYS},
        {key: found[key].ci for key in CHANCE_KEYS},
    )


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


def quality_label(value: float, n_units: int, min_n: int) -> str:
    """Koo & Li's word for an ICC, or "too few units (n = …)" below the study's minimum."""
    if n_units < min_n:
        return f"too few units (n = {n_units})"
    return koo_li_label(value)


def _clean(value: float) -> float | None:
    return None if value != value or value in (float("inf"), float("-inf")) else float(value)


def intervals_json(intervals: dict[str, Interval]) -> dict[str, Any]:
    """``<key>_ci95`` pairs, NaN as null."""
    return {f"{key}_ci95": [_clean(low), _clean(high)] for key, (low, high) in intervals.items()}


def f_tests_json(icc: Any, forms: Sequence[str]) -> dict[str, Any]:
    """``<form>_F``, ``_df1``, ``_df2`` and ``_p`` of every ICC form."""
    out: dict[str, Any] = {}
    for form in forms:
        result = icc[form]
        out[f"{form}_F"] = _clean(result.f)
        out[f"{form}_df1"] = _clean(result.df1)
        out[f"{form}_df2"] = _clean(result.df2)
        out[f"{form}_p"] = _clean(result.p)
    return out


def f_text(result: Any) -> str:
    """An F test as a methods section writes it: F(13, 14) = 5.21, p = .003."""
    if result.f != result.f:
        return "F –"
    p = result.p
    p_text = "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
    return f"F({result.df1:g}, {result.df2:g}) = {result.f:.2f}, {p_text}"
