"""Write each sheet to its own CSV file: UTF-8 with a BOM so Excel reads accents right.

Every text field is quoted, and text a spreadsheet could evaluate as a formula -- at its
start, or after any separator, quote or line break, since a spreadsheet may split the file
at another separator than ours -- gets Excel's "this is text" apostrophe there
(``cells.neutralise_formulas``), which our importer removes exactly (``cells.unmark_text``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from eas_coder.exchange.sheets import Sheet
from eas_coder.exchange.targets import private_new_file, settle_mode

TEXT_MARK = "'"  # as cells.TEXT_MARK (kept here: the reader imports it from this module)


def _cell(value: Any, safe: Callable[[str], str]) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        return safe(value)
    return value


def csv_path(base: Path, sheet_name: str) -> Path:
    """The file of one sheet: ``out.csv`` -> ``out-Ratings.csv``."""
    return base.with_name(f"{base.stem}-{sheet_name}.csv")


def write_csv(sheets: Sequence[Sheet], base: Path) -> list[Path]:
    """``base`` ``out.csv`` -> ``out-Ratings.csv``, ``out-Sessions.csv``, ...; returns them.

    Every file is written under a temporary name first and all are renamed at the end, so
    a failure leaves the previous export's files as they were, not a mix.
    """
    # cells imports the reader, which imports this module: imported here, once per export
    from eas_coder.exchange.cells import neutralise_formulas

    base.parent.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for sheet in sheets:
            path = csv_path(base, sheet.name)
            temp = path.with_name(f".{path.name}.partial")
            temp.unlink(missing_ok=True)  # left by a killed export
            staged.append((temp, path))
            with open(private_new_file(temp), "w", encoding="utf-8-sig", newline="") as handle:
                # every text field quoted (numbers stay numbers)
                writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
                writer.writerow([c.name for c in sheet.columns])
                for row in sheet.rows:
                    writer.writerow([_cell(v, neutralise_formulas) for v in row])
        for path in (final for _, final in staged):
            if path.is_dir():
                raise IsADirectoryError(21, "a folder is in the way", str(path))
        for temp, path in staged:
            settle_mode(temp, path)  # owner-only when new, as the study; else as it was
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [path for _, path in staged]
