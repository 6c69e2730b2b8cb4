"""Read a rating sheet (.xlsx, .csv or an SPSS .sav) into header-keyed rows with their row
numbers."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eas_coder.errors import EasCoderError
from eas_coder.exchange.cells import UnsavedFormula as UnsavedFormula  # re-exported
from eas_coder.exchange.cells import unmark_text
from eas_coder.exchange.xlsx_limits import CELL_LIMIT, CSV_BYTE_LIMIT, workbook_zip_problem
from eas_coder.exchange.xlsx_rows import SheetTooWide, SheetXmlError, Workbook
from eas_coder.store.study_files import held_study


class SheetUnreadable(EasCoderError):
    """The file is missing, of the wrong type, or not a table we can read."""


# Limits checked before or while parsing, so a hostile or mistaken file is refused quickly
# with little memory. Excel's own sheet holds at most 1,048,576 rows; our sheets have about
# 20 columns (the limit leaves room for a lab's own extra columns, which are ignored).
ROW_LIMIT = 1_048_576
COLUMN_LIMIT = 256


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
        "scheme_version",
    )
}


@dataclass(frozen=True)
class SheetRows:
    """A sheet's normalised column names and its data rows (with spreadsheet row numbers);
    ``scheme`` is what the export's About sheet says the scores were given under
    (``"<id> version <version>"``), when the file carries it."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    scheme: str | None = None
    timepoint_order: tuple[str, ...] = ()  # the About sheet's "timepoint order N" rows


def normalise_header(name: object) -> str:
    """``" Segment Start "``, ``segment_start``, ``SegmentStart`` -> ``segment_start``.

    Case, spaces, hyphens and underscores do not matter; known names come back in their
    canonical spelling, others in lower case without separators.
    """
    squashed = re.sub(r"[^0-9a-z]", "", str(name or "").lower())
    return _CANONICAL.get(squashed, squashed)


def _unmark(value: Any) -> Any:
    # Undo exactly the apostrophes our CSV export adds (cells.py)
    return unmark_text(value)


def _keep(value: Any) -> Any:
    return value


def _table(source: str, raw_rows: Iterator[tuple[Any, ...]], unmark: bool) -> SheetRows:
    clean = unmark_text if unmark else _keep
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        if number > ROW_LIMIT:
            raise SheetUnreadable(
                f"{source}: more than {ROW_LIMIT:,} rows (the limit, Excel's own); "
                "split the sheet and import the parts"
            )
        if len(raw) > COLUMN_LIMIT and any(v not in (None, "") for v in raw[COLUMN_LIMIT:]):
            raise SheetUnreadable(
                f"{source}: row {number} has more than {COLUMN_LIMIT} columns (the limit); "
                "keep the rating columns and delete the others"
            )
        raw = raw[:COLUMN_LIMIT]
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


def _read_xlsx(path: Path, sheet: str = "ratings") -> SheetRows:
    problem = workbook_zip_problem(path)  # sizes first: a zip bomb never reaches openpyxl
    if problem is not None:
        raise SheetUnreadable(f"{path}: {problem}")
    try:
        workbook = Workbook(str(path))
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError) for bad files
        raise SheetUnreadable(f"{path}: not a readable Excel workbook ({exc})") from exc
    try:
        names = {name.casefold(): name for name in workbook.sheets}
        if not names:
            raise SheetUnreadable(f"{path}: the workbook has no sheet")
        title = names.get(sheet, next(iter(workbook.sheets)))
        rows = workbook.rows(title, COLUMN_LIMIT)
        table = _table(str(path), rows, unmark=False)
        about = names.get("about")
        scheme, order = _about(workbook.rows(about, 2, max_rows=200)) if about else (None, ())
    except SheetTooWide as exc:
        raise SheetUnreadable(f"{path}: the sheet {title!r} {exc}") from exc
    except SheetXmlError as exc:
        raise SheetUnreadable(
            f"{path}: not a readable Excel workbook (the sheet {title!r}: {exc})"
        ) from exc
    except SheetUnreadable:
        raise
    except Exception as exc:  # damaged XML inside the zip surfaces only while reading rows
        raise SheetUnreadable(f"{path}: the workbook is damaged ({type(exc).__name__})") from exc
    finally:
        workbook.close()
    return SheetRows(table.columns, table.rows, scheme, order)


TIMEPOINT_ROW = "timepoint order"  # About: "timepoint order 1" | "pre", ...


def _about(rows: Iterator[tuple[Any, ...]]) -> tuple[str | None, tuple[str, ...]]:
    """The ``scheme`` row of an export's About sheet (first 200 rows), if any, and its
    timepoint order (``timepoint order N`` rows, by N)."""
    scheme, order = None, {}
    for row in rows:
        item = str(row[0] or "").strip().casefold() if row else ""
        if len(row) < 2 or row[1] in (None, ""):
            continue
        if item == "scheme" and scheme is None:
            scheme = str(row[1]).strip()
        elif item.startswith(TIMEPOINT_ROW) and item[len(TIMEPOINT_ROW) :].strip().isdigit():
            order[int(item[len(TIMEPOINT_ROW) :])] = str(row[1]).strip()
    return scheme, tuple(order[n] for n in sorted(order))


def _decode(path: Path, encoding: str | None) -> str:
    """The file's text: UTF-8 (a BOM is dropped) unless ``encoding`` is declared. Bytes that
    are not valid in the encoding are refused naming their row and column, never guessed
    (decoding a UTF-8 sheet as cp1252 turns José into JosÃ©)."""
    data = path.read_bytes()
    if encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetUnreadable(f"{path}: UTF-16 text; save the sheet as CSV UTF-8")
    name = "utf-8-sig" if encoding is None or codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        row = before.count(b"\n") + 1
        line = before[before.rfind(b"\n") + 1 :]
        column = line.count(b",") + line.count(b";") + line.count(b"\t") + 1
        shown = "UTF-8" if name == "utf-8-sig" else name
        raise SheetUnreadable(
            f"{path}: row {row}, column {column}: byte {data[exc.start]:#04x} is not valid "
            f"{shown}; save the sheet as CSV UTF-8, or name its encoding (--encoding cp1252)"
        ) from exc


def _read_csv(path: Path, encoding: str | None = None) -> SheetRows:
    size = path.stat().st_size
    if size > CSV_BYTE_LIMIT:
        raise SheetUnreadable(
            f"{path}: {size / 1e6:,.0f} MB, more than {CSV_BYTE_LIMIT // 10**6} MB "
            "(the limit); split the sheet and import the parts"
        )
    text = _decode(path, encoding)
    first = text.split("\n", 1)[0]
    # Only the delimiter is guessed, from the header line; quotes are always double quotes
    # (letting a sniffer pick the quote character can swallow rows after an apostrophe).
    delimiter = max(",;\t", key=first.count) if first else ","
    csv.field_size_limit(CELL_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table(str(path), (tuple(row) for row in reader), unmark=True)
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise SheetUnreadable(
                f"{path}: row {reader.line_num}: a cell longer than {CELL_LIMIT:,} "
                "characters (the limit)"
            ) from exc
        raise SheetUnreadable(f"{path}: not a readable CSV file ({exc})") from exc


def _csv_about(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """The scheme and timepoint order an exported CSV set names in its ``…-About.csv``
    beside ``…-Ratings.csv``."""
    if not path.stem.casefold().endswith("-ratings"):
        return None, ()
    about = path.with_name(path.stem[: -len("-ratings")] + "-About.csv")
    if not about.is_file() or about.stat().st_size > 100_000:
        return None, ()
    try:
        rows = list(csv.reader(io.StringIO(about.read_text(encoding="utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None, ()
    return _about(iter([tuple(_unmark(v) for v in row) for row in rows]))


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
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        counts = (meta.number_rows or 0, meta.number_columns or 0)
        if counts[0] >= ROW_LIMIT or counts[1] > COLUMN_LIMIT:
            raise SheetUnreadable(
                f"{path}: {counts[0]:,} rows and {counts[1]:,} columns; the limits are "
                f"{ROW_LIMIT - 1:,} rows and {COLUMN_LIMIT} columns"
            )
        frame, _meta = pyreadstat.read_sav(str(path))
    except SheetUnreadable:
        raise
    except Exception as exc:  # pyreadstat raises its own types for damaged or foreign files
        raise SheetUnreadable(f"{path}: not a readable SPSS file ({exc})") from exc
    rows = [tuple(frame.columns)]
    rows += [tuple(map(_plain, row)) for row in frame.itertuples(index=False, name=None)]
    return _table(str(path), iter(rows), unmark=False)


def read_sheet(path: Path, encoding: str | None = None, sheet: str = "ratings") -> SheetRows:
    """Rows of an .xlsx (its ``sheet``, by default "Ratings", else the first), a .csv or a
    .sav file.

    A CSV file is UTF-8 (with or without BOM) unless ``encoding`` names another."""
    if not path.is_file():
        raise SheetUnreadable(f"{path}: file not found")
    if held_study(path) is not None:
        raise SheetUnreadable(f"{path}: that is a study file open in this program, not a sheet")
    suffix = path.suffix.lower()
    if encoding is not None and suffix in (".xlsx", ".xlsm", ".sav"):
        # refused, not ignored: the person chose the option believing it would act
        raise SheetUnreadable(
            f"{path}: --encoding is for CSV sheets only; an Excel or SPSS file records its "
            "own text encoding. Import it again without --encoding"
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet.casefold())
    if suffix in (".csv", ".txt"):
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError as exc:
                raise SheetUnreadable(f"{path}: unknown encoding {encoding!r}") from exc
        table = _read_csv(path, encoding)
        return SheetRows(table.columns, table.rows, *_csv_about(path))
    if suffix == ".sav":
        return _read_sav(path)
    raise SheetUnreadable(
        f"{path}: not a rating sheet (use .xlsx, .csv or .sav, not {suffix or 'no extension'})"
    )
