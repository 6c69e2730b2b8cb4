"""A score in words: how it is written, which typed text is a score on the scale, why a key
changed nothing, and what a tooltip or a screen reader says. No widgets: the score control,
the rating panel and the reliability views all write scores the same way."""

from __future__ import annotations

import math
from collections.abc import Sequence

from eas_coder.errors import ScoreError
from eas_coder.scheme import STEP_TOLERANCE, Scale


def format_score(value: float) -> str:
    """A score as a person writes it: 5, 5.5, 5.25 (never 5.0 or 5.500000001)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fits(scale: Scale, text: str) -> bool:
    """True when typed ``text`` is a score on ``scale``."""
    try:
        value = float(text)
    except ValueError:
        return False
    try:
        scale.check(value, "")
    except ScoreError:
        return False
    return True


def why_not(scale: Scale, text: str) -> str:
    """Why typed ``text`` cannot become a score on ``scale``, in a few plain words."""
    low, high = format_score(scale.minimum), format_score(scale.maximum)
    step = scale.step
    if "." in text and float(step).is_integer():
        return f"Whole points only (steps of {format_score(step)})"
    try:
        value = float(text.rstrip(".") or "nan")
    except ValueError:
        value = math.nan
    if not math.isnan(value) and not (
        scale.minimum - STEP_TOLERANCE <= value <= scale.maximum + STEP_TOLERANCE
    ):
        return f"{text.rstrip('.')} is outside {low}–{high}"
    if "." not in text or text.endswith("."):
        return f"Type a whole number first ({low}–{high})"
    return f"{text} is not on the scale (steps of {format_score(step)})"


def help_text(scale: Scale, levels: Sequence[str] = ()) -> str:
    """The keys and the range (a zone's labels by their digit), for a tooltip."""
    low, high = format_score(scale.minimum), format_score(scale.maximum)
    if levels:
        named = ", ".join(f"{n} {label}" for n, label in enumerate(levels, 1))
        return (
            f"Zone, lowest first: {named}. Type the digit of a zone; Up/Down move; Backspace "
            "clears; Enter goes to the next dimension; N goes to the note"
        )
    half = "" if float(scale.step).is_integer() else " (. for the fraction: 5 . 5)"
    return (
        f"Type {low}–{high}{half}; Up/Down step by {format_score(scale.step)}; "
        "Backspace clears; Enter goes to the next dimension; N goes to the note"
    )


def derived_help(rule: str, count: int) -> str:
    """The tooltip of a score that is the sum or mean of its items (it takes no keys)."""
    return (
        f"Derived from items: the {rule} of its {count} items, shown as they are typed. "
        "Type the items below (Enter goes to the next); N goes to the note"
    )


def level_label(score: float | None, levels: Sequence[str]) -> str:
    """The zone a score (1..n) stands for, or "" (no score, or not a zone)."""
    if score is None or not levels or not float(score).is_integer():
        return ""
    index = int(score)
    return levels[index - 1] if 1 <= index <= len(levels) else ""


def description(score: float | None, derived: float | None, levels: Sequence[str] = ()) -> str:
    """What a screen reader says of a score control's value."""
    if score is not None and levels:
        return f"zone {format_score(score)}, {level_label(score, levels)}"
    if score is not None:
        return f"score {format_score(score)}"
    if derived is not None:
        return f"not rated; derived {format_score(derived)}"
    return "not rated"
