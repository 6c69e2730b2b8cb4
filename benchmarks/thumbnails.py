"""Thumbnail strip speed on the player benchmark's 10-minute 720p file (8-s keyframes).

The strip on an empty cache: first 10 thumbnails (budget ≤ 1 s) and all 100, then from the
disk cache. Zoomed to single frames: how long until every tile of the strip shows its own
frame (decoded exactly, in the background), on an empty cache and from the disk cache, and
the longest GUI-thread stall meanwhile (≤ 50 ms).

Usage: python -m benchmarks.thumbnails [--video PATH] [--json PATH]
Prints a table and writes JSON (default benchmarks/results/thumbnails.json).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, qInstallMessageHandler

from benchmarks.player import VIDEO, ensure_video, idle_stall, make_backend
from benchmarks.player_probes import StallMeter, idle, ms, qt_message
from benchmarks.report import print_table, write_json
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.thumbnail_loader import STRIP_COUNT, ThumbnailLoader
from eas_coder.gui.window.app import application
from eas_coder.media.frame_index import read_frame_index

RESULTS = Path(__file__).resolve().parent / "results" / "thumbnails.json"
BUDGET_FIRST_TEN_MS = 1000.0
BUDGET_STALL_MS = 50.0
TIMEOUT_S = 60.0
ZOOM_AT_S = (203.5, 437.3)  # two places on the tape, far from keyframes and each other


def wait(condition: Any, timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until ``condition()``; RuntimeError on timeout."""
    loop, timer = QEventLoop(), QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out after {timeout_s:.0f} s")
        timer.start()
        loop.exec()
        timer.stop()


class StripWatch(QObject):
    """When the loader's batches and its end reach the GUI thread."""

    def __init__(self, loader: ThumbnailLoader) -> None:
        super().__init__()
        self.count = 0
        self.first_ten_at: float | None = None
        self.finished_at: float | None = None
        self.from_cache: bool | None = None
        loader.batchReady.connect(self._on_batch)
        loader.finished.connect(self._on_finished)

    def reset(self) -> None:
        self.count, self.first_ten_at, self.finished_at, self.from_cache = 0, None, None, None

    def _on_batch(self, _generation: int, batch: list[Any]) -> None:
        self.count += len(batch)
        if self.first_ten_at is None and self.count >= 10:
            self.first_ten_at = time.perf_counter()

    def _on_finished(self, _generation: int, from_cache: bool) -> None:
        if self.finished_at is None:
            self.finished_at, self.from_cache = time.perf_counter(), from_cache


def bench_strip(path: Path) -> dict[str, Any]:
    """The loader alone on an empty cache (first 10, all 100), then from the cache."""
    index = read_frame_index(path)
    with tempfile.TemporaryDirectory(prefix="eas-bench-thumbs-") as tmp:
        loader = ThumbnailLoader(Path(tmp) / "thumbnails")
        watch = StripWatch(loader)
        started = time.perf_counter()
        loader.start(path, index)
        wait(lambda: watch.finished_at is not None)
        assert watch.first_ten_at is not None and watch.finished_at is not None
        made = {
            "thumbnails": watch.count,
            "first_ten_ms": ms(watch.first_ten_at - started),
            "all_ms": ms(watch.finished_at - started),
        }
        watch.reset()
        started = time.perf_counter()
        loader.start(path, index)
        wait(lambda: watch.finished_at is not None)
        assert watch.finished_at is not None
        made["cached_all_ms"] = ms(watch.finished_at - started)
        made["cached_from_cache"] = bool(watch.from_cache)
        loader.cancel()
    return made


def bench_zoom(path: Path) -> dict[str, Any] | None:
    """Frame zoom in the real panel: time until every visible tile shows its own frame."""
    with tempfile.TemporaryDirectory(prefix="eas-bench-zoom-") as tmp:
        backend, _name = make_backend()
        panel = PlayerPanel(backend, ThumbnailLoader(Path(tmp) / "thumbnails"))
        panel.resize(1280, 400)
        panel.show()
        timeline = panel.timeline
        if not hasattr(timeline, "exact_tiles"):
            panel.shutdown()
            return None  # the code before exact tiles: nothing to measure
        runs: dict[str, Any] = {}
        for run in ("empty_cache", "disk_cache"):
            strip = StripWatch(panel.thumbnails)
            panel.open_video(path)
            wait(lambda strip=strip: strip.finished_at is not None)
            idle(1.0)  # the player's own prefetch around the first frame settled
            times = []
            stalls = StallMeter()
            stalls.start()
            for at_s in ZOOM_AT_S:
                started = time.perf_counter()
                timeline.set_visible_range(round(at_s * 1000), round(at_s * 1000) + 1)
                wait(lambda: all(timeline.exact_tiles()))
                times.append(ms(time.perf_counter() - started))
            idle(0.05)
            stalls.stop()
            runs[run] = {
                "tiles": len(timeline.exact_tiles()),
                "all_exact_ms": times,
                "stall_ms": stalls.worst()["gap_ms"],
                "stall": stalls.worst(),  # on CPU / waiting for the CPU / blocked
            }
            panel.show_unavailable("next run")  # the next opening starts with an empty strip
            idle(0.1)
        panel.shutdown()
        panel.deleteLater()
        idle(0.05)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("EAS_CODER_AUDIO", "off")
    ensure_video(args.video)
    path = args.video.resolve()
    qInstallMessageHandler(qt_message)
    app = application()
    strip = bench_strip(path)
    zoom = bench_zoom(path)
    control = idle_stall(2.0)  # the machine alone, for comparison with the stalls above
    app.processEvents()
    checks = {"first_ten": strip["first_ten_ms"] <= BUDGET_FIRST_TEN_MS}
    rows = [
        ("strip, first 10 (empty cache)", f"{strip['first_ten_ms']:.0f} ms",
         f"≤ {BUDGET_FIRST_TEN_MS:.0f} ms"),
        (f"strip, all {strip['thumbnails']} (empty cache)", f"{strip['all_ms']:.0f} ms", ""),
        (f"strip, all {STRIP_COUNT} (disk cache)", f"{strip['cached_all_ms']:.0f} ms", ""),
    ]  # fmt: skip
    if zoom is not None:
        for run, figures in zoom.items():
            label = run.replace("_", " ")
            for at_s, took in zip(ZOOM_AT_S, figures["all_exact_ms"], strict=True):
                rows.append(
                    (f"frame zoom at {at_s:g} s, {figures['tiles']} tiles exact ({label})",
                     f"{took:.0f} ms", "")
                )  # fmt: skip
            rows.append(
                (f"GUI stall while zoomed tiles decode ({label})",
                 f"{figures['stall_ms']:.0f} ms", f"≤ {BUDGET_STALL_MS:.0f} ms")
            )  # fmt: skip
            checks[f"stall_{run}"] = figures["stall_ms"] <= BUDGET_STALL_MS
    rows.append(("GUI stall with nothing to do (control)", f"{control['gap_ms']:.0f} ms", ""))
    print_table(rows)
    result = {"video": str(path), "strip": strip, "zoom": zoom, "control_idle": control}
    write_json(args.json, {**result, "checks": checks, "within_budget": all(checks.values())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
