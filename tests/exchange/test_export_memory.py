"""What an export holds at once (issue 18): the reliability sheet's ratings are read a chunk
at a time into packed columns, and the SPSS writer keeps its whole frame compact, with no
copy of it. Measured with tracemalloc (allocations, not time: robust under load), as the
growth of the peak per rating between a small and a larger study."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyreadstat
import pytest

from eas_coder import reliability_columns
from eas_coder.exchange.export import export_study
from eas_coder.exchange.meta_sheets import build_sheets
from eas_coder.exchange.sav import write_sav
from eas_coder.location import from_string
from eas_coder.reliability_sources import segment_weights
from eas_coder.store import rating_columns
from eas_coder.store.study import Study
from tests.exchange.test_export_streams import _study


def _peak(path: Path, work: Callable[[Study], object]) -> int:
    with Study.open(from_string(path), backup=False) as study:
        work(study)  # imports and caches, once
        gc.collect()
        tracemalloc.start()
        try:
            work(study)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak


def _growth(tmp_path: Path, work: Callable[[Study], object]) -> float:
    small, big = tmp_path / "small.sqlite", tmp_path / "big.sqlite"
    n_small, n_big = _study(small, 20), _study(big, 80)
    return (_peak(big, work) - _peak(small, work)) / (n_big - n_small)


def _columns(study: Study) -> object:
    coders = [c.id for c in study.coders.all()]
    return study.ratings.columns(coders, study.scheme.keys)


def test_the_ratings_for_reliability_are_read_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rating_columns, "CHUNK", 300, raising=False)
    growth = _growth(tmp_path, _columns)
    # Five packed numbers a rating (40 bytes) and one chunk; every row read at once as the
    # driver's tuples first cost ~230 bytes a rating (300 MB at 10,000 videos).
    assert growth < 100, f"{growth:.0f} bytes per rating: the reading holds every row"


def test_chunks_read_the_same_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(tmp_path / "s.sqlite", 6)
    with Study.open(from_string(tmp_path / "s.sqlite"), backup=False) as study:
        whole = _columns(study)
        monkeypatch.setattr(rating_columns, "CHUNK", 7, raising=False)  # chunks end mid-video
        chunked = _columns(study)
    for name in ("video_id", "coder_id", "segment_id", "dimension", "score"):
        a, b = getattr(whole, name), getattr(chunked, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
        assert b.flags.writeable, name
    assert len(chunked.score) == 6 * 2 * 5 * 6


def test_the_spss_export_keeps_one_compact_frame(tmp_path: Path) -> None:
    def sav(study: Study) -> object:
        return export_study(study, tmp_path / "out.sav")

    growth = _growth(tmp_path, sav)
    # The long file's frame, its columns packed (text as shared references, a value every
    # row repeats not stored, numbers floats hold exactly in 4 bytes), and what streaming
    # keeps per video; the frame copied into pandas' blocks and again by pyreadstat (to
    # convert the saved times) cost ~700 bytes a rating.
    assert growth < 400, f"{growth:.0f} bytes per rating: the SPSS writer copies its frame"
    frame, meta = pyreadstat.read_sav(str(tmp_path / "out-Ratings.sav"))
    assert len(frame) == 20 * 2 * 5 * 6  # the small study, exported last
    assert meta.original_variable_types["saved_at"] == "DATETIME20"
    assert str(frame["saved_at"].dtype).startswith("datetime64")


def _cube_added(study: Study) -> int:
    coders = [c.id for c in study.coders.all()]
    columns = study.ratings.columns(coders, study.scheme.keys)
    gc.collect()
    tracemalloc.reset_peak()  # the columns are read: what the cube adds to them
    start = tracemalloc.get_traced_memory()[0]
    reliability_columns.session_cube(columns, coders, len(study.scheme.keys))
    return tracemalloc.get_traced_memory()[1] - start


def test_the_session_cube_is_made_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reliability_columns, "CHUNK", 300, raising=False)
    small, big = tmp_path / "small.sqlite", tmp_path / "big.sqlite"
    n_small, n_big = _study(small, 20), _study(big, 80)
    added: list[int] = []
    for path in (small, big):
        with Study.open(from_string(path), backup=False) as study:
            _cube_added(study)  # imports and caches, once
            tracemalloc.start()
            try:
                added.append(_cube_added(study))
            finally:
                tracemalloc.stop()
    growth = (added[1] - added[0]) / (n_big - n_small)
    # The videos' ids sorted once (8 bytes a rating) and one chunk; whole-column
    # temporaries (cells, inverse, weights, masked copies) cost ~70 MB at 10,000 videos.
    assert growth < 20, f"{growth:.0f} bytes per rating: the cube holds whole-column temporaries"


def test_chunks_make_the_same_session_cube(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(tmp_path / "s.sqlite", 6)
    with Study.open(from_string(tmp_path / "s.sqlite"), backup=False) as study:
        coders = [c.id for c in study.coders.all()]
        columns = _columns(study)
        assert isinstance(columns, rating_columns.RatingColumns)
        weights = segment_weights(study, columns)
        n = len(study.scheme.keys)
        whole = [reliability_columns.session_cube(columns, coders, n, w) for w in (None, weights)]
        monkeypatch.setattr(reliability_columns, "CHUNK", 7, raising=False)  # mid-video
        chunked = [reliability_columns.session_cube(columns, coders, n, w) for w in (None, weights)]
    for (videos_a, cube_a), (videos_b, cube_b) in zip(whole, chunked, strict=True):
        assert np.array_equal(videos_a, videos_b)
        assert cube_a.tobytes() == cube_b.tobytes()  # the same sums, to the last bit
        assert np.isnan(cube_a).sum() < cube_a.size


def test_the_spss_writer_holds_text_as_narrow_codes(tmp_path: Path) -> None:
    """The long sheet's rows gathered first: what writing them adds, per row."""
    peaks, files = [], []
    for videos in (20, 80):
        path, out = tmp_path / f"s{videos}.sqlite", tmp_path / f"r{videos}.sav"
        _study(path, videos)
        with Study.open(from_string(path), backup=False) as study:
            sheet = next(s for s in build_sheets(study) if s.name == "Ratings")
            sheet.rows = list(sheet.rows)
            bands = [b.label for b in study.scheme.bands]
            write_sav(sheet, out, bands)  # imports and caches, once
            gc.collect()
            tracemalloc.start()
            try:
                write_sav(sheet, out, bands)
                peaks.append((tracemalloc.get_traced_memory()[1], len(sheet.rows)))
            finally:
                tracemalloc.stop()
        files.append((sheet, out))
    growth = (peaks[1][0] - peaks[0][0]) / (peaks[1][1] - peaks[0][1])
    # Text as 1-byte codes read one value at a time (~40 bytes a row in all); 4-byte codes
    # turned into a reference a row for every text column before writing cost ~110.
    assert growth < 64, f"{growth:.0f} bytes per row: the SPSS writer expands its text"
    sheet, out = files[1]
    frame, _ = pyreadstat.read_sav(str(out))
    for index, column in enumerate(sheet.columns):
        if column.kind == "text":
            wanted = ["" if row[index] is None else str(row[index]) for row in sheet.rows]
            assert frame[column.name].tolist() == wanted, column.name
