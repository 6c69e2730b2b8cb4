"""Restoring a SQLite study from one of its backups (``backups.py`` takes and lists them).

``restore`` checks the backup (``integrity_check``, an EAS Coder study of a schema this
version knows), keeps the current file as ``before-restore-<stamp><suffix>`` in the backup
folder (a byte copy, even when damaged; never rotated away), then replaces the study
atomically. It refuses while anyone else has the study open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from eas_coder.errors import StudyError
from eas_coder.store.backups import (
    BEFORE_RESTORE,
    backup_folder,
    check_backup,
    summary,
    unique_name,
)
from eas_coder.store.study_files import (
    SIDE_FILES,
    RawFiles,
    connect_ro,
    fsync_dir,
    held_study,
    online_copy,
    raw_files,
    side_file,
    temp_in,
)

LOCK_TIMEOUT_S = 2.0  # how long restore waits for other connections to let go


@dataclass(frozen=True)
class RestoreResult:
    """What ``restore`` did."""

    study: Path
    source: Path
    before_restore: Path | None  # the replaced file, kept; None when there was no file
    locked: bool  # False: the file could not be locked through SQLite (damaged or missing)


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")


@contextmanager
def _exclusive(study: Path) -> Iterator[bool]:
    """Hold the study file so that nobody else reads or writes it; yields False when it
    cannot be locked through SQLite (missing, or too damaged to read its header)."""
    if not study.exists():
        yield False
        return
    conn = sqlite3.connect(str(study), timeout=LOCK_TIMEOUT_S, isolation_level=None)
    try:
        try:
            # In exclusive locking mode a WAL database is locked as a whole: this fails with
            # SQLITE_BUSY while any other connection is open, and once granted the lock is
            # kept until close. An empty transaction writes nothing: the file and its WAL
            # stay byte for byte as they were.
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
            locked = True
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise StudyError(
                    f"{study}: the study is open elsewhere (a window, a command, another "
                    "workstation); close it there and try again. Nothing was changed"
                ) from exc
            locked = False
        yield locked
    finally:
        conn.close()


def _keep_current(raw: RawFiles, folder: Path) -> Path:
    """A byte copy of the study file in ``folder``, with the WAL or journal beside it (which
    opening the copy replays, as opening the study would have). Copied from descriptors
    opened before the exclusive connection (``raw_files``): closing a descriptor opened
    now would drop the very lock that keeps others out."""
    study = raw.study
    target = unique_name(folder, BEFORE_RESTORE, study.suffix)
    raw.copy_to("", target)
    shutil.copymode(study, target)  # a private study stays private in its copies
    for suffix in ("-wal", "-journal"):
        if raw.copy_to(suffix, side_file(target, suffix)):
            shutil.copymode(study, side_file(target, suffix))
    fsync_dir(folder)
    return target


def _prepared_copy(backup: Path, study: Path) -> Path:
    """The backup copied to a temporary file beside the study, durable and checked."""
    like = study if study.exists() else backup
    temp = temp_in(study.parent, f".{study.name}.", ".restoring", like)
    try:
        source = connect_ro(backup)
        try:
            online_copy(source, temp)
        finally:
            source.close()
        problems = check_backup(temp, thorough=False)
        if problems:
            raise StudyError(f"{backup}: the copy did not read back intact ({summary(problems)})")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def restore(study: Path, backup: Path) -> RestoreResult:
    """Replace ``study`` with ``backup``, first keeping the current file beside the backups.

    The backup must pass ``integrity_check`` and be a study of a schema this version knows;
    otherwise nothing is changed. The replacement is atomic (a checked copy in the same
    folder, fsynced, then ``os.replace``): a crash leaves the old file or the new one.
    """
    backup = backup.resolve()
    if not backup.is_file():
        raise StudyError(f"{backup}: no such backup file")
    if study.exists() and study.samefile(backup):
        raise StudyError(f"{backup}: that is the study file itself")
    if study.is_dir():
        raise StudyError(f"{study}: is a folder, not a study file")
    problems = check_backup(backup, thorough=True)
    if problems:
        raise StudyError(
            f"{backup}: cannot restore this backup ({summary(problems)}); nothing was changed"
        )
    if held_study(study) is not None:
        raise StudyError(
            f"{study}: the study is open elsewhere (in this program); close it there and "
            "try again. Nothing was changed"
        )
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    temp = _prepared_copy(backup, study)
    try:
        with ExitStack() as files:
            raw = files.enter_context(raw_files(study)) if study.exists() else None
            locked = files.enter_context(_exclusive(study))
            before = _keep_current(raw, folder) if raw is not None else None
            # A WAL left beside the file would be replayed into the restored study.
            for suffix in SIDE_FILES:
                side_file(study, suffix).unlink(missing_ok=True)
            os.replace(temp, study)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(study.parent)
    return RestoreResult(study, backup, before, locked)
