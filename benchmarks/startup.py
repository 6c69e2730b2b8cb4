"""Start-up: time from the command to a visible main window on a real X server (Xvfb), and the
memory held once the window settles; EAS Coder beside BORIS when BORIS is installed.

Each run is a fresh interpreter on a fresh Xvfb screen, with its own home folder:

- **warm**: the demo study is there already (what every launch after the first is);
- **cold**: nothing is there, so the first launch builds the demo study. Its first window is
  the first-launch progress window; the main window follows when the demo study is ready.
  (The OS file cache cannot be dropped without root, so "cold" is about our own data.)
- **BORIS** (``boris-behav-obs``, the anchor of issue 18) with its settings file present, so
  it opens its main window without its first-use question. Install it away from the project:
  ``python3.13 -m venv /tmp/boris-venv && /tmp/boris-venv/bin/pip install
  boris-behav-obs==10.0.2`` (it needs Python 3.13 and libmpv: ``apt-get install libmpv2``).

A window counts once it is mapped and viewable with a title naming the program (read from the
X server through libX11, polled every 20 ms). Idle memory is the resident set (VmRSS) of the
program's processes ``--settle`` seconds after its main window appeared. Beside the seconds,
the CPU seconds the program had used by then (user + system, all threads, from /proc): on a
machine loaded by other jobs they vary far less than wall time.

Both programs run from compiled bytecode, as after ``pip install`` (which compiles it): each
gets its own ``PYTHONPYCACHEPREFIX`` in the run's folder, filled by its uncounted first run,
and ``PYTHONDONTWRITEBYTECODE`` is dropped (set, it would make EAS Coder, run from a checkout,
compile all its own modules at every start while BORIS's wheel came compiled). Runs alternate (EAS
warm, BORIS, EAS cold, …) and medians are reported, so load from other jobs hits all alike.

Budgets (issue 18): BORIS/EAS time to window ≥ 3 in the same run, EAS idle memory ≤ BORIS's,
first launch ≤ 5 s to a window. Exit status 1 when one is broken, unless ``--no-fail``.

Usage: python -m benchmarks.startup [--runs N] [--settle S] [--boris PATH | --no-boris]
       [--source DIR] [--against DIR] [--json PATH] [--no-fail]
``--source`` times another checkout of EAS Coder (e.g. an older one, for before/after);
``--against DIR`` also times the checkout in DIR (warm), alternated with the others in the
same run, so a change is compared before/after under the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.report import print_table, write_json
from benchmarks.xscreen import Screen, xvfb

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS = REPOSITORY / "benchmarks" / "results" / "startup.json"
BORIS = Path("/tmp/boris-venv/bin/boris-behav-obs")
POLL_S = 0.02
TIMEOUT_S = 180.0
BUDGET_RATIO = 3.0  # BORIS time to window / EAS time to window, at least
BUDGET_FIRST_LAUNCH_S = 5.0
EAS_WINDOW = b"EAS Coder"  # every EAS Coder window title names it
# the main window's title ends "… — EAS Coder" (the dash arrives as COMPOUND_TEXT)
EAS_MAIN = b" EAS Coder"
BORIS_MAIN = b"BORIS"  # without a project; its splash screen has no title
MAIN_MIN_WIDTH = 600  # a main window, not a dialog with the same title


# --- one launch -----------------------------------------------------------------------------


@dataclass
class Launch:
    """One program start: seconds to its first window and to its main window, idle MB."""

    first_window_s: float
    main_window_s: float
    idle_mb: float
    titles: list[str] = field(default_factory=list)
    main_window_cpu_s: float = 0.0  # CPU seconds used by the program up to its main window


def _tree_rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants, in MB."""
    total_kb = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        pending += [int(child) for child in children]
    return total_kb / 1024


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (all their threads)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            # the fields after the command's name, which is in parentheses and may hold spaces
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        pending += [int(child) for child in children]
    return total / _CLOCK_TICKS


def launch(
    command: list[str],
    env: dict[str, str],
    is_window: Callable[[bytes], bool],
    is_main: Callable[[bytes], bool],
    settle_s: float,
) -> Launch:
    """Start ``command`` on a fresh X screen; time its first and main windows, then read its
    memory after ``settle_s`` seconds of idling; stop it."""
    with xvfb() as display:
        screen = Screen(display)
        started = time.perf_counter()
        process = subprocess.Popen(
            # cwd: its home, so `python -m` takes the package from PYTHONPATH, not from here
            command, env={**env, "DISPLAY": display}, start_new_session=True, cwd=env["HOME"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        first = main = cpu = 0.0
        seen: set[bytes] = set()
        try:
            while not main:
                now = time.perf_counter() - started
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{command[0]} ended ({process.returncode}) before its window: "
                        + process.stderr.read().decode(errors="replace")[-2000:]  # type: ignore[union-attr]
                    )
                if now > TIMEOUT_S:
                    raise RuntimeError(
                        f"{command[0]}: no main window within {TIMEOUT_S:.0f} s; "
                        f"windows seen: {sorted(seen)}"
                    )
                titles = screen.titles()
                seen.update(titles)
                if not first and any(map(is_window, titles)):
                    first = now
                if any(map(is_main, screen.titles(MAIN_MIN_WIDTH))):
                    main = now
                    cpu = _tree_cpu_s(process.pid)
                    first = first or now
                time.sleep(POLL_S)
            time.sleep(settle_s)
            idle = _tree_rss_mb(process.pid)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            screen.close()
    seen_titles = sorted(t.decode(errors="replace") for t in seen)
    return Launch(first, main, idle, seen_titles, cpu)


# --- the programs ---------------------------------------------------------------------------


def _home(root: Path, bytecode: Path) -> dict[str, str]:
    """An environment whose settings and data live under ``root`` (no real user's studies),
    with the program's compiled bytecode kept in ``bytecode``."""
    for part in ("config", "data", "cache"):
        (root / part).mkdir(parents=True, exist_ok=True)
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **inherited,
        "PYTHONPYCACHEPREFIX": str(bytecode),
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "QT_QPA_PLATFORM": "xcb",
    }


def eas(source: Path, home: Path, settle_s: float) -> Launch:
    """``eas-coder`` (as ``python -m eas_coder``, from ``source``) with ``home`` as its home."""
    env = {**_home(home, home.parent / "bytecode-eas"), "PYTHONPATH": str(source)}
    return launch(
        [sys.executable, "-m", "eas_coder"], env,
        lambda title: EAS_WINDOW in title, lambda title: title.endswith(EAS_MAIN), settle_s,
    )  # fmt: skip


def boris(program: Path, home: Path, settle_s: float) -> Launch:
    """BORIS with ``home`` as its home, its first-use question answered already."""
    env = _home(home, home.parent / "bytecode-boris")
    settings = home / ".boris"
    if not settings.exists():  # "check for new versions?" is asked once, before its window
        # written by BORIS's own Qt (a QSettings map), as BORIS writes it after that question
        code = (
            "import sys; from PySide6.QtCore import QSettings; "
            "s = QSettings(sys.argv[1], QSettings.Format.IniFormat); s.setValue('config', {}); "
            "s.setValue('check_for_new_version', 'false'); s.sync()"
        )
        subprocess.run([str(program.parent / "python"), "-c", code, str(settings)], check=True)
    return launch(
        [str(program)], env, lambda title: title == BORIS_MAIN,
        lambda title: title == BORIS_MAIN, settle_s,
    )  # fmt: skip


# --- the run --------------------------------------------------------------------------------


def _median(runs: list[Launch], attribute: str) -> float:
    return float(statistics.median(getattr(run, attribute) for run in runs))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    source: Path = args.source.resolve()
    boris_program: Path | None = None if args.no_boris else args.boris
    if boris_program is not None and not boris_program.exists():
        print(f"BORIS not found at {boris_program}: measuring EAS Coder alone")
        boris_program = None
    work = Path(tempfile.mkdtemp(prefix="eas-startup-"))
    try:
        warm_home = work / "warm"
        print("preparing: a first launch builds the warm home's demo study (not counted)")
        eas(source, warm_home, 0.5)
        if boris_program is not None:
            boris(boris_program, work / "boris", 0.5)  # its bytecode compiled, not counted
        against: Path | None = args.against.resolve() if args.against else None
        if against is not None:
            eas(against, work / "against", 0.5)  # its demo study and bytecode, not counted
        warm: list[Launch] = []
        cold: list[Launch] = []
        anchor: list[Launch] = []
        compared: list[Launch] = []
        for run in range(args.runs):
            warm.append(eas(source, warm_home, args.settle))
            print(f"run {run + 1}: EAS warm {warm[-1].main_window_s:.2f} s", end="", flush=True)
            if against is not None:
                compared.append(eas(against, work / "against", args.settle))
                print(f", against {compared[-1].main_window_s:.2f} s", end="", flush=True)
            if boris_program is not None:
                anchor.append(boris(boris_program, work / "boris", args.settle))
                print(f", BORIS {anchor[-1].main_window_s:.2f} s", end="", flush=True)
            if run < args.cold_runs:
                cold.append(eas(source, work / f"cold-{run}", args.settle))
                print(
                    f", EAS cold {cold[-1].first_window_s:.2f} s to a window, "
                    f"{cold[-1].main_window_s:.2f} s to the main window",
                    end="",
                )
            print()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result: dict[str, Any] = {
        "source": str(source),
        "runs": args.runs,
        "settle_s": args.settle,
        "eas_warm_window_s": _median(warm, "main_window_s"),
        "eas_warm_window_cpu_s": _median(warm, "main_window_cpu_s"),
        "eas_warm_idle_mb": _median(warm, "idle_mb"),
        "eas_cold_first_window_s": _median(cold, "first_window_s") if cold else None,
        "eas_cold_main_window_s": _median(cold, "main_window_s") if cold else None,
        "eas_cold_idle_mb": _median(cold, "idle_mb") if cold else None,
        "eas_cold_titles": cold[0].titles if cold else [],
        "all_runs": {
            "eas_warm": [vars(r) for r in warm],
            "eas_cold": [vars(r) for r in cold],
            "boris": [vars(r) for r in anchor],
            "against": [vars(r) for r in compared],
        },
    }
    if compared:
        result["against"] = str(against)
        result["against_warm_window_s"] = _median(compared, "main_window_s")
        result["against_warm_window_cpu_s"] = _median(compared, "main_window_cpu_s")
    if anchor:
        result["boris_window_s"] = _median(anchor, "main_window_s")
        result["boris_window_cpu_s"] = _median(anchor, "main_window_cpu_s")
        result["boris_idle_mb"] = _median(anchor, "idle_mb")
        result["ratio_boris_over_eas"] = result["boris_window_s"] / result["eas_warm_window_s"]
    return result


def report(result: dict[str, Any]) -> dict[str, bool]:
    """Print the table; returns the budgets checked and whether each held."""
    checks: dict[str, bool] = {}
    anchored = "boris_window_s" in result
    rows: list[tuple[str, str, str]] = []
    if anchored:
        rows.append(("BORIS: start to main window", f"{result['boris_window_s']:.2f} s", "anchor"))
    rows.append(("EAS warm: start to main window", f"{result['eas_warm_window_s']:.2f} s", ""))
    if "against_warm_window_s" in result:
        compared = f"{result['against_warm_window_s']:.2f} s"
        rows.append(("--against (warm): start to main window", compared, ""))
        cpu_against = f"{result['against_warm_window_cpu_s']:.2f} s"
        rows.append(("--against (warm): CPU used to main window", cpu_against, ""))
        if anchored:
            ratio_against = result["boris_window_s"] / result["against_warm_window_s"]
            rows.append(("ratio BORIS/--against", f"{ratio_against:.2f}", ""))
    if anchored:
        ratio = result["ratio_boris_over_eas"]
        checks["ratio"] = ratio >= BUDGET_RATIO
        rows.append(("ratio BORIS/EAS", f"{ratio:.2f}", f">= {BUDGET_RATIO:.0f}"))
        rows.append(("BORIS: CPU used to main window", f"{result['boris_window_cpu_s']:.2f} s", ""))
        rows.append(("BORIS: idle memory (RSS)", f"{result['boris_idle_mb']:.0f} MB", "anchor"))
        checks["memory"] = result["eas_warm_idle_mb"] <= result["boris_idle_mb"]
        budget = f"<= BORIS ({result['boris_idle_mb']:.0f} MB)"
    else:
        budget = "(BORIS not measured)"
    cpu = result["eas_warm_window_cpu_s"]
    rows.append(("EAS warm: CPU used to main window", f"{cpu:.2f} s", ""))
    rows.append(("EAS warm: idle memory (RSS)", f"{result['eas_warm_idle_mb']:.0f} MB", budget))
    if result["eas_cold_first_window_s"] is not None:
        first = result["eas_cold_first_window_s"]
        checks["first_launch"] = first <= BUDGET_FIRST_LAUNCH_S
        rows += [
            ("EAS cold (first launch): to a window", f"{first:.2f} s",
             f"<= {BUDGET_FIRST_LAUNCH_S:.0f} s"),
            ("EAS cold: to the main window", f"{result['eas_cold_main_window_s']:.2f} s",
             "(demo study built meanwhile)"),
            ("EAS cold: idle memory (RSS)", f"{result['eas_cold_idle_mb']:.0f} MB", ""),
        ]  # fmt: skip
    print_table(rows)
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="alternated runs (medians)")
    parser.add_argument("--cold-runs", type=int, default=3, help="of which with a first launch")
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before RSS")
    parser.add_argument("--boris", type=Path, default=BORIS, help="the boris-behav-obs program")
    parser.add_argument("--no-boris", action="store_true", help="measure EAS Coder alone")
    parser.add_argument("--source", type=Path, default=REPOSITORY, help="EAS Coder checkout")
    parser.add_argument(
        "--against", type=Path, help="another checkout, timed alternated with --source (warm)"
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even over budget")
    args = parser.parse_args()
    if shutil.which("Xvfb") is None:
        print("Xvfb is needed (apt-get install xvfb)", file=sys.stderr)
        return 2
    result = measure(args)
    checks = report(result)
    within = all(checks.values())
    write_json(args.json, {**result, "checks": checks, "within_budget": within})
    if not within and not args.no_fail:
        broken = ", ".join(name for name, held in checks.items() if not held)
        print(f"over budget: {broken}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
