"""Bad input and awkward moments: the same answer on SQLite and PostgreSQL, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from eas_coder.cli import main
from eas_coder.errors import Conflict, SchemaTooNew, StudyError
from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store import database
from eas_coder.store.database import head_revision
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 320, 240, 10, "f" * 32)


def test_load_is_one_snapshot_even_while_another_coder_writes(
    study: Study, db_location: Location
) -> None:
    coder = study.coders.add("Ana")
    video = study.videos.add("D001", "T1 pre", None)
    study.ratings.set(video.id, coder.id, "sensitivity", 4)
    other = Study.open(db_location)
    fired = []

    def write_in_between(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        # after the snapshot read its coders, another workstation adds a video and a score
        if "FROM participant" in statement and not fired:
            fired.append(True)
            late = other.videos.add("D002", "T1 pre", None)
            other.ratings.set(late.id, coder.id, "sensitivity", 6)

    event.listen(Engine, "before_cursor_execute", write_in_between)
    try:
        snapshot = study.load()
    finally:
        event.remove(Engine, "before_cursor_execute", write_in_between)
        other.close()
    assert fired
    assert [v.participant_code for v in snapshot.videos] == ["D001"]
    assert [r.score for r in snapshot.ratings] == [4.0]
    assert len(study.videos.all()) == 2  # the write itself landed


def test_adding_coders_is_all_or_nothing(study: Study) -> None:
    study.coders.add("Ben")
    with pytest.raises(Conflict, match="'Ben' already exists"):
        study.coders.add_many(["Ana", "Ben", "Cleo"])
    with pytest.raises(Conflict, match="named twice"):
        study.coders.add_many(["Ana", "Ana"])
    with pytest.raises(Conflict, match="'Ben' already exists"):
        study.coders.add("ben")
    assert [c.name for c in study.coders.all()] == ["Ben"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.coders.add("x" * 201), "longer than 200"),
        (lambda s: s.coders.add("   "), "missing"),
        (lambda s: s.videos.add("P" * 101, "T1", None), "longer than 100"),
        (lambda s: s.videos.add("P1", "T" * 101, None), "longer than 100"),
    ],
)
def test_overlong_or_empty_names_are_refused_alike(study: Study, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StudyError, match=message):
        call(study)
    assert study.coders.all() == [] and study.videos.all() == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(0.5, 100, "whole milliseconds"), (False, True, "whole milliseconds"),
     (0, 2**63, "whole milliseconds"), (-5, 100, "whole milliseconds"),
     (0, 120_000, "after the end of the video")],
)  # fmt: skip
def test_segment_times_are_checked(study: Study, start: object, end: object, message: str) -> None:
    coder = study.coders.add("Ana")
    video = study.videos.add("D001", "T1 pre", None, INFO)
    with pytest.raises(StudyError, match=message):
        study.segments.add(video.id, coder.id, start, end)  # type: ignore[arg-type]
    assert study.segments.all() == []


def test_deleting_a_segment_audits_every_rating_it_takes(study: Study) -> None:
    ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
    video = study.videos.add("D001", "T1 pre", None)
    segment = study.segments.add(video.id, ana.id, 0, 1000)
    study.ratings.set(video.id, ana.id, "sensitivity", 5, segment_id=segment.id)
    study.ratings.set(video.id, ben.id, "sensitivity", 6.5, segment_id=segment.id)
    study.segments.delete(segment.id)
    cleared = [json.loads(e.old or "{}") for e in study.audit_log() if e.action == "rating.clear"]
    assert sorted((c["coder_id"], c["score"], c["segment_id"]) for c in cleared) == [
        (ana.id, 5.0, segment.id), (ben.id, 6.5, segment.id),
    ]  # fmt: skip
    assert all(c["video_id"] == video.id and c["dimension"] == "sensitivity" for c in cleared)


def test_the_same_recording_is_not_added_twice(sqlite_study: Study, tmp_path: Path) -> None:
    clip = tmp_path / "m01.mp4"
    clip.write_bytes(b"v")
    sqlite_study.videos.add("M01", "T1 pre", clip, INFO)
    with pytest.raises(Conflict, match="already in the study as M01 · T1 pre"):
        sqlite_study.videos.add("M01", "T1 pre", clip, INFO)
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(b"v")
    with pytest.raises(Conflict, match="already in the study"):  # same fingerprint
        sqlite_study.videos.add("M02", "T1 pre", copy, INFO)
    sqlite_study.videos.add("M01", "T1 pre", clip, INFO, allow_duplicate=True)
    assert len(sqlite_study.videos.all()) == 2


_LATER_BROKEN = """
import sqlalchemy as sa
from alembic import op
revision = "0099_broken"
down_revision = "{head}"
branch_labels = None
depends_on = None
def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE coder SET name = name || '!'")
    raise RuntimeError("this step fails")
def downgrade():
    pass
"""


def test_a_failed_migration_leaves_the_study_as_it_was(
    tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.sqlite"
    with Study.create(from_string(path), scheme, "S") as study:
        study.coders.add("Ana")
    head = head_revision()
    later = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "0099_broken.py").write_text(_LATER_BROKEN.format(head=head))
    monkeypatch.setattr(database, "MIGRATIONS_DIR", later)
    with pytest.raises(StudyError, match="could not update.*nothing was changed"):
        Study.open(from_string(path))
    monkeypatch.undo()
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = [row[0] for row in conn.execute("SELECT name FROM coder")]
    conn.close()
    assert "half_done" not in tables and version == head and names == ["Ana"]


_CRASH_AFTER_WAL_WRITE = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE alembic_version SET version_num = '9999_newer'")
    conn.commit()
    os._exit(0)  # a newer EAS Coder dies without checkpointing its WAL
    """
)


def test_newer_schema_left_in_a_wal_file_is_refused_without_touching_the_file(
    tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "study.sqlite"
    with Study.create(from_string(path), scheme, "S"):
        pass
    subprocess.run([sys.executable, "-c", _CRASH_AFTER_WAL_WRITE, str(path)], check=True)
    assert path.with_name("study.sqlite-wal").stat().st_size > 0
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew, match="9999_newer"):
        Study.open(from_string(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.with_name("study.sqlite-wal").stat().st_size > 0  # not checkpointed


def test_check_reports_a_damaged_file_instead_of_crashing(
    tmp_path: Path, scheme: Scheme, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "study.sqlite"
    with Study.create(from_string(path), scheme, "S") as study:
        study.coders.add_many([f"Coder {i}" for i in range(300)])
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 5 * page] = os.urandom(2 * page)  # scribble over two b-tree pages
    path.write_bytes(bytes(data))
    status = main(["--db", str(path), "check"])
    out, err = capsys.readouterr()
    assert status in (1, 2)
    assert "Traceback" not in out + err
    assert "damaged" in out + err or "malformed" in out + err or "not a study" in err
