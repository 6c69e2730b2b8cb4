"""A coder's score for a whole session: their session rating, else the mean of their segment
ratings of that dimension on that video. Reliability, exports and the change sheet agree on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from eas_coder.model import Rating

SessionKey = tuple[str, int, int]  # (dimension, video_id, coder_id)


def session_scores(
    ratings: Iterable[Rating],
    coder_ids: Collection[int] | None = None,
    keys: Collection[str] | None = None,
) -> dict[SessionKey, float]:
    """Session scores by (dimension, video_id, coder_id), optionally for some coders/keys."""
    session: dict[SessionKey, float] = {}
    segments: dict[SessionKey, list[float]] = defaultdict(list)
    for r in ratings:
        if (coder_ids is not None and r.coder_id not in coder_ids) or (
            keys is not None and r.dimension not in keys
        ):
            continue
        target = (r.dimension, r.video_id, r.coder_id)
        if r.segment_id is None:
            session[target] = r.score
        else:
            segments[target].append(r.score)
    means = {key: sum(values) / len(values) for key, values in segments.items()}
    return means | session
