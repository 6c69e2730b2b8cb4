"""What a reliability report says about its scores: where each session score came from
(session rating or segment mean, duration-weighted where the study says so), which scheme
versions the scores were given under, and whether a dimension is ordinal (a zone)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eas_coder.scheme import Dimension
from eas_coder.session_scores import SOURCE_SESSION, source_for
from eas_coder.store.rating_columns import RatingColumns
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer


def weighting_of(study: Study) -> str:
    """The study's rule for segment means: "none" or "duration"."""
    return str(study.settings.get("scores.segment_weighting"))


def segment_weights(study: Study, columns: RatingColumns) -> np.ndarray:
    """Each rating's segment duration in ms (1 for a session rating, which is not averaged)."""
    durations = {s.id: float(s.duration_ms) for s in study.segments.all()}
    return np.fromiter(
        (durations.get(int(seg), 1.0) for seg in columns.segment_id),
        np.float64,
        columns.segment_id.size,
    )


def source_counts(scores: np.ndarray, rated: np.ndarray, weighting: str) -> dict[str, int]:
    """How many of a dimension's session scores are session ratings, how many segment means."""
    present = ~np.isnan(scores)
    own = int((present & rated).sum())
    means = int((present & ~rated).sum())
    counts = {SOURCE_SESSION: own, source_for(weighting): means}
    return {name: n for name, n in counts.items() if n}


def versions_used(
    study: Study, coder_ids: Sequence[int], keys: Sequence[str], viewer: Viewer | None
) -> dict[str, list[int]]:
    """Per dimension, the scheme versions of the ratings the report may use."""
    found: dict[str, set[int]] = {key: set() for key in keys}
    chosen = set(coder_ids)
    for key, video_id, coder_id, number in study.ratings.scheme_versions():
        seen = viewer is None or viewer.manager or viewer.sees(video_id, coder_id)
        if coder_id in chosen and key in found and seen:
            found[key].add(number)
    return {key: sorted(v) for key, v in found.items()}


def scale_of(dim: Dimension) -> str:
    """ "ordinal" for a zone (ordered labels: read alpha ordinal and weighted kappa / AC2),
    "interval" for a score."""
    return "ordinal" if dim.ordinal else "interval"
