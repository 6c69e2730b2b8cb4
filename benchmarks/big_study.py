"""A big study written straight into the tables (benchmark setup, not measured): many videos,
three coders, each video assigned to two of them, every other video coded by its first."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eas_coder.location import Location
from eas_coder.scheme import load_scheme
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import (
    AssignmentRow,
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
    utcnow,
)

PAIRS = ((1, 2), (2, 3), (1, 3))  # the two coders assigned to video v, by v % 3
SEGMENT_MS = 200_000


def build_big_study(location: Location, participants: int) -> dict[str, int]:
    """Participants × 2 timepoints, 3 coders, each video assigned to 2; every other video
    coded (3 segments × 6 dimensions + 6 session scores) by its first coder. Written through
    the tables in bulk, as bench_store does (setup, not measured)."""
    with Study.create(location, load_scheme(), "coding bench") as study:
        keys = study.scheme.keys
    videos = participants * 2
    now = utcnow()
    coders = [{"id": c, "name": f"Coder {c}", "active": True, "created_at": now} for c in (1, 2, 3)]
    people = [{"id": p + 1, "code": f"P{p + 1:04d}", "note": ""} for p in range(participants)]
    video_rows = [
        {"id": v + 1, "participant_id": v // 2 + 1, "timepoint": ("T1 pre", "T2 follow-up")[v % 2],
         "path": None, "added_at": now}
        for v in range(videos)
    ]  # fmt: skip
    assignments, segments, ratings = [], [], []
    for v in range(videos):
        pair = PAIRS[v % 3]
        for coder in pair:
            coded = coder == pair[0] and v % 2 == 0
            status = ("done" if v % 4 == 0 else "in_progress") if coded else "assigned"
            assignments.append(
                {"video_id": v + 1, "coder_id": coder, "status": status, "assigned_at": now}
            )
            if not coded:
                continue
            for s in range(3):
                seg_id = len(segments) + 1
                segments.append(
                    {"id": seg_id, "video_id": v + 1, "coder_id": coder,
                     "start_ms": s * SEGMENT_MS, "end_ms": (s + 1) * SEGMENT_MS,
                     "episode": None, "note": "", "created_at": now}
                )  # fmt: skip
                ratings += [_rating(v + 1, coder, seg_id, k, 1 + (v + s + i) % 13 * 0.5, now)
                            for i, k in enumerate(keys)]  # fmt: skip
            ratings += [_rating(v + 1, coder, None, k, 4.0, now) for k in keys]
    engine = make_engine(location)
    with engine.begin() as conn:
        for table, rows in ((CoderRow, coders), (ParticipantRow, people), (VideoRow, video_rows),
                            (AssignmentRow, assignments), (SegmentRow, segments),
                            (RatingRow, ratings)):  # fmt: skip
            conn.execute(sa.insert(table), rows)
    engine.dispose()
    return {"videos": videos, "coders": 3, "assignments": len(assignments),
            "segments": len(segments), "ratings": len(ratings)}  # fmt: skip


def _rating(
    video: int, coder: int, segment: int | None, key: str, score: float, now: Any
) -> dict[str, Any]:
    return {"video_id": video, "coder_id": coder, "segment_id": segment, "dimension": key,
            "score": score, "items": None, "updated_at": now, "note": ""}  # fmt: skip
