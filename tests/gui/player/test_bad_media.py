"""Files that are not playable videos: a clear message in the window, never a traceback."""

from __future__ import annotations

import itertools
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from eas_coder.gui.player.panel import PlayerPanel
from tests.gui.player.conftest import open_and_wait
from tests.support import need_tool


def _text(path: Path) -> None:
    path.write_text("participant,score\nD001,5\n", encoding="utf-8")


def _png(path: Path) -> None:
    ok, data = cv2.imencode(".png", np.full((48, 64, 3), 200, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _audio_only(path: Path) -> None:
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300"]
    subprocess.run([*command, "-t", "1", "-c:a", "aac", "-f", "mp4", str(path)], check=True)


def _truncated(path: Path, good: Path) -> None:
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # mp4 index (moov) is at the end: it is lost


# what the file is -> how to make it, and words the message must contain
CASES = {
    "text named .mp4": (_text, "cannot be read as a video"),
    "png named .mp4": (_png, "still image (PNG)"),
    "zero bytes": (_empty, "empty"),
    "audio only": (_audio_only, "no video stream"),
    "truncated": (_truncated, "cannot be read as a video"),
    "missing": (None, "not found"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_media_shows_a_message_and_the_player_recovers(
    qtbot: QtBot,
    panel: PlayerPanel,
    generated_videos: dict[str, Path],
    tmp_path: Path,
    case: str,
) -> None:
    make, words = CASES[case]
    bad = tmp_path / f"{case.replace(' ', '-')}.mp4"
    good = generated_videos["cfr-short-gop"]
    if make is _truncated:
        _truncated(bad, good)
    elif make is not None:
        make(bad)
    ticks: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    with qtbot.waitSignal(panel.mediaFailed, timeout=10_000) as failure:
        panel.open_video(bad)
    ticks.append(time.perf_counter())
    timer.stop()
    message = str(failure.args[0])
    assert bad.name in message and words in message, message
    assert words in panel.surface.message() and panel.surface.image().isNull()
    assert panel.transport.frameLabel.text() == "frame –"
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.25  # never froze
    # the same player then plays a good file
    open_and_wait(qtbot, panel, good)
    assert panel.surface.message() == ""
