"""The accuracy check when videos are added (job and command line) and by `eas-coder check`:
a truncated, empty or damaged file is refused with a message naming the problem, or added only
when the lab manager accepts it; the check and the whole-file hash are stored with the video."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder import adding_videos
from eas_coder.adding_videos import AddVideosJob, VideoEntry
from eas_coder.cli import main
from eas_coder.location import Location, from_string
from eas_coder.media.probe import full_hash
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.media.damaged_files import damaged_tail_mp4, empty_file, intact_mp4, truncated_mp4


def _new_study(location: Location) -> Location:
    Study.create(location, load_scheme("eas-direct"), "checks").close()
    return location


def _run(job: AddVideosJob):  # type: ignore[no-untyped-def]
    return job(lambda _what, _done, _total: None)


def test_truncated_mp4_is_refused_when_added_naming_the_problem(tmp_path: Path) -> None:
    location = _new_study(from_string(tmp_path / "s.sqlite"))
    cut = truncated_mp4(tmp_path / "D001_T1.mp4")
    summary = _run(AddVideosJob(location, [VideoEntry(cut, "D001", "T1")]))
    with Study.open(location) as study:
        stored = [(v.frame_count, v.duration_ms) for v in study.videos.all()]
    assert stored == [], f"a truncated file was added as {stored} (frames, ms)"
    assert summary.added == []
    [(path, reason)] = summary.failures
    assert path == cut
    assert "truncated" in reason and "100 frames" in reason
    assert [entry.path for entry, _ in summary.damaged] == [cut]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (empty_file, "the file is empty"),
        (damaged_tail_mp4, "cannot be decoded (damaged end of file)"),
    ],
)
def test_empty_and_damaged_tail_files_are_refused_naming_the_problem(
    tmp_path: Path,
    make,
    words: str,  # type: ignore[no-untyped-def]
) -> None:
    location = _new_study(from_string(tmp_path / "s.sqlite"))
    bad = make(tmp_path / "D002_T1.mp4")
    summary = _run(AddVideosJob(location, [VideoEntry(bad, "D002", "T1")]))
    assert summary.added == []
    [(_path, reason)] = summary.failures
    assert words in reason
    with Study.open(location) as study:
        assert study.videos.all() == []


def test_accepted_damaged_file_is_added_with_its_findings_and_hash(
    db_location: Location, tmp_path: Path
) -> None:
    location = _new_study(db_location)
    folder = Path(db_location.base_dir or tmp_path)  # a server study has no folder of its own
    bad = damaged_tail_mp4(folder / "D003_T1.mp4")
    good = intact_mp4(folder / "D004_T1.mp4", seconds=1.0)
    entries = [VideoEntry(bad, "D003", "T1"), VideoEntry(good, "D004", "T1")]
    first = _run(AddVideosJob(location, entries))
    assert first.added == ["D004_T1.mp4"]
    again = _run(AddVideosJob(location, [e for e, _ in first.damaged], accept_damaged=True))
    assert again.added == ["D003_T1.mp4"] and again.failures == []
    with Study.open(location) as study:
        by_code = {v.participant_code: v for v in study.videos.all()}
        damaged = adding_videos.accuracy_of(study, by_code["D003"].id)
        sound = adding_videos.accuracy_of(study, by_code["D004"].id)
        hashes = {code: study.videos.full_hash_of(v.id) for code, v in by_code.items()}
    assert damaged is not None and damaged.damaged and damaged.unreadable_tail > 0
    assert sound is not None and not sound.damaged and sound.audio == "present"
    assert hashes == {"D003": full_hash(bad), "D004": full_hash(good)}


def test_cli_refuses_a_truncated_file_unless_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    _new_study(from_string(db))
    cut = truncated_mp4(tmp_path / "cut.mp4")
    add = ["--db", str(db), "videos", "add", str(cut), "--participant", "D1", "--timepoint", "T1"]
    assert main(add) == 2
    error = capsys.readouterr().err
    assert "truncated" in error and "--accept-damaged" in error
    with Study.open(from_string(db)) as study:
        assert study.videos.all() == []
    assert main([*add, "--accept-damaged"]) == 0
    out = capsys.readouterr().out
    assert "Added D1 · T1" in out and "truncated" in out
    with Study.open(from_string(db)) as study:
        [video] = study.videos.all()
        found = adding_videos.accuracy_of(study, video.id)
        assert found is not None and found.truncated
        assert study.videos.full_hash_of(video.id) == full_hash(cut)


def test_check_reports_a_file_damaged_after_it_was_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    _new_study(from_string(db))
    video = intact_mp4(tmp_path / "v.mp4", seconds=2.0)
    sound = ["--db", str(db), "videos", "add", str(video), "--participant", "D1", "--timepoint",
             "T1"]  # fmt: skip
    assert main(sound) == 0
    assert main(["--db", str(db), "check"]) == 0
    capsys.readouterr()
    data = bytearray(video.read_bytes())  # same size, so only decoding can tell
    data[int(len(data) * 0.8) :] = bytes(len(data) - int(len(data) * 0.8))
    video.write_bytes(bytes(data))
    assert main(["--db", str(db), "check"]) == 1
    out = capsys.readouterr().out
    assert "D1 · T1" in out and "cannot be decoded (damaged end of file)" in out
    with Study.open(from_string(db)) as study:
        [stored] = study.videos.all()
        found = adding_videos.accuracy_of(study, stored.id)
        assert found is not None and found.unreadable_tail > 0  # the re-check is stored


def test_the_demo_studys_videos_are_checked_as_added_ones(tmp_path: Path) -> None:
    # The window said "not checked yet (added by an older version)" on a fresh demo study.
    from eas_coder.demo import build_demo

    study_file = build_demo(tmp_path / "demo", seconds=2.0)
    with Study.open(from_string(study_file)) as study:
        videos = study.videos.all()
        checks = [adding_videos.accuracy_of(study, v.id) for v in videos]
        hashes = [study.videos.full_hash_of(v.id) for v in videos]
    assert videos and all(c is not None and not c.problems for c in checks)
    assert all(h is not None and len(h) == 64 for h in hashes)
