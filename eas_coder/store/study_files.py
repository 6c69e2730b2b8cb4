"""The one owner of SQLite study files: nothing else in the program opens them.

SQLite locks a study with POSIX advisory locks, which belong to the process and the file, not
to a descriptor: closing *any* descriptor on the file in this process -- ``open(study).read()``,
``Path.read_bytes()``, ``shutil.copy``, a video decoder given the study by mistake -- drops
every lock SQLite holds on it. The next process to close its connection then takes itself for
the last one and deletes the ``-wal`` that still holds this process's work ("How To Corrupt An
SQLite Database File", section 2.2).

So, while a study is open in the process (``hold``, taken by ``StudyDb``), the study file and
its ``-wal``/``-shm``/``-journal`` are looked at only through SQLite connections (the same
library, whose in-process lock sharing keeps the locks): what kind of file it is, its schema
revision and ``quick_check`` are asked here. A Python-level open of a held file anywhere else
raises ``StudyFileInUse`` (an audit hook, ``sys.addaudithook``); doors that take a path from
a person (a sheet to import, a video to add, an export target) call ``refuse_study_file``
first, because C libraries (OpenCV, FFmpeg) open files where no hook sees them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eas_coder.errors import StudyError

SIDE_FILES = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_MS = 10_000  # how long a connection waits for another's write lock


class StudyFileInUse(StudyError):
    """A study file (or its -wal/-shm) that this program holds open was about to be opened
    as an ordinary file, which would drop SQLite's locks on it."""


# --- plain file helpers --------------------------------------------------------------------

# Windows opens descriptors in text mode unless told: CRLF translation and a stop at Ctrl-Z
# would corrupt a byte-for-byte copy. 0 elsewhere.
_BINARY = getattr(os, "O_BINARY", 0)


def side_file(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside ``path`` (``-wal``, ``-shm``, ``-journal``)."""
    return path.with_name(path.name + suffix)


def fsync(path: Path, flags: int = os.O_RDWR) -> None:
    """Make a file's content durable before it is renamed into place (never a held study:
    the descriptor's close would drop SQLite's locks)."""
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


def temp_in(folder: Path, prefix: str, suffix: str, like: Path) -> Path:
    """A new empty file in ``folder`` with the permissions of ``like`` (mkstemp's 0600
    would lock the rest of the lab out of a restored study)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    with suppress(OSError):
        shutil.copymode(like, name)
    return Path(name)


# --- asking SQLite about a file ------------------------------------------------------------


def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection: looking at a backup never changes it."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that only reads ``path``. Plain (so SQLite removes the -wal and -shm it
    creates when it closes), but read-only when a crashed writer left a WAL behind, which a
    plain connection would fold into the file."""
    if side_file(path, "-wal").exists():
        return connect_ro(path)
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def _error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", ""))


def is_not_a_database(exc: sqlite3.Error) -> bool:
    """SQLite's answer for a file that is not a SQLite database at all."""
    return _error_name(exc) == "SQLITE_NOTADB"


def is_corrupt(exc: sqlite3.Error) -> bool:
    """SQLite's answer for a SQLite database whose pages do not read back."""
    return _error_name(exc).startswith("SQLITE_CORRUPT")


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (None when it can), asked without opening it."""
    try:
        if path.stat().st_size == 0:
            return "the file is empty"
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    if not os.access(path, os.R_OK):
        return "cannot read it (Permission denied)"
    return None


def pragma_problems(conn: sqlite3.Connection, pragma: str) -> list[str]:
    """The lines ``integrity_check`` or ``quick_check`` reports; empty when all is well."""
    problems: list[str] = []
    for (text,) in conn.execute(f"PRAGMA {pragma}"):
        if text != "ok":
            lines = str(text).splitlines()
            problems += [line for line in lines if line.strip() and not line.startswith("***")]
    return problems


def quick_problems(path: Path) -> list[str] | None:
    """What ``quick_check`` finds in a study file; None when it is no SQLite database (or
    empty). Errors other than damage (busy, cannot open) are left for opening to report."""
    if unreadable(path) == "the file is empty":
        return None
    try:
        conn = connect_for_reading(path)
        try:
            return pragma_problems(conn, "quick_check")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_not_a_database(exc):
            return None
        return [str(exc)] if is_corrupt(exc) else []
    except sqlite3.Error:
        return []


def schema_tables(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in the database behind ``conn``."""
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def revision(path: Path) -> tuple[set[str], str | None]:
    """The tables of a study file and its schema revision (None when it has no
    ``alembic_version`` row), read without writing to it. ``sqlite3.DatabaseError`` when
    SQLite cannot read it (``is_not_a_database`` tells a file of another kind)."""
    conn = connect_for_reading(path)
    try:
        tables = schema_tables(conn)
        if "alembic_version" not in tables:
            return tables, None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return tables, None if row is None else str(row[0])
    finally:
        conn.close()


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


# --- which files this process holds --------------------------------------------------------


@dataclass
class _Held:
    path: Path  # resolved
    count: int = 0
    names: set[str] = field(default_factory=set)  # the file and its side files, resolved


_lock = threading.Lock()
_held: dict[tuple[int, int], _Held] = {}  # (device, inode) of each held study file
_held_names: frozenset[str] = frozenset()  # every held name (resolved), for the audit hook
_held_basenames: frozenset[str] = frozenset()  # their last parts: the hook's fast first test
_owner_open: ContextVar[bool] = ContextVar("_owner_open", default=False)
violations: list[str] = []  # every refused open, kept so a test fails even if one is caught


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _refresh_names() -> None:
    global _held_names, _held_basenames
    _held_names = frozenset(name for held in _held.values() for name in held.names)
    _held_basenames = frozenset(os.path.basename(name) for name in _held_names)


def hold(path: Path) -> None:
    """Record that a SQLite connection of this process may be open on ``path`` (counted:
    the window and a worker may both hold the same study)."""
    resolved = path.resolve()
    identity = _identity(resolved)
    if identity is None:
        return
    with _lock:
        held = _held.setdefault(identity, _Held(resolved))
        held.count += 1
        held.names = {str(resolved), *(str(side_file(resolved, s)) for s in SIDE_FILES)}
        _refresh_names()


def release(path: Path) -> None:
    """The connections ``hold`` counted for ``path`` are closed (once per ``hold``)."""
    resolved = path.resolve()
    with _lock:
        for identity, held in list(_held.items()):
            if held.path == resolved:
                held.count -= 1
                if held.count <= 0:
                    del _held[identity]
                _refresh_names()
                return


def held_study(path: Path) -> tuple[Path, str] | None:
    """The held study ``path`` is, or is a side file of, and which part of it (``""`` for
    the study file itself, else ``-wal`` ...); None when it is none of them. Compares the
    file itself (device and inode), so a link or another spelling is seen through."""
    if not _held:
        return None
    identity = _identity(path)
    with _lock:
        if identity is not None and identity in _held:
            return _held[identity].path, ""
        for held in _held.values():
            for suffix in SIDE_FILES:
                side = side_file(held.path, suffix)
                if identity is not None and identity == _identity(side):
                    return held.path, suffix
                if str(path.resolve()) == str(side):
                    return held.path, suffix
    return None


def refuse_study_file(path: Path, purpose: str) -> None:
    """Raise ``StudyFileInUse`` when ``path`` is a study file (or its -wal/-shm) open in
    this program; ``purpose`` says what the person asked for ("import it as a rating
    sheet")."""
    found = held_study(Path(path))
    if found is None:
        return
    study, suffix = found
    what = "the study file itself" if not suffix else f"the study's {suffix} file"
    raise StudyFileInUse(
        f"{path}: that is {what} ({study.name}, open in this program); cannot {purpose}"
    )


# --- the audit hook ------------------------------------------------------------------------


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Runs on every audited event in the process: return at once unless a study is held.
    if event != "open" or not _held_names or _owner_open.get():
        return
    name = args[0]
    if isinstance(name, int):  # os.fdopen and friends: no new open of a path
        return
    try:
        text = os.fsdecode(name)
    except TypeError:
        return
    if os.path.basename(text) not in _held_basenames:
        return
    if os.path.realpath(text) in _held_names:
        violations.append(text)
        raise StudyFileInUse(
            f"{text}: a study file open in this program cannot be opened as an ordinary file "
            "(closing it would drop SQLite's locks and let another program delete the study's "
            "-wal); ask eas_coder.store.study_files instead"
        )


_installed = False


def install_guard() -> None:
    """Refuse Python-level opens of held study files from now on (once per process)."""
    global _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True


@contextmanager
def owner_open() -> Iterator[None]:
    """Within this block, this module opens a held study file itself (see ``raw_files``)."""
    token = _owner_open.set(True)
    try:
        yield
    finally:
        _owner_open.reset(token)


@dataclass
class RawFiles:
    """Descriptors on a study file and its WAL/journal, opened before any SQLite
    connection of a block and closed after them all, so closing them drops no lock."""

    study: Path
    fds: dict[str, int]  # "" for the study file, "-wal", "-journal"

    def copy_to(self, suffix: str, target: Path) -> bool:
        """Copy one of the files byte for byte to ``target``; False when it was absent."""
        fd = self.fds.get(suffix)
        if fd is None:
            return False
        os.lseek(fd, 0, os.SEEK_SET)
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        try:
            while chunk := os.read(fd, 1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
            os.fsync(out)
        finally:
            os.close(out)
        return True


@contextmanager
def raw_files(study: Path) -> Iterator[RawFiles]:
    """Open the study file and its non-empty WAL/journal as raw descriptors for a byte copy
    (restore keeps the replaced file). Enter this *before* opening any SQLite connection on
    the study: the descriptors then close after SQLite's, when no lock is left to drop.
    Refused while the study is held elsewhere in this process."""
    refuse_study_file(study, "copy it byte for byte while it is open")
    fds: dict[str, int] = {}
    try:
        with owner_open():
            for suffix in ("", "-wal", "-journal"):
                name = side_file(study, suffix) if suffix else study
                with suppress(FileNotFoundError):
                    fd = os.open(name, os.O_RDONLY | _BINARY)
                    if suffix and os.fstat(fd).st_size == 0:
                        os.close(fd)
                        continue
                    fds[suffix] = fd
        yield RawFiles(study, fds)
    finally:
        for fd in fds.values():
            os.close(fd)
