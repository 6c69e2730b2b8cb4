"""Write the sheets to an .xlsx workbook with openpyxl in write-only mode (flat memory).

User text is data: a cell whose text would start a formula is written as a string cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from eas_coder.exchange.naming import looks_like_formula
from eas_coder.exchange.sheets import Column, Sheet

Progress = Callable[[int, int], None]  # rows written, rows in all
_WIDTH = {"text": 16, "number": 10, "integer": 9, "seconds": 11, "datetime": 20, "band": 18}
# Only dates need a format (openpyxl gives them one); numbers show fine as General, and a
# styled cell per value would cost a third of the export time on a large study.
_FORMAT: dict[str, str] = {}
# Calm band colours, lowest band first (red-ish, amber, green, then neutral).
_BAND_FILLS = ("F8D7DA", "FFF3CD", "D4EDDA", "D6E4F0", "E2E3E5")
_HEADER_FONT = Font(bold=True)


def _header(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.name)
        cell.font = _HEADER_FONT
        cells.append(cell)
    return cells


def _text_cell(ws: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # literal text, never a formula
    return cell


def _band_rules(ws: WriteOnlyWorksheet, sheet: Sheet, bands: Sequence[str], last_row: int) -> None:
    if last_row < 2:
        return  # no data rows to colour
    for index, column in enumerate(sheet.columns, start=1):
        if column.kind != "band":
            continue
        letter = get_column_letter(index)
        for band, colour in zip(bands, _BAND_FILLS, strict=False):
            fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
            quoted = '"' + band.replace('"', '""') + '"'
            rule = CellIsRule(operator="equal", formula=[quoted], fill=fill)
            ws.conditional_formatting.add(f"{letter}2:{letter}{last_row}", rule)


def write_xlsx(
    sheets: Sequence[Sheet], path: Path, bands: Sequence[str] = (), progress: Progress | None = None
) -> Path:
    """Write every sheet; returns the path. ``bands`` are the band labels to colour.

    Rows are written as the sheet makes them (write-only mode keeps none): the filter and
    the band colours, which name the last row, go to the sheet's end, so they are set once
    the rows are counted."""
    total = sum(s.expected_rows() for s in sheets) or 1
    done = 0
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            width = max(_WIDTH[column.kind], min(len(column.name) + 2, 40))
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.append(_header(ws, sheet.columns))
        formats = [_FORMAT.get(c.kind) for c in sheet.columns]
        styled = any(formats)
        count = 0
        for row in sheet.rows:
            ws.append(_row(ws, row, formats) if styled else _safe(ws, row))
            count += 1
            if progress and (done + count) % 2000 == 0:
                progress(min(done + count, total), total)
        done += count
        last = get_column_letter(max(1, len(sheet.columns)))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        _band_rules(ws, sheet, bands, count + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    if progress:
        progress(total, total)
    return path


def _safe(ws: WriteOnlyWorksheet, row: Sequence[Any]) -> list[Any]:
    # Control characters are already gone (sheets.clean_text); only formulas need a look.
    return [_text_cell(ws, v) if looks_like_formula(v) else v for v in row]


def _row(ws: WriteOnlyWorksheet, row: Sequence[Any], formats: Sequence[str | None]) -> list[Any]:
    out: list[Any] = []
    for value, number_format in zip(row, formats, strict=True):
        if looks_like_formula(value):
            out.append(_text_cell(ws, value))
        elif number_format and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = number_format
            out.append(cell)
        else:
            out.append(value)
    return out
