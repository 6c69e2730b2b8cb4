"""Import under the size limits (issue 16): a legitimate 60,000-row sheet (.xlsx and .csv)
imports within budget, and zip bombs are refused at once with little memory.

Budgets: the 60,000-row import <= 15 s and <= 400 MB peak (as issue 7's 50,000 rows); a
zip-bomb refusal <= 1 s and <= 150 MB peak (the bomb of issue 16 took 575 s and 7.5 GB; the
CLI process with SQLAlchemy and openpyxl loaded is ~110 MB before it reads anything).
Each measurement runs in a fresh process; its peak is its own VmHWM (not ru_maxrss, which
Linux carries over from the parent's peak at fork across exec).

Usage: python -m benchmarks.import_limits [--rows N] [--json PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from benchmarks.report import print_table, write_json

RESULTS = Path(__file__).resolve().parent / "results" / "import_limits.json"
ROOT = Path(__file__).resolve().parents[1]
HEADER = ["participant", "timepoint", "coder", "dimension", "score"]
DIMENSIONS = ["sensitivity", "structuring", "nonintrusiveness", "nonhostility",
              "child_responsiveness", "child_involvement"]  # fmt: skip

_IMPORT = """
import json, sys, time
from pathlib import Path
from eas_coder.cli import main
from eas_coder.exchange.reader import SheetUnreadable, read_sheet
started = time.perf_counter()
try:
    read_sheet(Path(sys.argv[2]))
except SheetUnreadable:
    pass
reading = time.perf_counter() - started
started = time.perf_counter()
status = main(["--db", sys.argv[1], "import-ratings", sys.argv[2], *sys.argv[3:]])
seconds = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"status": status, "seconds": seconds, "peak_mb": peak, "read_s": reading}))
"""


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, *args],
        capture_output=True, text=True, cwd=ROOT, timeout=1800, check=False,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rows(count: int) -> list[list[object]]:
    rows: list[list[object]] = []
    n = 0
    while len(rows) < count:
        participant, timepoint = f"P{n // 5:05}", f"T{n % 5 + 1}"
        for coder in ("Ana", "Ben", "Cleo", "Dev"):
            for k, dim in enumerate(DIMENSIONS):
                rows.append([participant, timepoint, coder, dim, 1 + (n + k) % 7])
        n += 1
    return rows[:count]


def _sheets(folder: Path, count: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    rows = _rows(count)
    csv_path = folder / "big.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ratings")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    xlsx = folder / "big.xlsx"
    book.save(xlsx)
    return xlsx, csv_path


def _bomb(path: Path, unpacked: int, declare: int | None = None) -> Path:
    """A workbook whose sheet XML unpacks to ``unpacked`` bytes of rows (~1000:1), its
    headers declaring ``declare`` bytes (default: the truth)."""
    from openpyxl import Workbook

    plain = path.with_name("plain.xlsx")
    book = Workbook()
    assert book.active is not None
    book.active.title = "Ratings"
    book.active.append(HEADER)
    book.save(plain)
    row = b'<row><c t="inlineStr"><is><t>M01</t></is></c></row>'
    block = row * (1_000_000 // len(row))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as out:
                out.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                          b'2006/main"><sheetData>')  # fmt: skip
                for _ in range(unpacked // len(block)):
                    out.write(block)
                out.write(b"</sheetData></worksheet>")
    plain.unlink()
    if declare is not None:
        _declare(path, "xl/worksheets/sheet1.xml", declare)
    return path


def _declare(path: Path, member: str, size: int) -> None:
    """Make the zip's headers (central and local) declare ``size`` unpacked bytes for
    ``member``: the 32-bit field, or the zip64 extra field when that one is in use."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    count, _size, central = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        lengths = struct.unpack_from("<HHH", data, central + 28)
        name = bytes(data[central + 46 : central + 46 + lengths[0]])
        local = struct.unpack_from("<I", data, central + 42)[0]
        if name == member.encode():
            _set_size(data, central + 24, central + 46 + lengths[0], lengths[1], size)
            local_lengths = struct.unpack_from("<HH", data, local + 26)
            extra = local + 30 + local_lengths[0]
            _set_size(data, local + 22, extra, local_lengths[1], size)
        central += 46 + sum(lengths)
    path.write_bytes(bytes(data))


def _set_size(data: bytearray, field: int, extra: int, extra_length: int, size: int) -> None:
    if struct.unpack_from("<I", data, field)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, field, size)
        return
    at = extra
    while at < extra + extra_length:  # the zip64 block (id 1) holds the unpacked size first
        block, length = struct.unpack_from("<HH", data, at)
        if block == 1:
            struct.pack_into("<Q", data, at + 4, size)
            return
        at += 4 + length
    raise ValueError("no zip64 extra field where the size says there is one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    result: dict[str, object] = {"rows": args.rows}
    table: list[tuple[str, str, str]] = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx, csv_path = _sheets(folder, args.rows)
        for label, sheet in (("xlsx", xlsx), ("csv", csv_path)):
            db = folder / f"{label}.sqlite"
            subprocess.run([sys.executable, "-m", "eas_coder", "--db", str(db), "init"],
                           cwd=ROOT, check=True, capture_output=True)  # fmt: skip
            got = _child(str(db), str(sheet))
            result[f"import_{label}"] = got
            ok &= got["status"] == 0 and got["seconds"] <= 15 and got["peak_mb"] <= 400
            size = sheet.stat().st_size / 1e6
            table.append((f"import {args.rows:,} rows .{label} ({size:.1f} MB)",
                          f"{got['seconds']:.1f} s", "<= 15 s"))  # fmt: skip
            table.append((f"  peak memory .{label}", f"{got['peak_mb']:.0f} MB", "<= 400 MB"))
        bombs = {
            "honest": _bomb(folder / "honest.xlsx", 2_000_000_000),
            "lying": _bomb(folder / "lying.xlsx", 2_000_000_000, declare=250_000_000),
        }
        db = folder / "bomb.sqlite"
        subprocess.run([sys.executable, "-m", "eas_coder", "--db", str(db), "init"],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        for kind, bomb in bombs.items():
            got = _child(str(db), str(bomb))
            got["file_mb"] = bomb.stat().st_size / 1e6
            result[f"bomb_{kind}"] = got
            ok &= got["status"] == 2 and got["read_s"] <= 1 and got["peak_mb"] <= 150
            what = "declares 2 GB" if kind == "honest" else "declares 250 MB, unpacks to 2 GB"
            table.append((f"zip bomb {got['file_mb']:.1f} MB ({what})",
                          f"{got['read_s']:.3f} s", "refused, <= 1 s"))  # fmt: skip
            table.append((f"  whole CLI run ({kind})", f"{got['seconds']:.2f} s", "(start-up)"))
            table.append((f"  peak memory ({kind})", f"{got['peak_mb']:.0f} MB", "<= 150 MB"))
    result["within_budget"] = ok
    print_table(table)
    write_json(args.json, result)


if __name__ == "__main__":
    main()
