"""The player on camcorder formats: a 10-minute AVCHD-style .mts (H.264, interlaced, open
GOP, B-frames, in MPEG-TS) and a 10-minute interlaced MPEG-2 .mpg (program stream), each
at a small size (320×180 / 320×192) and at the camcorder's own (1920×1080i / 720×576i),
and an .mts with a keyframe only every 300 frames.

FFmpeg seeks these by decode timestamps; seeking to a keyframe's presentation time lands a
keyframe late, so the player learns to seek by the keyframe's decode timestamp (and still
seeks further back whenever a start lands past the target). Measured here: a paused exact
seek against a direct PyAV decode of the same frame (seek to its keyframe's decode
timestamp, decode to the frame without converting it, one earlier keyframe if the seek
landed late: the least any correct decoder must do), median ≤ 1.5×; and ±1 steps
(≤ 40 ms), median and p95. Files are generated once into benchmarks/cache/ (the 1080i one
takes about ten minutes on two cores).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av

from benchmarks import player_backstep
from benchmarks.player_probes import Watch, idle, ms, summary
from eas_coder.gui.player.player import Player
from eas_coder.media.frame_index import FrameIndex

CACHE = Path(__file__).resolve().parent / "cache"
_SOURCE = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-t", "600"]
FILES: dict[str, tuple[Path, list[str]]] = {
    "mts": (
        CACHE / "ten-minutes.mts",
        [*_SOURCE, "-i", "testsrc2=size=320x180:rate=25", "-c:v", "libx264",
         "-preset", "veryfast", "-bf", "2", "-g", "25", "-keyint_min", "25",
         "-sc_threshold", "0", "-x264-params", "interlaced=1:tff=1:open-gop=1",
         "-pix_fmt", "yuv420p", "-f", "mpegts"],
    ),
    "mpg": (
        CACHE / "ten-minutes-interlaced.mpg",
        [*_SOURCE, "-i", "testsrc2=size=320x192:rate=25", "-c:v", "mpeg2video", "-bf", "2",
         "-flags", "+ilme+ildct", "-top", "1", "-q:v", "4", "-g", "15",
         "-pix_fmt", "yuv420p", "-vf", "setfield=tff", "-f", "vob"],
    ),
    # A long keyframe interval (12 s): stepping back must still never wait for a decode.
    "mts-gop300": (
        CACHE / "ten-minutes-gop300.mts",
        [*_SOURCE, "-i", "testsrc2=size=320x180:rate=25", "-c:v", "libx264",
         "-preset", "veryfast", "-bf", "2", "-g", "300", "-keyint_min", "300",
         "-sc_threshold", "0", "-x264-params", "interlaced=1:tff=1:open-gop=1",
         "-pix_fmt", "yuv420p", "-f", "mpegts"],
    ),
    # Camcorder sizes, same GOP structure as above so only the picture size differs:
    # AVCHD 1080/50i (H.264 in MPEG-TS) and DVD / DV-camcorder 576/50i MPEG-2.
    "mts-1080i": (
        CACHE / "ten-minutes-1080i.mts",
        [*_SOURCE, "-i", "testsrc2=size=1920x1080:rate=25", "-c:v", "libx264",
         "-preset", "veryfast", "-bf", "2", "-g", "25", "-keyint_min", "25",
         "-sc_threshold", "0", "-x264-params", "interlaced=1:tff=1:open-gop=1",
         "-b:v", "12M", "-pix_fmt", "yuv420p", "-f", "mpegts"],
    ),
    "mpg-576i": (
        CACHE / "ten-minutes-576i.mpg",
        [*_SOURCE, "-i", "testsrc2=size=720x576:rate=25", "-c:v", "mpeg2video", "-bf", "2",
         "-flags", "+ilme+ildct", "-top", "1", "-b:v", "6M", "-maxrate", "9M",
         "-bufsize", "1835k", "-g", "15", "-pix_fmt", "yuv420p", "-vf", "setfield=tff",
         "-f", "vob"],
    ),
}  # fmt: skip
SETTLE_S = 0.05  # event loop after the worker is idle
BUDGET_SEEK_RATIO = 1.5
BUDGET_STEP_MS = 40.0

StepBench = Callable[[Player, Watch, int, int, int], dict[str, Any]]


def ensure(kind: str) -> Path:
    """The 10-minute file of a kind, generated unless cached."""
    path, command = FILES[kind]
    if path.is_file() and path.stat().st_size > 0:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.partial{path.suffix}")
    print(f"generating {path} (10 min; a minute to ten)…", flush=True)
    subprocess.run([*command, str(partial)], check=True)
    partial.replace(path)
    return path


def pyav_decode_ms(container: Any, index: FrameIndex, target: int) -> float:
    """A direct PyAV decode of frame ``target`` on an open container, in ms: the least any
    correct decoder must do. It seeks to the keyframe's decode timestamp (what these
    demuxers compare a seek with, so the seek lands on that keyframe, not a GOP late) and
    decodes up to the frame, without converting it; one keyframe earlier if it landed late."""
    stream = container.streams.video[0]
    wanted = index.pts[target]
    started = time.perf_counter()
    key = index.keyframe_at_or_before(target)
    while True:
        container.seek(index.seek_timestamp(key, by_dts=True), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            if frame.pts >= wanted:
                break
        if frame.pts == wanted or key == 0:
            return ms(time.perf_counter() - started)
        key = index.keyframe_at_or_before(key - 1)  # landed late: one keyframe earlier


def settle(player: Player) -> None:
    """The player's worker done with its prefetch (at 1080 lines, longer than any fixed
    wait), then the event loop run briefly: each measurement starts on an idle machine."""
    if not player.wait_decoder_idle(timeout_s=30):
        raise RuntimeError("the exact-frame worker did not come to rest in 30 s")
    idle(SETTLE_S)


def bench_file(
    player: Player, watch: Watch, path: Path, seeks: int, steps: int, seed: int,
    bench_steps: StepBench,
) -> dict[str, Any]:  # fmt: skip
    """Open ``path`` in the player; paused seeks against PyAV, then steps both ways."""
    watch.reset()
    player.open(path)
    watch.wait(lambda: watch.opened_at is not None, timeout_s=60)
    # The thumbnail strip out of the way first, as in the 720p part (bench_open).
    watch.wait(lambda: watch.finished_at is not None, timeout_s=300)
    index = player.frame_index
    assert index is not None
    count = index.frame_count
    rng = random.Random(seed)
    targets = rng.sample(range(count), seeks)
    ours: list[float] = []
    theirs: list[float] = []
    with av.open(str(path)) as container:
        for target in targets:
            settle(player)
            watch.shown.clear()
            started = time.perf_counter()
            player.seek_frame(target)
            watch.wait(lambda target=target: target in watch.shown)
            ours.append(ms(watch.shown[target] - started))
            settle(player)
            theirs.append(pyav_decode_ms(container, index, target))
    forward = bench_steps(player, watch, rng.randrange(100, count // 2), 1, steps)
    backward = bench_steps(player, watch, rng.randrange(count // 2, count - 100), -1, steps)
    start = rng.randrange(count // 2, count - 1)
    back = player_backstep.bench_back_steps(player, watch, start)
    burst = player_backstep.bench_back_steps(player, watch, start, paced=False)
    player.close()
    return {
        "video": str(path),
        "frames": count,
        "size": f"{index.width}x{index.height}",
        "keyframes": len(index.keyframes),
        "seek": {**summary(ours), "all_ms": ours, "targets": targets},
        "pyav": {**summary(theirs), "all_ms": theirs},
        "seek_ratio_median": statistics.median(ours) / statistics.median(theirs),
        "seek_ratio_p95": summary(ours)["p95_ms"] / summary(theirs)["p95_ms"],
        "step_forward": forward,
        "step_backward": backward,
        "back_steps": back,
        "back_steps_back_to_back": burst,
    }


def judge(found: dict[str, Any]) -> dict[str, bool]:
    """Budgets of one file's measures."""
    return {
        "seek_ratio": found["seek_ratio_median"] <= BUDGET_SEEK_RATIO,
        "step_forward": found["step_forward"]["median_ms"] <= BUDGET_STEP_MS,
        "step_backward": found["step_backward"]["median_ms"] <= BUDGET_STEP_MS,
        **player_backstep.judge(found["back_steps"]),
    }


def rows(kind: str, found: dict[str, Any], checks: dict[str, bool]) -> list[tuple[str, str, str]]:
    """Table rows for one file."""

    def budget(text: str, check: str, p95: float | None = None) -> str:
        verdict = f"{text} {'ok' if checks[check] else 'OVER'}"
        if p95 is not None:
            verdict += f"; p95 {'ok' if p95 <= BUDGET_STEP_MS else 'over'}"
        return verdict

    sk, pv, fw, bw = found["seek"], found["pyav"], found["step_forward"], found["step_backward"]
    name = f".{kind.split('-')[0]} {found['size'].replace('x', '×')}"
    if "gop" in kind:
        name += f" GOP {kind.split('gop')[1]}"
    return [
        (f"{name} paused seek, median / p95", f"{sk['median_ms']:.0f} / {sk['p95_ms']:.0f} ms", ""),
        (f"{name} PyAV direct, median / p95", f"{pv['median_ms']:.0f} / {pv['p95_ms']:.0f} ms", ""),
        (
            f"{name} seek / PyAV, median / p95",
            f"{found['seek_ratio_median']:.2f} / {found['seek_ratio_p95']:.2f}",
            budget(f"median <= {BUDGET_SEEK_RATIO}", "seek_ratio"),
        ),
        (
            f"{name} step +1, median / p95",
            f"{fw['median_ms']:.0f} / {fw['p95_ms']:.0f} ms",
            budget(f"median <= {BUDGET_STEP_MS:.0f} ms", "step_forward", fw["p95_ms"]),
        ),
        (
            f"{name} step −1, median / p95",
            f"{bw['median_ms']:.0f} / {bw['p95_ms']:.0f} ms",
            budget(f"median <= {BUDGET_STEP_MS:.0f} ms", "step_backward", bw["p95_ms"]),
        ),
        *player_backstep.rows(name, found["back_steps"], found["back_steps_back_to_back"], checks),
    ]
