"""Hidden work folders for what a server snapshot or restore writes before it is complete,
and the removal of those a killed run left behind.

A run works in ``.eas-work-<random>`` inside the folder its result goes to (the same file
system, so the finished file is renamed into place, and nothing goes to the system's
temporary folder, which may be small or never cleaned). While it works it holds a shared
``flock`` on that folder. Before making its own, a run asks for the exclusive lock without
waiting: granted, nobody is working there, and every work folder there was left by a run
that was killed -- they are removed. A running snapshot's or restore's files are never
removed: they exist only while their writer holds the shared lock, and the lock goes with
the process (a SIGKILL releases it too).

Where ``flock`` on a folder is not available (Windows, some network file systems), only
work folders untouched for a day are removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PREFIX = ".eas-work-"
# Work folders of earlier versions (no lock): removed only once clearly abandoned.
_UNLOCKED_PREFIXES = (".snapshot-",)
STALE_S = 24 * 3600


def _remove(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _stale(path: Path) -> bool:
    with suppress(OSError):
        return time.time() - path.stat().st_mtime > STALE_S
    return False


def _ours(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.is_dir()]
    except OSError:
        return []


def _old_ones(folder: Path) -> list[Path]:
    try:
        found = [p for p in folder.iterdir() if p.name.startswith(_UNLOCKED_PREFIXES)]
    except OSError:
        return []
    return [p for p in found if p.is_dir() and _stale(p)]


def _lock(fd: int, how: int) -> bool | None:
    """True: granted; False: held by another run; None: this file system cannot tell."""
    try:
        fcntl.flock(fd, how)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return None


def clean_abandoned(folder: Path) -> None:
    """Remove the work folders in ``folder`` that killed runs left (none that a running
    snapshot or restore holds)."""
    fd = _open(folder)
    try:
        _clean(folder, fd)
    finally:
        if fd is not None:
            os.close(fd)


def _open(folder: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        return os.open(folder, os.O_RDONLY)
    except OSError:
        return None


def _clean(folder: Path, fd: int | None) -> None:
    """With ``fd`` (the folder, opened): every work folder if the exclusive lock is granted
    at once; else, or without a lock to ask, only those untouched for a day."""
    granted = None if fd is None else _lock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if granted:
        _remove(_ours(folder))
    elif granted is None:
        _remove([p for p in _ours(folder) if _stale(p)])
    _remove(_old_ones(folder))


@contextmanager
def work_folder(parent: Path) -> Iterator[Path]:
    """A new hidden folder in ``parent`` for unfinished files, held (shared lock) while in
    use and removed with what is left in it afterwards. What killed runs left in ``parent``
    is removed first."""
    fd = _open(parent)
    try:
        _clean(parent, fd)
        if fd is not None:
            # Shared: other runs may work beside this one. Converting from the exclusive
            # lock is not atomic, but this run's folder does not exist yet.
            _lock(fd, fcntl.LOCK_SH)
        path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock
