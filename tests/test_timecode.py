"""Times as people type and read them: clock(), parse_clock(), parse_jump()."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from eas_coder.timecode import JumpTarget, clock, parse_clock, parse_jump

HOUR, MINUTE, SECOND = 3_600_000, 60_000, 1_000

# The words every time error must carry so the person knows what to type instead.
HINT = re.compile(r"mm:ss.*hh:mm:ss\.fff")

T = TypeVar("T")


def _outcome(parse: Callable[[str], T], text: str) -> tuple[T | None, str | None]:
    """What parsing gives: (result, None), or (None, the ValueError's message)."""
    try:
        return parse(text), None
    except ValueError as exc:
        return None, str(exc)


def _ms(hours: int = 0, minutes: int = 0, seconds: int = 0, millis: int = 0) -> int:
    return hours * HOUR + minutes * MINUTE + seconds * SECOND + millis


# -- clock ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "00:00:00.000"),
        (_ms(millis=7), "00:00:00.007"),
        (_ms(seconds=59, millis=999), "00:00:59.999"),
        (_ms(minutes=1), "00:01:00.000"),
        (_ms(hours=1, minutes=2, seconds=3, millis=4), "01:02:03.004"),
        (_ms(hours=47, minutes=59, seconds=59, millis=999), "47:59:59.999"),
        (_ms(hours=123, minutes=4, seconds=5, millis=60), "123:04:05.060"),
    ],
)
def test_clock_writes_hours_minutes_seconds_millis(ms: int, text: str) -> None:
    assert clock(ms) == text


def test_clock_of_nothing_is_empty() -> None:
    assert clock(None) == ""


@given(st.integers(min_value=0, max_value=200 * HOUR))
def test_clock_fields_are_the_arithmetic_split(ms: int) -> None:
    match = re.fullmatch(r"(\d{2,}):(\d{2}):(\d{2})\.(\d{3})", clock(ms))
    assert match is not None, clock(ms)
    hours, minutes, seconds, millis = (int(g) for g in match.groups())
    assert minutes < 60 and seconds < 60
    assert _ms(hours, minutes, seconds, millis) == ms


@given(st.integers(min_value=0, max_value=200 * HOUR))
@example(0)
@example(_ms(seconds=59, millis=999))
@example(_ms(hours=99, minutes=59, seconds=59, millis=999))
def test_parse_clock_reads_back_what_clock_writes(ms: int) -> None:
    assert parse_clock(clock(ms)) == ms


@given(st.integers(min_value=0, max_value=48 * HOUR))
def test_clock_order_is_time_order_within_two_days(ms: int) -> None:
    # Exported sheets sort by these strings; zero padding keeps text order = time order.
    assert (clock(ms) < clock(ms + 1)) and (clock(ms) < clock(ms + 997))


# -- parse_clock ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0", 0),
        ("12", _ms(seconds=12)),
        ("12.5", _ms(seconds=12, millis=500)),
        ("0.001", 1),
        ("  7  ", _ms(seconds=7)),
        ("2:05", _ms(minutes=2, seconds=5)),
        ("02:05.250", _ms(minutes=2, seconds=5, millis=250)),
        ("90:00", _ms(minutes=90)),
        ("1:02:03.004", _ms(hours=1, minutes=2, seconds=3, millis=4)),
        ("01:02:03", _ms(hours=1, minutes=2, seconds=3)),
        ("00:00:59.9995", _ms(minutes=1)),  # rounds to the nearest millisecond
    ],
)
def test_parse_clock_accepts_the_documented_forms(text: str, ms: int) -> None:
    assert parse_clock(text) == ms


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12s",  # units belong to parse_jump
        "-3",
        "1:-5",
        "-1:05",
        "1:60",  # seconds must stay below a minute once minutes are given
        "1:00:60.5",
        "1::2",
        ":30",
        "1:",
        "1:2:3:4",
        "a:30",
        "1.5:30",
        "nan",
        "inf",
        "1:inf",
        "1e999",
    ],
)
def test_parse_clock_refuses_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match=HINT) as raised:
        parse_clock(text)
    assert repr(text) in str(raised.value)


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=999),
)
def test_parse_clock_of_written_fields(hours: int, minutes: int, seconds: int, millis: int) -> None:
    expected = _ms(hours, minutes, seconds, millis)
    assert parse_clock(f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}") == expected
    if hours == 0:
        assert parse_clock(f"{minutes}:{seconds:02d}.{millis:03d}") == expected
        if minutes == 0:
            assert parse_clock(f"{seconds}.{millis:03d}") == expected


@settings(max_examples=300)
@given(st.text(max_size=30))
@example("9" * 400 + ":00")  # more hours than a float holds
@example("9" * 308 + ":00:00")  # finite hours, infinite milliseconds
@example("²:00")  # str.isdigit() says yes, int() says no
@example("#²")
def test_any_text_is_a_time_or_a_helpful_value_error(text: str) -> None:
    ms, error = _outcome(parse_clock, text)
    if error is not None:
        assert HINT.search(error), error
    else:
        assert isinstance(ms, int) and ms >= 0


# -- parse_jump -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("120", JumpTarget(frame=120)),
        ("0", JumpTarget(frame=0)),
        ("  120 ", JumpTarget(frame=120)),
        ("#120", JumpTarget(frame=120)),
        ("f120", JumpTarget(frame=120)),
        ("F120", JumpTarget(frame=120)),
        ("# 120", JumpTarget(frame=120)),
        ("007", JumpTarget(frame=7)),
        ("12s", JumpTarget(ms=_ms(seconds=12))),
        ("12 s", JumpTarget(ms=_ms(seconds=12))),
        ("12.5s", JumpTarget(ms=_ms(seconds=12, millis=500))),
        ("12S", JumpTarget(ms=_ms(seconds=12))),
        ("12.5", JumpTarget(ms=_ms(seconds=12, millis=500))),
        ("12.", JumpTarget(ms=_ms(seconds=12))),  # a dot makes it a time, not frame 12
        ("1:30", JumpTarget(ms=_ms(minutes=1, seconds=30))),
        ("01:02:03.004", JumpTarget(ms=_ms(hours=1, minutes=2, seconds=3, millis=4))),
    ],
)
def test_parse_jump_tells_frames_from_times(text: str, target: JumpTarget) -> None:
    assert parse_jump(text) == target


@pytest.mark.parametrize("text", ["", "   "])
def test_parse_jump_of_nothing_asks_for_a_frame_or_time(text: str) -> None:
    with pytest.raises(ValueError, match="frame number") as raised:
        parse_jump(text)
    assert HINT.search(str(raised.value))


@pytest.mark.parametrize("text", ["abc", "f", "#", "s", "#-3", "f12.5", "-12", "1:75s", "1:60"])
def test_parse_jump_refuses_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match=HINT):
        parse_jump(text)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "#", "f", "F", " # "]))
def test_any_whole_number_is_that_frame(frame: int, prefix: str) -> None:
    assert parse_jump(f"{prefix}{frame}") == JumpTarget(frame=frame)


@given(st.integers(min_value=0, max_value=100 * HOUR))
def test_a_clock_string_jumps_to_that_time(ms: int) -> None:
    assert parse_jump(clock(ms)) == JumpTarget(ms=ms)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=999))
def test_seconds_with_a_unit_or_a_fraction_are_times(seconds: int, millis: int) -> None:
    expected = JumpTarget(ms=_ms(seconds=seconds, millis=millis))
    assert parse_jump(f"{seconds}.{millis:03d}") == expected
    assert parse_jump(f"{seconds}.{millis:03d}s") == expected
    assert parse_jump(f"{seconds}s") == JumpTarget(ms=_ms(seconds=seconds))


@settings(max_examples=300)
@given(st.text(max_size=30))
@example("9" * 400 + ":00")
@example("#²")
@example("²")
def test_any_text_is_a_jump_or_a_helpful_value_error(text: str) -> None:
    target, error = _outcome(parse_jump, text)
    if error is not None:
        assert HINT.search(error), error
    else:
        assert isinstance(target, JumpTarget)
        assert (target.frame is None) != (target.ms is None)
        assert (target.frame or 0) >= 0 and (target.ms or 0) >= 0
