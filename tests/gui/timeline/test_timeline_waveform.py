"""The waveform lane on the timeline, and the loader that makes waveforms off the GUI thread.

Pixels are read from ``grab()`` (offscreen, device pixel ratio 1): a column "shows" sound
where more than a few of its lane pixels have the waveform's colour (silence is a one-pixel
centre line).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

import eas_coder.gui.timeline.timeline as timeline_module
import eas_coder.media.waveform as waveform_module
from eas_coder.gui.player.waveform_loader import WaveformLoader
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H, TRACK_H
from eas_coder.gui.timeline.timeline import PLAYHEAD_HALF, Timeline
from eas_coder.gui.timeline.tracks import TimelineSegment, TimelineTrack
from eas_coder.gui.timeline.waveform import WAVE_H, wave_color
from eas_coder.gui.window.app import application
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.waveform import Waveform, compute_waveform
from tests.media.test_waveform import BURST_MS, make_media

WIDTH = 1000
LANE_TOP = RULER_H + STRIP_H
LEFT_BUTTON = timeline_module.Qt.MouseButton.LeftButton
LOUD_PX = 4  # more waveform pixels than this in a column: sound, not the centre line


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("timeline-waveform")
    return {
        "burst": make_media(folder / "burst.mp4"),
        "silent": make_media(folder / "silent.mp4", "0"),
        "mute": make_media(folder / "mute.mp4", None),
        "long": make_media(
            folder / "long.m4a", "0.5*sin(2*PI*220*t)|0.5*sin(2*PI*330*t)", False, 90
        ),
    }


@pytest.fixture(scope="module")
def burst(media: dict[str, Path]) -> tuple[FrameIndex, Waveform]:
    waveform = compute_waveform(media["burst"])
    assert waveform is not None
    return read_frame_index(media["burst"]), waveform


@pytest.fixture
def timeline(qtbot: QtBot, burst: tuple[FrameIndex, Waveform]) -> Timeline:
    """The 3-s burst video in a 1000-px timeline, with one editable track."""
    application()
    widget = Timeline()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, 150)
    widget.show()
    qtbot.waitExposed(widget)
    index, _waveform = burst
    widget.set_media(index.duration_ms, index.times_ms)
    widget.set_tracks([TimelineTrack("me", (TimelineSegment(500, 1000, "x", 7),), editable=True)])
    return widget


def lane_heights(widget: Timeline) -> list[int]:
    """Per x, how many pixels of the lane have the waveform's colour."""
    image = widget.grab().toImage()
    ink = wave_color(widget.palette())
    return [
        sum(image.pixelColor(x, y) == ink for y in range(LANE_TOP, LANE_TOP + WAVE_H))
        for x in range(image.width())
    ]


def loud_columns(widget: Timeline) -> list[int]:
    return [x for x, h in enumerate(lane_heights(widget)) if h > LOUD_PX]


@pytest.mark.parametrize("span_ms", [0, 2_000, None])  # the deepest zoom, 2 s, the whole tape
def test_the_burst_starts_at_its_time_at_every_zoom(
    timeline: Timeline, burst: tuple[FrameIndex, Waveform], span_ms: int | None
) -> None:
    timeline.set_waveform(burst[1])
    if span_ms is not None:
        timeline.set_visible_range(1_400, 1_400 + span_ms)  # clamped to the deepest zoom
    start, end = timeline.visible_range()
    if span_ms == 0:
        assert end - start < 1000  # about 0.8 s over 1000 px: more than a pixel per ms
    loud = loud_columns(timeline)
    assert loud, "no sound drawn"
    assert abs(loud[0] - timeline.x_of(BURST_MS)) <= 1
    assert abs(loud[-1] - timeline.x_of(BURST_MS + 100)) <= 2
    # before it only the centre line (AAC's pre-echo may add a pixel in the last few ms); the
    # playhead at 0 hides the first pixels of the whole-tape view
    quiet = lane_heights(timeline)[PLAYHEAD_HALF : int(timeline.x_of(BURST_MS - 10))]
    assert quiet and all(h in (1, 2) for h in quiet)


def test_the_lane_sits_between_the_strip_and_the_tracks(
    timeline: Timeline, burst: tuple[FrameIndex, Waveform], qtbot: QtBot
) -> None:
    minimum = timeline.minimumHeight()
    timeline.set_waveform(burst[1])
    assert timeline.waveform() is burst[1]
    assert timeline.sizeHint().height() == RULER_H + STRIP_H + WAVE_H + TRACK_H + 4
    assert timeline.minimumHeight() == minimum + WAVE_H
    row_y = LANE_TOP + WAVE_H + TRACK_H // 2  # the editable track, moved down
    x = round(timeline.x_of(750))
    with qtbot.waitSignal(timeline.segmentClicked) as clicked:
        qtbot.mouseClick(timeline, LEFT_BUTTON, pos=QPoint(x, row_y))
    assert clicked.args == [7]
    # the segment's end edge can still be dragged, at its new height
    edge = round(timeline.x_of(1000))
    with qtbot.waitSignal(timeline.segmentEdgeMoved) as moved:
        qtbot.mousePress(timeline, LEFT_BUTTON, pos=QPoint(edge, row_y))
        qtbot.mouseMove(timeline, QPoint(edge + 100, row_y))
        qtbot.mouseRelease(timeline, LEFT_BUTTON, pos=QPoint(edge + 100, row_y))
    assert moved.args[0] == 7 and moved.args[2] > 1000
    # a click in the lane seeks, like the strip
    with qtbot.waitSignal(timeline.seekRequested):
        qtbot.mouseClick(timeline, LEFT_BUTTON, pos=QPoint(x, LANE_TOP + WAVE_H // 2))


def _image(widget: Timeline) -> QImage:
    return widget.grab().toImage()


def test_a_silent_track_says_so_and_no_track_shows_no_lane(
    timeline: Timeline, media: dict[str, Path], burst: tuple[FrameIndex, Waveform]
) -> None:
    silent = compute_waveform(media["silent"])
    assert silent is not None and silent.silent and silent.label == "audio: silent"
    hint, before = timeline.sizeHint(), _image(timeline)
    timeline.set_waveform(silent)  # a track is there: its lane says it is silent
    assert timeline.sizeHint().height() > hint.height()
    lane = _image(timeline).copy(0, LANE_TOP + 1, 200, WAVE_H - 2)
    ink = {lane.pixel(x, y) for x in range(lane.width()) for y in range(lane.height())}
    assert len(ink) > 2  # the words' pixels, not an empty band
    timeline.set_waveform(burst[1])
    assert _image(timeline) != before
    timeline.set_waveform(None)
    assert timeline.sizeHint() == hint and _image(timeline) == before


def test_set_media_clears_the_waveform(
    timeline: Timeline, burst: tuple[FrameIndex, Waveform]
) -> None:
    hint = timeline.sizeHint()
    timeline.set_waveform(burst[1])
    timeline.set_media(burst[0].duration_ms, burst[0].times_ms)
    assert timeline.waveform() is None
    assert timeline.sizeHint().height() <= hint.height()
    assert not loud_columns(timeline)


def test_the_lane_is_part_of_the_cached_layers(
    timeline: Timeline, burst: tuple[FrameIndex, Waveform], monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline.set_waveform(burst[1])
    timeline.grab()
    renders: list[int] = []
    columns: list[int] = []
    real_render, real_columns = timeline_module.render_static, Waveform.columns
    monkeypatch.setattr(
        timeline_module, "render_static", lambda *a: renders.append(1) or real_render(*a)
    )
    monkeypatch.setattr(Waveform, "columns", lambda *a: columns.append(1) or real_columns(*a))
    for ms in (200, 1_500, 2_900):
        timeline.set_position(ms)
        timeline.grab()
    assert renders == [] and columns == []  # playhead moves reuse the pixmap
    timeline.zoom_in()
    timeline.grab()
    assert renders == [1] and columns == [1]
    timeline.set_visible_range(2_000, 2_500)  # scrolling rebuilds it too
    timeline.grab()
    assert renders == [1, 1]


# -- the loader ---------------------------------------------------------------------------


def test_loader_delivers_the_waveform_and_caches_it(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    application()
    loader = WaveformLoader(tmp_path / "waveforms")
    with qtbot.waitSignal(loader.ready, timeout=10_000) as ready:
        generation = loader.start(media["burst"])
    assert ready.args[0] == generation == 1
    waveform = ready.args[1]
    assert isinstance(waveform, Waveform) and not waveform.silent
    assert loader.wait() and not loader.is_busy()
    assert len(list((tmp_path / "waveforms").glob("*.npz"))) == 1

    def no_decoding(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("decoded although cached")

    # the loader looks the function up in its module when it runs (loaded on first use)
    monkeypatch.setattr(waveform_module, "compute_waveform", no_decoding)
    with qtbot.waitSignal(loader.ready, timeout=10_000) as again:
        second = loader.start(media["burst"])
    assert again.args[0] == second == 2
    cached = again.args[1]
    assert isinstance(cached, Waveform) and cached.duration_ms == waveform.duration_ms


def _nice(native_id: int | None) -> int | None:
    """A thread's nice value (Linux: per thread), None once it has ended."""
    try:
        return os.getpriority(os.PRIO_PROCESS, native_id or 0)
    except OSError:
        return None


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="nice per thread: Linux")
def test_the_loader_runs_at_the_gui_threads_priority(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path
) -> None:
    """A thread that runs Python holds the interpreter's lock between its own pieces of work.
    Niced below the GUI thread, at load it waited 60 ms and more for a CPU while holding the
    lock, and the window waited with it (a 61-ms stall of a switch of videos, issue 18)."""
    application()
    loader = WaveformLoader(tmp_path / "waveforms")
    with qtbot.waitSignal(loader.ready, timeout=10_000):
        loader.start(media["long"])
    gui = _nice(threading.get_native_id())
    workers = {t.name: _nice(t.native_id) for t in threading.enumerate()}
    assert workers["waveform"] == gui, workers  # the loader's thread lives on between files


def test_separate_audio_is_placed_by_its_offset(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path
) -> None:
    """An attachment's offset is added to the video's time to get the audio file's time:
    with +400 ms, the burst at 1.5 s of the audio plays at 1.1 s of the video."""
    application()
    loader = WaveformLoader(tmp_path)
    for _cold_then_cached in range(2):
        with qtbot.waitSignal(loader.ready, timeout=10_000) as ready:
            loader.start(media["burst"], offset_ms=400)
        waveform = ready.args[1]
        assert isinstance(waveform, Waveform)
        assert waveform.start_offset_ms == -400.0
        _mins, maxs = waveform.columns(1_000, 1_200, 200)
        assert abs(int(np.argmax(maxs > 0.5)) - 100) <= 1


@pytest.mark.parametrize("name", ["mute", "missing", "text"])
def test_loader_reports_none_without_audio(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path, name: str
) -> None:
    application()
    path = media.get(name, tmp_path / f"{name}.mp4")
    if name == "text":
        path.write_text("hello\n", encoding="utf-8")
    loader = WaveformLoader(tmp_path / "cache")
    with qtbot.waitSignal(loader.ready, timeout=10_000) as ready:
        generation = loader.start(path)
    assert ready.args == [generation, None]


def test_cancel_and_restart_report_only_the_latest_job(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path
) -> None:
    application()
    loader = WaveformLoader(tmp_path)
    seen: list[int] = []
    loader.ready.connect(lambda generation, _w: seen.append(generation))
    first = loader.start(media["long"])
    second = loader.start(media["burst"])  # cancels the first
    qtbot.waitUntil(lambda: second in seen, timeout=10_000)
    third = loader.start(media["long"])
    loader.cancel()
    assert not loader.is_busy()
    assert loader.wait()
    qtbot.wait(100)
    assert seen == [second] and first not in seen and third not in seen


def test_loading_never_freezes_the_gui(
    qtbot: QtBot, media: dict[str, Path], tmp_path: Path
) -> None:
    """90 s of stereo AAC decoded while a 10-ms timer ticks on the GUI thread."""
    application()
    loader = WaveformLoader(tmp_path)
    ticks: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    with qtbot.waitSignal(loader.ready, timeout=20_000) as ready:
        loader.start(media["long"])
    ticks.append(time.perf_counter())
    timer.stop()
    assert isinstance(ready.args[1], Waveform)
    assert len(ticks) > 5
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.25  # never froze
