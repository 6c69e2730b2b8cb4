"""Exchange speed: export of a study with ~100,000 ratings, import of a 50,000-row sheet.

Budgets (issue 7): the whole export <= 1.3x the time openpyxl's write-only mode alone needs
for the same cells (timed here, same run) and <= 300 MB peak memory; import <= 15 s.
Each measurement runs in a fresh process so its peak memory (ru_maxrss) is its own.

Usage: python -m benchmarks.exchange [--videos N] [--rows N] [--json PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "exchange.json"
ROOT = Path(__file__).resolve().parents[1]


def _child(code: str, *args: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=1800,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


_EXPORT = """
import json, resource, sys, time
from pathlib import Path
from eas_coder.exchange.export import export_study
from eas_coder.location import from_string
from eas_coder.store.study import Study
started = time.perf_counter()
with Study.open(from_string(sys.argv[1])) as study:
    export_study(study, Path(sys.argv[2]))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_BASELINE = """
import json, resource, sys, time
from openpyxl import Workbook
from openpyxl.reader.excel import load_workbook
shape = json.loads(sys.argv[1])  # [[rows, columns], ...] of the real export
started = time.perf_counter()
book = Workbook(write_only=True)
for index, (rows, columns) in enumerate(shape):
    sheet = book.create_sheet(f"s{index}")
    row = [f"text{c}" if c % 3 else 4.5 for c in range(columns)]
    for _ in range(rows + 1):
        sheet.append(row)
book.save(sys.argv[2])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_IMPORT = """
import json, resource, sys, time
from pathlib import Path
from eas_coder.exchange.importer import import_ratings
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
with Study.create(from_string(sys.argv[1]), load_scheme(), "import bench") as study:
    started = time.perf_counter()
    plan, summary = import_ratings(study, Path(sys.argv[2]))
    seconds = time.perf_counter() - started
    assert summary is not None and summary.ratings == len(plan.ratings)
print(json.dumps({"seconds": seconds, "ratings": summary.ratings,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _sheet_shape(path: Path) -> list[list[int]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    shape = []
    for sheet in book.worksheets:  # write-only files carry no dimensions: count the rows
        rows = list(sheet.iter_rows(values_only=True))
        shape.append([len(rows) - 1, len(rows[0]) if rows else 0])
    book.close()
    return shape


def _write_import_sheet(path: Path, rows: int) -> None:
    keys = (
        "sensitivity",
        "structuring",
        "nonintrusiveness",
        "nonhostility",
        "child_responsiveness",
        "child_involvement",
    )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "participant",
                "timepoint",
                "coder",
                "dimension",
                "score",
                "level",
                "segment_start",
                "segment_end",
                "episode",
                "note",
            ]
        )
        for i in range(rows):
            dyad, rest = divmod(i, 48)
            coder, rest = divmod(rest, 24)
            segment, k = divmod(rest, 6)
            start = segment * 150
            writer.writerow(
                [
                    f"P{dyad:05d}",
                    "T1 pre",
                    f"Coder {coder + 1}",
                    keys[k],
                    1 + (i % 13) * 0.5,
                    "segment",
                    start,
                    start + 150,
                    "free_play",
                    "=not a formula" if i % 97 == 0 else "",
                ]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=2084)  # x2 coders x6 x(3+1) ~ 100,000
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from benchmarks.bench_store import _populate
    from benchmarks.report import print_table, write_json
    from eas_coder.location import from_string
    from eas_coder.scheme import load_scheme
    from eas_coder.store.study import Study

    with tempfile.TemporaryDirectory(prefix="eas-bench-") as tmp:
        folder = Path(tmp)
        with Study.create(from_string(folder / "big.sqlite"), load_scheme(), "bench") as study:
            ratings = _populate(study, args.videos, 2, 3)
        export = _child(_EXPORT, str(folder / "big.sqlite"), str(folder / "export.xlsx"))
        shape = _sheet_shape(folder / "export.xlsx")
        cells = sum((rows + 1) * columns for rows, columns in shape)
        baseline = _child(_BASELINE, json.dumps(shape), str(folder / "baseline.xlsx"))
        _write_import_sheet(folder / "import.csv", args.rows)
        started = time.perf_counter()
        imported = _child(_IMPORT, str(folder / "import.sqlite"), str(folder / "import.csv"))
        import_wall = time.perf_counter() - started
    ratio = export["seconds"] / baseline["seconds"]
    result = {
        "export": {"ratings": ratings, "cells": cells, **export},
        "openpyxl_write_only_same_cells": baseline,
        "export_over_baseline": ratio,
        "import": {"rows": args.rows, "process_wall_seconds": import_wall, **imported},
        "budgets": {"export_ratio": 1.3, "export_peak_mb": 300, "import_seconds": 15},
    }
    result["within_budget"] = (
        ratio <= 1.3 and export["peak_mb"] <= 300 and imported["seconds"] <= 15
    )
    rows = [
        (f"export {ratings} ratings ({cells} cells), whole", f"{export['seconds']:.2f} s", ""),
        ("openpyxl write-only alone, same cells", f"{baseline['seconds']:.2f} s", ""),
        ("export / openpyxl alone", f"{ratio:.2f}x", "<= 1.3x"),
        ("export peak memory (RSS)", f"{export['peak_mb']:.0f} MB", "<= 300 MB"),
        (f"import {args.rows} rows (validate + write)", f"{imported['seconds']:.2f} s", "<= 15 s"),
        ("import peak memory (RSS)", f"{imported['peak_mb']:.0f} MB", ""),
    ]
    print_table(rows)
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
