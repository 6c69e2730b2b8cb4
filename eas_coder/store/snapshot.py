"""Backups of a study on a database server: a snapshot into a SQLite study file, and back.

A server study has no file to copy, so ``take_snapshot`` copies every row, in one
REPEATABLE READ transaction (a consistent picture while coders keep saving), into a new
SQLite study file of the same schema. That file is a complete study: it opens in the window,
can travel on a laptop for offline coding and be merged back, or be restored.

``restore_snapshot`` puts a snapshot (or any SQLite study file, after bringing its schema up
to date in a temporary copy) back on the server in one transaction. It first locks every
table, so no workstation can save in between, then writes what the study held until now to
a ``before-restore`` file, then replaces the rows and moves each id sequence past the
restored ids. A failure anywhere rolls the server back to what it was. A snapshot of another
study is refused before anything is written (``identity.py``), unless the lab manager
replaces the study on purpose.

Unfinished files (the snapshot being written, the migrated copy, the before-restore file)
live in a locked work folder beside the result (``work_folder.py``): a run killed half-way
leaves the server as it was, and its files are removed by the next run in that folder.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.schema import Table

from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.store.backups import check_backup, summary
from eas_coder.store.database import backup_sqlite, open_engine
from eas_coder.store.identity import file_identity, refuse_other_study, server_identity
from eas_coder.store.study_files import fsync, fsync_dir
from eas_coder.store.tables import Base, StudyRow
from eas_coder.store.work_folder import work_folder

BATCH = 5000  # rows per INSERT batch: bounded memory for a study of any size
LOCK_WAIT_S = 30.0  # how long a restore keeps asking for the tables while others read them


@dataclass(frozen=True)
class SnapshotResult:
    """Where the snapshot was written and how many rows of each table it holds."""

    path: Path
    rows: dict[str, int]


@dataclass(frozen=True)
class ServerRestore:
    """What ``restore_snapshot`` did."""

    source: Path
    before_restore: Path  # what the server study held until then
    rows: dict[str, int]


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before the rows that point at them


def _lock_every_table(target: Connection) -> None:
    """Every table's exclusive lock, taken without ever waiting while holding one.

    Taken one by one with waiting, a window reading ``video JOIN participant`` (its locks in
    the other order) deadlocked with the restore and got an error. NOWAIT inside a savepoint
    either gets them all or releases what it got, then tries again shortly.
    """
    names = ", ".join(f'"{table.name}"' for table in _tables())
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        attempt = target.begin_nested()
        try:
            target.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE NOWAIT"))
        except OperationalError as exc:  # lock_not_available: someone is reading or saving
            attempt.rollback()
            if time.monotonic() > deadline:
                raise StudyError(
                    "the server study stayed busy (other workstations reading or saving) for "
                    f"{LOCK_WAIT_S:.0f} s; nothing was changed, try the restore again"
                ) from exc
            time.sleep(0.05)
            continue
        attempt.commit()
        return


def _copy_rows(source: Connection, target: Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _tables():
        counts[table.name] = 0
        result = source.execute(select(table).order_by(*table.primary_key.columns))
        for batch in result.mappings().partitions(BATCH):
            target.execute(insert(table), [dict(row) for row in batch])
            counts[table.name] += len(batch)
    return counts


def default_name(location: Location, kind: str = "snapshot") -> str:
    """``<database>-<kind>-<UTC stamp>.sqlite`` for a snapshot of ``location``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = location.url.database or "study"
    return f"{Path(name).stem}-{kind}-{stamp}.sqlite"


def _write_file(source: Connection, target: Path, work: Path) -> dict[str, int]:
    """Copy the rows ``source`` sees into a new study file ``target`` (private), written in
    the work folder ``work`` (``work_folder.py``, on target's file system) and renamed into
    place when complete: a killed run leaves no part of it under its name."""
    if target.exists():
        raise StudyError(f"{target}: already exists; choose another name")
    temp = work / target.name
    engine = open_engine(from_string(temp), create=True)  # the schema, at this version
    try:
        with engine.begin() as conn:
            rows = _copy_rows(source, conn)
    finally:
        engine.dispose()
    plain = sqlite3.connect(temp)
    try:
        plain.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
    finally:
        plain.close()
    fsync(temp)
    os.replace(temp, target)
    fsync_dir(target.parent)
    return rows


def take_snapshot(location: Location, target: Path) -> SnapshotResult:
    """Copy the study at ``location`` into the new SQLite study file ``target``."""
    if location.path is not None:
        raise StudyError(f"{location.display()}: a study file is backed up by copying it")
    engine = open_engine(location)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin(), work_folder(target.parent) as work:
                rows = _write_file(conn, target, work)
    finally:
        engine.dispose()
    return SnapshotResult(target, rows)


def _reset_sequences(conn: Connection) -> None:
    # Restored rows keep their ids; the next new row must not collide with them.
    for table in _tables():
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        if sequence is not None:
            top = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
            conn.execute(
                text("SELECT setval(:seq, :next, false)"), {"seq": sequence, "next": top + 1}
            )


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, numbered (``-2``, ``-3``...) when taken (two restores in a second)."""
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return target


def _up_to_date_copy(backup: Path, folder: Path) -> Path:
    """The backup copied into ``folder`` and migrated to this version's schema."""
    copy = folder / "snapshot.sqlite"
    backup_sqlite(backup, copy)
    open_engine(from_string(copy)).dispose()  # migrates an older snapshot forward
    return copy


def restore_snapshot(
    location: Location, backup: Path, keep_in: Path, replace_study: bool = False
) -> ServerRestore:
    """Replace the server study's rows by those of the study file ``backup``; what it held
    until now is written to a new file in ``keep_in`` first. All or nothing. A snapshot of
    another study raises ``OtherStudy`` unless ``replace_study``."""
    if location.path is not None:
        raise StudyError(f"{location.display()}: restore a study file with `restore`")
    backup = backup.resolve()
    problems = check_backup(backup, thorough=True)
    if problems:
        raise StudyError(
            f"{backup}: cannot restore this backup ({summary(problems)}); nothing was changed"
        )
    there = file_identity(backup)  # before the copy is migrated (which would give it a uid)
    # The copy of the snapshot and the before-restore file are written in a work folder
    # beside where the before-restore file goes: what a killed restore left there is removed
    # by the next restore or snapshot in that folder (``work_folder.py``).
    with work_folder(keep_in) as folder:
        source_engine = open_engine(from_string(_up_to_date_copy(backup, folder)))
        target_engine = open_engine(location)
        try:
            with source_engine.connect() as source, target_engine.begin() as target:
                _lock_every_table(target)  # nobody saves between keeping and replacing
                here = server_identity(target)
                if not replace_study:
                    hint = "restore it with --replace-study (what the study holds is kept first)"
                    refuse_other_study(here, there, backup, location.display(), hint)
                # Renamed into place before the commit: once the server holds the snapshot,
                # what it held until then is already kept.
                before = _free_name(keep_in, default_name(location, "before-restore"))
                _write_file(target, before, folder)
                for table in reversed(_tables()):
                    target.execute(delete(table))
                rows = _copy_rows(source, target)
                _reset_sequences(target)
                if here is not None and here.uid and there is not None and there.uid is None:
                    # an old snapshot (no identity yet) of this study: it keeps its own
                    target.execute(update(StudyRow).values(uid=here.uid))
        finally:
            source_engine.dispose()
            target_engine.dispose()
    return ServerRestore(backup, before, rows)
