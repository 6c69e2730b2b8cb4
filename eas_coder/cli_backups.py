"""``eas-coder backup``, ``backups`` and ``restore``: a study's backups.

A SQLite study file keeps rotating backups beside it (store/backups.py, store/restore.py). A
study on a server is backed up as a snapshot into a SQLite study file (store/snapshot.py).

Both are the lab manager's in a study with a passphrase. A damaged study cannot be opened,
so no passphrase can be checked: then both still work, and say so.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from eas_coder.cli_support import PROG, UsageError, require_manager
from eas_coder.errors import StudyDamaged, StudyNotFound
from eas_coder.location import Location
from eas_coder.store.backups import (
    BEFORE_RESTORE,
    BackupInfo,
    backup_folder,
    backup_now,
    list_backups,
    newest_good_backup,
)
from eas_coder.store.database import backup_sqlite
from eas_coder.store.restore import restore
from eas_coder.store.snapshot import default_name, restore_snapshot, take_snapshot
from eas_coder.store.study import Study


def _study_file(args: argparse.Namespace) -> Path:
    location: Location = args.location
    if location.path is None:
        raise UsageError(
            f"{location.display()}: a server study keeps no backup folder; take a snapshot "
            f"with `{PROG} --db URL backup FOLDER` (or use pg_dump)"
        )
    return location.path


def _unopenable(args: argparse.Namespace, what: str) -> StudyDamaged | StudyNotFound | None:
    """Let only the lab manager go on (see ``require_manager``); the error when the study
    cannot be opened at all, damaged or gone, so that nobody's passphrase can be checked."""
    try:
        with Study.open(args.location, backup=False) as study:
            require_manager(args, study, what)
    except (StudyDamaged, StudyNotFound) as exc:
        return exc
    return None


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _when(info: BackupInfo) -> str:
    return f"{info.taken_at.astimezone():%Y-%m-%d %H:%M:%S %Z}"


def _line(info: BackupInfo) -> str:
    state = "ok" if info.ok else "DAMAGED"
    note = "  (before a restore)" if info.kind == BEFORE_RESTORE else ""
    if not info.ok:
        note += f"  – {info.problem}"
    return f"{_when(info)}  {_size(info.size):>9}  {state:<7}  {info.path.name}{note}"


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {' '.join(message.split())}", file=sys.stderr)


def cmd_backups(args: argparse.Namespace) -> int:
    """List the study's backups, newest first; exit 1 when the study itself is damaged."""
    path = _study_file(args)
    broken = _unopenable(args, "listing backups")
    found = list_backups(path)
    if isinstance(broken, StudyNotFound) and not found:
        raise broken
    folder = backup_folder(path)
    if not found:
        print(f"No backups of {path} yet; one is taken in {folder} whenever the study is opened.")
    else:
        print(f"Backups of {path} in {folder}, newest first:")
        for info in found:
            print(_line(info))
        print(f"Restore one with: {PROG} --db {shlex.quote(str(path))} restore NAME")
    if broken is not None:
        _warn(str(broken))
        return 1
    return 0


def _chosen_backup(args: argparse.Namespace, study: Path) -> Path:
    if args.backup:
        given = Path(args.backup).expanduser()
        in_folder = backup_folder(study) / given.name
        # a bare name as `backups` lists it
        if not given.exists() and given.name == args.backup and in_folder.exists():
            return in_folder
        if not given.exists():
            raise UsageError(f"{given}: no such backup file (see `{PROG} backups`)")
        return given
    good = newest_good_backup(study)
    if good is None:
        raise UsageError(
            f"{study}: no good backup in {backup_folder(study)}; "
            f"name a backup file: {PROG} --db {shlex.quote(str(study))} restore FILE"
        )
    return good.path


def cmd_backup(args: argparse.Namespace) -> int:
    """Take a backup now: into the backup folder (a study file, by default) or to TARGET."""
    location: Location = args.location
    broken = _unopenable(args, "taking a backup")
    if broken is not None:
        raise broken
    target = Path(args.target).expanduser() if args.target else None
    if location.path is None:
        if target is None:
            raise UsageError(f"{location.display()}: name a folder or file for the snapshot")
        if target.is_dir():
            target = target / default_name(location)
        result = take_snapshot(location, target)
        held = f"{result.rows.get('rating', 0)} ratings of {result.rows.get('video', 0)} videos"
        print(f"Snapshot of {location.display()} written to {result.path} ({held}).")
        return 0
    if target is None:
        with Study.open(location, backup=False) as study:
            keep = study.settings.get("backups.keep")
        print(f"Backup written to {backup_now(location.path, keep)}")
        return 0
    if target.is_dir():
        target = target / f"{location.path.stem}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.sqlite"
    if target.exists():
        raise UsageError(f"{target}: already exists; choose another name")
    print(f"Backup written to {backup_sqlite(location.path, target)}")
    return 0


def _restore_on_server(args: argparse.Namespace) -> int:
    location: Location = args.location
    if not args.backup:
        raise UsageError(f"{location.display()}: name the snapshot file to restore")
    backup = Path(args.backup).expanduser()
    if not backup.is_file():
        raise UsageError(f"{backup}: no such snapshot file")
    broken = _unopenable(args, "restoring a backup")
    if broken is not None:
        raise broken
    result = restore_snapshot(
        location, backup, keep_in=backup.resolve().parent, replace_study=args.replace_study
    )
    print(f"Kept what the study held until now as {result.before_restore}")
    print(f"Restored {location.display()} from {result.source}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the study with a backup (default: the newest good one), keeping it first."""
    if args.location.path is None:
        return _restore_on_server(args)
    path = _study_file(args)
    broken = _unopenable(args, "restoring a backup")
    backup = _chosen_backup(args, path)
    if isinstance(broken, StudyDamaged):
        print(
            f"The study file is damaged ({broken.problems[0] if broken.problems else '?'}), "
            "so no lab-manager passphrase could be checked; restoring anyway."
        )
    elif broken is not None:
        print(f"There is no study file at {path}; restoring the backup there.")
    result = restore(path, backup, replace_study=args.replace_study)
    if result.before_restore is not None:
        print(f"Kept the file it replaced as {result.before_restore}")
    print(f"Restored {path} from {result.source}.")
    return 0


def add_backup_parsers(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``backup``, ``backups`` and ``restore``."""
    take = sub.add_parser(
        "backup",
        help="back up the study now (a server study: a snapshot into a SQLite study file)",
        parents=[who],
    )
    take.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a new file, or a folder to write it in (default for a study file: its backups)",
    )
    take.set_defaults(func=cmd_backup)
    listing = sub.add_parser(
        "backups", help="list the study's backups (SQLite), newest first", parents=[who]
    )
    listing.set_defaults(func=cmd_backups)
    back = sub.add_parser(
        "restore",
        help="replace the study with a backup, keeping the current file first",
        parents=[who],
    )
    back.add_argument(
        "backup",
        nargs="?",
        metavar="BACKUP",
        help="a backup file or its name as `backups` lists it (default: the newest good one); "
        "for a server study, a snapshot file taken with `backup`",
    )
    back.add_argument(
        "--replace-study",
        action="store_true",
        help="accept a backup or snapshot of another study: it replaces this study "
        "(refused without this; the current study is kept first)",
    )
    back.set_defaults(func=cmd_restore)
