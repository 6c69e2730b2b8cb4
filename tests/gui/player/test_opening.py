"""Opening and switching videos leaves the GUI thread free, and stepping back never misses.

What runs where is recorded, not timed: every PyAV open (frame index, first frame, the
exact-frame decoder, thumbnails) and libVLC's stop of the last video's input must happen on
a thread other than the GUI thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import av
import pytest
from pytestqt.qtbot import QtBot

from eas_coder.gui.player.panel import PlayerPanel
from tests.gui.player.conftest import open_and_wait
from tests.gui.thread_starts import gui_thread_starts


def _record_threads(monkeypatch: pytest.MonkeyPatch, panel: PlayerPanel) -> list[str]:
    """Wrap PyAV's open and libVLC's stop; the names of the threads that call them."""
    seen: list[str] = []
    original_open = av.open

    def recording_open(*args: Any, **kwargs: Any) -> Any:
        seen.append(f"av.open on {threading.current_thread().name}")
        return original_open(*args, **kwargs)

    monkeypatch.setattr(av, "open", recording_open)
    if panel.player.backend.name == "vlc":  # Qt Multimedia stops asynchronously itself
        vlc_player = panel.player.backend._player
        original_stop = type(vlc_player).stop

        def recording_stop(self: Any) -> Any:
            seen.append(f"vlc stop on {threading.current_thread().name}")
            return original_stop(self)

        monkeypatch.setattr(type(vlc_player), "stop", recording_stop)
    return seen


def test_switching_videos_opens_decoders_off_the_gui_thread(
    qtbot: QtBot,
    panel: PlayerPanel,
    generated_videos: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = generated_videos["cfr-short-gop"], generated_videos["cfr-long-gop"]
    open_and_wait(qtbot, panel, first)
    panel.player.play()  # a running input for the backend to stop on the switch
    qtbot.waitUntil(lambda: panel.player.frames_delivered > 3, timeout=10_000)
    panel.player.pause()
    seen = _record_threads(monkeypatch, panel)
    open_and_wait(qtbot, panel, second)
    assert any(call.startswith("av.open") for call in seen)
    on_gui = [call for call in seen if call.endswith(f"on {threading.main_thread().name}")]
    assert on_gui == [], f"ran on the GUI thread: {on_gui}"
    # the new video plays after the old input was stopped in the background
    panel.player.play()
    qtbot.waitUntil(lambda: panel.player.frames_delivered > 3, timeout=10_000)
    panel.player.pause()


def test_a_fast_switch_ends_on_the_last_video(
    qtbot: QtBot, panel: PlayerPanel, generated_videos: dict[str, Path]
) -> None:
    a, b, c = (generated_videos[name] for name in ("cfr-short-gop", "vfr", "cfr-long-gop"))
    opened: list[int] = []
    panel.player.mediaOpened.connect(lambda index: opened.append(index.frame_count))
    with qtbot.waitSignal(panel.player.mediaOpened, timeout=15_000):
        for path in (a, b, c):
            panel.open_video(path)
    qtbot.wait(300)  # anything stale still on its way would arrive now
    assert panel.player.path == c
    index = panel.player.frame_index
    assert index is not None and index.frame_count == 180  # c: 6 s at 30 fps
    assert opened == [180], "a stale load reached the window"
    assert panel.transport.frameLabel.text().startswith("frame 0 / 179")


def test_keys_pressed_while_opening_wait_and_say_so(
    qtbot: QtBot, panel: PlayerPanel, generated_videos: dict[str, Path]
) -> None:
    panel.open_video(generated_videos["cfr-long-gop"])
    assert panel.player.is_loading()
    assert panel.transport.frameLabel.text() == "opening…"
    for _ in range(3):
        panel.player.step(1)
    assert panel.transport.frameLabel.text() == "opening… then a step of +3 frames"
    qtbot.waitUntil(lambda: panel.player.position() == 3, timeout=15_000)
    assert not panel.player.is_loading()
    assert panel.transport.frameLabel.text().startswith("frame 3 /")


def test_stepping_back_150_frames_on_a_gop_150_clip_hits_the_cache(
    qtbot: QtBot, panel: PlayerPanel, generated_videos: dict[str, Path]
) -> None:
    """cfr-long-gop: 180 frames, keyframes at 0 and 150. From frame 170, once the worker
    has come to rest, every one of 150 steps back is served from the cache."""
    player = panel.player
    open_and_wait(qtbot, panel, generated_videos["cfr-long-gop"])
    player.seek_frame(170)
    qtbot.waitUntil(lambda: player.position() == 170, timeout=10_000)
    assert player.wait_decoder_idle(30.0)
    served, misses = player.cache_stats()
    for expected in range(169, 19, -1):
        player.step(-1)
        qtbot.waitUntil(lambda expected=expected: player.position() == expected, timeout=5_000)
    assert player.cache_stats() == (served + 150, misses)


def test_the_first_video_opened_starts_no_job_thread_on_the_gui_thread(
    qtbot: QtBot,
    panel: PlayerPanel,
    generated_videos: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job threads start with the panel (its first turn of the event loop), so not even
    the first video a coder opens waits for them to start."""
    qtbot.wait(50)  # the window's first turns of the event loop, as before a person clicks
    started = gui_thread_starts(monkeypatch)
    open_and_wait(qtbot, panel, generated_videos["cfr-short-gop"])
    qtbot.waitUntil(lambda: not panel.thumbnails.is_busy(), timeout=20_000)
    assert panel.waveforms.wait()
    for job in ("thumbnails", "tiles", "waveform"):
        assert job not in started, started


def test_switching_videos_starts_no_thread_on_the_gui_thread(
    qtbot: QtBot,
    panel: PlayerPanel,
    generated_videos: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: ``Thread.start`` waits until the new thread has run, 7-13 ms each on a busy
    machine; a switch started three (thumbnails, tiles, waveform). Their job threads are
    started with the first video and reused: later switches start none, and still make the
    new video's thumbnails and waveform."""
    first, second, third = (generated_videos[n] for n in ("cfr-short-gop", "cfr-long-gop", "vfr"))
    open_and_wait(qtbot, panel, first)
    qtbot.waitUntil(lambda: not panel.thumbnails.is_busy(), timeout=20_000)
    started = gui_thread_starts(monkeypatch)
    made: list[int] = []
    panel.thumbnails.finished.connect(lambda generation, _cached: made.append(generation))
    for path in (second, third):
        open_and_wait(qtbot, panel, path)
        generation = panel.thumbnails._generation
        qtbot.waitUntil(lambda g=generation: g in made, timeout=20_000)  # type: ignore[misc]
    for job in ("thumbnails", "tiles", "waveform"):
        assert job not in started, started
    assert panel.waveforms.wait() and not panel.waveforms.is_busy()
