"""Which study a file or a server database holds: restore accepts a backup or a snapshot
only of the study it came from, unless the lab manager replaces the study on purpose.

A study's identity is ``study.uid``, a random id given once (migration 0008, or when the
study is created) and carried by every backup and snapshot, which are copies of the study.
A backup taken before 0008 has no uid: it is taken for this study when the study's name and
creation time (both set once, when the study was created, and copied into every backup)
match. A different study of the same name was created at another moment, so the pair tells
them apart; and the old backup cannot be told from the study in any other way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from eas_coder.errors import StudyError
from eas_coder.store.study_files import connect_for_reading
from eas_coder.store.tables import StudyRow


class OtherStudy(StudyError):
    """The backup or snapshot is of another study; nothing was changed."""


@dataclass(frozen=True)
class Identity:
    """What tells one study from another (``uid`` None: written before it existed)."""

    uid: str | None
    name: str
    created_at: datetime | None

    def describe(self) -> str:
        """``"PND trial", created 2026-11-02 14:03 UTC``."""
        when = f", created {self.created_at:%Y-%m-%d %H:%M} UTC" if self.created_at else ""
        return f"{self.name!r}{when}"


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return None


def file_identity(path: Path) -> Identity | None:
    """The identity of the study in a SQLite file; None when it cannot be read (missing,
    damaged, no study). Asked through SQLite only (``study_files``), so that looking leaves
    nothing beside the file (a read-only connection would leave a WAL-mode file's -wal and
    -shm behind)."""
    try:
        conn = connect_for_reading(path)  # leaves no -wal/-shm beside a WAL-mode file
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(study)")}
            uid = "uid" if "uid" in columns else "NULL"
            row = conn.execute(f"SELECT {uid}, name, created_at FROM study WHERE id = 1").fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    if row is None:
        return None
    return Identity(row[0] or None, str(row[1]), _moment(row[2]))


def server_identity(conn: Connection) -> Identity | None:
    """The identity of the study behind a server connection (None: no study there)."""
    has_uid = "uid" in {c["name"] for c in inspect(conn).get_columns("study")}
    columns = [StudyRow.uid] if has_uid else []
    row = conn.execute(
        select(*columns, StudyRow.name, StudyRow.created_at).where(StudyRow.id == 1)
    ).first()
    if row is None:
        return None
    uid = row[0] if has_uid else None
    return Identity(uid or None, str(row[-2]), _moment(row[-1]))


def same_study(here: Identity, there: Identity) -> bool:
    """True when both are the same study (see the module docstring)."""
    if here.uid is not None and there.uid is not None:
        return here.uid == there.uid
    return (here.name, here.created_at) == (there.name, there.created_at)


def refuse_other_study(
    here: Identity | None, there: Identity | None, source: Path, target: str, replace_hint: str
) -> None:
    """Raise ``OtherStudy`` when ``source`` (identity ``there``) holds another study than
    ``target`` (identity ``here``). An unknown identity on either side (a damaged or missing
    study, a file that reads as no study) is not refused here: ``check_backup`` already
    refused files that are no study, and a damaged study is exactly what restore is for."""
    if here is None or there is None or same_study(here, there):
        return
    raise OtherStudy(
        f"{source}: a backup of another study ({there.describe()}), not of {target} "
        f"({here.describe()}); nothing was changed. To replace this study with it on "
        f"purpose, {replace_hint}"
    )
