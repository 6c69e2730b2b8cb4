"""Write a sheet as an SPSS .sav file with labels: the wide Sessions sheet (one row per
video) and the long Ratings sheet (one row per score, with the notes and item scores).

Scores are numeric variables; band columns are numeric codes (1 = lowest band) with value
labels, so SPSS shows "Risk" where the data say 1; times saved are SPSS date-times.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from eas_coder.errors import EasCoderError
from eas_coder.exchange.sheets import Sheet

_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
# SPSS counts seconds from 1582-10-14: pyreadstat's offset from 1970, which it adds to a
# datetime column (after copying the whole frame to convert it: done here, value by value)
_SPSS_OFFSET = 12219379200
_BILLION = 1_000_000_000


class _Strings(pd.Categorical):  # type: ignore[misc]  # pandas has no types here
    """Text as codes of strings stored once (1 or 2 bytes a row at lab scale), which
    pyreadstat reads one value at a time: pandas' own iteration first makes a list of every
    row's string (8 bytes a row, for each text column of the frame at once, issue 18).
    pyreadstat writes the same strings (a categorical of text is a text variable to it)."""

    def __iter__(self) -> Iterator[Any]:
        strings = list(self.categories)
        return map(strings.__getitem__, np.ascontiguousarray(self.codes).data)  # ints


# Text codes: 1 byte while under 256 strings, then 2, then 4 (array typecodes)
_WIDER = {"B": (256, "H"), "H": (1 << 16, "I")}


class _Column:
    """One column's values as they come, kept compact: a value repeated from the first row
    on is counted, not stored (empty notes, items, frames; pandas gets a zero-stride view);
    numbers that floats hold exactly are packed in 4 bytes (pyreadstat writes each as the
    same double), others in 8; text as codes of strings stored once, as narrow as their
    count allows, which pandas keeps as a categorical (``_Strings``)."""

    def __init__(self, text: bool) -> None:
        self.text = text
        self.count = 0
        self.first: Any = None
        self.values: Any = None  # None while every value is the first
        self.codes: dict[str, int] = {}  # text: each string's code, in order of first use

    def add(self, value: Any) -> None:
        if self.values is None:
            if self.count == 0:
                self.first, self.count = value, 1
                return
            if value == self.first or (value != value and self.first != self.first):
                self.count += 1  # NaN (no value) repeats NaN
                return
            self.values = self._repeated(self.first, self.count)
        self.count += 1
        values = self.values
        if self.text:
            code = self.codes.get(value)
            if code is None:
                code = self.codes[value] = len(self.codes)
                limit, wider = _WIDER.get(values.typecode, (0, ""))
                if code == limit:  # one more string than the codes hold: widen them
                    values = self.values = array(wider, values)
            values.append(code)
            return
        values.append(value)
        if values.typecode == "f" and values[-1] != value and value == value:
            self.values = array("d", values)  # not held exactly in 4 bytes: 8 from now on
            self.values[-1] = value

    def _repeated(self, value: Any, count: int) -> Any:
        if self.text:
            self.codes[value] = 0
            return array("B", [0]) * count
        packed = array("f", [value])
        return (packed if packed[0] == value or value != value else array("d", [value])) * count

    def series(self) -> pd.Series:
        if self.text:
            if self.count == 0:  # as before: pandas' own type for no values
                return pd.Series(np.array([], dtype=object), copy=False)
            if self.values is None:
                one = np.array([self.first], dtype=object)
                return pd.Series(np.broadcast_to(one, (self.count,)), dtype=object, copy=False)
            strings = np.empty(len(self.codes), dtype=object)
            strings[:] = list(self.codes)
            # object categories, not pandas' str type: as the strings were given
            codes = np.frombuffer(self.values, dtype=self.values.typecode)
            packed = _Strings.from_codes(codes, categories=pd.Index(strings, dtype=object))
            self.values = None
            return pd.Series(packed, copy=False)
        if self.values is None:  # float64 even when empty: not a text variable
            one = np.array([np.nan if self.first is None else self.first], dtype="float64")
            return pd.Series(np.broadcast_to(one, (self.count,)), copy=False)
        dtype = "float32" if self.values.typecode == "f" else "float64"
        return pd.Series(np.frombuffer(self.values, dtype=dtype), copy=False)


def _spss_seconds(value: datetime | None) -> float:
    """A time saved as SPSS holds it, computed as pyreadstat computes it (the same double)."""
    if value is None:
        return float("nan")
    since = (value - _EPOCH) // _MICROSECOND * 1000  # nanoseconds, as pandas held them
    whole, frac = since // _BILLION + _SPSS_OFFSET, since % _BILLION
    return float(whole) * 1.0 + float(frac) / float(_BILLION) * 1.0


def _columns(sheet: Sheet, codes: dict[str, int]) -> list[_Column]:
    """Each column's values from one pass over the rows (they are made while read)."""
    kinds = [c.kind for c in sheet.columns]
    numeric = [k in ("band", "number", "integer", "seconds") for k in kinds]
    columns = [_Column(not n and k != "datetime") for n, k in zip(numeric, kinds, strict=True)]
    nan = float("nan")
    for row in sheet.rows:
        for index, value in enumerate(row):
            kind = kinds[index]
            if kind == "band":
                columns[index].add(float(codes[value]) if value in codes else nan)
            elif numeric[index]:
                columns[index].add(nan if value is None else float(value))
            elif kind == "datetime":
                columns[index].add(_spss_seconds(value))
            else:
                columns[index].add("" if value is None else str(value))
    return columns


def write_sav(sheet: Sheet, path: Path, bands: Sequence[str]) -> Path:
    """Write ``sheet`` with variable labels, and value labels on its band columns.

    pyreadstat writes from a whole data frame (it has no way to add rows to a file), so the
    sheet's rows are gathered first, once, as compact columns (``_Column``), and the frame
    is made on them without a copy: pandas would otherwise copy every column into blocks, and
    pyreadstat would copy the whole frame again to convert a datetime column."""
    codes = {label: index for index, label in enumerate(bands, start=1)}
    data: dict[str, Any] = {}
    value_labels: dict[str, dict[float, str]] = {}
    formats: dict[str, str] = {}
    for column, values in zip(sheet.columns, _columns(sheet, codes), strict=True):
        data[column.name] = values.series()
        if column.kind == "band" and codes:
            value_labels[column.name] = {float(c): label for label, c in codes.items()}
        elif column.kind in ("number", "integer", "seconds") and column.levels:
            # a zone: SPSS shows its label where the data say 1..n
            value_labels[column.name] = {
                float(n): label for n, label in enumerate(column.levels, start=1)
            }
        elif column.kind == "datetime":
            formats[column.name] = "DATETIME"  # pyreadstat's own format for a datetime column
    frame = pd.DataFrame(data, columns=[c.name for c in sheet.columns], copy=False)
    del data
    labels: list[str | None] = [c.label or c.meaning for c in sheet.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_format=formats or None,
        )
    except Exception as exc:  # pyreadstat raises its own types; name the file for the user
        raise EasCoderError(f"{path}: could not write the SPSS file ({exc})") from exc
    return path
