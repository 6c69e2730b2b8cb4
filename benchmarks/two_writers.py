"""Two writers at full speed on one study: commits per second, commit latency, and a check
that no edit was lost or doubled (issue 8), on SQLite and on PostgreSQL.

Two processes run the soak writer (tests/store/soak_writer.py: ratings with half points and
notes, session ratings, clears, segments added, moved and deleted, and shared ratings both
save over with expected_version) for ``--seconds``. Latency is that of the Study call, the
commit included (what a coder waits for after a keypress). Every edit leaves a unique token;
the end check (tests/store/soak_check.py) finds every saved edit once and nothing else.

SQLite: a temporary file, WAL, synchronous=FULL. A writer waiting for the write lock retries
BEGIN IMMEDIATE every 0.2-1 ms (store/database.py); with SQLite's own busy handler alone,
which sleeps up to 100 ms a try, the slowest commits waited 0.1-2 s. PostgreSQL: a throw-away
server on loopback (tests/pg_server.py), restarted here with fsync=on and full_page_writes=on
so a commit is as durable as on a lab server (the test server runs with fsync off).

Usage: python -m benchmarks.two_writers [--seconds 30] [--backends sqlite,postgresql]
Prints a table and writes JSON (default benchmarks/results/two_writers.json).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.report import print_table, write_json
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.pg_server import PostgresServer, find_bin_dir
from tests.store.soak_check import read_journal, verify
from tests.store.soak_writer import create_study

RESULTS = Path(__file__).resolve().parent / "results" / "two_writers.json"
REPO = Path(__file__).resolve().parents[1]
WRITERS = ("writer-1", "writer-2")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def durable_postgres() -> PostgresServer:
    """The test server, restarted with fsync and full-page writes on."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = PostgresServer(bin_dir)
    server.start()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={server.port} "
        f"-c unix_socket_directories={server.root} -c fsync=on -c full_page_writes=on"
    )
    subprocess.run(
        [*server.run_as, str(bin_dir / "pg_ctl"), "-D", str(server.data), "-o", options,
         "-l", str(server.root / "server.log"), "-w", "-t", "60", "restart"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    engine = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE two_writers"))
            fsync = conn.execute(sa.text("SHOW fsync")).scalar()
    finally:
        engine.dispose()
    if fsync != "on":
        raise SystemExit(f"PostgreSQL did not restart with fsync on (fsync={fsync})")
    return server


def run_writers(location: str, folder: Path, seconds: float) -> dict[str, Any]:
    """Both writers open the study, start together, edit for ``seconds``, stop; then check."""
    create_study(location, load_scheme(), list(WRITERS))
    go, stop = folder / "go", folder / "stop"
    journals = {name: folder / f"{name}.jsonl" for name in WRITERS}
    flags = ["--stop-file", str(stop), "--go-file", str(go), "--no-fsync"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.store.soak_writer",
                location,
                name,
                str(seed),
                str(journals[name]),
                *flags,
            ],
            cwd=REPO,
        )
        for seed, name in enumerate(WRITERS, start=1)
    ]
    deadline = time.monotonic() + 120
    while not all(p.exists() and p.stat().st_size for p in journals.values()):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise SystemExit("a writer did not start")
        time.sleep(0.01)  # both have opened the study
    go.touch()
    started = time.monotonic()
    time.sleep(seconds)
    stop.touch()
    elapsed = time.monotonic() - started  # edits in flight at the stop finish after it
    for proc in procs:
        if proc.wait(timeout=120) != 0:
            raise SystemExit(f"a writer failed (exit {proc.returncode})")
    read = {name: read_journal(path, name) for name, path in journals.items()}
    with Study.open(from_string(location), actor="bench", backup=False) as study:
        report = verify(study, read)
        ok = study.check().ok
    per_writer = {}
    latencies: list[float] = []
    for name, journal in read.items():
        ms = [e.result["ms"] for e in journal.edits if e.outcome == "saved"]
        latencies += ms
        per_writer[name] = {
            "commits": len(ms),
            "commits_per_s": len(ms) / elapsed,
            "p95_ms": _percentile(ms, 0.95),
            "stale_refused": journal.count("stale"),
        }
    return {
        "seconds": elapsed,
        "commits": len(latencies),
        "commits_per_s": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "over_100_ms": sum(ms > 100 for ms in latencies),
        "stale_refused": report.stale,
        "unconfirmed": report.unconfirmed,
        "lost": report.lost,
        "doubled": report.doubled,
        "phantom": report.phantom,
        "problems": report.problems[:20],
        "integrity_ok": ok,
        "writers": per_writer,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="eas-bench-") as tmp:
        for backend in args.backends.split(","):
            folder = Path(tmp) / backend
            folder.mkdir()
            if backend == "sqlite":
                results[backend] = run_writers(str(folder / "study.sqlite"), folder, args.seconds)
                results[backend]["settings"] = "WAL, synchronous=FULL, BEGIN IMMEDIATE"
                continue
            server = durable_postgres()
            try:
                url = server.url("two_writers")
                results[backend] = run_writers(url, folder, args.seconds)
                results[backend]["settings"] = "loopback server, fsync=on, full_page_writes=on"
            finally:
                server.stop()
    rows: list[tuple[str, str, str]] = []
    for backend, r in results.items():
        rows += [
            (f"{backend}: commits/s, both writers", f"{r['commits_per_s']:.0f}", ""),
            *(
                (f"{backend}: commits/s, {name}", f"{w['commits_per_s']:.0f}", "")
                for name, w in r["writers"].items()
            ),
            (f"{backend}: commit latency, median", f"{r['median_ms']:.1f} ms", ""),
            (f"{backend}: commit latency, p95", f"{r['p95_ms']:.1f} ms", ""),
            (f"{backend}: commit latency, p99", f"{r['p99_ms']:.1f} ms", ""),
            (f"{backend}: commit latency, max", f"{r['max_ms']:.1f} ms", ""),
            (f"{backend}: commits slower than 100 ms", f"{r['over_100_ms']}", ""),
            (f"{backend}: shared edits refused as stale", f"{r['stale_refused']}", ""),
            (f"{backend}: edits lost / doubled / phantom",
             f"{r['lost']}/{r['doubled']}/{r['phantom']}", "0/0/0"),
        ]  # fmt: skip
    print_table(rows)
    for backend, r in results.items():
        print(f"{backend}: {r['settings']}; {r['commits']} commits in {r['seconds']:.1f} s")
    ok = all(
        r["integrity_ok"] and not r["problems"] and r["unconfirmed"] == 0 for r in results.values()
    )
    write_json(args.json, {**results, "within_budget": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
