"""Study-wide settings (JSON values by key), each change checked and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from eas_coder.errors import StudyError
from eas_coder.media_roots import root_name_problem
from eas_coder.name_guess import setting_problem as _name_pattern
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
    # Add Videos reads the dyad code and timepoint from file names with this pattern first,
    # e.g. "{dyad}_{timepoint}", "{timepoint}-{dyad}", "*_{dyad}_{timepoint}" (name_guess.py)
    "videos.name_pattern": "",
    # The name of the folder holding a shared study's videos (media_roots.py): paths inside it
    # are stored relative to it, and each workstation says where it is on its disk. "": none.
    "media.root_name": "",
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
    "videos.name_pattern": _name_pattern,
    "media.root_name": root_name_problem,
}


def _known(key: str) -> None:
    if key not in DEFAULTS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")


# The settings whose value is one of a few words (a form offers them as a list).
CHOICES: dict[str, tuple[str, ...]] = {
    "reliability.target_form": _ICC_FORMS,
    "scores.segment_weighting": ("none", "duration"),
}


def problem(key: str, value: Any) -> str | None:
    """What is wrong with ``value`` for ``key`` (``must be …, not …``), or None: the check
    ``Settings.set`` makes, for a form that names the field beside it."""
    _known(key)
    wrong = _CHECKS[key](value)
    return None if wrong is None else f"must be {wrong}, not {value!r}"


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

    def all(self) -> dict[str, Any]:
        """Every setting (stored value, else the default), read at once, in DEFAULTS order."""
        with self._db.read() as session:
            stored = {row.key: json.loads(row.value) for row in session.scalars(select(SettingRow))}
        return {key: stored.get(key, default) for key, default in DEFAULTS.items()}

    def set_many(self, values: dict[str, Any]) -> list[str]:
        """Store several settings in one transaction, each change audited; all of them or,
        when one is unknown or refused (StudyError naming it), none. Returns the keys whose
        value changed (the others are not written)."""
        for key, value in values.items():
            wrong = problem(key, value)
            if wrong:
                raise StudyError(f"{key} {wrong}")
        changed: list[str] = []
        with self._db.write() as session:
            for key, value in values.items():
                row = session.get(SettingRow, key)
                old = DEFAULTS[key] if row is None else json.loads(row.value)
                if old == value and type(old) is type(value):
                    continue  # as it is in force already (stored, or the default)
                if row is None:
                    session.add(SettingRow(key=key, value=json.dumps(value)))
                else:
                    row.value = json.dumps(value)
                self._db.audit(
                    session, "setting.set", "study_setting", None, {key: old}, {key: value}
                )
                changed.append(key)
        return changed

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
