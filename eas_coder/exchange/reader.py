"""Read a rating sheet (.xlsx, .csv or an SPSS .sav) into header-keyed rows with their row
numbers."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from eas_coder.errors import EasCoderError
from eas_coder.exchange.csv_out import TEXT_MARK
from eas_coder.exchange.naming import FORMULA_TRIGGERS
from eas_coder.store.study_files import held_study


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
        "item",
        "score_note",
        "segment_note",
        "note",  # older sheets: the segment's note (on a session row, the score's)
    )
}


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


def _keep(value: Any) -> Any:
    return value


def _table(source: str, raw_rows: Iterator[tuple[Any, ...]], unmark: bool) -> SheetRows:
    clean = _unmark if unmark else _keep
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        if header is None:
            if not any(v not in (None, "") for v in raw):
                continue  # blank lines above the header
            header = [normalise_header(v) for v in raw]
            named = [h for h in header if h]
            doubled = sorted({h for h in named if named.count(h) > 1})
            if doubled:
                raise SheetUnreadable(
                    f"{source}: row {number} names these columns twice: {', '.join(doubled)}"
                )
            continue
        if not any(v not in (None, "") for v in raw):
            continue  # blank line
        rows.append((number, {h: clean(v) for h, v in zip(header, raw, strict=False) if h}))
    if header is None:
        raise SheetUnreadable(f"{source}: the sheet is empty (no header row)")
    return SheetRows(header, rows)


def _read_xlsx(path: Path) -> SheetRows:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError) for bad files
        raise SheetUnreadable(f"{path}: not a readable Excel workbook ({exc})") from exc
    try:
        names = {name.casefold(): name for name in workbook.sheetnames}
        sheet = workbook[names["ratings"]] if "ratings" in names else workbook.active
        if sheet is None:
            raise SheetUnreadable(f"{path}: the workbook has no sheet")
        title = sheet.title
        table = _table(str(path), sheet.iter_rows(values_only=True), unmark=False)
    except SheetUnreadable:
        raise
    except Exception as exc:  # damaged XML inside the zip surfaces only while reading rows
        raise SheetUnreadable(f"{path}: the workbook is damaged ({type(exc).__name__})") from exc
    finally:
        workbook.close()
    _mark_unsaved_formulas(path, title, table)
    return table


def _mark_unsaved_formulas(path: Path, title: str, table: SheetRows) -> None:
    """Cells that read as empty may be formulas without a saved result: look at those cells
    again, in the formulas, and mark them. A good sheet has no empty cells in the rated
    columns, so only a sheet about to be refused is read twice."""
    empty = {n: [h for h, v in cells.items() if v is None] for n, cells in table.rows}
    empty = {n: names for n, names in empty.items() if names}
    if not empty:
        return
    by_number = dict(table.rows)
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        for number, raw in enumerate(workbook[title].iter_rows(values_only=True), start=1):
            for name in empty.get(number, ()):
                column = table.columns.index(name)
                value = raw[column] if column < len(raw) else None
                if isinstance(value, str) and value.startswith("="):
                    by_number[number][name] = UnsavedFormula(value)
            if number >= max(empty):
                break
    finally:
        workbook.close()


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetUnreadable(f"{path}: UTF-16 text; save the sheet as CSV UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel "CSV" on Windows; latin-1 decodes any byte, so nothing is lost.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _read_csv(path: Path) -> SheetRows:
    text = _decode(path)
    first = text.split("\n", 1)[0]
    # Only the delimiter is guessed, from the header line; quotes are always double quotes
    # (letting a sniffer pick the quote character can swallow rows after an apostrophe).
    delimiter = max(",;\t", key=first.count) if first else ","
    csv.field_size_limit(2**31 - 1)
    try:
        rows = [
            tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise SheetUnreadable(f"{path}: not a readable CSV file ({exc})") from exc
    return _table(str(path), iter(rows), unmark=True)


def _plain(value: Any) -> Any:
    """A value from pandas as the other readers give it: None when missing, Python types."""
    if value is None:
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp, or NaT (missing)
        return None if value != value else value.to_pydatetime()
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):  # SPSS's missing number
        return None
    return value


def _read_sav(path: Path) -> SheetRows:
    import pyreadstat  # pandas loads only for SPSS files

    try:
        frame, _meta = pyreadstat.read_sav(str(path))
    except Exception as exc:  # pyreadstat raises its own types for damaged or foreign files
        raise SheetUnreadable(f"{path}: not a readable SPSS file ({exc})") from exc
    rows = [tuple(frame.columns)]
    rows += [tuple(map(_plain, row)) for row in frame.itertuples(index=False, name=None)]
    return _table(str(path), iter(rows), unmark=False)


def read_sheet(path: Path) -> SheetRows:
    """Rows of an .xlsx (its "Ratings" sheet, else the first), a .csv or a .sav file."""
    if not path.is_file():
        raise SheetUnreadable(f"{path}: file not found")
    if held_study(path) is not None:
        raise SheetUnreadable(f"{path}: that is a study file open in this program, not a sheet")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix == ".sav":
        return _read_sav(path)
    raise SheetUnreadable(
        f"{path}: not a rating sheet (use .xlsx, .csv or .sav, not {suffix or 'no extension'})"
    )
