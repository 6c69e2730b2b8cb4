"""Pure timeline helpers: tick steps, labels, frame snapping and view limits."""

from __future__ import annotations

import pytest

from eas_coder.gui.timeline.ruler import (
    FRAME_STEPS,
    TIME_STEPS,
    boundary_after,
    boundary_before,
    choose_step,
    clamp_view,
    format_clock,
    format_tick,
    frame_index_at,
    median_frame_ms,
    nearest_boundary,
    nearest_index,
    ruler_ticks,
    snap_to_frame,
    tick_times,
)

WIDTH = 1000
TWENTY_MIN = 20 * 60 * 1000


def test_whole_tape_of_twenty_minutes_ticks_in_minutes() -> None:
    step = choose_step(WIDTH / TWENTY_MIN, frame_ms=40.0)
    assert not step.frame_based
    assert step.major_ms >= 60_000
    assert step.major_ms * WIDTH / TWENTY_MIN >= 80
    assert step.major_ms == 120_000  # 2 min every 100 px (1 min would be only 50 px apart)
    assert choose_step(WIDTH / TWENTY_MIN, 40.0, min_label_px=110).major_ms == 300_000


def test_the_smallest_step_that_leaves_room_is_chosen() -> None:
    for px_per_ms in (1e-4, 3e-4, 1e-3, 0.01, 0.05, 0.3, 2.0):
        step = choose_step(px_per_ms)
        majors = [m for m, _ in TIME_STEPS]
        i = majors.index(int(step.major_ms))
        assert step.major_ms * px_per_ms >= 80
        assert i == 0 or majors[i - 1] * px_per_ms < 80
        assert step.major_ms % step.minor_ms == 0


def test_frame_zoom_uses_frame_steps() -> None:
    step = choose_step(1.0, frame_ms=40.0)  # 40 px per frame
    assert step.frame_based and step.frames == 2 and step.major_ms == 80
    assert choose_step(1.0, frame_ms=40.0, min_label_px=130).frames == 5
    assert choose_step(0.25, frame_ms=40.0).frames == 10  # 10 px per frame
    assert not choose_step(0.1, frame_ms=40.0).frame_based  # 4 px per frame: time steps
    assert choose_step(1.0).major_ms == 100  # no frame times: 100 ms
    assert {f for f, _ in FRAME_STEPS} == {1, 2, 5, 10}


def test_step_beyond_the_ladder_is_whole_hours() -> None:
    step = choose_step(80 / (3 * 3_600_000))
    assert step.major_ms == 3 * 3_600_000


@pytest.mark.parametrize(
    ("ms", "step", "hours", "text"),
    [
        (0, 60_000, False, "0:00"),
        (754_000, 1000, False, "12:34"),
        (754_321, 100, False, "12:34.321"),
        (4_980, 0, False, "0:04.980"),
        (3_723_000, 60_000, True, "1:02:03"),
        (3_723_040, 40, True, "1:02:03.040"),
        (300_000, 300_000, True, "0:05:00"),
    ],
)
def test_tick_labels(ms: int, step: int, hours: bool, text: str) -> None:
    assert format_tick(ms, step, hours) == text


def test_clock_text() -> None:
    assert format_clock(3_723_456) == "01:02:03.456"
    assert format_clock(-5) == "00:00:00.000"


def test_ticks_at_frame_zoom_are_frame_starts_labelled_with_numbers() -> None:
    frames = [i * 40.0 for i in range(100)]
    step = choose_step(1.0, frame_ms=40.0)
    ticks = ruler_ticks(400, 1400, step, frames)
    assert [t for t, _ in ticks] == frames[10:36]
    labels = dict(ticks)
    assert labels[400.0] == "#10 0:00.400"
    assert labels[440.0] is None
    assert labels[480.0] == "#12 0:00.480"


def test_time_ticks_have_minor_ticks_between_labels() -> None:
    step = choose_step(WIDTH / TWENTY_MIN, min_label_px=110)
    ticks = ruler_ticks(0, TWENTY_MIN, step)
    labelled = [t for t, label in ticks if label]
    assert labelled == [n * 300_000.0 for n in range(5)]
    assert dict(ticks)[300_000.0] == "5:00"
    assert len(ticks) == TWENTY_MIN // step.minor_ms + 1
    assert tick_times(950, 2100, 500) == [1000, 1500, 2000]


def test_variable_frame_rate_lookup_and_snapping() -> None:
    frames = [0.0, 33.3, 70.0, 100.1, 166.7]
    # Half a millisecond of slack: a frame start rounded to whole ms still finds its frame.
    assert [frame_index_at(frames, t) for t in (0, 32, 33, 69.4, 69.9, 100, 166, 500)] == [
        0, 0, 1, 1, 2, 3, 3, 4
    ]  # fmt: skip
    assert snap_to_frame(frames, 120, max_ms=166.7) == 100
    assert snap_to_frame(frames, 10_000, max_ms=166.7) == 167
    assert snap_to_frame(frames, -50, max_ms=166.7) == 0
    assert snap_to_frame([], 123.4, max_ms=100) == 100
    assert snap_to_frame(frames, snap_to_frame(frames, 40, 200), 200) == 33  # stable
    assert nearest_boundary(frames, 60, 200) == 70
    assert nearest_boundary(frames, 40, 200) == 33
    assert nearest_boundary(frames, 190, 200) == 200
    assert median_frame_ms(frames) == pytest.approx(35.0)  # of 33.3, 36.7, 30.1, 66.6
    assert median_frame_ms([]) == 40.0


def test_nearest_index_and_view_clamping() -> None:
    assert [nearest_index([0, 100, 200], t) for t in (-5, 49, 51, 160, 999)] == [0, 0, 1, 2, 2]
    assert clamp_view(-100, 5000, 60_000, 1000) == (0, 5000)
    assert clamp_view(58_000, 5000, 60_000, 1000) == (55_000, 5000)
    assert clamp_view(100, 10, 60_000, 1000) == (100, 1000)
    assert clamp_view(100, 1e9, 60_000, 1000) == (0, 60_000)
    assert clamp_view(0, 10, 500, 1000) == (0, 500)  # shorter than the deepest zoom


def test_frame_boundaries_before_and_after_a_time() -> None:
    frames = [0.0, 33.3, 70.0, 100.1, 166.7]
    assert [boundary_before(frames, t) for t in (0, 20, 33, 34, 70, 100, 500)] == [
        0, 0, 0, 33, 33, 70, 167
    ]  # fmt: skip
    assert [boundary_after(frames, t, 200) for t in (0, 33, 34, 69.8, 166, 167, 190)] == [
        33, 70, 70, 100, 167, 200, 200
    ]  # fmt: skip
    assert boundary_before([], 100, frame_ms=40) == 60
    assert boundary_before([], 20, frame_ms=40) == 0
    assert boundary_after([], 100, 130, frame_ms=40) == 130
    assert boundary_after([], 50, 130, frame_ms=33.3) == 83
