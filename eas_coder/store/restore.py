"""Restoring a SQLite study from one of its backups (``backups.py`` takes and lists them).

``restore`` checks the backup (``integrity_check``, an EAS Coder study of a schema this
version knows, and a backup of this very study: ``identity.py``), keeps the current file as
``before-restore-<stamp><suffix>`` in the backup folder (a byte copy, even when damaged;
never rotated away), then replaces the study atomically. It refuses while anyone else has
the study open.

Killed at any point, it leaves the study as it was (or, after the final rename, restored):
both copies are written under hidden, locked names and renamed when complete, so the
before-restore copy is complete or absent, and what a killed restore left is removed at the
next opening (``backups.clean_leftovers``).
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
    PARTIAL,
    RESTORING,
    backup_folder,
    check_backup,
    claimed,
    clean_leftovers,
    newest_good_backup,
    summary,
    unique_name,
)
from eas_coder.store.identity import Identity, file_identity, refuse_other_study
from eas_coder.store.study_files import (
    SIDE_FILES,
    RawFiles,
    connect_for_reading,
    fsync,
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
    now would drop the very lock that keeps others out.

    Written under a hidden name and renamed when complete, the side file first: a copy
    under its final name is never cut short, and a side file whose copy never arrived is
    removed at the next opening."""
    study = raw.study
    temp = temp_in(folder, f".{BEFORE_RESTORE}-", PARTIAL, study)
    try:
        with claimed(temp):
            raw.copy_to("", temp)
            shutil.copymode(study, temp)  # a private study stays private in its copies
            sides = []
            for suffix in ("-wal", "-journal"):
                if raw.copy_to(suffix, side_file(temp, suffix)):
                    shutil.copymode(study, side_file(temp, suffix))
                    sides.append(suffix)
            target = unique_name(folder, BEFORE_RESTORE, study.suffix)
            for suffix in sides:
                os.replace(side_file(temp, suffix), side_file(target, suffix))
            os.replace(temp, target)
    except BaseException:
        for suffix in ("", "-wal", "-journal"):
            side_file(temp, suffix).unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return target


def _prepare_copy(backup: Path, temp: Path, keep_uid: str | None) -> None:
    """The backup copied into the temporary file ``temp`` beside the study, durable and
    checked. ``keep_uid``: the backup predates study identities, so the copy is brought up
    to this schema and given the study's own (else the next opening would give the restored
    study a new one, and its later backups would look foreign)."""
    source = connect_for_reading(backup)  # no -wal/-shm left beside a WAL-mode backup
    try:
        online_copy(source, temp)
    finally:
        source.close()
    if keep_uid is not None:
        _adopt_identity(temp, keep_uid)
    problems = check_backup(temp, thorough=False)
    if problems:
        raise StudyError(f"{backup}: the copy did not read back intact ({summary(problems)})")


def _adopt_identity(copy: Path, uid: str) -> None:
    from eas_coder.location import from_string
    from eas_coder.store.database import open_engine

    open_engine(from_string(copy)).dispose()  # migrates the old copy to this schema
    conn = sqlite3.connect(str(copy))
    try:
        with conn:
            conn.execute("UPDATE study SET uid = ? WHERE id = 1", (uid,))
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file again
    finally:
        conn.close()
    fsync(copy)


def _expected_identity(study: Path) -> Identity | None:
    """The study's identity; for a study too damaged to tell, its newest good backup's."""
    if not study.exists():
        return None
    here = file_identity(study)
    if here is None:
        good = newest_good_backup(study)
        here = None if good is None else file_identity(good.path)
    return here


def restore(study: Path, backup: Path, replace_study: bool = False) -> RestoreResult:
    """Replace ``study`` with ``backup``, first keeping the current file beside the backups.

    The backup must pass ``integrity_check``, be a study of a schema this version knows and
    be a backup of this study (``OtherStudy`` otherwise, unless ``replace_study``: the lab
    manager replaces the study with another on purpose); otherwise nothing is changed. The
    replacement is atomic (a checked copy in the same folder, fsynced, then ``os.replace``):
    a crash leaves the old file or the new one.
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
    here, there = _expected_identity(study), file_identity(backup)
    if not replace_study:
        hint = "restore it with --replace-study (the current file is kept first)"
        refuse_other_study(here, there, backup, str(study), hint)
    keep_uid = None
    if not replace_study and here is not None and here.uid and there and there.uid is None:
        keep_uid = here.uid
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    clean_leftovers(study)
    temp = temp_in(study.parent, f".{study.name}.", RESTORING, study if study.exists() else backup)
    with ExitStack() as held:
        held.enter_context(claimed(temp))  # released once it is the study (or removed)
        try:
            _prepare_copy(backup, temp, keep_uid)
            with ExitStack() as files:
                raw = files.enter_context(raw_files(study)) if study.exists() else None
                locked = files.enter_context(_exclusive(study))
                before = _keep_current(raw, folder) if raw is not None else None
                # A WAL left beside the file would be replayed into the restored study.
                for suffix in SIDE_FILES:
                    side_file(study, suffix).unlink(missing_ok=True)
                os.replace(temp, study)
        except BaseException:
            for suffix in ("", *SIDE_FILES):
                side_file(temp, suffix).unlink(missing_ok=True)
            raise
    fsync_dir(study.parent)
    return RestoreResult(study, backup, before, locked)
