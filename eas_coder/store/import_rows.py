"""What an import writes and answers, by natural keys (``store.bulk`` writes it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eas_coder.errors import StudyError
from eas_coder.names import name_key

Span = tuple[int, int, str | None, str]  # start ms, end ms, episode, note


@dataclass(frozen=True)
class ImportedRating:
    """One validated row of a rating sheet, by natural keys."""

    row: int
    participant: str
    timepoint: str
    video: str | None
    coder: str
    dimension: str
    score: float
    segment: Span | None
    note: str = ""  # why this score (the segment's own note is in ``segment``)
    items: dict[str, float] | None = field(default=None, compare=False)
    # the scheme version the score was given under (the sheet's); None: the one in force
    scheme_version: int | None = field(default=None, compare=False)

    def identity(self) -> tuple[Any, ...]:
        """What makes two ratings the same rating (the score aside)."""
        span = None if self.segment is None else self.segment[:2]
        return (
            name_key(self.participant),
            self.timepoint,
            (self.video or "").casefold(),
            name_key(self.coder),
            span,
            self.dimension,
        )


@dataclass(frozen=True)
class ImportSummary:
    """What an import added."""

    ratings: int
    coders: int
    participants: int
    videos: int
    segments: int
    # what the import creates (a dry run: would create), for the person to check
    new_coders: tuple[str, ...] = ()
    new_participants: tuple[str, ...] = ()
    new_videos: tuple[str, ...] = ()


NEAR_NAME = "one letter from the existing"  # in the refusal of a likely typo


class RowsRefused(StudyError):
    """Rows the study's rules refuse; nothing was written. ``problems``: (row, column, why)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} row(s) refused, nothing imported")
