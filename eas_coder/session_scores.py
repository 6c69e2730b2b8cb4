"""A coder's score for a whole session: their session rating, else the mean of their segment
ratings of that dimension on that video (optionally weighted by segment duration).
Reliability, exports and the change sheet agree on it, and each says which it used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from eas_coder.model import Rating

SessionKey = tuple[str, int, int]  # (dimension, video_id, coder_id)
Weighting = Literal["none", "duration"]

SOURCE_SESSION = "session rating"
SOURCE_MEAN = "segment mean"
SOURCE_WEIGHTED = "segment mean (duration-weighted)"
SOURCES = (SOURCE_SESSION, SOURCE_MEAN, SOURCE_WEIGHTED)


@dataclass(frozen=True)
class SessionScore:
    """A session score and where it came from (one of ``SOURCES``)."""

    score: float
    source: str


def source_for(weighting: str) -> str:
    """The source a segment mean carries under this weighting."""
    return SOURCE_WEIGHTED if weighting == "duration" else SOURCE_MEAN


def scored_sessions(
    ratings: Iterable[Rating],
    coder_ids: Collection[int] | None = None,
    keys: Collection[str] | None = None,
    weighting: Weighting | str = "none",
    durations: Mapping[int, float] | None = None,
) -> dict[SessionKey, SessionScore]:
    """Session scores with their source by (dimension, video_id, coder_id).

    ``weighting="duration"`` weights each segment score by ``durations[segment_id]`` (ms);
    a segment whose duration is unknown or not positive makes that session's mean unweighted
    (and says so), since a guessed weight would silently change the score.
    """
    if weighting not in ("none", "duration"):
        raise ValueError(f'weighting must be "none" or "duration", not {weighting!r}')
    session: dict[SessionKey, SessionScore] = {}
    segments: dict[SessionKey, list[tuple[float, int]]] = defaultdict(list)
    for r in ratings:
        if (coder_ids is not None and r.coder_id not in coder_ids) or (
            keys is not None and r.dimension not in keys
        ):
            continue
        target = (r.dimension, r.video_id, r.coder_id)
        if r.segment_id is None:
            session[target] = SessionScore(r.score, SOURCE_SESSION)
        else:
            segments[target].append((r.score, r.segment_id))
    means: dict[SessionKey, SessionScore] = {}
    for key, values in segments.items():
        weights = [(durations or {}).get(seg_id, 0.0) for _, seg_id in values]
        if weighting == "duration" and all(w > 0 for w in weights):
            total = sum(weights)
            score = sum(s * w for (s, _), w in zip(values, weights, strict=True)) / total
            means[key] = SessionScore(score, SOURCE_WEIGHTED)
        else:
            means[key] = SessionScore(sum(s for s, _ in values) / len(values), SOURCE_MEAN)
    return means | session


def session_scores(
    ratings: Iterable[Rating],
    coder_ids: Collection[int] | None = None,
    keys: Collection[str] | None = None,
    weighting: Weighting | str = "none",
    durations: Mapping[int, float] | None = None,
) -> dict[SessionKey, float]:
    """Session scores by (dimension, video_id, coder_id), optionally for some coders/keys."""
    scored = scored_sessions(ratings, coder_ids, keys, weighting, durations)
    return {key: value.score for key, value in scored.items()}
