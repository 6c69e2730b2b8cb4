"""Switching videos after playing one with libVLC: the last video's stop runs on a thread of
its own (it joins VLC's input and decoder threads: 100-300 ms after an MPEG stream played),
and the GUI thread must not wait for it meanwhile. A call into the libVLC player while it
stops waits for the stop: the player's rate, set when the next video's frame index arrived,
held a switch to a .mpg for 110-170 ms (``benchmarks/player.py``, issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from eas_coder.gui.player.vlc_backend import VlcBackend
from eas_coder.gui.window.app import application
from eas_coder.media.frame_index import read_frame_index
from tests.gui.player.conftest import make_backend


class _NotedCalls:
    """The libVLC media player, every call to it noted by name (then made)."""

    def __init__(self, player: Any) -> None:
        self.player = player
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.player, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return found(*args, **kwargs)

        return call


def test_a_rate_set_while_the_last_video_stops_waits_for_the_next_play(
    qtbot: QtBot, generated_videos: dict[str, Path]
) -> None:
    application()
    backend = make_backend("vlc")
    assert isinstance(backend, VlcBackend)
    path = generated_videos["cfr-short-gop"]
    index = read_frame_index(path)
    backend.open(path, index)
    with qtbot.waitSignal(backend.frameDelivered, timeout=10_000):
        backend.play()
    backend.close()  # the next video is chosen: the played one stops on its own thread
    noted = _NotedCalls(backend._player)
    backend._player = noted
    backend.open(path, index)  # its frame index arrived: the player's rate is set again
    backend.set_rate(1.5)
    assert noted.calls == []  # nothing asked of libVLC while the last video stops
    with qtbot.waitSignal(backend.frameDelivered, timeout=10_000):
        backend.play()
    assert "set_rate" in noted.calls  # the rate reaches the next input
    qtbot.waitUntil(lambda: abs(noted.player.get_rate() - 1.5) < 0.01, timeout=5_000)
    backend.release()
