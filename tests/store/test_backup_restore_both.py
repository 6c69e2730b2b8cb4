"""Backup and restore from the command line, on a SQLite study file and on a study on the
PostgreSQL server (a snapshot into a SQLite study file): the restored study holds exactly
what the backup held, what it held before is kept, and new work gets fresh ids."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from eas_coder.cli import main
from eas_coder.location import Location, from_string
from eas_coder.merge import merge_study
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, "d" * 32)


def _arg(location: Location) -> str:
    if location.path is not None:
        return str(location.path)
    return location.url.render_as_string(hide_password=False)


def _content(location: Location) -> dict[str, Any]:
    """What a restore must bring back, ids included."""
    with Study.open(location, backup=False) as study:
        data = study.load()
        return {
            "coders": [(c.id, c.name) for c in data.coders],
            "videos": [(v.id, v.label, v.fingerprint) for v in data.videos],
            "segments": sorted((s.id, s.video_id, s.start_ms, s.end_ms) for s in data.segments),
            "ratings": sorted(
                (r.id, r.coder_id, r.dimension, r.score, r.segment_id, r.note, r.version)
                for r in data.ratings
            ),
            "assignments": sorted((a.video_id, a.coder_id, a.status) for a in data.assignments),
            "audit": len(study.audit_log()),
        }


def _coded(location: Location, scheme: Scheme) -> None:
    with Study.create(location, scheme, "Backed up", actor="t") as study:
        video = study.videos.add("D001", "T1 pre", None, INFO)
        (ana,) = study.coders.add_many(["Ana"])
        study.assignments.add(video.id, ana.id)
        for start in (0, 20_000):
            segment = study.segments.add(video.id, ana.id, start, start + 20_000)
            study.ratings.set(video.id, ana.id, "sensitivity", 5.5, segment.id, note="warm")
        study.ratings.set(video.id, ana.id, "structuring", 4)
        study.settings.set("backups.keep", 3)


def _kept(output: str) -> Path:
    found = re.search(r"(?:Kept the file it replaced as|as it held until now as) (\S+)", output)
    found = found or re.search(r"Kept what the study held until now as (\S+)", output)
    assert found, output
    return Path(found[1])


def test_backup_then_restore_brings_back_exactly_the_backup(
    db_location: Location, scheme: Scheme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _coded(db_location, scheme)
    saved = _content(db_location)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["--db", _arg(db_location), "backup", str(folder)]) == 0
    (backup,) = folder.iterdir()
    assert str(backup) in capsys.readouterr().out
    with Study.open(db_location, backup=False) as study:  # work after the backup
        ana = study.coders.get("Ana")
        video = study.videos.all()[0]
        study.coders.add_many(["Ben"])
        study.segments.delete(study.segments.all()[0].id)
        study.ratings.set(video.id, ana.id, "structuring", 6.5)
        study.assignments.submit(video.id, ana.id)
    changed = _content(db_location)
    assert changed != saved

    assert main(["--db", _arg(db_location), "restore", str(backup)]) == 0
    assert _content(db_location) == saved
    before = _kept(capsys.readouterr().out)
    assert _content(from_string(before)) == changed  # nothing of the later work is lost
    with Study.open(db_location, backup=False) as study:  # ids go on after the restored ones
        (cleo,) = study.coders.add_many(["Cleo"])
        video = study.videos.all()[0]
        segment = study.segments.add(video.id, cleo.id, 0, 1000)
        rating = study.ratings.set(video.id, cleo.id, "sensitivity", 3, segment.id)
        assert cleo.id > max(i for i, _ in saved["coders"])
        assert rating.id > max(r[0] for r in saved["ratings"])
        assert study.check().ok


def test_a_server_snapshot_is_a_study_file_that_can_travel_and_merge_back(
    server_location: Location, scheme: Scheme, tmp_path: Path
) -> None:
    db_location = server_location
    _coded(db_location, scheme)
    laptop = tmp_path / "laptop.sqlite"
    assert main(["--db", _arg(db_location), "backup", str(laptop)]) == 0
    assert _content(from_string(laptop)) == _content(db_location)
    assert laptop.stat().st_mode & 0o777 == 0o600
    with Study.open(from_string(laptop)) as copy:  # coded offline
        video = copy.videos.all()[0]
        (dana,) = copy.coders.add_many(["Dana"])
        copy.ratings.set(video.id, dana.id, "child_involvement", 6)
    with Study.open(db_location) as lab, Study.open(from_string(laptop)) as copy:
        report = merge_study(lab, copy)
        assert report.ratings_added == 1 and not report.conflicts
        assert [r.score for r in lab.ratings.all() if r.dimension == "child_involvement"] == [6]


def test_a_bad_snapshot_changes_nothing_on_the_server(
    db_location: Location, scheme: Scheme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _coded(db_location, scheme)
    saved = _content(db_location)
    (tmp_path / "elsewhere").mkdir()
    bogus = tmp_path / "elsewhere" / "notes.sqlite"
    bogus.write_text("not a database", encoding="utf-8")
    assert main(["--db", _arg(db_location), "restore", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert str(bogus) in err and "not a SQLite database" in err
    assert _content(db_location) == saved
    assert [p.name for p in bogus.parent.iterdir()] == ["notes.sqlite"]  # no copy left over


def test_backup_without_a_target(
    db_location: Location, scheme: Scheme, capsys: pytest.CaptureFixture[str]
) -> None:
    _coded(db_location, scheme)
    code = main(["--db", _arg(db_location), "backup"])
    out, err = capsys.readouterr()
    if db_location.path is None:  # a server study has no folder of its own
        assert code == 2 and "name a folder or file for the snapshot" in err
        return
    assert code == 0
    (made,) = (db_location.path.parent / "study.backups").iterdir()
    assert f"Backup written to {made}" in out
    assert _content(from_string(made)) == _content(db_location)
