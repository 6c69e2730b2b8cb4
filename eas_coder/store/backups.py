"""Rotating backups of SQLite studies and a quick integrity check on open (``restore.py``
brings a backup back).

Before a study file is opened, ``refuse_damaged`` runs SQLite's ``quick_check``: a damaged
file is refused with ``StudyDamaged``, naming the newest good backup and the command that
restores it. Once open, ``backup_on_open`` copies the study with SQLite's online backup API
(consistent while others write) into ``<stem>.backups/`` beside the file, as
``<stem>-YYYYmmddTHHMMSSZ<suffix>`` (UTC), keeping the last ``backups.keep`` (a study setting,
default 10).

No copy is added when the newest one is younger than a minute (a script running many
commands, the window opening a worker's connection) or holds exactly the same content (so
opening an unchanged study day after day never rotates real history away).
"""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shlex
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from eas_coder.errors import StudyDamaged
from eas_coder.store.database import BUSY_TIMEOUT_MS, known_revisions
from eas_coder.store.study_files import (
    connect_for_reading,
    fsync_dir,
    is_not_a_database,
    online_copy,
    pragma_problems,
    quick_problems,
    schema_tables,
    temp_in,
    unreadable,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DEFAULT_KEEP = 10
MIN_INTERVAL = timedelta(minutes=1)
ON_OPEN = "open"
BEFORE_RESTORE = "before-restore"
_STAMP = "%Y%m%dT%H%M%SZ"
_TEMP_PREFIX = ".taking-"
_STALE_TEMP_S = 3600


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when it was taken (UTC, from its name), its size, and whether it
    reads as an intact study (``problem`` says why not)."""

    path: Path
    taken_at: datetime
    size: int
    ok: bool
    kind: str = ON_OPEN  # ON_OPEN (rotating) or BEFORE_RESTORE (kept until removed by hand)
    problem: str = ""


@dataclass(frozen=True)
class _Entry:
    path: Path
    taken_at: datetime
    kind: str
    order: tuple[datetime, int]


def _now() -> datetime:
    return datetime.now(UTC)


def backup_folder(study: Path) -> Path:
    """``<stem>.backups`` beside the study file."""
    return study.with_name(f"{study.stem}.backups")


def _entries(study: Path) -> list[_Entry]:
    """Backup files of ``study`` by their names, newest first (nothing is opened)."""
    pattern = re.compile(
        rf"(?P<kind>{re.escape(study.stem)}|{BEFORE_RESTORE})-(?P<stamp>\d{{8}}T\d{{6}}Z)"
        rf"(?:-(?P<n>\d+))?{re.escape(study.suffix)}"
    )
    folder = backup_folder(study)
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    entries = []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        try:
            taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        kind = BEFORE_RESTORE if match["kind"] == BEFORE_RESTORE else ON_OPEN
        entries.append(_Entry(folder / name, taken, kind, (taken, int(match["n"] or 1))))
    return sorted(entries, key=lambda e: e.order, reverse=True)


# --- checking files ------------------------------------------------------------------------


def summary(problems: list[str] | tuple[str, ...]) -> str:
    """The first problem, and how many more there are."""
    if not problems:
        return "no problems"
    more = len(problems) - 1
    return problems[0] + (f"; and {more} more problem{'s' * (more > 1)}" if more else "")


def check_backup(path: Path, thorough: bool = True) -> list[str]:
    """Why ``path`` cannot be restored; empty when it is an intact EAS Coder study of a
    schema this version knows. ``thorough``: ``integrity_check`` instead of ``quick_check``
    (which skips comparing indexes with their tables and is many times faster). Asked
    through SQLite only (``study_files``): the file may be a study open in this process."""
    problem = unreadable(path)
    if problem is not None:
        return [problem]
    try:
        conn = connect_for_reading(path)  # leaves no -wal/-shm beside a WAL-mode file
        try:
            problems = pragma_problems(conn, "integrity_check" if thorough else "quick_check")
            if problems:
                return problems
            tables = schema_tables(conn)
            if not {"alembic_version", "study"} <= tables:
                return ["a SQLite database, but not an EAS Coder study"]
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None or conn.execute("SELECT count(*) FROM study").fetchone()[0] == 0:
                return ["an EAS Coder database that holds no study"]
            if str(row[0]) not in known_revisions():
                return [f"written by a newer version of EAS Coder (schema {row[0]})"]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return ["not a SQLite database"] if is_not_a_database(exc) else [str(exc)]
    return []


def _info(entry: _Entry, thorough: bool) -> BackupInfo | None:
    try:
        size = entry.path.stat().st_size
    except FileNotFoundError:  # rotated away by another process just now
        return None
    problems = check_backup(entry.path, thorough)
    problem = summary(problems) if problems else ""
    return BackupInfo(entry.path, entry.taken_at, size, not problems, entry.kind, problem)


def list_backups(study: Path, thorough: bool = False) -> list[BackupInfo]:
    """Every backup of ``study``, newest first, each checked (``quick_check`` unless
    ``thorough``; ``restore`` always runs the full ``integrity_check``)."""
    infos = (_info(entry, thorough) for entry in _entries(study))
    return [info for info in infos if info is not None]


def newest_good_backup(study: Path, thorough: bool = False) -> BackupInfo | None:
    """The newest backup taken on open that reads as an intact study, if any."""
    for entry in _entries(study):
        if entry.kind == ON_OPEN:
            info = _info(entry, thorough)
            if info is not None and info.ok:
                return info
    return None


def refuse_damaged(study: Path) -> None:
    """Raise ``StudyDamaged`` when the study file fails SQLite's ``quick_check``.

    A file that is no SQLite database at all passes (opening refuses it as before, as not a
    study), unless good backups of it exist: then it was this study, and it is damaged.
    """
    if not study.is_file():
        return
    problems = quick_problems(study)
    if problems == []:
        return
    good = newest_good_backup(study)
    if problems is None:
        if good is None:
            return
        empty = study.stat().st_size == 0
        problems = ["the file is empty" if empty else "it no longer reads as a SQLite database"]
    place = shlex.quote(str(study))
    if good is None:
        message = (
            f"{study}: the study file is damaged ({summary(problems)}), and no good backup "
            f"was found in {backup_folder(study)}; keep the file as it is and get help "
            "recovering it"
        )
    else:
        message = (
            f"{study}: the study file is damaged ({summary(problems)}). Restore the newest "
            f"good backup, taken {good.taken_at:%Y-%m-%d %H:%M} UTC, with: "
            f"eas-coder --db {place} restore {shlex.quote(str(good.path))} "
            "(the damaged file is kept beside the backups)"
        )
    raise StudyDamaged(message, study, tuple(problems), None if good is None else good.path)


# --- taking backups ------------------------------------------------------------------------


def _snapshot(study: Path, folder: Path) -> Path:
    """A consistent copy of the live study in a new temporary file in ``folder``."""
    temp = temp_in(folder, _TEMP_PREFIX, ".tmp", study)
    try:
        source = sqlite3.connect(str(study), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            online_copy(source, temp)
        finally:
            source.close()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def unique_name(folder: Path, stem: str, suffix: str) -> Path:
    """``<stem>-<UTC stamp><suffix>`` in ``folder``, numbered when taken in the same second."""
    stamp = _now().strftime(_STAMP)
    target = folder / f"{stem}-{stamp}{suffix}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{stem}-{stamp}-{number}{suffix}"
    return target


def _prune(study: Path, keep: int, made: Path | None) -> None:
    """Remove the oldest backups taken on open beyond ``keep`` (never the one just made),
    and temporary files a crashed copy or restore left behind."""
    others = [e for e in _entries(study) if e.kind == ON_OPEN and e.path != made]
    excess = len(others) + (made is not None) - max(keep, 1)
    for entry in others[::-1][: max(excess, 0)]:
        entry.path.unlink(missing_ok=True)
    folder = backup_folder(study)
    for temp in folder.glob(f"{_TEMP_PREFIX}*"):
        with suppress(OSError):
            if time.time() - temp.stat().st_mtime > _STALE_TEMP_S:
                temp.unlink()
    clean_leftovers(study)


# --- temporary files of a restore ------------------------------------------------------------
# A restore writes the copy it puts in place and the copy of what it replaces under hidden
# names first, each locked (flock) by the process writing it, and renames them when complete.
# A restore killed half-way leaves them unlocked: the next opening (or restore) removes them,
# never a file another process is still writing.

RESTORING = ".restoring"
PARTIAL = ".partial"


def restoring_glob(study: Path) -> str:
    """The names of a restore's temporary copies beside ``study``."""
    return f".{study.name}.*{RESTORING}*"


@contextmanager
def claimed(path: Path) -> Iterator[None]:
    """Hold an advisory lock on our own temporary file ``path`` (never a study file) while
    it is being written, so that ``clean_leftovers`` elsewhere leaves it alone."""
    if fcntl is None:  # Windows: age decides instead
        yield
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _abandoned(path: Path) -> bool:
    if fcntl is None:
        return time.time() - path.stat().st_mtime > _STALE_TEMP_S
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def clean_leftovers(study: Path) -> None:
    """Remove what a killed restore left: its unfinished copies (unlocked, so their writer
    is gone) and the WAL of a before-restore copy that was never renamed into place."""
    folder = backup_folder(study)
    found = list(study.parent.glob(restoring_glob(study))) + list(folder.glob(f".*{PARTIAL}*"))
    for temp in found:
        with suppress(OSError):
            main = temp.with_name(re.sub(r"-(wal|shm|journal)$", "", temp.name))
            if not main.exists() or _abandoned(main):
                temp.unlink()
    for wal in folder.glob(f"{BEFORE_RESTORE}-*{study.suffix}-wal"):
        if not wal.with_name(wal.name[: -len("-wal")]).exists():
            wal.unlink(missing_ok=True)


def backup_now(study: Path, keep: int = DEFAULT_KEEP) -> Path:
    """Back up the live study now (whatever the last backup was); keep the last ``keep``."""
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    temp = _snapshot(study, folder)
    return _file_away(study, temp, keep)


def _file_away(study: Path, temp: Path, keep: int) -> Path:
    target = unique_name(backup_folder(study), study.stem, study.suffix)
    os.replace(temp, target)
    fsync_dir(target.parent)
    _prune(study, keep, target)
    return target


def _backup_if_due(study: Path, keep: int) -> Path | None:
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    newest = next((e for e in _entries(study) if e.kind == ON_OPEN), None)
    if newest is not None and timedelta(0) <= _now() - newest.taken_at < MIN_INTERVAL:
        _prune(study, keep, None)
        return None
    temp = _snapshot(study, folder)
    if newest is not None and filecmp.cmp(temp, newest.path, shallow=False):
        temp.unlink()  # nothing changed since: the newest backup already holds this
        _prune(study, keep, None)
        return None
    return _file_away(study, temp, keep)


def backup_on_open(study: Path, keep: int = DEFAULT_KEEP) -> Path | None:
    """Back up a study just opened, unless the newest backup is under a minute old or holds
    the same content; the new backup, or None. A failed copy is logged, not raised: the
    study is open and usable, and the next opening tries again."""
    try:
        return _backup_if_due(study, keep)
    except (OSError, sqlite3.Error) as exc:
        log.warning("%s: could not back up the study in %s (%s)", study, backup_folder(study), exc)
        return None


# --- restoring -----------------------------------------------------------------------------
