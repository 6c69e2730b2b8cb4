"""Read a BORIS project (.boris, JSON): START/STOP pairs of chosen state behaviours as spans.

The layout BORIS saves: ``behaviors_conf`` is the ethogram (each behaviour's ``code`` and
``type``, "State event" or "Point event"); ``observations`` maps an id to an observation whose
``file`` lists the media per player ("1" is the main one), whose ``time offset`` was added to
the media's time, and whose ``events`` are rows ``[time s, subject, behaviour, modifier,
comment, …]`` in time order. A state event's rows alternate START and STOP per subject. No
maintained Python reader of .boris projects exists (BORIS itself is a GUI application), so
this reads the JSON with the standard library, checking every field it uses.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from eas_coder.exchange.segment_sources import (
    Problem,
    ReadResult,
    SegmentSource,
    SourceSpan,
    media_name,
)

MAX_BYTES = 200 * 1024 * 1024  # a project is text; this is not one


def _load(path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, Problem(path.name, "is far larger than a BORIS project can be")
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except OSError as exc:
        return None, Problem(path.name, f"cannot be read ({exc.strerror or exc})")
    except UnicodeDecodeError:
        return None, Problem(path.name, "is not a text file (BORIS saves projects as JSON text)")
    except json.JSONDecodeError as exc:
        why = (
            f"is not complete or not valid JSON (BORIS saves projects as JSON): {exc.msg} "
            f"at line {exc.lineno}, column {exc.colno}"
        )
        return None, Problem(path.name, why)
    if not isinstance(data, dict) or not isinstance(data.get("observations"), dict):
        return None, Problem(path.name, "is not a BORIS project (it has no observations)")
    return data, None


def _ethogram(data: dict[str, Any]) -> dict[str, str]:
    """Behaviour code -> type ("State event", "Point event"), in the ethogram's order."""
    conf = data.get("behaviors_conf", data.get("ethogram"))
    found: dict[str, str] = {}
    if isinstance(conf, dict):
        for key in sorted(conf, key=lambda k: (len(str(k)), str(k))):  # "0", "1", … "10"
            entry = conf[key]
            if isinstance(entry, dict) and isinstance(entry.get("code"), str):
                found[entry["code"]] = str(entry.get("type", ""))
    return found


def _is_state(kind: str) -> bool:
    return "state" in kind.casefold()


def _chosen(
    path: Path, data: dict[str, Any], ethogram: dict[str, str], behaviour: str | None
) -> list[str] | Problem:
    states = [code for code, kind in ethogram.items() if _is_state(kind)]
    if behaviour is None:
        used = {
            row[2]
            for obs in data["observations"].values()
            if isinstance(obs, dict) and isinstance(obs.get("events"), list)
            for row in obs["events"]
            if isinstance(row, list) and len(row) > 2
        }
        coded = [code for code in states if code in used]
        if len(coded) == 1:
            return coded
        if not coded:
            return Problem(path.name, "holds no state events (START/STOP) to make segments of")
        return Problem(
            path.name,
            f"codes several state behaviours ({', '.join(coded)}); choose one with "
            "--behaviour (several: separated by commas)",
        )
    chosen = []
    for wanted in (part.strip() for part in behaviour.split(",") if part.strip()):
        match = [code for code in ethogram if code.casefold() == wanted.casefold()]
        if not match:
            known = ", ".join(states) or "none"
            return Problem(
                path.name, f"has no behaviour {wanted!r} in its ethogram; state behaviours: {known}"
            )
        if not _is_state(ethogram[match[0]]):
            return Problem(
                path.name,
                f"{match[0]!r} is a point event in the ethogram: only state events "
                "(START and STOP) make segments",
            )
        chosen.append(match[0])
    return chosen or Problem(path.name, "--behaviour names no behaviour")


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def read_boris(path: Path, behaviour: str | None) -> ReadResult:
    """Every observation's START/STOP pairs of the chosen behaviours (see the module doc)."""
    data, problem = _load(path)
    if data is None:
        return ReadResult(problems=[problem] if problem else [])
    ethogram = _ethogram(data)
    chosen = _chosen(path, data, ethogram, behaviour)
    if isinstance(chosen, Problem):
        return ReadResult(problems=[chosen])
    wanted = {code.casefold(): code for code in chosen}
    result = ReadResult()
    for obs_id, obs in data["observations"].items():
        where = f"{path.name}, observation {obs_id!r}"
        if not isinstance(obs, dict) or not isinstance(obs.get("events", []), list):
            result.problems.append(Problem(where, "is not an observation BORIS saves"))
            continue
        spans = _pairs(where, obs.get("events", []), obs.get("time offset", 0), wanted, result)
        if not spans:
            continue
        media = _media(obs)
        if obs.get("type", "MEDIA") != "MEDIA" or len(media) != 1:
            why = (
                "is a live observation: it has no video to match"
                if not media
                else "plays several media files one after another; import one file per "
                "observation (split it in BORIS)"
            )
            result.problems.append(Problem(where, why))
            continue
        result.sources.append(SegmentSource(path, str(obs_id), media, tuple(spans)))
    return result


def _media(obs: dict[str, Any]) -> tuple[str, ...]:
    files = obs.get("file")
    main: Any = files.get("1", []) if isinstance(files, dict) else files
    if not isinstance(main, list):
        return ()
    return tuple(media_name(str(f)) for f in main if isinstance(f, str) and f.strip())


def _pairs(
    where: str, events: list[Any], offset: Any, wanted: dict[str, str], result: ReadResult
) -> list[SourceSpan]:
    shift = _seconds(offset) or 0.0
    open_rows: dict[tuple[str, str], tuple[int, float, str]] = {}
    spans = []
    for number, row in enumerate(events, start=1):
        at = f"{where}, row {number}"
        if not isinstance(row, list) or len(row) < 3:
            result.problems.append(Problem(at, "is not an event [time, subject, behaviour, …]"))
            continue
        code = wanted.get(str(row[2]).casefold())
        if code is None:
            continue
        time = _seconds(row[0])
        if time is None:
            result.problems.append(Problem(at, f"its time {row[0]!r} is not a number of seconds"))
            continue
        subject = str(row[1] or "")
        comment = str(row[4]).strip() if len(row) > 4 and row[4] else ""
        key = (subject, code)
        if key not in open_rows:
            open_rows[key] = (number, time - shift, comment)
            continue
        first, start, note = open_rows.pop(key)
        who = f", {subject}" if subject else ""
        name = f"{where}, row {first} (START) to row {number} (STOP) of {code!r}{who}"
        if time - shift <= start:
            result.problems.append(Problem(name, "STOP does not come after START"))
            continue
        spans.append(SourceSpan(name, start * 1000.0, (time - shift) * 1000.0, code, note))
    for (subject, code), (number, start, _note) in open_rows.items():
        who = f" ({subject})" if subject else ""
        why = f"START of {code!r}{who} at {start:.3f} s has no STOP"
        result.problems.append(Problem(f"{where}, row {number}", why))
    spans.sort(key=lambda s: (s.start_ms, s.end_ms))
    return spans
