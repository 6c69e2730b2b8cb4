"""The conformance matrix: every accepted format × both playback backends, paused frames read
back from the pixels on the surface (each clip's frames carry their own numbers).

Per format and backend: 50 random paused seeks, ±1 steps across keyframe boundaries,
Home / End, and segments marked with the window's I / O rule at displayed frames, stored in
a real study and exported to CSV: the exported segment_start_frame / segment_end_frame must
be the frames displayed. Every mismatch is counted; the table goes to
test-artifacts/conformance.md (and the terminal), and every count must be 0.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from eas_coder.exchange.export import export_study
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.location import from_string
from eas_coder.media.frame_index import FrameIndex
from eas_coder.media.probe import fingerprint
from eas_coder.model import VideoInfo
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.gui.player.conftest import open_and_wait, shown_rgb
from tests.media.conformance_clips import (
    CLIPS,
    Clip,
    clips_in,
    damaged_tail_clip,
    last_decodable,
    read_index,
    slug,
)
from tests.support import need_tool

SEEKS = 50
ARTIFACT = Path(__file__).resolve().parents[3] / "test-artifacts" / "conformance.md"
CHECKS = ("random seeks", "±1 steps", "Home/End", "segment stored+exported")
# (format, backend) -> check -> (mismatches, checked)
Results = dict[tuple[str, str], dict[str, tuple[int, int]]]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return clips_in(tmp_path_factory.getbasetemp() / "conformance-clips", need_tool("ffmpeg"))


@pytest.fixture(scope="module")
def results() -> Iterator[Results]:
    """Collects every cell; at the end writes and prints the table."""
    found: Results = {}
    yield found
    table = conformance_table(found)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(table, encoding="utf-8")
    print(f"\n{table}")


def conformance_table(found: Results) -> str:
    lines = [
        "| format | backend | " + " | ".join(CHECKS) + " |",
        "|---|---|" + "---|" * len(CHECKS),
    ]
    for (name, backend), cells in found.items():
        row = [f"{cells[c][0]} / {cells[c][1]}" if c in cells else "not run" for c in CHECKS]
        lines.append(f"| {name} | {backend} | " + " | ".join(row) + " |")
    total = sum(m for cells in found.values() for m, _n in cells.values())
    checked = sum(n for cells in found.values() for _m, n in cells.values())
    lines.append("")
    lines.append(f"mismatches / checks: {total} / {checked} (a cell: mismatches / checks)")
    return "\n".join(lines) + "\n"


class Driver:
    """Moves the paused player and reads the frame number off the picture on the surface."""

    def __init__(self, qtbot: QtBot, panel: PlayerPanel) -> None:
        self.qtbot, self.panel = qtbot, panel

    def go(self, action: Callable[[], None], expected: int) -> int:
        """Do a transport action; the number the shown picture carries (-1: no picture)."""
        player = self.panel.player
        with self.qtbot.waitSignal(
            player.positionChanged,
            timeout=10_000,
            check_params_cb=lambda frame, _ms: frame == expected,
        ):
            action()
        label = self.panel.transport.frameLabel.text()
        if not label.startswith(f"frame {expected} /") or player.position() != expected:
            return -2  # the label says another frame: a mismatch too
        image = self.panel.surface.image()
        return -1 if image.isNull() else read_index(shown_rgb(self.panel))


def _check(driver: Driver, moves: list[tuple[Callable[[], None], int]]) -> tuple[int, int]:
    wrong = sum(1 for action, expected in moves if driver.go(action, expected) != expected)
    return wrong, len(moves)


def _steps(panel: PlayerPanel, index: FrameIndex) -> list[tuple[Callable[[], None], int]]:
    """Seek two before a keyframe, step over it and back, for the first keyframes."""
    player = panel.player
    moves: list[tuple[Callable[[], None], int]] = []
    for key in [k for k in index.keyframes if k >= 2][:3]:
        moves.append((lambda k=key: player.seek_frame(k - 2), key - 2))
        here = key - 2
        for delta in (1, 1, 1, 1, -1, -1, -1, -1, -1):
            here = index.clamp(here + delta)
            moves.append((lambda d=delta: player.step(d), here))
    return moves


def _segment_check(driver: Driver, path: Path, index: FrameIndex, tmp: Path) -> tuple[int, int]:
    """I at a displayed frame, O at a later one (the window's rule), stored and exported:
    the exported frame numbers are the frames that were on screen."""
    player = driver.panel.player
    last = index.frame_count - 1
    marked: list[tuple[int, int, int, int]] = []  # shown at I, shown at O, start ms, end ms
    key = index.keyframes[len(index.keyframes) // 2] or last // 2  # apart from both ends
    for first, final in ((0, 3), (key - 1, key), (last - 2, last)):
        shown_in = driver.go(lambda f=first: player.seek_frame(f), first)
        start = player.position_ms()  # coding_controller.mark_in_here
        shown_out = driver.go(lambda f=final: player.seek_frame(f), final)
        frame = player.position()  # coding_controller.mark_out_here
        end = index.time_ms(frame + 1) if frame + 1 < index.frame_count else index.duration_ms
        marked.append((shown_in, shown_out, start, end))
    with Study.create(from_string(tmp / "s.sqlite"), load_scheme("eas-direct"), "F") as study:
        ana = study.coders.add("Ana")
        info = VideoInfo(
            duration_ms=index.duration_ms,
            fps=index.fps,
            frame_count=index.frame_count,
            width=index.width,
            height=index.height,
            file_size=path.stat().st_size,
            fingerprint=fingerprint(path),
        )
        video = study.videos.add("P01", "T1", path, info, False, name=path.name)
        for _in, _out, start, end in marked:
            study.segments.add(video.id, ana.id, start, end)
        stored = sorted((s.start_ms, s.end_ms) for s in study.segments.all())
        export_study(study, tmp / "out.csv")
    with (tmp / "out-Segments.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    exported = {
        (round(float(r["start_s"]) * 1000), round(float(r["end_s"]) * 1000)): (
            int(float(r["segment_start_frame"])),
            int(float(r["segment_end_frame"])),
        )
        for r in rows
    }
    wrong = 0
    for (shown_in, shown_out, start, end), key in zip(marked, stored, strict=False):
        wrong += int((start, end) not in exported or key not in exported)
        wrong += int(exported.get((start, end)) != (shown_in, shown_out))
        # the stored ms map back to the displayed frames through the frame index too
        wrong += int(index.index_at(start) != shown_in)
    return wrong, 3 * len(marked)


@pytest.mark.parametrize("clip", CLIPS, ids=slug)
def test_conformance(
    qtbot: QtBot,
    panel: PlayerPanel,
    backend_name: str,
    clip: Clip,
    clips: dict[str, Path],
    results: Results,
    tmp_path: Path,
) -> None:
    path = clips[clip.name]
    open_and_wait(qtbot, panel, path)
    index = panel.player.frame_index
    assert index is not None
    player, driver = panel.player, Driver(qtbot, panel)
    cells = results.setdefault((clip.name, backend_name), {})
    rng = random.Random(f"{clip.name}/{backend_name}")
    picks = [rng.randrange(index.frame_count) for _ in range(SEEKS)]
    cells["random seeks"] = _check(driver, [(lambda t=t: player.seek_frame(t), t) for t in picks])
    cells["±1 steps"] = _check(driver, _steps(panel, index))
    last = index.frame_count - 1
    ends: list[tuple[Callable[[], None], int]] = [
        (player.go_to_end, last),
        (lambda: player.step(-1), last - 1),
        (lambda: player.step(1), last),
        (player.go_to_start, 0),
        (lambda: player.step(1), 1),
        (lambda: player.step(-1), 0),
        (player.go_to_end, last),
    ]
    cells["Home/End"] = _check(driver, ends)
    cells["segment stored+exported"] = _segment_check(driver, path, index, tmp_path)
    assert {c: m for c, (m, _n) in cells.items() if m} == {}, f"{clip.name} on {backend_name}"


def test_end_on_a_damaged_tail_lands_on_the_last_decodable_frame(
    qtbot: QtBot, panel: PlayerPanel, tmp_path: Path
) -> None:
    """End, and → past the last decodable frame, show that frame under its own number
    (as End does on a Matroska file without a frame count), not "cannot be decoded"."""
    path = damaged_tail_clip(tmp_path, need_tool("ffmpeg"))
    good = last_decodable(path)
    open_and_wait(qtbot, panel, path)
    index = panel.player.frame_index
    assert index is not None and good < index.frame_count - 1
    player, driver = panel.player, Driver(qtbot, panel)
    assert driver.go(player.go_to_end, good) == good, panel.surface.message()
    assert driver.go(lambda: player.step(-1), good - 1) == good - 1
    assert driver.go(lambda: player.step(1), good) == good
    assert driver.go(lambda: player.step(1), good) == good  # no further: nothing decodes
    assert panel.surface.message() == ""
    assert driver.go(lambda: player.step(-1), good - 1) == good - 1
