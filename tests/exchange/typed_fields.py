"""A scheme with items, and every field a coder types, as comparable plain data.

Shared by the core round-trip tests here and the window round-trip test in tests/gui.
"""

from __future__ import annotations

from typing import Any

from eas_coder.scheme import Scheme, load_scheme, parse_scheme
from eas_coder.store.study import Study

# The demo scheme (bands, episodes), with two items under sensitivity and one under child
# involvement: items keep their own 1–3 scale beside the dimension's 1–7.
_SENSITIVITY_ITEMS = """cutoffs = { nonrisk = 3.5, optimal = 5.5 }

[[dimensions.items]]
key = "warmth"
label = "Warmth"
min = 1
max = 3
step = 1

[[dimensions.items]]
key = "timing"
label = "Timing"
min = 1
max = 3
step = 1
"""
_INVOLVEMENT_ITEMS = """
[[dimensions.items]]
key = "initiative"
label = "Initiative"
min = 1
max = 3
step = 0.5
"""


def items_scheme() -> Scheme:
    """eas-demo with items: sensitivity/warmth, sensitivity/timing, child_involvement/initiative."""
    text = load_scheme("eas-demo").source_text
    text = text.replace('id = "eas-demo"', 'id = "eas-demo-items"', 1)
    text = text.replace("cutoffs = { nonrisk = 3.5, optimal = 5.5 }", _SENSITIVITY_ITEMS, 1)
    # child_involvement is the last dimension: its items go just before the episodes
    text = text.replace("[[episodes]]", _INVOLVEMENT_ITEMS + "\n[[episodes]]", 1)
    return parse_scheme(text, "items scheme")


def typed_fields(study: Study) -> dict[str, Any]:
    """Everything a coder types, keyed by natural keys (never database ids), for comparing a
    study with the one its export was imported into."""
    snapshot = study.load()
    coders = {c.id: c.name for c in snapshot.coders}
    videos = {v.id: (v.participant_code, v.timepoint, v.name or "") for v in snapshot.videos}
    segments = {s.id: s for s in snapshot.segments}
    segment_fields = sorted(
        (*videos[s.video_id], coders[s.coder_id], s.start_ms, s.end_ms, s.episode, s.note)
        for s in snapshot.segments
    )
    ratings = {}
    for r in snapshot.ratings:
        seg = segments.get(r.segment_id) if r.segment_id is not None else None
        span = None if seg is None else (seg.start_ms, seg.end_ms)
        key = (*videos[r.video_id], coders[r.coder_id], span, r.dimension)
        ratings[key] = (r.score, r.note, dict(sorted((r.items or {}).items())))
    return {"segments": segment_fields, "ratings": ratings}
