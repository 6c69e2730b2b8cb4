"""Merging a coder's offline copy: adds their work, reports conflicts, twice changes nothing.
The main study runs on SQLite and on PostgreSQL; the laptop copy is a SQLite file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import Location, from_string
from eas_coder.merge import merge_study
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study


def _info(print_: str) -> VideoInfo:
    return VideoInfo(60_000, 25.0, 1500, 640, 480, 10, print_)


def _laptop(tmp_path: Path, scheme: Scheme) -> Path:
    """A copy coded offline: Ana's two segments with ratings on the video with print p1,
    a new coder Ben's session rating, and a video the main study does not have."""
    path = tmp_path / "laptop.sqlite"
    with Study.create(from_string(path), scheme, "Laptop copy") as laptop:
        video = laptop.videos.add("D001", "T1 pre", Path("elsewhere/d001.mp4"), _info("p1"))
        laptop.videos.add("D099", "T1 pre", Path("d099.mp4"), _info("p99"))
        ana, ben = laptop.coders.add_many(["Ana", "Ben"])
        first = laptop.segments.add(video.id, ana.id, 0, 30_000, None, "free play")
        second = laptop.segments.add(video.id, ana.id, 30_000, 60_000)
        laptop.ratings.set(video.id, ana.id, "sensitivity", 5, first.id, note="warm")
        laptop.ratings.set(video.id, ana.id, "sensitivity", 4, second.id)
        laptop.ratings.set(video.id, ana.id, "structuring", 3, second.id)
        laptop.ratings.set(video.id, ben.id, "sensitivity", 6)
    return path


@pytest.fixture
def main_study(db_location: Location, scheme: Scheme) -> Study:
    study = Study.create(db_location, scheme, "Lab", actor="tester")
    study.videos.add("D001", "T1 pre", Path("videos/d001.mp4"), _info("p1"))
    study.coders.add("Ana")
    return study


def test_merge_adds_reports_conflicts_and_is_idempotent(
    main_study: Study, tmp_path: Path, scheme: Scheme
) -> None:
    laptop_file = _laptop(tmp_path, scheme)
    video = main_study.videos.all()[0]
    ana = main_study.coders.get("Ana")
    # the lab already has Ana's score of the second segment, different from the laptop's
    here = main_study.segments.add(video.id, ana.id, 30_000, 60_000)
    main_study.ratings.set(video.id, ana.id, "sensitivity", 6, here.id)
    with Study.open(from_string(laptop_file), backup=False) as laptop:
        dry = merge_study(main_study, laptop, dry_run=True)
        assert (dry.segments_added, dry.ratings_added) == (1, 3)
        assert len(main_study.segments.all()) == 1  # a dry run changes nothing
        report = merge_study(main_study, laptop)
    assert report.coders_added == ["Ben"]
    assert report.unmatched_videos == ["D099 · T1 pre"]
    assert (report.segments_added, report.ratings_added) == (1, 3)
    assert len(report.conflicts) == 1 and "is 6 here and 4 in the copy" in report.conflicts[0]
    ratings = {(r.coder_id, r.segment_id, r.dimension): (r.score, r.note)
               for r in main_study.ratings.all()}  # fmt: skip
    first = next(s for s in main_study.segments.all() if s.start_ms == 0)
    assert ratings[(ana.id, first.id, "sensitivity")] == (5, "warm")
    assert ratings[(ana.id, here.id, "sensitivity")] == (6, "")  # the lab's score kept
    assert ratings[(ana.id, here.id, "structuring")] == (3, "")
    ben = main_study.coders.get("Ben")
    assert ratings[(ben.id, None, "sensitivity")] == (6, "")
    with Study.open(from_string(laptop_file), backup=False) as laptop:
        again = merge_study(main_study, laptop)
    assert not again.changed and again.ratings_added == 0
    assert len(again.conflicts) == 1  # still reported, still not resolved
    main_study.close()


def test_merge_from_the_command_line(
    tmp_path: Path, scheme: Scheme, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lab.sqlite"
    with Study.create(from_string(db), scheme, "Lab") as lab:
        lab.videos.add("D001", "T1 pre", Path("videos/d001.mp4"), _info("p1"))
    laptop = _laptop(tmp_path, scheme)
    before = db.read_bytes()
    assert main(["--db", str(db), "merge", str(laptop), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 segment(s) and 4 rating(s) would be merged" in out
    assert "not in this study (no video with the same content): D099 · T1 pre" in out
    shutil.copy(db, tmp_path / "check.sqlite")
    with Study.open(from_string(tmp_path / "check.sqlite"), backup=False) as check:
        assert check.ratings.all() == []  # the dry run wrote nothing
    assert main(["--db", str(db), "merge", str(laptop)]) == 0
    assert "2 segment(s) and 4 rating(s) were merged" in capsys.readouterr().out
    assert main(["--db", str(db), "merge", str(laptop)]) == 0
    assert "0 segment(s) and 0 rating(s) were merged; 6 already here" in capsys.readouterr().out
    assert db.read_bytes() != before
