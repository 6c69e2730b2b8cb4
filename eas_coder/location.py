"""Where a study lives: a SQLite study file, or any SQLAlchemy URL (e.g. PostgreSQL).

Resolution order: ``--db`` on the command line, else ``$EAS_CODER_DB``, else the default
study in the per-user data directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from eas_coder.errors import StudyError

ENV_VAR = "EAS_CODER_DB"
STUDY_SUFFIX = ".sqlite"
APP_NAME = "eas-coder"


@dataclass(frozen=True)
class Location:
    """A resolved study location."""

    url: URL
    path: Path | None  # the study file for SQLite, else None

    @property
    def is_sqlite(self) -> bool:
        """True for a study file on disk."""
        return self.path is not None

    def display(self) -> str:
        """The location as shown to people: the path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        # No "***" either: a study reads the same with a password typed in or from ~/.pgpass
        # (the window keys its remembered coder by this text).
        return self.url._replace(password=None).render_as_string(hide_password=True)

    @property
    def base_dir(self) -> Path | None:
        """Folder that relative video paths are resolved against (SQLite only)."""
        return self.path.parent if self.path is not None else None


def from_string(value: str | os.PathLike[str]) -> Location:
    """A path (``study.sqlite``) or a SQLAlchemy URL (``postgresql+psycopg://...``)."""
    text = os.fspath(value)
    if "://" in text:
        try:
            url = make_url(text)
        except (ArgumentError, ValueError) as exc:
            raise StudyError(f"{text!r} is not a database URL ({exc})") from None
        if url.get_backend_name() == "sqlite":
            if url.database in (None, "", ":memory:"):
                raise StudyError(f"{text}: an in-memory database would lose the study on exit")
            return Location(url, Path(str(url.database)).expanduser().resolve())
        return Location(url, None)
    path = Path(text).expanduser().resolve()
    return Location(URL.create("sqlite", database=str(path)), path)


def with_password(location: Location, password: str) -> Location:
    """The same server study with ``password`` in its URL, for this run only.

    Such a location lives in memory: ``display()`` and ``repr()`` hide the password, and the
    recent-studies list strips it; nothing should write ``url`` out in full.
    """
    if location.path is not None:
        raise StudyError(f"{location.path}: a study file takes no password")
    return Location(location.url.set(password=password), None)


def server_label(location: Location) -> str:
    """``USER@HOST:PORT/DB`` of a server study, for a password prompt (never the password)."""
    url = location.url
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = url.username or "(your login name)"
    return f"{user}@{host}{port}/{url.database or ''}"


def default_study_path() -> Path:
    """The study used when none is named: in the per-user data directory."""
    return platformdirs.user_data_path(APP_NAME) / f"study{STUDY_SUFFIX}"


def resolve(db: str | None, environ: Mapping[str, str] | None = None) -> tuple[Location, bool]:
    """Resolve the study location; the flag is True when it was named explicitly."""
    env = os.environ if environ is None else environ
    if db is not None:
        if not db.strip():
            raise StudyError("--db is empty: give a study file or a database URL")
        return from_string(db), True
    if env.get(ENV_VAR):
        return from_string(env[ENV_VAR]), True
    return from_string(default_study_path()), False
