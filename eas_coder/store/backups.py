"""Rotating backups of SQLite studies, a quick integrity check on open, and restoring.

Before a study file is opened, ``refuse_damaged`` runs SQLite's ``quick_check``: a damaged
file is refused with ``StudyDamaged``, naming the newest good backup and the command that
restores it. Once open, ``backup_on_open`` copies the study with SQLite's online backup API
(consistent while others write) into ``<stem>.backups/`` beside the file, as
``<stem>-YYYYmmddTHHMMSSZ<suffix>`` (UTC), keeping the last ``backups.keep`` (a study setting,
default 10).

No copy is added when the newest one is younger than a minute (a script running many
commands, the window opening a worker's connection) or holds exactly the same content (so
opening an unchanged study day after day never rotates real history away).

``restore`` checks the backup (``integrity_check``, an EAS Coder study of a schema this
version knows), keeps the current file as ``before-restore-<stamp><suffix>`` in the same
folder (a byte copy, even when damaged; never rotated away), then replaces the study
atomically. It refuses while anyone else has the study open.
"""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shlex
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from eas_coder.errors import StudyDamaged, StudyError
from eas_coder.store.database import BUSY_TIMEOUT_MS, SQLITE_HEADER, known_revisions

log = logging.getLogger(__name__)

DEFAULT_KEEP = 10
MIN_INTERVAL = timedelta(minutes=1)
LOCK_TIMEOUT_S = 2.0  # how long restore waits for other connections to let go
ON_OPEN = "open"
BEFORE_RESTORE = "before-restore"
_STAMP = "%Y%m%dT%H%M%SZ"
_SIDE_FILES = ("-wal", "-shm", "-journal")
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
class RestoreResult:
    """What ``restore`` did."""

    study: Path
    source: Path
    before_restore: Path | None  # the replaced file, kept; None when there was no file
    locked: bool  # False: the file could not be locked through SQLite (damaged or missing)


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


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


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


def _connect_ro(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def _pragma_problems(conn: sqlite3.Connection, pragma: str) -> list[str]:
    problems: list[str] = []
    for (text,) in conn.execute(f"PRAGMA {pragma}"):
        if text != "ok":
            lines = str(text).splitlines()
            problems += [line for line in lines if line.strip() and not line.startswith("***")]
    return problems


def summary(problems: list[str] | tuple[str, ...]) -> str:
    """The first problem, and how many more there are."""
    if not problems:
        return "no problems"
    more = len(problems) - 1
    return problems[0] + (f"; and {more} more problem{'s' * (more > 1)}" if more else "")


def check_backup(path: Path, thorough: bool = True) -> list[str]:
    """Why ``path`` cannot be restored; empty when it is an intact EAS Coder study of a
    schema this version knows. ``thorough``: ``integrity_check`` instead of ``quick_check``
    (which skips comparing indexes with their tables and is many times faster)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return [f"cannot read it ({exc.strerror})"]
    if header != SQLITE_HEADER:
        return ["not a SQLite database" if header else "the file is empty"]
    try:
        conn = _connect_ro(path)
        try:
            problems = _pragma_problems(conn, "integrity_check" if thorough else "quick_check")
            if problems:
                return problems
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
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
        return [str(exc)]
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


def _file_problems(study: Path) -> list[str] | None:
    """What ``quick_check`` finds in the study file; None when it is no SQLite database."""
    try:
        with study.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return []  # opening says why it cannot read the file
    if header != SQLITE_HEADER:
        return None
    # As in database._sqlite_revision: read-only when a crashed writer left a WAL behind, so
    # the check does not fold it into the file.
    wal = _side(study, "-wal").exists()
    target = f"{study.resolve().as_uri()}?mode=ro" if wal else str(study)
    try:
        conn = sqlite3.connect(target, uri=wal, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return _pragma_problems(conn, "quick_check")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorname", "")
        if code == "SQLITE_NOTADB":
            return None
        return [str(exc)] if code.startswith("SQLITE_CORRUPT") else []
    except sqlite3.Error:
        return []  # busy, cannot open...: opening reports it in its own words


def refuse_damaged(study: Path) -> None:
    """Raise ``StudyDamaged`` when the study file fails SQLite's ``quick_check``.

    A file that is no SQLite database at all passes (opening refuses it as before, as not a
    study), unless good backups of it exist: then it was this study, and it is damaged.
    """
    if not study.is_file():
        return
    problems = _file_problems(study)
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


def _fsync(path: Path, flags: int = os.O_RDWR) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder for it)."""
    if os.name != "nt":
        with suppress(OSError):
            _fsync(folder, os.O_RDONLY)


def _online_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``source`` into the (empty) file ``target``, durably."""
    dst = sqlite3.connect(str(target))
    try:
        source.backup(dst)
        # a rollback-journal file is complete on its own: no -wal beside it to lose
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
    _fsync(target)


def _temp_in(folder: Path, prefix: str, suffix: str, like: Path) -> Path:
    """A new empty file in ``folder`` with the permissions of ``like`` (mkstemp's 0600
    would lock the rest of the lab out of a restored study)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    with suppress(OSError):
        shutil.copymode(like, name)
    return Path(name)


def _snapshot(study: Path, folder: Path) -> Path:
    """A consistent copy of the live study in a new temporary file in ``folder``."""
    temp = _temp_in(folder, _TEMP_PREFIX, ".tmp", study)
    try:
        source = sqlite3.connect(str(study), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            _online_copy(source, temp)
        finally:
            source.close()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _unique(folder: Path, stem: str, suffix: str) -> Path:
    stamp = _now().strftime(_STAMP)
    target = folder / f"{stem}-{stamp}{suffix}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{stem}-{stamp}-{number}{suffix}"
    return target


def _prune(study: Path, keep: int, made: Path | None) -> None:
    """Remove the oldest backups taken on open beyond ``keep`` (never the one just made),
    and temporary files a crashed copy left behind."""
    others = [e for e in _entries(study) if e.kind == ON_OPEN and e.path != made]
    excess = len(others) + (made is not None) - max(keep, 1)
    for entry in others[::-1][: max(excess, 0)]:
        entry.path.unlink(missing_ok=True)
    folder = backup_folder(study)
    for temp in folder.glob(f"{_TEMP_PREFIX}*"):
        with suppress(OSError):
            if time.time() - temp.stat().st_mtime > _STALE_TEMP_S:
                temp.unlink()


def backup_now(study: Path, keep: int = DEFAULT_KEEP) -> Path:
    """Back up the live study now (whatever the last backup was); keep the last ``keep``."""
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    temp = _snapshot(study, folder)
    return _file_away(study, temp, keep)


def _file_away(study: Path, temp: Path, keep: int) -> Path:
    target = _unique(backup_folder(study), study.stem, study.suffix)
    os.replace(temp, target)
    _fsync_dir(target.parent)
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


def _keep_current(study: Path, folder: Path) -> Path:
    """A byte copy of the study file in ``folder``, with the WAL or journal beside it (which
    opening the copy replays, as opening the study would have)."""
    target = _unique(folder, BEFORE_RESTORE, study.suffix)
    shutil.copyfile(study, target)
    shutil.copymode(study, target)  # a private study stays private in its copies
    _fsync(target)
    for suffix in ("-wal", "-journal"):
        side = _side(study, suffix)
        if side.exists() and side.stat().st_size > 0:
            shutil.copyfile(side, _side(target, suffix))
            shutil.copymode(study, _side(target, suffix))
            _fsync(_side(target, suffix))
    _fsync_dir(folder)
    return target


def _prepared_copy(backup: Path, study: Path) -> Path:
    """The backup copied to a temporary file beside the study, durable and checked."""
    like = study if study.exists() else backup
    temp = _temp_in(study.parent, f".{study.name}.", ".restoring", like)
    try:
        source = _connect_ro(backup)
        try:
            _online_copy(source, temp)
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
    folder = backup_folder(study)
    folder.mkdir(exist_ok=True)
    temp = _prepared_copy(backup, study)
    try:
        with _exclusive(study) as locked:
            before = _keep_current(study, folder) if study.exists() else None
            # A WAL left beside the file would be replayed into the restored study.
            for suffix in _SIDE_FILES:
                _side(study, suffix).unlink(missing_ok=True)
            os.replace(temp, study)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(study.parent)
    return RestoreResult(study, backup, before, locked)
