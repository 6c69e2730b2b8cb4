"""Storage speed: saving one rating (commit included) and loading a large study.

Budgets (issue 3): save <= 20 ms at p95; load of 2,000 videos x 2 coders x 6 dimensions x
4 segments (16,000 segments, 120,000 ratings) <= 1 s.

Usage: python -m benchmarks.bench_store [--saves N] [--videos N] [--json PATH]
Prints a table and writes JSON (default benchmarks/results/store.json).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.report import print_table, write_json
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
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

RESULTS = Path(__file__).resolve().parent / "results" / "store.json"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_save(folder: Path, saves: int) -> dict[str, Any]:
    """Time Study.set_rating end to end: validation, upsert, audit row, durable commit."""
    with Study.create(from_string(folder / "save.sqlite"), load_scheme(), "bench") as study:
        video = study.videos.add("B001", "T1 pre", None)
        coder = study.coders.add("Bench")
        segments = [
            study.segments.add(video.id, coder.id, i * 1000, i * 1000 + 900)
            for i in range(saves // 6 + 1)
        ]
        keys = study.scheme.keys
        timings = []
        for i in range(saves):
            started = time.perf_counter()
            study.ratings.set(
                video.id, coder.id, keys[i % 6], 1 + (i % 13) * 0.5, segment_id=segments[i // 6].id
            )
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "saves": saves,
        "median_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "max_ms": max(timings),
        "budget_p95_ms": 20.0,
    }


def _populate(study: Study, videos: int, coders: int, segments: int) -> int:
    """Fill a study directly through the tables (setup only; not what is measured)."""
    keys = study.scheme.keys
    engine = make_engine(study.location)  # setup writes the tables directly, on purpose
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.insert(CoderRow),
            [
                {"id": c + 1, "name": f"Coder {c + 1}", "active": True, "created_at": now}
                for c in range(coders)
            ],
        )
        conn.execute(
            sa.insert(ParticipantRow),
            [{"id": v + 1, "code": f"P{v // 2 + 1:04d}-{v}", "note": ""} for v in range(videos)],
        )
        conn.execute(
            sa.insert(VideoRow),
            [
                {
                    "id": v + 1,
                    "participant_id": v + 1,
                    "timepoint": "T1 pre" if v % 2 else "T2 follow-up",
                    "path": f"videos/v{v}.mp4",
                    "duration_ms": 600_000,
                    "fps": 30.0,
                    "frame_count": 18_000,
                    "width": 1280,
                    "height": 720,
                    "file_size": 10**8,
                    "fingerprint": f"{v:032x}",
                    "added_at": now,
                }
                for v in range(videos)
            ],
        )
        seg_rows, rating_rows = [], []
        seg_id = 0
        for v in range(videos):
            for c in range(coders):
                for s in range(segments):
                    seg_id += 1
                    seg_rows.append(
                        {
                            "id": seg_id,
                            "video_id": v + 1,
                            "coder_id": c + 1,
                            "start_ms": s * 150_000,
                            "end_ms": (s + 1) * 150_000,
                            "episode": "free_play",
                            "note": "",
                            "created_at": now,
                        }
                    )
                    for k, key in enumerate(keys):
                        rating_rows.append(
                            {
                                "video_id": v + 1,
                                "coder_id": c + 1,
                                "segment_id": seg_id,
                                "dimension": key,
                                "score": 1 + ((v + s + k) % 13) * 0.5,
                                "items": None,
                                "updated_at": now,
                            }
                        )
                for k, key in enumerate(keys):
                    rating_rows.append(
                        {
                            "video_id": v + 1,
                            "coder_id": c + 1,
                            "segment_id": None,
                            "dimension": key,
                            "score": 1 + ((v + k) % 13) * 0.5,
                            "items": None,
                            "updated_at": now,
                        }
                    )
        conn.execute(sa.insert(SegmentRow), seg_rows)
        conn.execute(sa.insert(RatingRow), rating_rows)
    engine.dispose()
    return len(rating_rows)


def bench_load(
    folder: Path, videos: int, coders: int, segments: int, repeats: int
) -> dict[str, Any]:
    """Time Study.open + Study.load of a large study (fresh open each time)."""
    location = from_string(folder / "load.sqlite")
    with Study.create(location, load_scheme(), "bench") as study:
        ratings = _populate(study, videos, coders, segments)
    timings, open_timings = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        with Study.open(location) as study:
            opened = time.perf_counter()
            snapshot = study.load()
            done = time.perf_counter()
        open_timings.append((opened - started) * 1000)
        timings.append((done - opened) * 1000)
        assert len(snapshot.ratings) == ratings
    return {
        "videos": videos,
        "coders": coders,
        "segments_per_video_coder": segments,
        "segments": len(snapshot.segments),
        "ratings": ratings,
        "open_median_ms": statistics.median(open_timings),
        "load_median_ms": statistics.median(timings),
        "load_max_ms": max(timings),
        "budget_load_ms": 1000.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=600)
    parser.add_argument("--videos", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eas-bench-") as tmp:
        save = bench_save(Path(tmp), args.saves)
        load = bench_load(Path(tmp), args.videos, 2, 4, args.repeats)
    rows = [
        ("save one rating, median", f"{save['median_ms']:.2f} ms", ""),
        ("save one rating, p95", f"{save['p95_ms']:.2f} ms", "<= 20 ms"),
        ("save one rating, max", f"{save['max_ms']:.2f} ms", ""),
        (f"open study ({load['videos']} videos)", f"{load['open_median_ms']:.0f} ms", ""),
        (
            f"load {load['segments']} segments + {load['ratings']} ratings, median",
            f"{load['load_median_ms']:.0f} ms",
            "<= 1000 ms",
        ),
    ]
    print_table(rows)
    ok = save["p95_ms"] <= 20.0 and load["load_median_ms"] <= 1000.0
    write_json(args.json, {"save_rating": save, "load_study": load, "within_budget": ok})
    return 0


if __name__ == "__main__":
    sys.exit(main())
