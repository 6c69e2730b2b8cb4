"""The fast sheet reader (exchange.xlsx_rows) gives the values openpyxl gives, for every kind
of cell a rating sheet holds, in workbooks written both ways openpyxl writes them."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from eas_coder.exchange.reader import UnsavedFormula
from eas_coder.exchange.xlsx_rows import Workbook

ROWS: list[list[object]] = [
    ["participant", "timepoint", "score", "when", "at", "flag", "note"],
    ["M01", "T1 pre", 5, datetime(2024, 3, 1, 9, 30), time(0, 1, 30), True, "=not a formula"],
    ["Jos\u00e9", "T2", 5.5, date(2024, 3, 2), time(0, 0, 2, 500_000), False, ""],
    [None, None, None, None, None, None, None],
    ["M03", None, -1e-3, None, None, None, "  spaced  "],
]


def _strip(row: tuple[object, ...]) -> tuple[object, ...]:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "write-only"])
def test_values_are_openpyxls(tmp_path: Path, write_only: bool) -> None:
    book = OpenpyxlWorkbook(write_only=write_only)
    sheet = book.create_sheet("Ratings") if write_only else book.active
    assert sheet is not None
    if not write_only:
        sheet.title = "Ratings"
    for row in ROWS:
        sheet.append(row)
    if not write_only:
        sheet["G2"].data_type = "s"  # text, as our export writes it, never a formula
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    theirs_book = load_workbook(path, read_only=True, data_only=True)
    theirs = [_strip(r) for r in theirs_book["Ratings"].iter_rows(values_only=True)]
    theirs_book.close()
    ours_book = Workbook(str(path))
    try:
        ours = [_strip(r) for r in ours_book.rows("Ratings", 256)]
    finally:
        ours_book.close()
    # a formula without a saved result (write-only mode makes "=…" a formula): openpyxl
    # reads None, we say what it is, so the importer can name it
    unsaved = [[isinstance(v, UnsavedFormula) for v in row] for row in ours]
    assert [_strip(tuple(None if u else v for v, u in zip(r, f, strict=True))) for r, f in
            zip(ours, unsaved, strict=True)] == theirs  # fmt: skip
    assert unsaved[1][6] is write_only
    assert ours[1][4] == time(0, 1, 30)  # a time cell reads as a time, not a day fraction
    assert ours[2][0] == "Jos\u00e9" and ours[3] == ()
