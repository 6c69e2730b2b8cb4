"""Times as people type and read them: ``hh:mm:ss.fff``, ``mm:ss``, seconds or a frame number."""

from __future__ import annotations

import math
from dataclasses import dataclass

_TIME_HINT = "use seconds, mm:ss or hh:mm:ss.fff"


def clock(ms: int | None) -> str:
    """Milliseconds as ``hh:mm:ss.fff``."""
    if ms is None:
        return ""
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def parse_clock(text: str) -> int:
    """``hh:mm:ss.fff``, ``mm:ss`` or plain seconds -> milliseconds; ValueError otherwise."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or any(not p.strip() for p in parts):
        raise ValueError(f"{text!r} is not a time ({_TIME_HINT})")
    total = 0
    for part in parts[:-1]:
        if not part.strip().isdecimal():  # isdigit() also passes "²", which int() refuses
            raise ValueError(f"{text!r} is not a time ({_TIME_HINT})")
        total = total * 60 + int(part)
    try:
        seconds = float(parts[-1])
    except ValueError:
        raise ValueError(f"{text!r} is not a time ({_TIME_HINT})") from None
    if not math.isfinite(seconds) or seconds < 0 or (len(parts) > 1 and seconds >= 60):
        raise ValueError(f"{text!r} is not a time ({_TIME_HINT})")
    try:
        return round((total * 60 + seconds) * 1000)
    except OverflowError:  # more hours than a float holds
        raise ValueError(f"{text!r} is not a time ({_TIME_HINT})") from None


@dataclass(frozen=True)
class JumpTarget:
    """Where "jump to" should go: a frame number or a time in milliseconds."""

    frame: int | None = None
    ms: int | None = None


def parse_jump(text: str) -> JumpTarget:
    """A jump request: a bare whole number is a frame; anything with ``:`` or ``.`` is a time.

    ``#120`` or ``f120`` also mean frame 120, and ``12s`` means 12 seconds, for people who
    prefer to be explicit.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError("type a frame number, or a time as mm:ss or hh:mm:ss.fff")
    if cleaned[0] in "#f" and cleaned[1:].strip().isdecimal():
        return JumpTarget(frame=int(cleaned[1:]))
    if cleaned.isdecimal():
        return JumpTarget(frame=int(cleaned))
    if cleaned.endswith("s") and ":" not in cleaned:
        return JumpTarget(ms=parse_clock(cleaned[:-1]))
    return JumpTarget(ms=parse_clock(cleaned))
