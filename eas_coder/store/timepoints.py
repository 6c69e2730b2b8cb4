"""The study's order of timepoints (pre -> post -> follow-up).

Every change computation (the Change sheet, the change report) takes "before" and "after"
from this order. Its rule with the timepoints the study already holds:

- ``set`` refuses a list that leaves out a timepoint some video or measure value is at,
  naming it: a silently appended timepoint could land on the wrong side and flip a sign.
- A timepoint recorded after the order was set (a video added at "6 months") is placed after
  the listed ones, in the order first recorded, and ``unlisted`` names it so the command
  line and the report can say the order needs setting again.
- Without a set order, timepoints come in the order first recorded (video creation order),
  as before.

A label typed with other case or spacing than a recorded timepoint ("Pre" for "pre") is the
recorded one (``eas_coder.names.name_key``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eas_coder.errors import Conflict, StudyError
from eas_coder.names import name_key, normalise_name
from eas_coder.store.tables import MeasureValueRow, TimepointRow, VideoRow
from eas_coder.store.unit import LABEL_LENGTH, StudyDb

MAX_TIMEPOINTS = 100  # a longitudinal study has a handful; hundreds is a slip


def ordered(stored: Sequence[str], recorded: Iterable[str]) -> list[str]:
    """The stored order, then every recorded timepoint not in it, in the order recorded."""
    result = list(stored)
    seen = set(result)
    for label in recorded:
        if label not in seen:
            seen.add(label)
            result.append(label)
    return result


def unlisted(stored: Sequence[str], recorded: Iterable[str]) -> list[str]:
    """Recorded timepoints the stored order leaves out (empty when no order is set)."""
    if not stored:
        return []
    return ordered(stored, recorded)[len(stored) :]


class Timepoints:
    """Read and set the study's timepoint order; each change is audited."""

    def __init__(self, db: StudyDb) -> None:
        self._db = db

    def order(self) -> list[str]:
        """The order the lab manager set (empty when none is set)."""
        with self._db.read() as session:
            return list(session.scalars(select(TimepointRow.label).order_by(TimepointRow.position)))

    def recorded(self) -> list[str]:
        """Timepoints videos and measure values are at, in the order first recorded."""
        with self._db.read() as session:
            return _recorded(session)

    def ordered(self) -> list[str]:
        """Every timepoint of the study in its order (see the module's rule)."""
        return ordered(self.order(), self.recorded())

    def unlisted(self) -> list[str]:
        """Recorded timepoints missing from the set order."""
        return unlisted(self.order(), self.recorded())

    def set(self, labels: Sequence[str]) -> list[str]:
        """Store ``labels`` as the order; refuses duplicates and a list that leaves out a
        recorded timepoint (naming it). Returns the order as stored."""
        if not labels:
            raise StudyError("name the timepoints in order, e.g. timepoints set pre post follow-up")
        if len(labels) > MAX_TIMEPOINTS:
            raise StudyError(f"{len(labels)} timepoints; at most {MAX_TIMEPOINTS}")
        typed = [normalise_name(label, "a timepoint label", LABEL_LENGTH) for label in labels]
        with self._db.write() as session:
            # checked inside the write: a video added meanwhile at a new timepoint counts
            cleaned = self._checked(typed, _recorded(session))
            old = list(session.scalars(select(TimepointRow.label).order_by(TimepointRow.position)))
            session.execute(delete(TimepointRow))
            session.flush()  # positions are unique: the old rows go before the new arrive
            session.add_all(
                TimepointRow(label=label, position=index) for index, label in enumerate(cleaned)
            )
            self._db.audit(session, "timepoints.set", "timepoint", None, old, cleaned)
        return cleaned

    @staticmethod
    def _checked(cleaned: list[str], recorded: list[str]) -> list[str]:
        spelled = {name_key(label): label for label in reversed(recorded)}
        cleaned = [spelled.get(name_key(label), label) for label in cleaned]
        keys = [name_key(label) for label in cleaned]
        doubled = sorted({cleaned[i] for i, k in enumerate(keys) if k in keys[:i]})
        if doubled:
            twice = ", ".join(map(repr, doubled))
            raise Conflict(f"named twice: {twice}; name each timepoint once")
        missing = [label for label in recorded if name_key(label) not in set(keys)]
        if missing:
            raise StudyError(
                f"the study has videos or measures at {', '.join(map(repr, missing))}, which the "
                "order leaves out; name every timepoint, in order (nothing was changed)"
            )
        return cleaned


def _recorded(session: Session) -> list[str]:
    videos = session.scalars(select(VideoRow.timepoint).order_by(VideoRow.id))
    values = session.scalars(select(MeasureValueRow.timepoint).order_by(MeasureValueRow.id))
    return ordered([], [*videos, *values])
