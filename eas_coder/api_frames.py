"""Export sheets as pandas DataFrames: the same columns and values as the xlsx/CSV export.

A sheet (``eas_coder.exchange.sheets.Sheet``) already holds the export's values; this only
gives each column the pandas type that fits its kind, so a frame needs no cleaning: scores
and seconds are float64 (NaN where empty), frame numbers nullable Int64, ``saved_at`` a
date-time (UTC, NaT where empty), text and bands strings ("" where empty, as in the sheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from eas_coder.exchange.sheets import Column, Sheet


def _series(values: Sequence[Any], column: Column) -> pd.Series:
    if column.kind in ("number", "seconds"):
        return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")
    if column.kind == "integer":
        return pd.Series(pd.array(list(values), dtype="Int64"))
    if column.kind == "datetime":
        return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")
    # text and band labels: pandas' own string type (object before pandas 3, str from 3)
    return pd.Series(list(values), dtype=None if values else object)


def sheet_frame(sheet: Sheet) -> pd.DataFrame:
    """``sheet`` as a DataFrame; ``frame.attrs["codebook"]`` maps each column to its meaning
    (the Codebook sheet's text) and ``frame.attrs["sheet"]`` names the sheet."""
    rows = list(sheet.rows)  # the long sheet's rows are made while read (LazyRows)
    data = {
        column.name: _series([row[index] for row in rows], column)
        for index, column in enumerate(sheet.columns)
    }
    frame = pd.DataFrame(data, columns=[c.name for c in sheet.columns])
    frame.attrs["sheet"] = sheet.name
    frame.attrs["codebook"] = {c.name: c.meaning for c in sheet.columns}
    return frame
