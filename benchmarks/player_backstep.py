"""Two player budgets measured on any video (called by player.py and player_mpeg.py).

Step back around the playhead: 200 steps of −1 (a coder holding ←, one step per key
repeat, or as soon as the last one showed when it came late), each timed from the request
to its frame on screen; every step ≤ 40 ms, and cache misses (steps whose frame was not yet
decoded) counted. The same back to back (the next step as soon as a frame shows: faster
than any key repeat) is reported beside it.

Open / switch video: ``PlayerPanel.open_video`` from one video to the next, the time the
GUI thread spends inside the call and the longest GUI-thread stall (5-ms timer) until the
new video's first frame shows and the frame index is known. The budget (≤ 50 ms) holds the
stall less the time the GUI thread waited for a CPU (what other processes cost it, taken
from the scheduler's counters): the work of the switch on the GUI thread and its waits on
our own threads (the GIL, a join), which is what a change of ours can make worse.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.player_probes import StallMeter, Watch, idle, ms, summary
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.player import Player

BACK_STEPS = 200
KEY_REPEAT_MS = 33.0  # the fastest common key auto-repeat (30 a second)
BUDGET_BACK_STEP_MS = 40.0
BUDGET_SWITCH_STALL_MS = 50.0


def bench_back_steps(
    player: Player, watch: Watch, start: int, steps: int = BACK_STEPS, paced: bool = True
) -> dict[str, Any]:
    """Seek to ``start``, let the worker come to rest, then ``steps`` × step(−1)."""
    watch.shown.clear()
    player.seek_frame(start)
    watch.wait(lambda: start in watch.shown)
    if not player.wait_decoder_idle(60.0):
        raise RuntimeError("the exact-frame worker did not come to rest in 60 s")
    idle(0.2)
    served, missed = player.cache_stats()
    timings: list[float] = []
    misses_at: list[int] = []
    for step in range(1, steps + 1):
        target = player.position() - 1
        watch.shown.clear()
        before = player.cache_stats()[1]
        started = time.perf_counter()
        player.step(-1)
        watch.wait(lambda target=target: target in watch.shown)
        timings.append(ms(watch.shown[target] - started))
        if player.cache_stats()[1] > before:
            misses_at.append(step)
        if paced:
            idle(max(0.0, KEY_REPEAT_MS - timings[-1]) / 1000.0)
    requests = player.cache_stats()[0] - served
    return {
        "from_frame": start,
        "steps": steps,
        "paced_ms": KEY_REPEAT_MS if paced else 0.0,
        **summary(timings),
        "over_budget": sum(t > BUDGET_BACK_STEP_MS for t in timings),
        "cache_misses": player.cache_stats()[1] - missed,
        "misses_at_step": misses_at,
        "requests": requests,
        "all_ms": timings,
        "budget_ms": BUDGET_BACK_STEP_MS,
    }


def bench_switch(
    panel: PlayerPanel, watch: Watch, paths: list[Path], rounds: int
) -> dict[str, Any]:
    """Open each of ``paths`` in turn, ``rounds`` times over (after playing half a second of
    the one before, so the playback backend has a running input to stop; its thumbnail
    strip still being made)."""
    calls: list[float] = []
    stalls: list[float] = []
    owns: list[float] = []
    worst: dict[str, Any] = {"gap_ms": 0.0}
    meter = StallMeter()
    for _round in range(rounds):
        for path in paths:
            player = panel.player
            if player.frame_index is not None:
                player.play()
                idle(0.5)
                player.pause()
                idle(0.1)
            watch.reset()
            meter.start()
            started = time.perf_counter()
            panel.open_video(path)
            calls.append(ms(time.perf_counter() - started))
            watch.wait(lambda: watch.opened_at is not None and 0 in watch.shown, 60.0)
            idle(0.05)
            meter.stop()
            stalls.append(meter.worst()["gap_ms"])  # from the tick before the call
            owns.append(own_stall_ms(meter))
            worst = max(worst, {**meter.worst(), "to": path.name}, key=lambda w: w["gap_ms"])
            idle(0.3)  # the next switch comes while this video's strip is being made
    return {
        "switches": len(calls),
        "open_call": summary(calls),
        "stall": summary(stalls),
        "own_stall": summary(owns),
        "open_call_all_ms": calls,
        "stall_all_ms": stalls,
        "stall_worst": worst,
        "budget_stall_ms": BUDGET_SWITCH_STALL_MS,
    }


def own_stall_ms(meter: StallMeter) -> float:
    """The longest gap between ticks less the time the GUI thread waited for a CPU."""
    pairs = zip(meter.ticks, meter.ticks[1:], strict=False)
    return max((ms(b[0] - a[0]) - (b[2] - a[2]) / 1e6 for a, b in pairs), default=0.0)


def fast_switch(panel: PlayerPanel, watch: Watch, paths: list[Path]) -> dict[str, Any]:
    """A→B→C with no wait between: the panel must end on the last one (stale loads dropped)."""
    watch.reset()
    started = time.perf_counter()
    for path in paths:
        panel.open_video(path)
    call = ms(time.perf_counter() - started)
    watch.wait(lambda: watch.opened_at is not None and 0 in watch.shown, 60.0)
    idle(0.3)
    return {
        "calls_ms": call,
        "ends_on_last": panel.player.path == paths[-1] and panel.player.frame_index is not None,
    }


def judge(back: dict[str, Any], switch: dict[str, Any] | None = None) -> dict[str, bool]:
    """Every paced step back within budget and no miss; the switch stall within budget."""
    checks = {
        "back_step_max": back["max_ms"] <= BUDGET_BACK_STEP_MS,
        "back_step_misses": back["cache_misses"] == 0,
    }
    if switch is not None:
        checks["switch_stall"] = switch["own_stall"]["max_ms"] <= BUDGET_SWITCH_STALL_MS
    return checks


def rows(
    name: str, back: dict[str, Any], burst: dict[str, Any], checks: dict[str, bool]
) -> list[tuple[str, str, str]]:
    """Table rows of the back-step measures."""

    def verdict(text: str, check: str) -> str:
        return f"{text}  {'pass' if checks[check] else 'FAIL'}"

    return [
        (f"{name} step −1 × {back['steps']} every {back['paced_ms']:.0f} ms, max / p95",
         f"{back['max_ms']:.0f} / {back['p95_ms']:.0f} ms",
         verdict(f"every step <= {BUDGET_BACK_STEP_MS:.0f} ms", "back_step_max")),
        (f"{name}   cache misses (steps)", f"{back['cache_misses']} {back['misses_at_step'][:6]}",
         verdict("0", "back_step_misses")),
        (f"{name} step −1 × {burst['steps']} back to back, max / p95 / misses",
         f"{burst['max_ms']:.0f} / {burst['p95_ms']:.0f} ms / {burst['cache_misses']}", ""),
    ]  # fmt: skip


def switch_rows(
    switch: dict[str, Any], fast: dict[str, Any], checks: dict[str, bool]
) -> list[tuple[str, str, str]]:
    """Table rows of the switch measures."""
    call, stall, own = switch["open_call"], switch["stall"], switch["own_stall"]
    ok = "pass" if checks["switch_stall"] else "FAIL"
    return [
        (f"switch video × {switch['switches']}: GUI time in open_video, median / max",
         f"{call['median_ms']:.0f} / {call['max_ms']:.0f} ms", ""),
        ("  longest GUI stall until first frame + index, median / max",
         f"{stall['median_ms']:.0f} / {stall['max_ms']:.0f} ms", ""),
        ("  the same less waiting for a CPU (other processes), median / max",
         f"{own['median_ms']:.0f} / {own['max_ms']:.0f} ms",
         f"<= {BUDGET_SWITCH_STALL_MS:.0f} ms  {ok}"),
        ("  A→B→C at once: GUI time / ends showing C", f"{fast['calls_ms']:.0f} ms",
         "pass" if fast["ends_on_last"] else "FAIL"),
    ]  # fmt: skip
