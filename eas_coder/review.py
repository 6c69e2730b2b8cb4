"""Disagreement review: where coders' scores differ most, largest first.

Session-level disagreements can be settled with a consensus score
(``study.consensus.set``), which never changes either coder's own rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from eas_coder.reliability import Level, compute_tables
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer


@dataclass(frozen=True)
class Disagreement:
    """One unit and dimension on which the chosen coders differ."""

    unit: object  # a video id (session level) or (video_id, start, end, episode)
    video_id: int
    start_ms: int | None
    dimension: str
    scores: dict[str, float]  # coder name -> score
    consensus: float | None

    @property
    def size(self) -> float:
        """Largest minus smallest score."""
        return max(self.scores.values()) - min(self.scores.values())


def disagreements(
    study: Study,
    coders: Sequence[str] | None = None,
    level: Level = "session",
    minimum: float = 0.5,
    viewer: Viewer | None = None,
) -> list[Disagreement]:
    """Units every chosen coder scored, differing by at least ``minimum``, largest first;
    with a ``viewer``, only from what that person may see (blind coding)."""
    chosen, tables = compute_tables(study, coders, level, None, viewer)
    agreed = {
        (c.video_id, c.dimension): c.score
        for c in study.consensus.all()
        if c.segment_id is None and (viewer is None or viewer.sees_all(c.video_id))
    }
    found = []
    for key, table in tables.items():
        for unit, row in zip(table.units, table.scores, strict=True):
            if np.isnan(row).any() or row.max() - row.min() < minimum - 1e-9:
                continue
            video_id = unit if isinstance(unit, int) else unit[0]  # type: ignore[index]
            start = None if isinstance(unit, int) else unit[1]  # type: ignore[index]
            found.append(
                Disagreement(
                    unit,
                    video_id,
                    start,
                    key,
                    {c.name: float(s) for c, s in zip(chosen, row, strict=True)},
                    agreed.get((video_id, key)) if level == "session" else None,
                )
            )
    return sorted(found, key=lambda d: (-d.size, d.video_id, d.start_ms or 0, d.dimension))
