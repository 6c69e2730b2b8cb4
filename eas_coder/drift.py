"""Drift: reliability per calendar month, or per batch of N videos in the order they were
coded, so a lab sees whether its coders drift apart over time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from eas_coder.reliability import Level, compute_tables
from eas_coder.stats import agreement_within, icc
from eas_coder.store.study import Study


@dataclass(frozen=True)
class Period:
    """Reliability of one period: its label, its videos, and per dimension the target ICC and
    the share of videos whose coders agree within the study's tolerance."""

    label: str
    n_units: int
    icc: dict[str, float]
    video_ids: tuple[int, ...] = ()
    within: dict[str, float] = field(default_factory=dict)


def drift(
    study: Study,
    coders: Sequence[str] | None = None,
    batch: int | None = None,
    form: str | None = None,
) -> list[Period]:
    """Session-level reliability per month (default) or per batch of ``batch`` videos."""
    form = form or str(study.settings.get("reliability.target_form"))
    level: Level = "session"
    chosen, tables = compute_tables(study, coders, level, None)
    ids = [c.id for c in chosen]
    last = study.ratings.last_rated()
    # A video counts when the last of the chosen coders finished it.
    finished = {
        video_id: max(last[(video_id, cid)] for cid in ids)
        for video_id in {v for v, _ in last}
        if all((video_id, cid) in last for cid in ids)
    }
    order = sorted(finished, key=lambda v: (finished[v], v))
    if batch:
        groups = {
            f"videos {i + 1}–{min(i + batch, len(order))}": order[i : i + batch]
            for i in range(0, len(order), batch)
        }
    else:
        months: dict[str, list[int]] = defaultdict(list)
        for video_id in order:
            months[finished[video_id].strftime("%Y-%m")].append(video_id)
        groups = dict(months)
    tolerance = float(study.settings.get("reliability.tolerance"))
    periods = []
    for label, video_ids in groups.items():
        members = set(video_ids)
        values, within = {}, {}
        for key, table in tables.items():
            rows = [i for i, unit in enumerate(table.units) if unit in members]
            scores = table.scores[rows] if rows else np.empty((0, len(ids)))
            values[key] = icc(scores)[form].value
            within[key] = agreement_within(scores, tolerance) if rows else float("nan")
        periods.append(Period(label, len(video_ids), values, tuple(video_ids), within))
    return periods
