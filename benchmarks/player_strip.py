"""The thumbnail strip in the player benchmark: how fast it is made, against ffmpeg dumping
every keyframe, and the longest GUI-thread stall while it is made (``benchmarks/player.py``).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.player_probes import StallMeter, Watch, idle, ms
from benchmarks.player_report import BUDGET_FIRST_TEN_MS, BUDGET_STALL_MS, BUDGET_STRIP_RATIO
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.player import Player
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.media.frame_index import FrameIndex


def ffmpeg_keyframes_s(path: Path) -> float:
    """Seconds ffmpeg takes to write every keyframe of the file as a PNG."""
    with tempfile.TemporaryDirectory(prefix="eas-bench-keys-") as tmp:
        started = time.perf_counter()
        subprocess.run(
            [
                *("ffmpeg", "-v", "error", "-skip_frame", "nokey", "-i", str(path)),
                *("-vsync", "0", "-f", "image2", str(Path(tmp) / "k%03d.png")),
            ],
            check=True,
        )
        return time.perf_counter() - started


def bench_strip(player: Player, index: FrameIndex, path: Path) -> dict[str, Any]:
    """ThumbnailLoader on an empty cache: to the first 10 and to all 100; then from cache."""
    with tempfile.TemporaryDirectory(prefix="eas-bench-thumbs-") as tmp:
        loader = ThumbnailLoader(Path(tmp))
        watch = Watch(player, loader)
        started = time.perf_counter()
        loader.start(path, index)
        watch.wait(lambda: watch.finished_at is not None)
        assert watch.first_ten_at is not None and watch.finished_at is not None
        first_ten, made = watch.first_ten_at - started, watch.finished_at - started
        count, cached_before = watch.thumbs, watch.from_cache
        watch.reset()
        started = time.perf_counter()
        loader.start(path, index)
        watch.wait(lambda: watch.finished_at is not None)
        assert watch.finished_at is not None
        cached = watch.finished_at - started
        loader.cancel()
    ffmpeg_s = ffmpeg_keyframes_s(path)
    return {
        "thumbnails": count,
        "first_ten_ms": ms(first_ten),
        "all_ms": ms(made),
        "made_from_cache": cached_before,
        "cached_all_ms": ms(cached),
        "cached_from_cache": watch.from_cache,
        "ffmpeg_keyframes_ms": ms(ffmpeg_s),
        "budget_first_ten_ms": BUDGET_FIRST_TEN_MS,
        "budget_all_ms": BUDGET_STRIP_RATIO * ms(ffmpeg_s),
    }


def idle_stall(seconds: float) -> dict[str, float]:
    """The worst gap of the 5-ms timer with nothing to do: what the machine alone causes."""
    stalls = StallMeter()
    stalls.start()
    idle(seconds)
    stalls.stop()
    return stalls.worst()


def bench_strip_stall(panel: PlayerPanel, watch: Watch, path: Path) -> dict[str, Any]:
    """Open in the shown panel with an empty thumbnail cache; worst GUI gap while the strip
    is made (from mediaOpened to the loader's finished) and over the whole open."""
    stalls = StallMeter()
    watch.reset()
    stalls.start()
    started = time.perf_counter()
    panel.open_video(path)
    watch.wait(lambda: watch.finished_at is not None)
    idle(0.1)  # the last batch painted
    stalls.stop()
    assert watch.opened_at is not None and watch.finished_at is not None
    assert watch.from_cache is False, "the strip was expected to be made, not loaded"
    during = stalls.worst(watch.opened_at, watch.finished_at + 0.1)
    return {
        "from_cache": watch.from_cache,
        "thumbnails": watch.thumbs,
        "strip_ms": ms(watch.finished_at - watch.opened_at),
        "stall_during_strip_ms": during["gap_ms"],
        "stall_during_strip": during,
        "stall_whole_open_ms": stalls.worst(started)["gap_ms"],
        "ticks": len(stalls.ticks),
        "budget_stall_ms": BUDGET_STALL_MS,
    }
