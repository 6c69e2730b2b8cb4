"""Exports stream (issue 18): rows come from SQL one at a time, so the memory an export needs
does not grow with the number of ratings and segments (only with the videos and coders).

Measured with tracemalloc (allocations, not wall-clock time: robust under load): 40 and
then 120 videos, each coder with 4 rated segments on each. The growth of the export's peak
per rating added stays far below what holding every rating as an object costs (~900 bytes
each).
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.exchange.long_sheet import RATINGS_COLUMNS
from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.import_rows import ImportedRating
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

SEGMENTS = 4
CODERS = ("Ana", "Ben")
RATINGS_HEADER = [c.name for c in RATINGS_COLUMNS]


def _study(path: Path, videos: int, segments: int = SEGMENTS) -> int:
    """A study of ``videos`` videos, each coder with ``segments`` rated segments (notes and
    episodes filled) and a session rating; returns the number of ratings."""
    with Study.create(from_string(path), load_scheme("eas-demo"), "Streams") as study:
        keys = study.scheme.keys
        rows: list[ImportedRating] = []
        for v in range(videos):
            for coder in CODERS:
                for s in range(segments + 1):
                    span = (s * 10_000, s * 10_000 + 9_000, "free_play", f"segment {s} of {v}")
                    for k, key in enumerate(keys):
                        score = 1 + (v + s + k) % 13 * 0.5
                        rows.append(ImportedRating(
                            len(rows) + 2, f"M{v:03d}", "T1 pre", f"m{v}.mp4", coder, key,
                            score, span if s < segments else None, f"why {k}",
                        ))  # fmt: skip
        study.bulk_import(rows, "setup", allow_new=True)
        return len(rows)


def _export_peak(path: Path, out: Path, coder: str | None = None) -> int:
    """The export's peak traced memory: the lab manager's, or ``coder``'s (blind) one."""
    with Study.open(from_string(path), backup=False) as study:
        viewer = None
        if coder is not None:
            who = study.coders.get(coder)
            viewer = Viewer(who, study.assignments.all())
        gc.collect()
        tracemalloc.start()
        try:
            export_study(study, out, "csv", viewer=viewer)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak


def test_export_memory_does_not_grow_with_the_ratings(tmp_path: Path) -> None:
    small, big = tmp_path / "small.sqlite", tmp_path / "big.sqlite"
    n_small, n_big = _study(small, 40), _study(big, 120)
    _export_peak(small, tmp_path / "warm.csv")  # imports and caches, once
    growth = {}
    for coder in (None, "Ana"):
        peak_small = _export_peak(small, tmp_path / "small.csv", coder)
        peak_big = _export_peak(big, tmp_path / "big.csv", coder)
        growth[coder] = (peak_big - peak_small) / (n_big - n_small)
    # Every rating held as an object (the snapshot, saved times, the long sheet's list) cost
    # ~900 bytes each before (a coder's export too). Streamed, what grows is kept per video
    # (the video, its Change aggregates; ~80 bytes per rating here, 60 ratings a video).
    # The lab manager's adds reliability, whose ICC needs every score at once (its numpy
    # columns and the rows they are read from: ~200 bytes per rating).
    assert growth["Ana"] < 200, f"{growth['Ana']:.0f} bytes per rating: the export holds rows"
    assert growth[None] < 400, f"{growth[None]:.0f} bytes per rating: the export holds rows"


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def test_postgresql_streams_the_same_rows(tmp_path: Path, server_location: Location) -> None:
    """The rows come through a server-side cursor on PostgreSQL: the same rows as from SQLite
    (the Ratings sheet's order within a coder's video differs as the databases sort NULL:
    the session score first in SQLite, last in PostgreSQL, as before streaming)."""
    lite = tmp_path / "lite.sqlite"
    _study(lite, 12, 3)
    with Study.create(server_location, load_scheme("eas-demo"), "Streams") as study:
        with Study.open(from_string(lite), backup=False) as source:
            rows = [
                ImportedRating(n, r[0], r[1], r[2], r[3], r[12], r[14],
                               None if r[4] == "session" else
                               (round(r[5] * 1000), round(r[6] * 1000), r[11] or None, r[17]),
                               r[16] or "")
                for n, r in enumerate(_sheets(_export(source, tmp_path / "a.xlsx"))["Ratings"][1:])
            ]  # fmt: skip
        study.bulk_import(rows, "copy", allow_new=True)
        served = _sheets(_export(study, tmp_path / "pg.xlsx"))
    with Study.open(from_string(lite), backup=False) as source:
        local = _sheets(_export(source, tmp_path / "lite.xlsx"))
    for name in ("Sessions", "Change", "Segments"):
        assert served[name] == local[name], name
    saved_at = RATINGS_HEADER.index("saved_at")
    assert sorted(r[:saved_at] for r in served["Ratings"]) == sorted(
        r[:saved_at] for r in local["Ratings"]
    )
    assert len(served["Ratings"]) == 1 + 12 * 2 * 4 * 6


def _export(study: Study, out: Path) -> Path:
    export_study(study, out)
    return out
