"""Two 720p camera angles played together at 1× for 60 s through the real player.

Both files are cut from one testsrc2 source: A from t = 0 (with audio), B from t = 1 s, so
B's time = A's time − 1000 ms. The panel opens A with B as an angle at offset −1000; after a
seek to frame 60 both play for 60 s of wall time, then pause. Measured: frames delivered by
playback against 60 s × 30 fps (≤ 1 % dropped per angle); B's drift from A + offset on every
main positionChanged, by position (≤ 1 frame outside 0.5 s after the start and each resync)
and, once a second, by picture (which frames are really on screen, found with OpenCV; the
same budget); the longest GUI stall; VLC's display callbacks (Python, under the GIL); CPU;
and, paused, exact frames for the shared time (B = A − 30).

Usage: python -m benchmarks.angles [--seconds S] [--json PATH]
Prints a table and writes JSON (default benchmarks/results/angles.json); the two input
files are generated once with ffmpeg into benchmarks/cache/.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot, qInstallMessageHandler
from PySide6.QtGui import QImage

from benchmarks.player import make_backend
from benchmarks.player_probes import StallMeter, Watch, idle, ms, qt_message, schedstat, timed
from benchmarks.report import print_table, write_json
from eas_coder.gui.player.angles import Angle
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.player import Player
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.gui.player.vlc_backend import VlcBackend
from eas_coder.gui.window.app import application

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "angles.json"
CACHE = HERE / "cache"
FPS = 30
OFFSET_MS = -1000  # B's time = A's time − 1 s
OFFSET_FRAMES = OFFSET_MS * FPS // 1000
GENERATE = (  # {sine}, {start}, {sound}: A with a sine from 0 s, B without sound from 1 s
    "ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 {sine} -ss {start} -t 70 "
    "-c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p {sound}"
)
START_FRAME = 60
PLAY_S = 60.0
SYNC_WINDOW_S = 0.5  # drift right after the start and after each resync is not judged
PICTURE_EVERY_S = 1.0  # how often both pictures are checked against OpenCV
SEARCH = 15  # frames either side of the claimed position
BUDGET_DROPPED_SHARE = 0.01
# one frame; positions are whole ms, so a frame late reads 33 or 34 ms
BUDGET_DRIFT_MS = 1000.0 / FPS + 1.0
DIRECT = Qt.ConnectionType.DirectConnection  # runs in the backend's thread, at emit


def ensure_videos() -> tuple[Path, Path]:
    """Angles A (from source t = 0, with a sine) and B (from t = 1 s), unless cached."""
    paths = (CACHE / "angle-a-70s-720p.mp4", CACHE / "angle-b-70s-720p.mp4")
    for path, start, audio in ((paths[0], 0.0, True), (paths[1], 1.0, False)):
        if path.is_file() and path.stat().st_size > 0:
            continue
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.stem + ".partial" + path.suffix)
        print(f"generating {path} (70 s 1280×720 H.264)…", flush=True)
        sine = "-f lavfi -i sine=frequency=440:sample_rate=48000" if audio else ""
        command = GENERATE.format(sine=sine, start=start, sound="-c:a aac" if audio else "-an")
        subprocess.run([*command.split(), str(partial)], check=True)
        partial.replace(path)
    return paths


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> float | None:
    """Run the event loop until ``condition()``; seconds taken, or None on timeout."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout_s:
            return None
        idle(0.01)
    return time.perf_counter() - started


def usage() -> tuple[float, float, float, int, int]:
    """GUI thread on a CPU and waiting for one (s), process CPU (s), machine busy and total
    jiffies (/proc/stat, all CPUs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    jiffies = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    on_cpu, waiting = schedstat()
    busy = sum(jiffies) - jiffies[3] - jiffies[4]  # minus idle and iowait
    return on_cpu / 1e9, waiting / 1e9, own.ru_utime + own.ru_stime, busy, sum(jiffies)


def load(before: tuple[float, ...], after: tuple[float, ...], wall: float) -> dict[str, Any]:
    """CPU shares over the playback, in % of one core unless named otherwise."""
    d = [b - a for a, b in zip(before, after, strict=True)]
    cpus, machine = os.cpu_count() or 1, d[3] / max(1, d[4])
    return {
        "gui_thread_on_cpu_pct": 100 * d[0] / wall,
        "gui_thread_waiting_for_cpu_pct": 100 * d[1] / wall,
        "process_cpu_pct": 100 * d[2] / wall,
        "cpus": cpus,
        "other_processes_cpu_pct": 100 * (cpus * machine - d[2] / wall),
    }


class Frames(QObject):
    """When a backend emits each frame (in its own thread) and when the GUI gets it.

    An angle is driven frame by frame from its exact-frame decoder, not by its backend:
    for it, the frames shown are what counts.
    """

    def __init__(self, player: Player, shown: bool = False) -> None:
        super().__init__()
        self.emitted: list[float] = []  # perf_counter times
        self.received: list[float] = []
        frames = player.frameShown if shown else player.backend.frameDelivered
        frames.connect(lambda *_: self.emitted.append(time.perf_counter()), DIRECT)
        frames.connect(lambda *_: self.received.append(time.perf_counter()))

    def summary(self, since: float, until: float, delivered: int) -> dict[str, Any]:
        def inside(times: list[float]) -> list[float]:
            return [t for t in times if since <= t <= until]

        got = inside(self.received)
        lags = [ms(b - a) for a, b in zip(self.emitted, self.received, strict=False)
                if since <= b <= until]  # fmt: skip
        expected = round((until - since) * FPS)
        after_first = round((until - got[0]) * FPS) + 1 if got else expected
        return {
            "frames_delivered": delivered,
            "frames_expected": expected,
            "dropped": expected - delivered,
            "dropped_share": (expected - delivered) / expected,
            "dropped_after_first_frame": after_first - delivered,
            "backend_emitted": len(inside(self.emitted)),
            "gui_received": len(got),
            "first_frame_after_play_ms": ms(got[0] - since) if got else float("nan"),
            "longest_gap_ms": max((ms(b - a) for a, b in itertools.pairwise(got)), default=0.0),
            "queue_lag_median_ms": sorted(lags)[len(lags) // 2] if lags else float("nan"),
            "queue_lag_max_ms": max(lags, default=float("nan")),
        }


class Sampler(QObject):
    """On every main positionChanged while playing (connected after the AngleFollower, so
    after any resync it made): the angle's drift by position; every PICTURE_EVERY_S, what
    both pictures on screen are (every 4th pixel, BGR) with the positions they claim."""

    def __init__(self, main: Player, angle: Angle) -> None:
        super().__init__()
        self.main, self.angle = main, angle
        self.active = False
        self.drifts: list[tuple[float, float]] = []
        self.syncs: list[float] = []
        self.pictures: list[tuple[float, int, np.ndarray, int, np.ndarray]] = []
        self.last: list[QImage | None] = [None, None]
        self._resyncs = angle.resyncs
        main.frameShown.connect(lambda image: self.last.__setitem__(0, image))
        angle.player.frameShown.connect(lambda image: self.last.__setitem__(1, image))
        main.positionChanged.connect(self._on_position)

    def start(self) -> None:
        self.active, self.syncs = True, [time.perf_counter()]  # the start is a sync

    @Slot(int, int)
    def _on_position(self, frame: int, _ms: int) -> None:
        if not self.active or not self.main.is_playing():
            return
        now, angle = time.perf_counter(), self.angle
        if angle.resyncs != self._resyncs:
            self._resyncs = angle.resyncs
            self.syncs.append(now)
        drift = angle.player.position_ms() - (self.main.position_ms() + angle.offset_ms)
        self.drifts.append((now, float(drift)))
        main_image, angle_image = self.last
        late = not self.pictures or now - self.pictures[-1][0] >= PICTURE_EVERY_S
        if late and main_image is not None and angle_image is not None:
            position = angle.player.position()
            self.pictures.append((now, frame, thumb(main_image), position, thumb(angle_image)))

    def settled(self, t: float) -> bool:
        return not any(0 <= t - s <= SYNC_WINDOW_S for s in self.syncs)

    def summary(self, paths: tuple[Path, Path], resyncs_before: int) -> dict[str, Any]:
        pics, drifts, settled = self.pictures, self.drifts, self.settled
        a_true = true_frames(paths[0], [(p[1], p[2]) for p in pics])
        b_true = true_frames(paths[1], [(p[3], p[4]) for p in pics])
        off = [b - a - OFFSET_FRAMES for a, b in zip(a_true, b_true, strict=True)]
        return {
            "samples": len(drifts),
            "max_abs_drift_ms": max((abs(d) for _, d in drifts), default=0.0),
            "max_abs_drift_settled_ms": max((abs(d) for t, d in drifts if settled(t)), default=0),
            "settled_samples": sum(settled(t) for t, _ in drifts),
            "samples_over_one_frame": sum(abs(d) > BUDGET_DRIFT_MS for _, d in drifts),
            "resyncs": self.angle.resyncs - resyncs_before,
            "resync_at_s": [round(s - self.syncs[0], 2) for s in self.syncs[1:101]],
            "follower_worst_drift_ms": self.angle.worst_drift_ms,
            "pictures": len(pics),
            "picture_drift_frames": off,
            "picture_drift_settled_frames": [
                f for f, p in zip(off, pics, strict=True) if settled(p[0])
            ],
            "main_picture_minus_position": [t - p[1] for t, p in zip(a_true, pics, strict=True)],
            "angle_picture_minus_position": [t - p[3] for t, p in zip(b_true, pics, strict=True)],
        }


def thumb(image: QImage) -> np.ndarray:
    """Every 4th pixel of every 4th row, BGR as OpenCV decodes it."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)  # VLC's own: no conversion
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    pixels = rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    return pixels[::4, ::4, :3].astype(np.int16)


def true_frames(path: Path, samples: list[tuple[int, np.ndarray]]) -> list[int]:
    """Which frame each picture really is: the closest of position ± SEARCH (OpenCV)."""
    cap, found = cv2.VideoCapture(str(path)), []
    for position, picture in samples:
        first = max(0, position - SEARCH)
        cap.set(cv2.CAP_PROP_POS_FRAMES, first)
        diffs = []
        for _ in range(2 * SEARCH + 1):
            ok, image = cap.read()
            if not ok:
                break
            diffs.append(float(np.abs(image[::4, ::4].astype(np.int16) - picture).mean()))
        found.append(first + int(np.argmin(diffs)))
    cap.release()
    return found


def play_both(
    panel: PlayerPanel, paths: tuple[Path, Path], seconds: float, display: list[float]
) -> dict[str, Any]:
    """Seek to START_FRAME, play ``seconds`` of wall time, pause; everything measured.
    ``display`` collects the durations of VLC's display callbacks (Python, under the GIL)."""
    main, angle = panel.player, panel.angles.angles[0]
    watches = (Watch(main), Watch(angle.player))
    main.seek_frame(START_FRAME)
    if wait_until(lambda: angle.player.position() == START_FRAME + OFFSET_FRAMES) is None:
        raise RuntimeError("the angle did not follow the seek")
    idle(1.0)  # both exact-frame prefetches settled
    frames = (Frames(main), Frames(angle.player, shown=True))
    sampler, stalls, resyncs_before = Sampler(main, angle), StallMeter(), angle.resyncs
    before = usage()
    stalls.start()
    sampler.start()
    display.clear()
    started = time.perf_counter()
    main.play()
    loop, timer = QEventLoop(), QTimer()  # not idle(): a coarse timer, up to 5 % late
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(loop.quit)
    timer.start(round(seconds * 1000))
    loop.exec()
    timer.stop()
    ended = time.perf_counter()
    display = list(display)
    delivered = (main.frames_delivered, angle.frames_shown)
    after = usage()
    sampler.active = False
    for watch in watches:
        watch.reset()
    main.pause()
    stalls.stop()
    exact = wait_until(
        lambda: (
            not main.is_playing()
            and main.position() in watches[0].shown
            # the angle's position is the exact frame it shows (set when that frame arrives)
            and angle.player.position() == main.position() + OFFSET_FRAMES
        ),
        timeout_s=5.0,
    )
    wall, worst = ended - started, stalls.worst(started, ended)
    return {
        "seconds": wall,
        "main": frames[0].summary(started, ended, delivered[0]),
        "angle": frames[1].summary(started, ended, delivered[1]),
        "drift": sampler.summary(paths, resyncs_before),
        "gui_stall_max_ms": worst["gap_ms"],
        "gui_stall_worst": worst,
        "display_callbacks": len(display),
        "display_callback_median_ms": statistics.median(display) if display else 0.0,
        "display_callback_max_ms": max(display, default=0.0),
        "display_callbacks_pct_of_wall": 100 * sum(display) / 1000 / (ended - started),
        **load(before, after, wall),
        "paused": {
            "main_frame": main.position(),
            "angle_frame": angle.player.position(),
            "expected_angle_frame": main.position() + OFFSET_FRAMES,
            "exact": exact is not None,
        },
    }


def judge(result: dict[str, Any]) -> dict[str, bool]:
    """Pass or fail per budget."""
    drift, pictures = result["drift"], result["drift"]["picture_drift_settled_frames"]
    return {
        "main_dropped": result["main"]["dropped_share"] <= BUDGET_DROPPED_SHARE,
        "angle_dropped": result["angle"]["dropped_share"] <= BUDGET_DROPPED_SHARE,
        "drift_settled": drift["max_abs_drift_settled_ms"] <= BUDGET_DRIFT_MS,
        "picture_drift_settled": max(map(abs, pictures), default=0) <= 1,
        "paused_exact": result["paused"]["exact"],
    }


def table(result: dict[str, Any], checks: dict[str, bool]) -> list[tuple[str, str, str]]:
    """The printed rows: (measure, result, budget and verdict)."""
    dr, pa, worst = result["drift"], result["paused"], result["gui_stall_worst"]

    def budget(text: str, check: str) -> str:
        return f"{text}  {'pass' if checks[check] else 'FAIL'}"

    def spread(values: list[int]) -> str:
        low, high = min(values, default=0), max(values, default=0)
        return f"{low:+d}" if low == high else f"{low:+d} … {high:+d}"

    rows = [("playback backend", result["backend"], "")]
    for key, name in (("main", "A (main)"), ("angle", "B (angle)")):
        r = result[key]
        rows += [
            (f"{name}: frames delivered / expected in {result['seconds']:.1f} s",
             f"{r['frames_delivered']} / {r['frames_expected']}", ""),
            (f"{name}: dropped (after its first frame)",
             f"{r['dropped']} ({r['dropped_after_first_frame']})",
             budget(f"{100 * r['dropped_share']:.1f} % <= 1 %", f"{key}_dropped")),
            (f"{name}: play → first frame / longest gap",
             f"{r['first_frame_after_play_ms']:.0f} / {r['longest_gap_ms']:.0f} ms", ""),
            (f"{name}: {result['backend']} emitted / GUI got; queue lag median, max",
             f"{r['backend_emitted']} / {r['gui_received']}; "
             f"{r['queue_lag_median_ms']:.1f}, {r['queue_lag_max_ms']:.0f} ms", ""),
        ]  # fmt: skip
    rows += [
        (f"B − (A {OFFSET_MS:+d}) by position: max |drift| ({dr['samples']} samples)",
         f"{dr['max_abs_drift_ms']:.0f} ms", ""),
        (f"  outside {SYNC_WINDOW_S} s after start/resyncs ({dr['settled_samples']} samples)",
         f"{dr['max_abs_drift_settled_ms']:.1f} ms",
         budget(f"<= {BUDGET_DRIFT_MS:.1f} ms", "drift_settled")),
        ("  samples > 1 frame off / resyncs / Angle.worst_drift_ms",
         f"{dr['samples_over_one_frame']} / {dr['resyncs']} / "
         f"{dr['follower_worst_drift_ms']:.0f} ms", ""),
        (f"B − (A {OFFSET_MS:+d}) by picture, frames: outside windows (all {dr['pictures']})",
         f"{spread(dr['picture_drift_settled_frames'])} ({spread(dr['picture_drift_frames'])})",
         budget("|drift| <= 1 frame", "picture_drift_settled")),
        ("  picture − position() while playing: A / B",
         f"{spread(dr['main_picture_minus_position'])} / "
         f"{spread(dr['angle_picture_minus_position'])}", ""),
        ("longest GUI stall while playing", f"{result['gui_stall_max_ms']:.0f} ms", ""),
        ("  of it: GUI on CPU / waiting for CPU / blocked (GIL?)",
         " / ".join(f"{worst[k]:.0f}" for k in
                    ("on_cpu_ms", "waiting_for_cpu_ms", "blocked_ms")) + " ms", ""),
        ("VLC display callbacks: median / max; GIL held (% of wall)",
         f"{result['display_callback_median_ms']:.1f} / {result['display_callback_max_ms']:.0f} "
         f"ms; {result['display_callbacks_pct_of_wall']:.0f} %", ""),
        ("GUI thread on CPU / waiting for a CPU (% of wall time)",
         f"{result['gui_thread_on_cpu_pct']:.0f} / "
         f"{result['gui_thread_waiting_for_cpu_pct']:.0f} %", ""),
        (f"CPU, % of one core: this process / other processes ({result['cpus']} cores)",
         f"{result['process_cpu_pct']:.0f} / {result['other_processes_cpu_pct']:.0f} %", ""),
        ("paused: A frame / B frame (expected)",
         f"{pa['main_frame']} / {pa['angle_frame']} ({pa['expected_angle_frame']})",
         budget("exact", "paused_exact")),
    ]  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=PLAY_S)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("EAS_CODER_AUDIO", "off")
    video_a, video_b = ensure_videos()
    qInstallMessageHandler(qt_message)
    app = application()
    display: list[float] = []
    with (
        timed(VlcBackend, "_on_display", display),  # bound by the backends made inside
        tempfile.TemporaryDirectory(prefix="eas-bench-cache-") as tmp,
    ):
        backend, backend_name = make_backend()
        panel = PlayerPanel(backend, ThumbnailLoader(Path(tmp)))
        panel.resize(1280, 860)
        panel.show()
        watch = Watch(panel.player, panel.thumbnails)
        panel.open_video(video_a, angles=[(video_b, OFFSET_MS)])
        angle = panel.angles.angles[0]
        watch.wait(lambda: watch.opened_at is not None and angle.player.frame_index is not None)
        watch.wait(lambda: watch.finished_at is not None)  # the strip out of the way
        result: dict[str, Any] = {"videos": [str(video_a), str(video_b)], "offset_ms": OFFSET_MS}
        result |= {
            "backend": backend_name,
            **play_both(panel, (video_a, video_b), args.seconds, display),
        }
        panel.shutdown()
        panel.deleteLater()
        idle(0.05)
    app.processEvents()
    checks = judge(result)
    print_table(table(result, checks))
    write_json(args.json, {**result, "checks": checks, "within_budget": all(checks.values())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
