"""Export a study: choose the format, build the sheets, write them without half-files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from eas_coder.errors import EasCoderError
from eas_coder.exchange.csv_out import csv_path, write_csv
from eas_coder.exchange.meta_sheets import build_sheets
from eas_coder.exchange.sheets import ExportOptions
from eas_coder.exchange.targets import refuse_targets, settle_mode
from eas_coder.exchange.xlsx import write_xlsx
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

Format = Literal["xlsx", "csv", "sav"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "sav")
Progress = Callable[[str, int, int], None]  # what, done, total


class ExportError(EasCoderError):
    """The export could not be written; nothing was left half-written."""


def guess_format(path: Path) -> Format:
    """The format named by the file's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ExportError(f"{path}: choose a .xlsx, .csv or .sav file (or give --format)")


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temp))
        settle_mode(Path(temp), path)  # owner-only when new, as the study; else as it was
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def planned_files(out: Path, fmt: Format, sheet_names: list[str]) -> list[Path]:
    """Every file an export to ``out`` writes (CSV: one per sheet; SPSS: wide and long)."""
    if fmt == "csv":
        return [csv_path(out, name) for name in sheet_names]
    if fmt == "sav":
        return [out, out.with_name(f"{out.stem}-Ratings{out.suffix}")]
    return [out]


def export_study(
    study: Study,
    out: Path,
    fmt: Format | None = None,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    viewer: Viewer | None = None,
) -> list[Path]:
    """Write the study's export; returns the files written.

    ``viewer`` is who the export is for (default: everything, as the lab manager sees it);
    a coder's export holds only what blind coding lets them see, in every format.
    """
    fmt = fmt or guess_format(out)
    refuse_targets(study, [out])  # before the slow part: a slip is named at once

    def step(what: str) -> None:
        if progress:
            progress(what, 0, 1)

    sheets = build_sheets(study, options, step, viewer)
    refuse_targets(study, planned_files(out, fmt, [s.name for s in sheets]))
    bands = [b.label for b in study.scheme.bands]
    try:
        if fmt == "xlsx":

            def report(done: int, total: int) -> None:
                if progress:
                    progress("writing workbook", done, total)

            _atomic(out, lambda temp: write_xlsx(sheets, temp, bands, report))
            return [out]
        if fmt == "csv":
            return write_csv(sheets, out)
        from eas_coder.exchange.sav import write_sav  # pandas loads only for SPSS

        # Two files: the wide one analysts open first, and the long one beside it that
        # holds what the wide one cannot (segments, notes, item scores) and imports back.
        named = {s.name: s for s in sheets}
        long_out = out.with_name(f"{out.stem}-Ratings{out.suffix}")
        # The long one first: the Sessions pass leaves the Change sheet its per-video values
        # (unused here), which would otherwise be held while the long frame is gathered.
        _atomic(long_out, lambda temp: write_sav(named["Ratings"], temp, bands))
        _atomic(out, lambda temp: write_sav(named["Sessions"], temp, bands))
        return [out, long_out]
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export ({exc.strerror or exc})") from exc
