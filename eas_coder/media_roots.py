"""Where a stored video or attachment path is on this computer: the one place it is decided.

A path is stored in one of three forms:

- ``{media}/clips/D014 pre.mp4``: relative to the study's **media root**, the folder that holds
  a shared study's videos. Each workstation says where that folder is on its own disk
  (``/mnt/lab/videos`` on one, ``Z:\\videos`` on another), so one server study plays on all.
  Stored with forward slashes, joined with pathlib part by part.
- ``clips/D014 pre.mp4``: relative to the folder of the study file (SQLite studies).
- ``/mnt/lab/videos/D014 pre.mp4``: absolute, as every older study stored it; still works.

Where the media root is on this computer: ``$EAS_CODER_MEDIA_ROOT`` (or the CLI's
``--media-root``) for scripts, else what this process was told for the study (the window
remembers it per study and tells it here with ``remember_local_root``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath

ENV_VAR = "EAS_CODER_MEDIA_ROOT"
PREFIX = "{media}/"  # no real path starts with a brace and "media}", on any system
ROOT_NAME_LENGTH = 100
_ROOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")

_lock = threading.Lock()
_local_roots: dict[str, Path] = {}  # study uid -> the media root on this computer


def is_media_relative(stored: str) -> bool:
    """True for a path stored relative to the study's media root."""
    return stored.startswith(PREFIX)


def relative_part(stored: str) -> PurePosixPath:
    """The part of a media-root path after ``{media}/`` (forward slashes)."""
    return PurePosixPath(stored[len(PREFIX) :])


def root_name_problem(value: object) -> str | None:
    """Why ``value`` cannot name a media root (None: it can; "" means no media root)."""
    if not isinstance(value, str):
        return "text"
    if value == "":
        return None
    if len(value) > ROOT_NAME_LENGTH or not _ROOT_NAME.fullmatch(value):
        return (
            f"a short name (letters, digits, space, '.', '_' or '-', at most "
            f'{ROOT_NAME_LENGTH} characters, e.g. "lab-videos"), or empty for none'
        )
    return None


def remember_local_root(study_uid: str, root: Path | None) -> None:
    """Tell this process where the media root of the study ``study_uid`` is on this computer
    (None forgets it). Every ``Study`` opened here on that study uses it, in any thread."""
    with _lock:
        if root is None:
            _local_roots.pop(study_uid, None)
        else:
            _local_roots[study_uid] = Path(root).expanduser()


def local_root(study_uid: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The media root on this computer: the environment's override, else what this process
    was told for the study, else None (not set here)."""
    env = os.environ if environ is None else environ
    override = env.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    if study_uid is None:
        return None
    with _lock:
        return _local_roots.get(study_uid)


def resolve(stored: str, study_dir: Path | None, media_root: Path | None) -> Path:
    """THE resolution of a stored path to a path on this computer (which may not exist).

    A media-root path with no media root set here comes back relative (``{media}/...``): it
    exists nowhere, and ``unresolved_reason`` says what to do.
    """
    if is_media_relative(stored):
        parts = relative_part(stored).parts
        return (
            Path(PREFIX.rstrip("/"), *parts) if media_root is None else media_root.joinpath(*parts)
        )
    path = Path(stored)
    if path.is_absolute() or study_dir is None:
        return path
    return study_dir.joinpath(*PurePosixPath(stored).parts)


def unresolved_reason(stored: str | None, media_root: Path | None) -> str | None:
    """A sentence when ``stored`` cannot be found on this computer because the media root is
    not set here; else None."""
    if stored is None or not is_media_relative(stored) or media_root is not None:
        return None
    return (
        "the study keeps its videos under a media root, and this computer has not been told "
        "where that folder is (File ▸ Media Root on This Computer…, or "
        f"${ENV_VAR} / --media-root for scripts)"
    )


def store_form(path: Path, study_dir: Path | None, media_root: Path | None) -> str:
    """How ``path`` is stored: under the media root when inside it, else relative to the study
    file's folder when inside that, else absolute; always with forward slashes."""
    absolute = path.expanduser().resolve()
    if media_root is not None:
        root = media_root.expanduser().resolve()
        if absolute.is_relative_to(root) and absolute != root:
            return PREFIX + PurePosixPath(*absolute.relative_to(root).parts).as_posix()
    if study_dir is not None and absolute.is_relative_to(study_dir):
        return PurePosixPath(*absolute.relative_to(study_dir).parts).as_posix()
    return absolute.as_posix()


def media_form(stored: str, study_dir: Path | None, media_root: Path) -> str | None:
    """``stored`` moved under the media root (``{media}/...``) when its file lies inside the
    root, else None (already there, or outside it). Windows-style stored text is read as such,
    so a study begun on Windows converts on Windows."""
    if is_media_relative(stored):
        return None
    if PureWindowsPath(stored).drive and os.name != "nt":
        return None  # a Windows path means nothing on this computer: convert it on Windows
    current = resolve(stored, study_dir, None)
    form = store_form(current, None, media_root)
    return form if is_media_relative(form) else None
