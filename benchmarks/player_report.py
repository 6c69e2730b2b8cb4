"""The player benchmark's budgets, verdicts and printed table (``benchmarks/player.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from eas_coder.gui.player.thumbnail_loader import STRIP_COUNT

CONTROL_S = 2.0  # the stall meter with nothing to do, for comparison
BUDGET_FIRST_FRAME_MS = 300.0
BUDGET_SEEK_RATIO = 1.5
BUDGET_STEP_MS = 40.0
BUDGET_FIRST_TEN_MS = 1000.0
BUDGET_STRIP_RATIO = 2.0
BUDGET_STALL_MS = 50.0


def _split(worst: dict[str, float]) -> str:
    parts = (worst["on_cpu_ms"], worst["waiting_for_cpu_ms"], worst["blocked_ms"])
    return " / ".join(f"{v:.0f}" for v in parts) + " ms"


def judge(result: dict[str, Any]) -> dict[str, bool]:
    """Pass or fail per budget."""
    opened, strip = result["open"], result["thumbnail_strip"]
    return {
        "first_frame_cold": opened["cold_first_frame_ms"] <= BUDGET_FIRST_FRAME_MS,
        "first_frame_median": opened["first_frame_median_ms"] <= BUDGET_FIRST_FRAME_MS,
        "seek_ratio": result["seek_ratio_median"] <= BUDGET_SEEK_RATIO,
        "step_forward": result["step_forward"]["median_ms"] <= BUDGET_STEP_MS,
        "step_backward": result["step_backward"]["median_ms"] <= BUDGET_STEP_MS,
        "strip_first_ten": strip["first_ten_ms"] <= BUDGET_FIRST_TEN_MS,
        "strip_all": strip["all_ms"] <= strip["budget_all_ms"],
        "strip_stall": result["thumbnail_stall"]["stall_during_strip_ms"] <= BUDGET_STALL_MS,
    }


def table(result: dict[str, Any], checks: dict[str, bool]) -> list[tuple[str, str, str]]:
    """The printed rows: (measure, result, budget and verdict)."""
    op, sk, cv = result["open"], result["seek"], result["opencv"]
    fw, bw = result["step_forward"], result["step_backward"]
    th, st, rss = result["thumbnail_strip"], result["thumbnail_stall"], result["rss_mb"]

    def budget(text: str, check: str) -> str:
        return f"{text}  {'pass' if checks[check] else 'FAIL'}"

    n, reps = sk["seeks"], op["repeats"]
    ratio = f"{result['seek_ratio_median']:.2f} / {result['seek_ratio_p95']:.2f}"
    return [
        (f"playback backend ({Path(result['video']).name})", result["backend"], ""),
        ("open → first frame, first open", f"{op['cold_first_frame_ms']:.0f} ms",
         budget("<= 300 ms", "first_frame_cold")),
        ("open → frame index ready (mediaOpened), first open",
         f"{op['cold_media_opened_ms']:.0f} ms", ""),
        (f"open → first frame, median of {reps}", f"{op['first_frame_median_ms']:.0f} ms",
         budget("<= 300 ms", "first_frame_median")),
        (f"open → frame index ready, median of {reps}",
         f"{op['media_opened_median_ms']:.0f} ms", ""),
        (f"paused seek → exact frame, median ({n} frames)", f"{sk['median_ms']:.0f} ms",
         budget(f"<= {BUDGET_SEEK_RATIO} × OpenCV", "seek_ratio")),
        ("paused seek → exact frame, p95", f"{sk['p95_ms']:.0f} ms", ""),
        ("  of which decoding (ExactFrames), median", f"{sk['decode_median_ms']:.0f} ms", ""),
        ("  of which YUV → RGB, median", f"{sk['rgb_median_ms']:.1f} ms", ""),
        ("  of which to_qimage, median", f"{sk['qimage_median_ms']:.1f} ms", ""),
        ("  rest: worker busy/wake-up + signal, median", f"{sk['rest_median_ms']:.1f} ms", ""),
        ("OpenCV set(POS_FRAMES) + read, median", f"{cv['median_ms']:.0f} ms", ""),
        ("OpenCV set(POS_FRAMES) + read, p95", f"{cv['p95_ms']:.0f} ms", ""),
        ("seek time / OpenCV, median / p95", ratio, f"median <= {BUDGET_SEEK_RATIO}"),
        ("seek time / OpenCV, median of per-frame ratios",
         f"{result['seek_ratio_per_frame_median']:.2f}", ""),
        ("OpenCV sequential decode", f"{cv['sequential_fps']:.0f} fps", ""),
        ("step +1 → frame shown, first", f"{fw['first_ms']:.1f} ms", ""),
        (f"step +1 → frame shown, median / max ({fw['steps']})",
         f"{fw['median_ms']:.1f} / {fw['max_ms']:.0f} ms", budget("<= 40 ms", "step_forward")),
        ("  cache misses / rest (waiting on the worker), max",
         f"{fw['cache_misses']} / {fw['rest_max_ms']:.0f} ms", ""),
        ("step −1 → frame shown, first", f"{bw['first_ms']:.1f} ms", ""),
        (f"step −1 → frame shown, median / max ({bw['steps']})",
         f"{bw['median_ms']:.1f} / {bw['max_ms']:.0f} ms", budget("<= 40 ms", "step_backward")),
        ("  cache misses / rest (waiting on the worker), max",
         f"{bw['cache_misses']} / {bw['rest_max_ms']:.0f} ms", ""),
        ("thumbnail strip, first 10 (empty cache)", f"{th['first_ten_ms']:.0f} ms",
         budget("<= 1000 ms", "strip_first_ten")),
        (f"thumbnail strip, all {th['thumbnails']} (empty cache)", f"{th['all_ms']:.0f} ms",
         budget(f"<= {th['budget_all_ms']:.0f} ms (2 × ffmpeg)", "strip_all")),
        ("ffmpeg keyframes → PNG (reference)", f"{th['ffmpeg_keyframes_ms']:.0f} ms", ""),
        (f"thumbnail strip, all {STRIP_COUNT} (from disk cache)",
         f"{th['cached_all_ms']:.0f} ms", ""),
        ("longest GUI stall while the strip is made", f"{st['stall_during_strip_ms']:.0f} ms",
         budget("<= 50 ms", "strip_stall")),
        ("  of it: GUI on CPU / waiting for CPU / blocked (GIL?)",
         _split(st["stall_during_strip"]), ""),
        ("longest GUI stall over the whole open", f"{st['stall_whole_open_ms']:.0f} ms", ""),
        (f"longest GUI stall during the {n} seeks", f"{sk['gui_stall_max_ms']:.0f} ms", ""),
        ("  of it: GUI on CPU / waiting for CPU / blocked (GIL?)",
         _split(sk["gui_stall_worst"]), ""),
        (f"longest GUI stall, idle {CONTROL_S:.0f} s (control: the machine)",
         f"{st['control_idle']['gap_ms']:.0f} ms", ""),
        ("RSS before opening", f"{rss['before_open']:.0f} MB", ""),
        ("RSS with the video open (after seeks and steps)", f"{rss['open']:.0f} MB", ""),
        ("RSS after closing the video", f"{rss['closed']:.0f} MB", ""),
        ("RSS after closing, then malloc_trim(0)", f"{rss['closed_malloc_trim']:.0f} MB", ""),
    ]  # fmt: skip


def verdict(checks: dict[str, bool], no_fail: bool) -> int:
    """The exit status: 1 when a budget is broken (named on stderr), unless --no-fail."""
    broken = [name for name, ok in checks.items() if not ok]
    if broken:
        print(f"over budget: {', '.join(broken)}", file=sys.stderr)
    return 1 if broken and not no_fail else 0
