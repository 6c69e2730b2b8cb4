"""Engines from a study location: SQLite pragmas, schema migration, backups, integrity.

Opening a study never changes a database it cannot understand: the schema revision is read
first (read-only for SQLite), and a revision this version does not know is refused with
``SchemaTooNew`` before any pragma or migration touches the file.
"""

from __future__ import annotations

import ast
import getpass
import os
import random
import shutil
import sqlite3
import time
from contextlib import suppress
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError

from eas_coder.errors import NotAStudy, PasswordNeeded, SchemaTooNew, StudyError, StudyNotFound
from eas_coder.location import Location
from eas_coder.store import study_files

if TYPE_CHECKING:  # alembic itself is imported only to migrate (it takes ~0.2 s to import)
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = study_files.BUSY_TIMEOUT_MS
RETRY_BUSY_MS = 1  # SQLite's own wait inside one try of BEGIN IMMEDIATE (_take_write_lock)


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _declared_revision(source: str, name: str) -> tuple[str | None, tuple[str, ...]]:
    """``revision`` and ``down_revision`` as a migration file assigns them (plain literals,
    as Alembic writes them), read without importing the file or Alembic."""
    found: dict[str, object] = {}
    for node in ast.parse(source, name).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(node.value) if node.value else None
    revision, down = found.get("revision"), found.get("down_revision")
    downs = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple) else ()
    return (revision if isinstance(revision, str) else None), downs


@lru_cache(maxsize=4)
def _revisions(directory: Path) -> tuple[str, frozenset[str]]:
    """The head and every revision of the migrations in ``directory``: read from the files
    themselves, so opening a study at head never imports Alembic (~0.2 s of start-up).
    ``tests/store/test_revisions.py`` checks this against Alembic's own reading."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in sorted((directory / "versions").glob("*.py")):
        revision, downs = _declared_revision(path.read_text(encoding="utf-8"), str(path))
        if revision is not None:
            revisions.add(revision)
            replaced.update(downs)
    heads = revisions - replaced
    assert len(heads) == 1, f"the packaged migrations have {len(heads)} heads: {sorted(heads)}"
    return heads.pop(), frozenset(revisions)


def head_revision() -> str:
    """The newest schema revision this version of EAS Coder writes."""
    return _revisions(MIGRATIONS_DIR)[0]


def known_revisions() -> frozenset[str]:
    """Every schema revision this version understands."""
    return _revisions(MIGRATIONS_DIR)[1]


def _sqlite_revision(path: Path) -> str | None:
    """Read the schema revision of a SQLite study without writing to it (through SQLite
    only: the window may hold this file open, see ``study_files``)."""
    problem = study_files.unreadable(path)
    if problem == "the file is empty":
        raise NotAStudy(f"{path}: not an EAS Coder study (the file is empty)")
    if problem is not None:
        raise StudyError(f"{path}: the study file: {problem}")
    try:
        tables, revision = study_files.revision(path)
    except sqlite3.DatabaseError as exc:
        if study_files.is_not_a_database(exc):
            raise NotAStudy(
                f"{path}: not an EAS Coder study (SQLite cannot read it as a study database: "
                "it is not a SQLite database, or one damaged beyond reading)"
            ) from exc
        raise NotAStudy(f"{path}: cannot read it as a study database ({exc})") from exc
    if "alembic_version" not in tables and tables:
        raise NotAStudy(
            f"{path}: a SQLite database, but not an EAS Coder study (it has no schema version)"
        )
    return revision


def _refuse_unknown(revision: str | None, where: str) -> None:
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(
            f"{where} was written by a newer version of EAS Coder (schema {revision}); "
            "update EAS Coder to open it. The study was left unchanged."
        )


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling runs SELECTs outside any transaction; we issue
    # BEGIN ourselves (_begin_sqlite) so a read sees one snapshot and DDL rolls back.
    dbapi_connection.isolation_level = None
    # WAL lets a reader (the window) and a writer (an import) work at once; synchronous=FULL
    # makes each commit durable before the call returns, so a rating reported saved is saved.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    # Writers ask for IMMEDIATE (execution option "sqlite_begin"): they take the write lock
    # up front, instead of failing when upgrading a read lock half-way through.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    if mode != "IMMEDIATE":
        conn.exec_driver_sql(f"BEGIN {mode}")
        return
    _take_write_lock(conn.connection.dbapi_connection)


def _take_write_lock(dbapi_connection: Any) -> None:
    """BEGIN IMMEDIATE, retried every 0.2-1 ms until the busy timeout has passed.

    SQLite's own busy handler sleeps longer after each failed try (up to 100 ms a time), so a
    writer waiting while another writes continuously waited up to 2 s (benchmarks/
    two_writers.py); retrying briefly and often gets it in at the next gap between the
    other's transactions (worst 43 ms, both writers equally fast)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute(f"PRAGMA busy_timeout = {RETRY_BUSY_MS}")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")
                if not busy or time.monotonic() >= deadline:
                    # as SQLAlchemy would have wrapped it: StudyDb.write says "nothing saved"
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            time.sleep(random.uniform(0.0002, 0.001))
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def make_engine(location: Location) -> Engine:
    """A SQLAlchemy engine with our SQLite pragmas; does not check or migrate the schema."""
    if location.is_sqlite:
        engine = create_engine(
            location.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    try:
        return create_engine(location.url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:  # unknown dialect or driver not installed
        raise StudyError(f"{location.display()}: unsupported database URL ({exc})") from exc


def open_engine(location: Location, create: bool = False) -> Engine:
    """Open (or with ``create``, make) the study database and bring its schema to head."""
    path = location.path
    if path is not None:
        if not path.exists():
            if not create:
                raise StudyNotFound(
                    f"{path}: no study here; create one with `eas-coder --db {path} init`"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                create_private(path)
            except OSError as exc:
                raise StudyError(f"{path}: cannot create the study here ({exc.strerror})") from exc
        elif path.is_dir():
            raise NotAStudy(f"{path}: is a folder, not a study file")
        else:
            _refuse_unknown(_sqlite_revision(path), str(path))
    engine = make_engine(location)
    try:
        _migrate(engine, location, create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _migrate(engine: Engine, location: Location, create: bool) -> None:
    where = location.display()
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            current = _current_revision(conn, where) if "alembic_version" in tables else None
            has_tables = bool(tables)
    except OperationalError as exc:
        raise _password_refusal(exc, location) or StudyError(
            f"{where}: cannot connect ({exc.orig})"
        ) from exc
    _refuse_unknown(current, where)
    if current is None and has_tables:
        raise NotAStudy(f"{where}: holds tables but is not an EAS Coder study")
    if current is None and not create:
        raise StudyNotFound(f"{where}: no study here; create one with `eas-coder --db URL init`")
    head = head_revision()
    if current == head:
        return
    if current is not None and location.path is not None:
        backup_sqlite(location.path, _backup_name(location.path, current))
    from alembic import command

    config = alembic_config()
    try:
        with engine.begin() as conn:  # one transaction: a failed step leaves the old schema
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except (SQLAlchemyError, OSError, ValueError, RuntimeError) as exc:
        raise StudyError(
            f"{where}: could not update the study's schema ({exc}); nothing was changed"
        ) from exc


def _current_revision(conn: Connection, where: str) -> str | None:
    """The study's schema revision, as Alembic keeps it (one row in ``alembic_version``)."""
    rows = [str(row[0]) for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    if len(rows) > 1:  # our migrations never branch: a second row is not ours
        raise NotAStudy(f"{where}: not an EAS Coder study (several schema revisions recorded)")
    return rows[0] if rows else None


def _password_refusal(exc: OperationalError, location: Location) -> PasswordNeeded | None:
    """PasswordNeeded when libpq says the server wants a password it did not get or refused."""
    message = str(exc.orig)
    wrong = "password authentication failed" in message
    if not wrong and "no password supplied" not in message:
        return None
    # libpq's own default when the URL names no user: $PGUSER, else the login name
    user = location.url.username or os.environ.get("PGUSER") or getpass.getuser()
    return PasswordNeeded(location.display(), user, wrong)


def _backup_name(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.stem}.before-{revision}-{stamp}{path.suffix}")


def create_private(path: Path, like: Path | None = None) -> None:
    """Make the empty file ``path`` that SQLite then fills: readable by its owner only, as a
    study holds data about families (POSIX mode 0600; SQLite gives its -wal and -shm files
    the same mode). With ``like``, the mode of that file instead (a copy of a study a lab
    has deliberately shared with its group stays shared)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    if like is not None:
        with suppress(OSError):
            shutil.copymode(like, path)


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite study consistently (SQLite's online backup), even mid-write."""
    create_private(target, like=source)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def integrity_messages(conn: Connection) -> list[str]:
    """Problems the database engine itself reports; empty when all is well."""
    if conn.dialect.name != "sqlite":
        conn.execute(text("SELECT 1"))  # the server keeps its own pages consistent
        return []
    try:
        problems = [
            str(row[0]) for row in conn.execute(text("PRAGMA integrity_check")) if row[0] != "ok"
        ]
        problems += [
            f"row {row[1]} of table {row[0]} points at a missing {row[2]}"
            for row in conn.execute(text("PRAGMA foreign_key_check"))
        ]
    except DatabaseError as exc:
        return [f"the database file is damaged ({exc.orig}); restore it from a backup"]
    return problems
