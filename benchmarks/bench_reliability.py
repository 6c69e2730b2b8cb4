"""Reliability speed: 1,000 double-coded videos x 6 dimensions, each coder with a session
rating and a rated segment per video; every statistic with its intervals (ICC with F tests,
kappa, alpha, Gwet's AC1/AC2, Brennan–Prediger). Budget (issue 18): <= 0.3 s at 1,000
videos, <= 3 s at 10,000. Measured: the statistics alone on ready tables, the whole
`reliability.compute` at session level (reading the ratings from the study included), and
at segment level (the segments matched by overlap too; held to the same budget).

Usage: python -m benchmarks.bench_reliability [--videos N] [--json PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from benchmarks.report import print_table, write_json
from eas_coder import reliability
from eas_coder.location import from_string
from eas_coder.reliability_design import chance_values
from eas_coder.scheme import load_scheme
from eas_coder.stats import icc
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import (
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
    utcnow,
)

RESULTS = Path(__file__).resolve().parent / "results" / "reliability.json"


def populate(study: Study, videos: int, seed: int = 3) -> None:
    """Two coders rate every video on every dimension (setup writes the tables directly)."""
    rng = np.random.default_rng(seed)
    keys = study.scheme.keys
    now = utcnow()
    engine = make_engine(study.location)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(CoderRow),
            [{"id": i, "name": f"Coder {i}", "active": True, "created_at": now} for i in (1, 2)],
        )
        conn.execute(
            sa.insert(ParticipantRow),
            [{"id": v + 1, "code": f"P{v:05d}", "note": ""} for v in range(videos)],
        )
        conn.execute(
            sa.insert(VideoRow),
            [
                {"id": v + 1, "participant_id": v + 1, "timepoint": "T1 pre", "added_at": now}
                for v in range(videos)
            ],
        )
        truth = rng.integers(2, 13, size=(videos, len(keys))) / 2 + 1
        conn.execute(
            sa.insert(SegmentRow),
            [
                {
                    "id": c * videos + v + 1,
                    "video_id": v + 1,
                    "coder_id": c + 1,
                    "start_ms": 0,
                    "end_ms": 4000,
                    "episode": "free_play",
                    "note": "",
                    "created_at": now,
                }
                for c in range(2)
                for v in range(videos)
            ],
        )
        rows = []
        for coder in (1, 2):
            noisy = np.clip(np.round((truth + rng.normal(0, 0.5, truth.shape)) * 2) / 2, 1, 7)
            for v in range(videos):
                for k, key in enumerate(keys):
                    rows.append(
                        {
                            "video_id": v + 1,
                            "coder_id": coder,
                            "segment_id": None,
                            "dimension": key,
                            "score": float(noisy[v, k]),
                            "items": None,
                            "updated_at": now,
                        }
                    )
                    rows.append(
                        rows[-1] | {"segment_id": (coder - 1) * videos + v + 1}
                    )  # the coder's segment of that video, rated too
        conn.execute(sa.insert(RatingRow), rows)
    engine.dispose()


def budget_ms(videos: int) -> float:
    """300 ms at 1,000 videos, growing linearly (3 s at 10,000)."""
    return 300.0 * max(videos, 1000) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eas-bench-") as tmp:
        location = from_string(Path(tmp) / "rel.sqlite")
        with Study.create(location, load_scheme(), "bench") as study:
            populate(study, args.videos)
        with Study.open(location) as study:
            _, tables = reliability.compute_tables(study, None, "session", None)
            dims = list(study.scheme.dimensions)
            stats_only, whole, segment = [], [], []
            for _ in range(args.repeats):
                started = time.perf_counter()
                for dim in dims:
                    scores = tables[dim.key].scores
                    icc(scores)
                    reliability.score_table(scores, dim, 1.0)
                    chance_values(scores, dim)
                stats_only.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                report = reliability.compute(study)
                whole.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                by_segment = reliability.compute(study, level="segment")
                segment.append((time.perf_counter() - started) * 1000)
    units = report.dimensions[dims[0].key].n_units
    result = {
        "videos": args.videos,
        "units_per_dimension": units,
        "dimensions": len(dims),
        "statistics_only_median_ms": statistics.median(stats_only),
        "compute_with_loading_median_ms": statistics.median(whole),
        "compute_with_loading_max_ms": max(whole),
        "segment_units_per_dimension": by_segment.dimensions[dims[0].key].n_units,
        "segment_compute_median_ms": statistics.median(segment),
        "segment_compute_max_ms": max(segment),
        "budget_ms": budget_ms(args.videos),
    }
    result["within_budget"] = result["compute_with_loading_median_ms"] <= result["budget_ms"]
    result["segment_within_budget"] = result["segment_compute_median_ms"] <= result["budget_ms"]
    print_table(
        [
            (
                "all statistics, 6 dimensions, ready tables (median)",
                f"{result['statistics_only_median_ms']:.1f} ms",
                "",
            ),
            (
                f"reliability.compute, {units} videos, incl. reading ratings (median)",
                f"{result['compute_with_loading_median_ms']:.1f} ms",
                f"<= {result['budget_ms']:.0f} ms",
            ),
            (
                f"reliability.compute(level='segment'), {result['segment_units_per_dimension']} "
                "matched segments, incl. reading (median)",
                f"{result['segment_compute_median_ms']:.1f} ms",
                f"<= {result['budget_ms']:.0f} ms",
            ),
        ]
    )
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
