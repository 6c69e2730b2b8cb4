"""Reading the cells of a rating sheet: text, notes, numbers and times as people type them."""

from __future__ import annotations

import math
from typing import Any

from eas_coder.exchange.reader import UnsavedFormula
from eas_coder.timecode import parse_clock


def cell_text(value: Any) -> str:
    """A cell as trimmed text ("" when empty); 5.0 reads as "5"."""
    if value is None or isinstance(value, UnsavedFormula):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_note(value: Any) -> str:
    """A note exactly as typed (spaces kept); a number typed as a note reads as written."""
    if value is None or isinstance(value, UnsavedFormula):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_number(value: Any) -> float:
    """A cell as a finite number (a decimal comma too); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(str(value).strip().replace(",", "."))
    if not math.isfinite(number):
        raise ValueError("not a number")
    return number


_MAX_TIME_MS = 48 * 3600 * 1000  # no interaction tape runs two days


def cell_time_ms(value: Any) -> int:
    """Seconds, ``mm:ss`` or ``hh:mm:ss.fff`` as milliseconds; ValueError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0:
            raise ValueError("negative time" if value < 0 else "not a time")
        ms = round(float(value) * 1000)  # seconds
    else:
        try:
            ms = parse_clock(str(value))
        except OverflowError:
            raise ValueError(f"{value!r} is not a time") from None
    if ms > _MAX_TIME_MS:
        raise ValueError(f"{value!r} is longer than 48 hours")
    return ms
