"""Read a rating sheet (.xlsx or .csv) into header-keyed rows with their row numbers."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from eas_coder.errors import EasCoderError
from eas_coder.exchange.csv_out import TEXT_MARK
from eas_coder.exchange.naming import FORMULA_TRIGGERS


class SheetUnreadable(EasCoderError):
    """The file is missing, of the wrong type, or not a table we can read."""


_CANONICAL = {
    name.replace("_", ""): name
    for name in (
        "participant",
        "timepoint",
        "coder",
        "dimension",
        "score",
        "video",
        "level",
        "segment_start",
        "segment_end",
        "episode",
        "note",
    )
}


@dataclass(frozen=True)
class SheetRows:
    """A sheet's normalised column names and its data rows (with spreadsheet row numbers)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def normalise_header(name: object) -> str:
    """``" Segment Start "``, ``segment_start``, ``SegmentStart`` -> ``segment_start``.

    Case, spaces, hyphens and underscores do not matter; known names come back in their
    canonical spelling, others in lower case without separators.
    """
    squashed = re.sub(r"[^0-9a-z]", "", str(name or "").lower())
    return _CANONICAL.get(squashed, squashed)


def _unmark(value: Any) -> Any:
    # Undo the apostrophe our CSV export puts before text a spreadsheet would evaluate.
    if isinstance(value, str) and value.startswith(TEXT_MARK) and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def _table(source: str, raw_rows: Iterator[tuple[Any, ...]]) -> SheetRows:
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        if header is None:
            if not any(v not in (None, "") for v in raw):
                continue  # blank lines above the header
            header = [normalise_header(v) for v in raw]
            continue
        if not any(v not in (None, "") for v in raw):
            continue  # blank line
        rows.append((number, {h: _unmark(v) for h, v in zip(header, raw, strict=False) if h}))
    if header is None:
        raise SheetUnreadable(f"{source}: the sheet is empty (no header row)")
    return SheetRows(header, rows)


def read_sheet(path: Path) -> SheetRows:
    """Rows of an .xlsx (its "Ratings" sheet, else the first) or a .csv file."""
    if not path.is_file():
        raise SheetUnreadable(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise SheetUnreadable(f"{path}: not a readable Excel workbook ({exc})") from exc
        try:
            sheet = workbook["Ratings"] if "Ratings" in workbook.sheetnames else workbook.active
            if sheet is None:
                raise SheetUnreadable(f"{path}: the workbook has no sheet")
            return _table(str(path), sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    if suffix in (".csv", ".txt"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")  # older Excel "CSV" on Windows
        dialect: type[csv.Dialect] | csv.Dialect
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return _table(str(path), (tuple(row) for row in csv.reader(text.splitlines(), dialect)))
    raise SheetUnreadable(
        f"{path}: not a rating sheet (use .xlsx or .csv, not {suffix or 'no extension'})"
    )
