"""Frame numbers beside the segment times in every export format, read back as analysts do.

Clips are made with ffmpeg at test time, each frame carrying its own index in its pixels: a
variable-frame-rate Matroska file and an MP4 whose timestamps start at 2.5 s. Segments are
marked the way the window marks them (I stores the shown frame's start, O the start of the
next frame, the last frame ends at the video's end), so the exported numbers must give back
the frames pressed on, and the pictures at those numbers must carry the same numbers.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import plan_import
from eas_coder.location import from_string
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.probe import fingerprint
from eas_coder.model import VideoInfo
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.media.conformance_clips import Clip, read_index, write_clip

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

X264 = ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2"]
VFR = Clip(
    "frames vfr",
    ".mkv",
    X264,
    filters=["setpts='if(lt(N,50),N/25,2+(N-50)*2/25)/TB'"],  # 40 ms frames, then 80 ms
    extra=["-fps_mode", "passthrough"],
)
OFFSET = Clip("frames offset", ".mp4", X264, extra=["-output_ts_offset", "2.5"])
OTHER = Clip("frames other", ".mp4", X264, seconds=2.0)


@dataclass(frozen=True)
class Marked:
    """A segment as the coder marked it: the frames pressed on, and what was stored."""

    video: str
    first: int | None
    last: int | None
    start_ms: int
    end_ms: int


def _mark(index: FrameIndex, first: int, last: int) -> tuple[int, int]:
    """The window's I / O rule (coding_controller.mark_in_here / mark_out_here)."""
    end = index.time_ms(last + 1) if last + 1 < index.frame_count else index.duration_ms
    return index.time_ms(first), end


def _add(study: Study, participant: str, path: Path, index: FrameIndex, copy: bool = False) -> int:
    info = VideoInfo(
        duration_ms=index.duration_ms,
        fps=index.fps,
        frame_count=index.frame_count,
        width=index.width,
        height=index.height,
        file_size=path.stat().st_size,
        fingerprint=fingerprint(path),
    )
    return study.videos.add(participant, "T1", path, info, copy, name=path.name).id


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("frame-clips")
    return {clip.name: write_clip(clip, folder) for clip in (VFR, OFFSET, OTHER)}


@pytest.fixture
def coded(tmp_path: Path, clips: dict[str, Path]) -> Iterator[tuple[Study, list[Marked]]]:
    """A study: the VFR and start-offset clips with segments marked on frames; a session
    without a file; a video whose file went missing; one whose file was replaced."""
    media = tmp_path / "media"
    media.mkdir()
    marked: list[Marked] = []
    with Study.create(from_string(tmp_path / "s.sqlite"), load_scheme("eas-direct"), "F") as s:
        ana = s.coders.add("Ana")
        for participant, name, spans in (
            # the 40/80 ms change of rate at frame 50, the first and the last frame
            ("V01", VFR.name, [(0, 0), (3, 17), (48, 52), (55, 61), (-5, -1)]),
            # timestamps from 2.5 s: frame 0 is 0 ms in the study
            ("S01", OFFSET.name, [(0, 9), (10, 10), (37, 88), (90, -1)]),
        ):
            path = media / clips[name].name
            shutil.copy(clips[name], path)
            index = read_frame_index(path)
            assert index.frame_count > 60
            video_id = _add(s, participant, path, index)
            for first, last in spans:
                first, last = first % index.frame_count, last % index.frame_count
                start, end = _mark(index, first, last)
                s.segments.add(video_id, ana.id, start, end)
                marked.append(Marked(path.name, first, last, start, end))
        paper = s.videos.add("P01", "T1", None, name="paper_p01")
        s.segments.add(paper.id, ana.id, 1000, 2000)
        marked.append(Marked("paper_p01", None, None, 1000, 2000))
        for participant, name in (("G01", "gone.mp4"), ("R01", "replaced.mp4")):
            path = media / name
            shutil.copy(clips[OFFSET.name], path)
            video_id = _add(s, participant, path, read_frame_index(path), copy=True)
            s.segments.add(video_id, ana.id, 400, 800)
            marked.append(Marked(name, None, None, 400, 800))
        (media / "gone.mp4").unlink()
        shutil.copy(clips[OTHER.name], media / "replaced.mp4")  # another recording
        for seg in s.segments.all():
            s.ratings.set(seg.video_id, ana.id, "sensitivity", 5, segment_id=seg.id)
        yield s, marked


def _key(video: object, start_s: object, end_s: object) -> tuple[str, int, int]:
    return str(video), round(float(start_s) * 1000), round(float(end_s) * 1000)  # type: ignore[arg-type]


def _expected(marked: list[Marked]) -> dict[tuple[str, int, int], tuple[int | None, int | None]]:
    return {(m.video, m.start_ms, m.end_ms): (m.first, m.last) for m in marked}


def _number(value: object) -> int | None:
    """A cell as a frame number; None when empty (None, "", NaN)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)  # type: ignore[arg-type]
    assert number.is_integer(), value
    return int(number)


def _check_rows(rows: list[dict[str, object]], marked: list[Marked], start: str, end: str) -> int:
    expected = _expected(marked)
    seen = 0
    for row in rows:
        if row.get("level", "segment") != "segment":
            assert _number(row["segment_start_frame"]) is None
            continue
        key = _key(row["video"], row[start], row[end])
        got = (_number(row["segment_start_frame"]), _number(row["segment_end_frame"]))
        assert got == expected[key], key
        seen += 1
    return seen


def test_frames_in_xlsx_csv_and_sav_match_the_frame_index(
    coded: tuple[Study, list[Marked]], tmp_path: Path
) -> None:
    study, marked = coded
    out = tmp_path / "out"
    files = {fmt: export_study(study, out.with_suffix(f".{fmt}")) for fmt in ("xlsx", "csv", "sav")}
    book = load_workbook(files["xlsx"][0], read_only=True)
    for sheet, (start, end) in (
        ("Ratings", ("segment_start_s", "segment_end_s")),
        ("Segments", ("start_s", "end_s")),
    ):
        values = list(book[sheet].iter_rows(values_only=True))
        header = list(values[0])
        assert "segment_start_frame" in header and "segment_end_frame" in header
        # beside the times
        assert header.index("segment_end_frame") == header.index("segment_start_frame") + 1
        rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
        assert _check_rows(rows, marked, start, end) == len(marked)
    codebook = [row for row in book["Codebook"].iter_rows(values_only=True) if row[0] == "Frames"]
    text = " ".join(str(cell) for row in codebook for cell in row)
    assert "last frame inside the segment" in text
    assert "gone.mp4" in text and "replaced.mp4" in text and "G01 · T1" in text
    assert "no video file" in text  # the paper session
    for sheet, (start, end) in (
        ("Ratings", ("segment_start_s", "segment_end_s")),
        ("Segments", ("start_s", "end_s")),
    ):
        path = tmp_path / f"out-{sheet}.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert _check_rows(rows, marked, start, end) == len(marked)  # type: ignore[arg-type]
    frame, meta = pyreadstat.read_sav(str(tmp_path / "out-Ratings.sav"))
    assert meta.readstat_variable_types["segment_start_frame"] == "double"
    rows = frame.to_dict("records")
    assert _check_rows(rows, marked, "segment_start_s", "segment_end_s") == len(marked)
    wide, _meta = pyreadstat.read_sav(str(tmp_path / "out.sav"))
    assert "segment_start_frame" not in wide.columns  # one row per video: no segment times


def test_exported_numbers_are_the_frames_shown(
    coded: tuple[Study, list[Marked]], tmp_path: Path
) -> None:
    """The picture at each exported number carries that number: the frame the coder saw."""
    study, marked = coded
    out = tmp_path / "out.csv"
    export_study(study, out)
    with (tmp_path / "out-Segments.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["segment_start_frame"]]
    assert len(rows) == len([m for m in marked if m.first is not None])
    media = tmp_path / "media"
    for row in rows:
        path = media / row["video"]
        with ExactFrames(path, read_frame_index(path)) as frames:
            for column in ("segment_start_frame", "segment_end_frame"):
                number = int(row[column])
                assert read_index(frames.frame(number)) == number, (row["video"], column)


def test_frame_columns_are_accepted_and_ignored_on_import(
    coded: tuple[Study, list[Marked]], tmp_path: Path
) -> None:
    study, _marked = coded
    written = []
    for fmt in ("xlsx", "csv", "sav"):
        written += export_study(study, tmp_path / f"back.{fmt}")
    for path in (
        tmp_path / "back.xlsx",
        tmp_path / "back-Ratings.csv",
        tmp_path / "back-Ratings.sav",
    ):
        assert path in written
        plan = plan_import(study, path)  # raises ImportRejected on any problem
        assert plan.ratings == [] and plan.skipped == len(study.load().ratings)


def test_export_keeps_each_video_index_by_fingerprint(
    coded: tuple[Study, list[Marked]], tmp_path: Path, clips: dict[str, Path]
) -> None:
    """The first export demuxes a video and keeps its index; the next reads it back."""
    from eas_coder.media.frame_cache import FrameIndexCache  # new with the frame numbers

    study, _marked = coded
    cache = FrameIndexCache()
    keys = [fingerprint(tmp_path / "media" / clips[c.name].name) for c in (VFR, OFFSET)]
    for key in keys:
        (cache.root / f"{key}-v1.npz").unlink(missing_ok=True)
    export_study(study, tmp_path / "a.csv")
    for key, clip in zip(keys, (VFR, OFFSET), strict=True):
        kept = cache.load(key)
        assert kept == read_frame_index(clips[clip.name])
        assert kept is not None and kept.time_ms(7) == read_frame_index(clips[clip.name]).time_ms(7)
