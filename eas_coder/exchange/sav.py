"""Write a sheet as an SPSS .sav file with labels: the wide Sessions sheet (one row per
video) and the long Ratings sheet (one row per score, with the notes and item scores).

Scores are numeric variables; band columns are numeric codes (1 = lowest band) with value
labels, so SPSS shows "Risk" where the data say 1; times saved are SPSS date-times.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from eas_coder.errors import EasCoderError
from eas_coder.exchange.sheets import Sheet


def write_sav(sheet: Sheet, path: Path, bands: Sequence[str]) -> Path:
    """Write ``sheet`` with variable labels, and value labels on its band columns."""
    codes = {label: index for index, label in enumerate(bands, start=1)}
    data: dict[str, Any] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for index, column in enumerate(sheet.columns):
        values = [row[index] for row in sheet.rows]
        if column.kind == "band":
            # float64 even when empty: an all-missing column must not become a text variable
            data[column.name] = pd.Series(
                [float(codes[v]) if v in codes else None for v in values], dtype="float64"
            )
            if codes:
                value_labels[column.name] = {float(c): label for label, c in codes.items()}
        elif column.kind in ("number", "integer", "seconds"):
            data[column.name] = pd.Series(
                [None if v is None else float(v) for v in values], dtype="float64"
            )
            if column.levels:  # a zone: SPSS shows its label where the data say 1..n
                value_labels[column.name] = {
                    float(n): label for n, label in enumerate(column.levels, start=1)
                }
        elif column.kind == "datetime":
            data[column.name] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        else:
            data[column.name] = ["" if v is None else str(v) for v in values]
    frame = pd.DataFrame(data, columns=[c.name for c in sheet.columns])
    labels: list[str | None] = [c.label or c.meaning for c in sheet.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pyreadstat.write_sav(
            frame, str(path), column_labels=labels, variable_value_labels=value_labels
        )
    except Exception as exc:  # pyreadstat raises its own types; name the file for the user
        raise EasCoderError(f"{path}: could not write the SPSS file ({exc})") from exc
    return path
