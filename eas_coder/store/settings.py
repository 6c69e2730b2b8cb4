"""Study-wide settings (JSON values by key), each change checked and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eas_coder.errors import StudyError
from eas_coder.store.tables import SettingRow
from eas_coder.store.unit import StudyDb

_ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


def _number(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok and low <= value <= high else f"a number from {low:g} to {high:g}"

    return check


def _whole(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok and low <= value <= high else f"a whole number from {low} to {high}"

    return check


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _weighting(value: Any) -> str | None:
    return None if value in ("none", "duration") else '"none" or "duration"'


def _icc_form(value: Any) -> str | None:
    return None if value in _ICC_FORMS else f"one of {', '.join(_ICC_FORMS)}"


# Defaults and checks live here so every door (GUI, CLI, export) agrees on them.
DEFAULTS: dict[str, Any] = {
    "reliability.target_form": "ICC2",
    "reliability.target": 0.70,
    "reliability.tolerance": 1.0,
    # Below this many units a reliability value is labelled "too few units", not good or poor.
    "reliability.min_n": 10,
    # Segment level: two coders' segments meet when they overlap and both ends lie within this.
    "reliability.boundary_tolerance_ms": 2000,
    # D-study: the full width of the 95 % CI of the ICC a lab plans for (Bonett 2002).
    "reliability.ci_width": 0.2,
    "backups.keep": 10,  # SQLite studies: backups taken on open that are kept (store/backups.py)
    # May a coder take an unassigned video (asked, audited)? Off: only the manager assigns.
    "coding.self_assign": False,
    # A session score without a session rating is the mean of the coder's segment scores:
    # "duration" weights each segment by its length (exports and reliability say which).
    "scores.segment_weighting": "none",
}
_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "reliability.target_form": _icc_form,
    "reliability.target": _number(0.0, 1.0),
    "reliability.tolerance": _number(0.0, 100.0),
    "reliability.min_n": _whole(2, 100_000),
    "reliability.boundary_tolerance_ms": _whole(0, 3_600_000),
    "reliability.ci_width": _number(0.01, 1.0),
    "backups.keep": _whole(1, 100),
    "coding.self_assign": _flag,
    "scores.segment_weighting": _weighting,
}


def _known(key: str) -> None:
    if key not in DEFAULTS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")


class Settings:
    """Read and change settings; unknown keys and bad values are refused."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def get(self, key: str) -> Any:
        """The stored value, else the default."""
        _known(key)
        with self._db.read() as session:
            row = session.get(SettingRow, key)
            return DEFAULTS[key] if row is None else json.loads(row.value)

    def set(self, key: str, value: Any) -> None:
        """Store a value after checking it."""
        _known(key)
        problem = _CHECKS[key](value)
        if problem:
            raise StudyError(f"{key} must be {problem}, not {value!r}")
        old = self.get(key)
        with self._db.write() as session:
            row = session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
            self._db.audit(session, "setting.set", "study_setting", None, {key: old}, {key: value})
