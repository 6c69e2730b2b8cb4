"""Reading the cells of a rating sheet: text, notes, numbers and times as people type them;
and text that a spreadsheet must never evaluate, made safe in CSV and read back exactly.

A spreadsheet that opens a CSV file may split it at another separator than ours (``;`` in
much of Europe, a tab, a space, a pipe) or ignore our quotes; any piece of text that then
starts a cell with ``=`` ``+`` ``-`` ``@`` (or a tab or carriage return) is a formula. So
every place where a cell could start -- the start of the text, and after any separator,
quote or line break -- gets an apostrophe before such a character: ``x;=1+1`` is written
``x;'=1+1``. Apostrophes already typed there get one more (``'=1`` -> ``''=1``), so
``unmark_text`` can remove exactly one from each such run and give back the text as typed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from eas_coder.timecode import parse_clock


# Here, the lowest of the reading modules (xlsx_rows makes it, reader and importer check for
# it), so that none of them imports another back: no import cycle.
@dataclass(frozen=True)
class UnsavedFormula:
    """A cell holding a formula whose result was never saved (a program wrote the workbook
    without calculating it): its value is unknown, and the formula is never evaluated."""

    formula: str

    def __str__(self) -> str:
        return (
            f"a formula ({self.formula}) with no saved result; open the sheet in Excel or "
            "LibreOffice and save it, or replace the formula by its value"
        )


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


TEXT_MARK = "'"  # Excel's own "this is text" mark
# Where a spreadsheet may start a cell, whatever separator it splits at or quotes it ignores.
_CELL_STARTS = ',;|\t "\r\n'
_TRIGGERS = "=+@\t\r-"  # "-" last: a range otherwise
_AT_A_CELL_START = rf"(?:^|(?<=[{_CELL_STARTS}]))"
_UNSAFE = re.compile(rf"{_AT_A_CELL_START}('*)(?=[{_TRIGGERS}])")
_MARKED = re.compile(rf"{_AT_A_CELL_START}'('*)(?=[{_TRIGGERS}])")


def neutralise_formulas(text: str) -> str:
    """``text`` with an apostrophe before every formula character that could start a cell
    (see the module docstring); ``unmark_text`` undoes exactly this."""
    return _UNSAFE.sub(r"\1'", text)


def unmark_text(value: Any) -> Any:
    """Undo ``neutralise_formulas`` on a cell read from CSV (other values pass unchanged)."""
    if isinstance(value, str) and TEXT_MARK in value:
        return _MARKED.sub(r"\1", value)
    return value
