"""Waveform speed on a 60-minute stereo AAC track (48 kHz), the length of a long session tape.

1. ``compute_waveform`` cold (no cache), ``--repeats`` times: median wall time ≤ 10 s; its
   CPU time beside it (the machine is shared), and ffmpeg's plain decode of the same file as
   the floor no decoder of ours can beat.
2. The on-disk cache: file size, save and load times.
3. ``Waveform.columns`` for a 1000-px lane at the whole tape, 1 min and 1 s: O(pixels);
   and the timeline's static layers repainted with and without the lane.
4. The longest GUI-thread stall (5-ms timer, offscreen event loop) while ``WaveformLoader``
   decodes the track (≤ 50 ms), and while it loads it from the cache; an idle control.

Usage: python -m benchmarks.waveform [--repeats N] [--json PATH]
Prints a table and writes JSON (default benchmarks/results/waveform.json). The input file is
generated once with ffmpeg into benchmarks/cache/ (about a minute).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler

from benchmarks.player_probes import StallMeter, idle, ms, qt_message
from benchmarks.report import print_table, write_json
from eas_coder.gui.player.waveform_loader import WaveformLoader
from eas_coder.gui.timeline.timeline import Timeline
from eas_coder.gui.window.app import application
from eas_coder.media.waveform import Waveform, WaveformCache, compute_waveform

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "waveform.json"
AUDIO = HERE / "cache" / "sixty-minutes-stereo.m4a"
GENERATE = [
    "ffmpeg", "-v", "error", "-y",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3600",
    "-ac", "2", "-c:a", "aac",
]  # fmt: skip
COLUMNS = 1000
ZOOMS = ("whole", "minute", "deepest")
CONTROL_S = 2.0
TIMEOUT_S = 120.0

BUDGET_COMPUTE_S = 10.0
BUDGET_STALL_MS = 50.0


def ensure_audio(path: Path) -> None:
    """Generate the 60-minute test track with ffmpeg unless it is already cached."""
    if path.is_file() and path.stat().st_size > 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial" + path.suffix)
    print(f"generating {path} (60 min stereo AAC; about a minute)…", flush=True)
    subprocess.run([*GENERATE, str(partial)], check=True)
    partial.replace(path)


def bench_compute(path: Path, repeats: int) -> tuple[dict[str, Any], Waveform]:
    """compute_waveform from scratch, ``repeats`` times; wall and CPU seconds."""
    walls, cpus = [], []
    waveform = None
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        waveform = compute_waveform(path)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    assert waveform is not None
    started = time.perf_counter()
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)
    ffmpeg_s = time.perf_counter() - started
    return {
        "repeats": repeats,
        "wall_median_s": statistics.median(walls),
        "wall_all_s": walls,
        "cpu_median_s": statistics.median(cpus),
        "cpu_all_s": cpus,
        "ffmpeg_decode_s": ffmpeg_s,
        "duration_ms": waveform.duration_ms,
        "levels": len(waveform.levels),
        "sample_rate": waveform.sample_rate,
        "peak": waveform.peak,
        "memory_mb": sum(a.nbytes + b.nbytes for a, b in waveform.levels) / 1e6,
        "budget_s": BUDGET_COMPUTE_S,
    }, waveform


def bench_cache(waveform: Waveform) -> dict[str, Any]:
    """Save and load through WaveformCache in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="eas-bench-waves-") as tmp:
        cache = WaveformCache(Path(tmp))
        started = time.perf_counter()
        cache.save("bench", waveform)
        saved = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
        started = time.perf_counter()
        loaded = cache.load("bench")
        load = time.perf_counter() - started
    assert loaded is not None
    return {"file_mb": size / 1e6, "save_ms": ms(saved), "load_ms": ms(load)}


def bench_columns(waveform: Waveform) -> dict[str, float]:
    """Median time of columns() for a 1000-px lane at three zooms."""
    result = {}
    for name, span in (("whole", waveform.duration_ms), ("minute", 60_000), ("second", 1_000)):
        start = (waveform.duration_ms - span) / 2
        times = []
        for _ in range(50):
            began = time.perf_counter()
            waveform.columns(start, start + span, COLUMNS)
            times.append(time.perf_counter() - began)
        result[f"{name}_ms"] = ms(statistics.median(times))
    return result


def bench_paint(waveform: Waveform) -> dict[str, float]:
    """A 1000-px timeline of the tape: median full repaint (grab) with and without the lane,
    at the whole tape, 1 min and the deepest zoom."""
    widget = Timeline()
    widget.resize(COLUMNS, 150)
    widget.show()
    widget.set_media(waveform.duration_ms)
    result = {}
    for lane in (True, False):
        shown = waveform if lane else None
        widget.set_waveform(shown)
        for name, span in (("whole", waveform.duration_ms), ("minute", 60_000), ("deepest", 1)):
            widget.set_visible_range(1_800_000 - span // 2, 1_800_000 + span // 2)
            times = []
            for _ in range(20):
                widget.set_waveform(shown)  # drops the cached layers, as a zoom or scroll does
                began = time.perf_counter()
                widget.grab()
                times.append(time.perf_counter() - began)
            result[f"{name}_{'with' if lane else 'without'}_lane_ms"] = ms(statistics.median(times))
    widget.deleteLater()
    return result


def wait_ready(loader: WaveformLoader, path: Path) -> tuple[float, object]:
    """Start the loader on the event loop's watch; seconds to ``ready`` and what it gave."""
    got: list[object] = []
    loop = QEventLoop()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)

    def on_ready(_generation: int, waveform: object) -> None:
        got.append(waveform)
        loop.quit()

    loader.ready.connect(on_ready)
    timeout.start(round(TIMEOUT_S * 1000))
    started = time.perf_counter()
    loader.start(path)
    loop.exec()
    elapsed = time.perf_counter() - started
    loader.ready.disconnect(on_ready)
    if not got:
        raise RuntimeError(f"no waveform within {TIMEOUT_S:.0f} s")
    return elapsed, got[0]


def bench_stall(path: Path, cache_dir: Path) -> dict[str, Any]:
    """The loader decoding (empty cache), then loading from the cache it wrote."""
    loader = WaveformLoader(cache_dir)
    result: dict[str, Any] = {}
    for name in ("decoding", "from_cache"):
        stalls = StallMeter()
        idle(0.2)
        stalls.start()
        seconds, waveform = wait_ready(loader, path)
        idle(0.05)
        stalls.stop()
        assert isinstance(waveform, Waveform)
        worst = stalls.worst()
        result[name] = {"ready_s": seconds, "stall_ms": worst["gap_ms"], "stall": worst}
    loader.wait()
    control = StallMeter()
    control.start()
    idle(CONTROL_S)
    control.stop()
    result["control_idle"] = control.worst()
    result["budget_stall_ms"] = BUDGET_STALL_MS
    return result


def _split(worst: dict[str, float]) -> str:
    parts = (worst["on_cpu_ms"], worst["waiting_for_cpu_ms"], worst["blocked_ms"])
    return " / ".join(f"{v:.0f}" for v in parts) + " ms"


def table(result: dict[str, Any], checks: dict[str, bool]) -> list[tuple[str, str, str]]:
    """The printed rows: (measure, result, budget and verdict)."""
    co, ca, cl, st = result["compute"], result["cache"], result["columns"], result["loader"]
    pa = result["paint"]

    def budget(text: str, check: str) -> str:
        return f"{text}  {'pass' if checks[check] else 'FAIL'}"

    dec, cached = st["decoding"], st["from_cache"]
    return [
        (f"compute_waveform, 60 min stereo AAC, median of {co['repeats']}",
         f"{co['wall_median_s']:.2f} s", budget(f"<= {BUDGET_COMPUTE_S:.0f} s", "compute")),
        ("  all runs", " / ".join(f"{s:.1f}" for s in co["wall_all_s"]) + " s", ""),
        ("  CPU time, median", f"{co['cpu_median_s']:.2f} s", ""),
        ("ffmpeg -f null decode of the same file (reference)", f"{co['ffmpeg_decode_s']:.2f} s",
         ""),
        ("waveform in memory (all levels)", f"{co['memory_mb']:.1f} MB", ""),
        ("cache file (float16 level 0)", f"{ca['file_mb']:.1f} MB", ""),
        ("cache save / load", f"{ca['save_ms']:.0f} / {ca['load_ms']:.0f} ms", ""),
        (f"columns() for {COLUMNS} px: whole tape / 1 min / 1 s",
         f"{cl['whole_ms']:.2f} / {cl['minute_ms']:.2f} / {cl['second_ms']:.2f} ms", ""),
        ("timeline repaint with lane: whole / 1 min / deepest",
         " / ".join(f"{pa[f'{z}_with_lane_ms']:.1f}" for z in ZOOMS) + " ms", ""),
        ("timeline repaint without lane: whole / 1 min / deepest",
         " / ".join(f"{pa[f'{z}_without_lane_ms']:.1f}" for z in ZOOMS) + " ms", ""),
        ("WaveformLoader, decoding: start → ready", f"{dec['ready_s']:.2f} s", ""),
        ("longest GUI stall while the loader decodes", f"{dec['stall_ms']:.0f} ms",
         budget(f"<= {BUDGET_STALL_MS:.0f} ms", "stall_decoding")),
        ("  of it: GUI on CPU / waiting for CPU / blocked (GIL?)", _split(dec["stall"]), ""),
        ("WaveformLoader, from cache: start → ready", f"{cached['ready_s'] * 1000:.0f} ms", ""),
        ("longest GUI stall while it loads from the cache", f"{cached['stall_ms']:.0f} ms",
         budget(f"<= {BUDGET_STALL_MS:.0f} ms", "stall_cache")),
        (f"longest GUI stall, idle {CONTROL_S:.0f} s (control: the machine)",
         f"{st['control_idle']['gap_ms']:.0f} ms", ""),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=AUDIO)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ensure_audio(args.audio)
    path = args.audio.resolve()
    qInstallMessageHandler(qt_message)
    app = application()
    compute, waveform = bench_compute(path, args.repeats)
    cache = bench_cache(waveform)
    columns = bench_columns(waveform)
    paint = bench_paint(waveform)
    del waveform
    with tempfile.TemporaryDirectory(prefix="eas-bench-waveforms-") as tmp:
        loader = bench_stall(path, Path(tmp))
    app.processEvents()
    result: dict[str, Any] = {
        "audio": str(path),
        "compute": compute,
        "cache": cache,
        "columns": columns,
        "paint": paint,
        "loader": loader,
    }
    checks = {
        "compute": compute["wall_median_s"] <= BUDGET_COMPUTE_S,
        "stall_decoding": loader["decoding"]["stall_ms"] <= BUDGET_STALL_MS,
        "stall_cache": loader["from_cache"]["stall_ms"] <= BUDGET_STALL_MS,
    }
    print_table(table(result, checks))
    write_json(args.json, {**result, "checks": checks, "within_budget": all(checks.values())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
