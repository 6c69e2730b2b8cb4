"""Write a sheet as an SPSS .sav file with labels: the wide Sessions sheet (one row per
video) and the long Ratings sheet (one row per score, with the notes and item scores).

Scores are numeric variables; band columns are numeric codes (1 = lowest band) with value
labels, so SPSS shows "Risk" where the data say 1; times saved are SPSS date-times.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
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
_NAT = np.iinfo(np.int64).min  # pandas' "no time"


def _columns(sheet: Sheet, codes: dict[str, int]) -> list[Any]:
    """Each column's values from one pass over the rows (they are made while read): numbers
    packed as doubles (8 bytes a value, NaN = empty), repeated text stored once."""
    kinds = [c.kind for c in sheet.columns]
    numeric = [k in ("band", "number", "integer", "seconds") for k in kinds]
    columns: list[Any] = [
        array("d") if n else array("q") if k == "datetime" else []
        for n, k in zip(numeric, kinds, strict=True)
    ]
    seen: list[dict[str, str]] = [{} for _ in kinds]
    nan = float("nan")
    for row in sheet.rows:
        for index, value in enumerate(row):
            kind = kinds[index]
            if kind == "band":
                columns[index].append(float(codes[value]) if value in codes else nan)
            elif numeric[index]:
                columns[index].append(nan if value is None else float(value))
            elif kind == "datetime":  # nanoseconds since 1970, as pandas holds them
                since = _NAT if value is None else (value - _EPOCH) // _MICROSECOND * 1000
                columns[index].append(since)
            else:
                text = "" if value is None else str(value)
                columns[index].append(seen[index].setdefault(text, text))
    return columns


def write_sav(sheet: Sheet, path: Path, bands: Sequence[str]) -> Path:
    """Write ``sheet`` with variable labels, and value labels on its band columns.

    pyreadstat writes from a whole data frame (it has no way to add rows to a file), so the
    sheet's rows are gathered first, once, as packed columns: a million rows of the long
    sheet take about 100 MB (text columns as references to shared strings)."""
    codes = {label: index for index, label in enumerate(bands, start=1)}
    data: dict[str, Any] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for column, values in zip(sheet.columns, _columns(sheet, codes), strict=True):
        if column.kind == "band":
            # float64 even when empty: an all-missing column must not become a text variable
            data[column.name] = pd.Series(np.frombuffer(values, dtype="float64"), copy=False)
            if codes:
                value_labels[column.name] = {float(c): label for label, c in codes.items()}
        elif column.kind in ("number", "integer", "seconds"):
            data[column.name] = pd.Series(np.frombuffer(values, dtype="float64"), copy=False)
            if column.levels:  # a zone: SPSS shows its label where the data say 1..n
                value_labels[column.name] = {
                    float(n): label for n, label in enumerate(column.levels, start=1)
                }
        elif column.kind == "datetime":
            stamps = np.frombuffer(values, dtype="int64").view("datetime64[ns]")
            data[column.name] = pd.Series(stamps, copy=False)
        else:  # the list goes as soon as pandas has its array
            data[column.name] = pd.Series(np.array(values, dtype=object), copy=False)
            values.clear()
    frame = pd.DataFrame(data, columns=[c.name for c in sheet.columns])
    del data
    labels: list[str | None] = [c.label or c.meaning for c in sheet.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pyreadstat.write_sav(
            frame, str(path), column_labels=labels, variable_value_labels=value_labels
        )
    except Exception as exc:  # pyreadstat raises its own types; name the file for the user
        raise EasCoderError(f"{path}: could not write the SPSS file ({exc})") from exc
    return path
