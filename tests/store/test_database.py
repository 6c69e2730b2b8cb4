"""Opening databases: schema revisions, refusals that leave files untouched, durability."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eas_coder.errors import NotAStudy, SchemaTooNew, StudyNotFound
from eas_coder.location import Location, from_string
from eas_coder.scheme import Scheme
from eas_coder.store import database
from eas_coder.store.database import backup_sqlite, head_revision, make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files_beside(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def test_new_study_is_at_the_head_revision_with_sqlite_pragmas(
    sqlite_study: Study, tmp_path: Path
) -> None:
    assert sqlite_study.info.schema_revision == head_revision()
    engine = make_engine(sqlite_study.location)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        revision = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    assert revision == head_revision()


def test_migrations_build_exactly_the_tables_the_code_uses(db_location: Location, scheme: Scheme):
    with Study.create(db_location, scheme, "Schema"):
        pass
    engine = make_engine(db_location)
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert differences == []


def test_newer_schema_is_refused_and_the_file_left_unchanged(
    tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "future.sqlite"
    with Study.create(from_string(path), scheme, "From the future") as study:
        study.coders.add("Ana")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    before, files_before = _digest(path), _files_beside(path)
    with pytest.raises(SchemaTooNew, match="newer version of EAS Coder.*9999_from_the_future"):
        Study.open(from_string(path))
    assert _digest(path) == before
    assert _files_beside(path) == files_before  # no backup, no leftovers


def test_newer_schema_on_postgresql_is_refused(db_location: Location, scheme: Scheme) -> None:
    with Study.create(db_location, scheme, "Future"):
        pass
    engine = make_engine(db_location)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNew, match="9999_future"):
        Study.open(db_location)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == (
            "9999_future"
        )
        assert conn.execute(sa.text("SELECT name FROM study")).scalar() == "Future"
    engine.dispose()


def test_missing_study_file_is_not_created_by_open(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite"
    with pytest.raises(StudyNotFound, match="no study here"):
        Study.open(from_string(path))
    assert not path.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"PK\x03\x04 this is a spreadsheet", "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "cannot read it as a study"),
    ],
)
def test_files_that_are_not_studies_are_refused_unchanged(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "not-a-study.sqlite"
    path.write_bytes(content)
    with pytest.raises(NotAStudy, match=problem):
        Study.open(from_string(path))
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    before = _digest(path)
    with pytest.raises(NotAStudy, match="not an EAS Coder study"):
        Study.open(from_string(path))
    assert _digest(path) == before


def test_backup_is_a_consistent_copy(sqlite_study: Study, tmp_path: Path) -> None:
    sqlite_study.coders.add("Ana")
    copy = backup_sqlite(sqlite_study.location.path, tmp_path / "copy.sqlite")  # type: ignore[arg-type]
    with Study.open(from_string(copy)) as restored:
        assert [c.name for c in restored.coders.all()] == ["Ana"]


_SAVE_THEN_WAIT = textwrap.dedent(
    """
    import sys, time
    from eas_coder.location import from_string
    from eas_coder.store.study import Study
    study = Study.open(from_string(sys.argv[1]))
    video = study.videos.all()[0]
    coder = study.coders.all()[0]
    rating = study.ratings.set(video.id, coder.id, "child_involvement", 6.5)
    print("saved", rating.id, flush=True)
    time.sleep(60)
    """
)


def test_rating_reported_saved_survives_sigkill(db_location: Location, scheme: Scheme) -> None:
    with Study.create(db_location, scheme, "Crash") as study:
        study.videos.add("D001", "T1 pre", None)
        study.coders.add("Ana")
    url = db_location.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", _SAVE_THEN_WAIT, url], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        child.send_signal(signal.SIGKILL)  # the very next instant
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert line.startswith("saved ")
    with Study.open(db_location) as reopened:
        (rating,) = reopened.ratings.all()
    assert (rating.id, rating.dimension, rating.score) == (
        int(line.split()[1]),
        "child_involvement",
        6.5,
    )


_EXTRA_REVISION = '''
"""test-only: a later schema revision"""
import sqlalchemy as sa
from alembic import op

revision = "0002_test_later"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.add_column(sa.Column("initials", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.drop_column("initials")
'''


def test_older_study_is_backed_up_then_migrated_forward(
    tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A study written at today's head, opened by a 'later version' with one more revision."""
    path = tmp_path / "older.sqlite"
    today = head_revision()
    with Study.create(from_string(path), scheme, "Older") as study:
        study.coders.add("Ana")
    later = tmp_path / "later-migrations"
    shutil.copytree(database.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "0002_test_later.py").write_text(
        _EXTRA_REVISION.format(head=today), encoding="utf-8"
    )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", later)
    with Study.open(from_string(path)) as migrated:
        assert [c.name for c in migrated.coders.all()] == ["Ana"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0002_test_later",
        )
        columns = [row[1] for row in conn.execute("PRAGMA table_info(coder)")]
    conn.close()
    assert "initials" in columns
    (backup,) = tmp_path.glob(f"older.before-{today}-*.sqlite")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (today,)
    conn.close()
    # ... and today's version, which does not know 0002, refuses the migrated file.
    monkeypatch.undo()
    before = _digest(path)
    with pytest.raises(SchemaTooNew, match="0002_test_later"):
        Study.open(from_string(path))
    assert _digest(path) == before


_WRITER = textwrap.dedent(
    """
    import sys
    from eas_coder.location import from_string
    from eas_coder.store.study import Study
    with Study.open(from_string(sys.argv[1]), actor=sys.argv[2]) as study:
        video = study.videos.all()[0]
        coder = study.coders.get(sys.argv[2])
        segments = [study.segments.add(video.id, coder.id, i * 10, i * 10 + 5) for i in range(20)]
        for segment in segments:
            for key in study.scheme.keys:
                study.ratings.set(video.id, coder.id, key, 4.5, segment_id=segment.id)
    """
)


def test_two_processes_writing_one_study_file_lose_nothing(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "shared.sqlite"
    with Study.create(from_string(path), scheme, "Shared") as study:
        study.videos.add("D001", "T1 pre", None)
        study.coders.add("Ana")
        study.coders.add("Ben")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name], env=env)
        for name in ("Ana", "Ben")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with Study.open(from_string(path)) as study:
        assert len(study.segments.all()) == 40
        assert len(study.ratings.all()) == 2 * 20 * 6
        assert study.check().database_ok
