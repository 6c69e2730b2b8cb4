"""Coding speed through the real main window (offscreen Qt): keyboard rating and a big study.

1. A digit key on the focused score control → the change committed (``session.saved``),
   200 times on the demo study (median ≤ 30 ms); the Study API alone for comparison.
2. Opening a study of 100 / 1,000 / 10,000 videos → the window with its video list shown
   and painted (≤ 1.5 s up to 2,000 videos, ≤ 3 s at 10,000: ``open_budget_ms``), and signing
   in as a coder and as the lab manager (statuses recomputed for every video).
3. The digit key of 1. again, in the largest study (same budget).
Over budget, the step is profiled (cProfile) and the top functions printed. Budgets are held
on the process's CPU time (medians; the save thread's work included): 2 cores shared with
other jobs make wall time a measure of the load; the wall time is printed beside it.

Usage: python -m benchmarks.coding [--presses N] [--big-presses N] [--videos N ...]
       [--repeats N] [--no-fail] [--json PATH]
Prints a table and writes JSON (default benchmarks/results/coding.json); exits 1 when a
budget is broken, unless --no-fail.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.big_study import build_big_study
from benchmarks.player_probes import ms, qt_message, summary
from benchmarks.report import print_table, write_json
from eas_coder.demo import build_demo
from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.store.study import Study

RESULTS = Path(__file__).resolve().parent / "results" / "coding.json"
CODER = "Coder B (demo)"
BUDGET_KEY_MS = 30.0
BUDGET_OPEN_MS = 1500.0  # up to 2,000 videos; see open_budget_ms
Row = tuple[str, str, str]


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Process events until ``condition`` holds; TimeoutError after ``timeout_s``."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met in time")
        QApplication.processEvents()


class PaintWatch(QObject):
    """Notes that a widget received a paint event (the painting is done once it returns)."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def close(window: MainWindow) -> None:
    """Close the window as the user would and let Qt delete it."""
    window.close()
    window.deleteLater()
    for _ in range(3):
        QApplication.processEvents()


def open_budget_ms(videos: int) -> float:
    """1.5 s up to 2,000 videos, then growing linearly (3 s at 10,000 videos)."""
    return BUDGET_OPEN_MS * max(1.0, videos / 5000)


def open_and_show(location: Location, videos: int | None) -> tuple[MainWindow, float, float]:
    """open_window + show + events until the list has painted (with ``videos`` rows, if
    given); returns the window, ms to the window built and ms to the list shown."""
    started = time.perf_counter()
    window = open_window(location, explicit=True)
    built = time.perf_counter()
    watch = PaintWatch()
    viewport = window.videoTable.viewport()
    viewport.installEventFilter(watch)
    window.resize(1366, 768)
    window.show()
    rows = window.videoTable.model().rowCount
    wait_until(lambda: watch.painted and videos in (None, rows()))
    shown = time.perf_counter()
    viewport.removeEventFilter(watch)
    return window, ms(built - started), ms(shown - started)


# -- 1. rating by keyboard ----------------------------------------------------------------


def bench_keyboard(
    location: Location, coder: str, presses: int, profile_presses: int = 20
) -> dict[str, Any]:
    """Digit keys on the focused score control of the coder's first segment of their first
    video in progress → session.saved; over budget, ``profile_presses`` more under cProfile."""
    window, _built, _shown = open_and_show(location, None)
    window.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is window)
    window.sign_in(coder)
    model = window.videoTable.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "in progress")
    window.videoTable.selectRow(row)
    segment = window.session.my_segments()[0]
    window.segmentTable.select_segment(segment.id)
    key = window.study.scheme.keys[0]
    window.ratingPanel.focus_dimension(key)
    wait_until(lambda: window.ratingPanel.focused_dimension() == key)
    saved: list[float] = []
    failed: list[str] = []
    saved_cpu: list[float] = []
    window.session.saved.connect(lambda _what: saved.append(time.perf_counter()))
    window.session.saved.connect(lambda _what: saved_cpu.append(time.process_time()))
    window.session.failed.connect(failed.append)
    control = QApplication.focusWidget()
    first, second = ("5", "4") if control.score() == 4.0 else ("4", "5")  # type: ignore[union-attr]
    to_saved, to_saved_cpu, handled = [], [], []
    profiler, profiled = cProfile.Profile(), False
    for i in range(presses + profile_presses):
        if i == presses and statistics.median(to_saved_cpu) <= BUDGET_KEY_MS:
            break
        profiled = i >= presses
        digit = first if i % 2 == 0 else second
        control = QApplication.focusWidget()
        assert control is not None and control.objectName() == f"score:{key}", "focus lost"
        count = len(saved)
        if profiled:
            profiler.enable()
        started, cpu = time.perf_counter(), time.process_time()
        QTest.keyClick(control, digit)
        returned = time.perf_counter()
        # Saves may be queued off the GUI thread: "saved" then comes from the event loop.
        wait_until(lambda c=count: len(saved) > c, 30)
        profiler.disable()
        assert len(saved) == count + 1, f"key {digit} saved {len(saved) - count} times"
        if not profiled:
            to_saved.append(ms(saved[-1] - started))
            to_saved_cpu.append(ms(saved_cpu[-1] - cpu))
            handled.append(ms(returned - started))
        QApplication.processEvents()  # repaint before the next key (not timed)
    assert not failed, failed
    with Study.open(location) as study:  # a separate connection: is the change committed?
        stored = study.ratings.all(video_id=segment.video_id, coder_id=segment.coder_id)
    value = next(r.score for r in stored if r.segment_id == segment.id and r.dimension == key)
    label = f"{window.session.video.participant_code} {window.session.video.timepoint}"  # type: ignore[union-attr]
    close(window)
    return {
        "presses": presses,
        "coder": coder,
        "video": label,
        "dimension": key,
        "segment_id": segment.id,
        **summary(to_saved),
        "key_handled_median_ms": statistics.median(handled),
        "cpu_median_ms": statistics.median(to_saved_cpu),
        "last_key": digit,
        "stored_after": value,
        "stored_ok": value == float(digit),
        "budget_median_ms": BUDGET_KEY_MS,
        "profile": top_functions(profiler) if profiled else None,
    }


def bench_api(location: Location, segment_id: int, key: str, presses: int) -> dict[str, Any]:
    """The same changes through ``study.ratings.set`` alone (no window)."""
    with Study.open(location) as study:
        segment = next(s for s in study.segments.all() if s.id == segment_id)
        timings = []
        for i in range(presses):
            started = time.perf_counter()
            study.ratings.set(segment.video_id, segment.coder_id, key, 4.0 + i % 2, segment_id)
            timings.append(ms(time.perf_counter() - started))
    return {"sets": presses, **summary(timings)}


# -- 2. a study of 2,000 videos -----------------------------------------------------------


def timed_call(action: Callable[[], None]) -> float:
    """ms for ``action`` plus the events it queued (repaint of the list)."""
    started = time.perf_counter()
    action()
    QApplication.processEvents()
    return ms(time.perf_counter() - started)


def bench_open(location: Location, videos: int, repeats: int) -> dict[str, Any]:
    """Open → list shown, sign in as Coder 1, then as the lab manager; ``repeats`` times."""
    built, shown, shown_cpu, coder, manager = [], [], [], [], []
    for _ in range(repeats):
        cpu = time.process_time()
        window, built_ms, shown_ms = open_and_show(location, videos)
        shown_cpu.append(ms(time.process_time() - cpu))
        built.append(built_ms)
        shown.append(shown_ms)
        coder.append(timed_call(lambda w=window: w.sign_in("Coder 1")))
        assert window.videoTable.model().index(0, 2).data() in ("submitted", "not started")
        manager.append(timed_call(lambda w=window: w.sign_in(None, manager=True)))
        close(window)

    def stats(values: list[float]) -> dict[str, Any]:
        return {"median_ms": statistics.median(values), "max_ms": max(values), "all_ms": values}

    return {
        "videos": videos,
        "repeats": repeats,
        "window_built": stats(built),
        "list_shown": stats(shown),
        "list_shown_cpu": stats(shown_cpu),
        "sign_in_coder": stats(coder),
        "sign_in_manager": stats(manager),
        "budget_list_shown_ms": open_budget_ms(videos),
    }


def top_functions(profiler: cProfile.Profile, top: int = 25) -> str:
    """The ``top`` functions of a profile by cumulative time, as text."""
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue().split("\n\n", 1)[-1].strip()


# -- report -------------------------------------------------------------------------------


def _keyboard_rows(key: dict[str, Any], where: str, ok: str, stored: str) -> list[Row]:
    n, budget = key["presses"], f"<= {BUDGET_KEY_MS:.0f} ms"
    return [
        (f"digit key → change committed ({where}), CPU / wall median of {n}",
         f"{key['cpu_median_ms']:.1f} / {key['median_ms']:.0f} ms", f"{budget} CPU  {ok}"),
        ("  p95 / max", f"{key['p95_ms']:.0f} / {key['max_ms']:.0f} ms", ""),
        ("  key handled (every slot done), median", f"{key['key_handled_median_ms']:.1f} ms", ""),
        ("  last value read back with Study.open", f"{key['stored_after']:g}",
         f"== {key['last_key']}  {stored}"),
    ]  # fmt: skip


def _open_rows(op: dict[str, Any], size: dict[str, int], passed: bool) -> list[Row]:
    big, reps = f"{size['videos']} videos", op["repeats"]
    budget = f"<= {op['budget_list_shown_ms']:.0f} ms CPU (median)"

    def cell(part: str) -> str:
        return f"{op[part]['median_ms']:.0f} / {op[part]['max_ms']:.0f} ms"

    return [
        (f"study of {big}: {size['assignments']} assignments, {size['segments']} segments, "
         f"{size['ratings']} ratings", "", ""),
        (f"  open → list shown, CPU median / max of {reps}", cell("list_shown_cpu"),
         f"{budget}  {'pass' if passed else 'FAIL'}"),
        ("  open → list shown, wall median / max", cell("list_shown"), ""),
        ("  open → window built, wall median / max", cell("window_built"), ""),
        ("  sign in as Coder 1 (statuses), median / max", cell("sign_in_coder"), ""),
        ("  sign in as lab manager (statuses), median / max", cell("sign_in_manager"), ""),
    ]  # fmt: skip


def table(result: dict[str, Any], checks: dict[str, bool]) -> list[Row]:
    """The printed rows: (measure, result, budget and verdict)."""
    ok = {name: "pass" if passed else "FAIL" for name, passed in checks.items()}
    api = result["study_api"]
    rows = [
        *_keyboard_rows(result["keyboard"], "demo", ok["keyboard"], ok["stored"]),
        (f"study.ratings.set alone (demo), median of {api['sets']}", f"{api['median_ms']:.1f} ms",
         ""),
        ("  p95 / max", f"{api['p95_ms']:.1f} / {api['max_ms']:.1f} ms", ""),
    ]  # fmt: skip
    for n, opened in result["open_study"].items():
        rows += _open_rows(opened, result["big_study"][n], checks[f"list_shown_{n}"])
    largest = list(result["big_study"].values())[-1]
    big = f"{largest['videos']} videos"
    rows += _keyboard_rows(result["keyboard_big"], big, ok["keyboard_big"], ok["stored_big"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--big-presses", type=int, default=50)
    parser.add_argument("--videos", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even over budget")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes: dict[str, dict[str, int]] = {}
    opened: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="eas-bench-coding-") as tmp:
        folder = Path(tmp)
        # Offscreen, silent, and the user's own settings and caches left alone.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("EAS_CODER_AUDIO", "off")
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
        os.environ["EAS_CODER_CACHE_DIR"] = str(folder / "cache")
        qInstallMessageHandler(qt_message)
        app = application()
        demo = from_string(build_demo(folder / "demo", seconds=4))
        keyboard = bench_keyboard(demo, CODER, args.presses)
        api = bench_api(demo, keyboard["segment_id"], keyboard["dimension"], args.presses)
        for videos in args.videos:
            big = from_string(folder / f"big-{videos}.sqlite")
            sizes[str(videos)] = build_big_study(big, max(1, videos // 2))
            opening = bench_open(big, sizes[str(videos)]["videos"], args.repeats)
            if opening["list_shown_cpu"]["median_ms"] > opening["budget_list_shown_ms"]:
                profiler = cProfile.Profile()
                close(profiler.runcall(open_and_show, big, sizes[str(videos)]["videos"])[0])
                opening["profile"] = top_functions(profiler)
            opened[str(videos)] = opening
        keyboard_big = bench_keyboard(big, "Coder 1", args.big_presses)
        app.processEvents()
    result = {"keyboard": keyboard, "study_api": api, "big_study": sizes, "open_study": opened,
              "keyboard_big": keyboard_big}  # fmt: skip
    checks = {
        "keyboard": keyboard["cpu_median_ms"] <= BUDGET_KEY_MS,
        "stored": keyboard["stored_ok"],
        **{f"list_shown_{n}": o["list_shown_cpu"]["median_ms"] <= o["budget_list_shown_ms"]
           for n, o in opened.items()},
        "keyboard_big": keyboard_big["cpu_median_ms"] <= BUDGET_KEY_MS,
        "stored_big": keyboard_big["stored_ok"],
    }  # fmt: skip
    print_table(table(result, checks))
    profiles = {"digit key (demo)": keyboard["profile"], "digit key (largest study)":
                keyboard_big["profile"]}  # fmt: skip
    profiles |= {f"open {n} videos": o.get("profile") for n, o in opened.items()}
    for title, text in profiles.items():
        if text:
            print(f"\n{title} over budget; cProfile, cumulative:\n{text}")
    within = all(checks.values())
    write_json(args.json, {**result, "checks": checks, "within_budget": within})
    return 0 if within or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
