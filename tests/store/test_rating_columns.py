"""Ratings as numpy columns (store/rating_columns.py, ``Ratings.columns``) and the reliability
tables built from them, on SQLite and PostgreSQL: the same values as the ORM objects."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from eas_coder.model import Assignment, AssignmentStatus, Coder
from eas_coder.reliability import compute, compute_tables
from eas_coder.segment_matching import group_segments, units_of_segments
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer


def _rate(study: Study) -> list[Coder]:
    """Three coders on five videos: session ratings, segment ratings, and both; one coder
    rates one dimension only; a fourth coder is never chosen."""
    rng = np.random.default_rng(4)
    coders = [study.coders.add(n) for n in ("Ana", "Ben", "Cy", "Other")]
    keys = study.scheme.keys
    for v in range(5):
        video = study.videos.add(f"V{v}", "T1 pre", None)
        for c, coder in enumerate(coders):
            segs = [
                study.segments.add(video.id, coder.id, 0 + 300 * c, 4000),
                study.segments.add(video.id, coder.id, 5000, 9000 - 200 * c),
            ]
            for k, key in enumerate(keys):
                if c == 2 and k > 0:
                    continue
                for seg in segs if (v + k) % 2 else segs[:1]:
                    score = float(rng.integers(2, 14)) / 2
                    study.ratings.set(video.id, coder.id, key, score, segment_id=seg.id)
                if (v + c) % 3:
                    study.ratings.set(video.id, coder.id, key, float(rng.integers(2, 14)) / 2)
    return coders


def test_columns_hold_every_rating_of_the_chosen_coders_and_dimensions(study: Study) -> None:
    coders = _rate(study)
    keys = list(reversed(study.scheme.keys[:3]))  # an index into the keys asked for
    chosen = [c.id for c in coders[:3]]
    columns = study.ratings.columns(chosen, keys)
    got = sorted(
        zip(
            columns.video_id.tolist(),
            columns.coder_id.tolist(),
            columns.segment_id.tolist(),
            [keys[i] for i in columns.dimension.tolist()],
            columns.score.tolist(),
            strict=True,
        )
    )
    expected = sorted(
        (r.video_id, r.coder_id, -1 if r.segment_id is None else r.segment_id, r.dimension, r.score)
        for r in study.ratings.all()
        if r.coder_id in chosen and r.dimension in keys
    )
    assert got == expected and len(got) > 50
    assert columns.video_id.dtype == np.int64 and columns.score.dtype == np.float64
    on_segments = study.ratings.columns(chosen, keys, segments_only=True)
    assert sorted(on_segments.segment_id.tolist()) == sorted(e[2] for e in expected if e[2] >= 0)
    empty = study.ratings.columns(chosen, [])
    assert empty.video_id.size == 0


def test_session_and_segment_tables_match_the_rating_objects(study: Study) -> None:
    coders = _rate(study)
    names = [c.name for c in coders[:3]]
    ids = [c.id for c in coders[:3]]
    ratings = study.ratings.all()
    # session level: the session rating, else the mean of the segment ratings
    _, tables = compute_tables(study, names, "session", None)
    for key, table in tables.items():
        session: dict[tuple[int, int], float] = {}
        segments: dict[tuple[int, int], list[float]] = defaultdict(list)
        for r in ratings:
            if r.dimension == key and r.coder_id in ids:
                if r.segment_id is None:
                    session[(r.video_id, r.coder_id)] = r.score
                else:
                    segments[(r.video_id, r.coder_id)].append(r.score)
        for unit, row in zip(table.units, table.scores, strict=True):
            for c, coder_id in enumerate(ids):
                want = session.get((unit, coder_id))
                if want is None and segments.get((unit, coder_id)):
                    want = float(np.mean(segments[(unit, coder_id)]))
                assert (np.isnan(row[c]) and want is None) or row[c] == pytest.approx(want)
    # segment level: each matched group of segments is one unit
    tolerance = int(study.settings.get("reliability.boundary_tolerance_ms"))
    spans = units_of_segments(group_segments(study.segments.all(), ids, tolerance))
    _, tables = compute_tables(study, names, "segment", None)
    for key, table in tables.items():
        want = {
            (spans[r.segment_id], r.coder_id): r.score
            for r in ratings
            if r.dimension == key and r.segment_id in spans and r.coder_id in ids
        }
        got = {
            (unit, ids[c]): float(row[c])
            for unit, row in zip(table.units, table.scores, strict=True)
            for c in range(len(ids))
            if not np.isnan(row[c])
        }
        assert got == want and got
    report = compute(study, names, "segment")
    assert report.segment_matching is not None
    assert all(p.matched > 0 for p in report.segment_matching.pairs)


def test_a_coder_sees_only_their_own_ratings_on_both_levels(study: Study) -> None:
    coders = _rate(study)
    ana, ben = coders[0], coders[1]
    # both assigned, nothing submitted: Ana may not see Ben's work anywhere
    assignments = [
        Assignment(0, v.id, c.id, AssignmentStatus.IN_PROGRESS)
        for v in study.videos.all()
        for c in (ana, ben)
    ]
    viewer = Viewer(ana, assignments)
    for level in ("session", "segment"):
        _, tables = compute_tables(study, [ana.name, ben.name], level, None, viewer)  # type: ignore[arg-type]
        for table in tables.values():
            assert table.scores.size and np.isnan(table.scores[:, 1]).all(), level
