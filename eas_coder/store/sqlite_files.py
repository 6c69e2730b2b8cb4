"""File-level helpers for SQLite study files: durable copies by SQLite's online backup, temporary
files beside a study, read-only connections, and the side files SQLite keeps."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import suppress
from pathlib import Path

from eas_coder.store.database import BUSY_TIMEOUT_MS

SIDE_FILES = ("-wal", "-shm", "-journal")


def fsync(path: Path, flags: int = os.O_RDWR) -> None:
    """Make a file's content durable before it is renamed into place."""
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder for it)."""
    if os.name != "nt":
        with suppress(OSError):
            fsync(folder, os.O_RDONLY)


def online_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``source`` into the (empty) file ``target``, durably."""
    dst = sqlite3.connect(str(target))
    try:
        source.backup(dst)
        # a rollback-journal file is complete on its own: no -wal beside it to lose
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
    fsync(target)


def temp_in(folder: Path, prefix: str, suffix: str, like: Path) -> Path:
    """A new empty file in ``folder`` with the permissions of ``like`` (mkstemp's 0600
    would lock the rest of the lab out of a restored study)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    with suppress(OSError):
        shutil.copymode(like, name)
    return Path(name)


def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection: looking at a backup never changes it."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def side_file(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside ``path`` (``-wal``, ``-shm``, ``-journal``)."""
    return path.with_name(path.name + suffix)
