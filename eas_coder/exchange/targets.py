"""Where an export may write, and with what permissions.

An export names its file, and a slip of the keyboard (``export study.sqlite``) or of the file
dialog must never replace the study, its ``-wal``/``-shm``, one of its backups or a recorded
video: ``refuse_targets`` names the file and what it is, before anything is written. Exports
hold the same family data as the study, so a new export is owner-only (0600, as the study
is); rewriting an existing export keeps that file's mode, so a lab's deliberate sharing is
never loosened or silently undone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from eas_coder.errors import EasCoderError
from eas_coder.store.backups import backup_folder
from eas_coder.store.study import Study
from eas_coder.store.study_files import SIDE_FILES, held_study, side_file

PRIVATE = 0o600


class ExportTargetRefused(EasCoderError):
    """The export would overwrite a file the study depends on; nothing was written."""


def _same_file(a: Path, b: Path) -> bool:
    with suppress(OSError):
        return a.samefile(b)
    return os.path.abspath(a) == os.path.abspath(b)


def _study_parts(study: Study) -> list[tuple[Path, str]]:
    """The study file, its side files and its backups, each with what it is."""
    path = study.location.path
    if path is None:
        return []
    parts = [(path, "the study file")]
    parts += [(side_file(path, s), f"the study's {s} file") for s in SIDE_FILES]
    return parts


def _is_backup(study: Study, target: Path) -> bool:
    path = study.location.path
    if path is None:
        return False
    folder = backup_folder(path).resolve()
    resolved = target.resolve()
    if resolved.parent == folder:
        return True
    # the copy kept before a schema update (database._backup_name), beside the study
    before = re.compile(rf"{re.escape(path.stem)}\.before-.+{re.escape(path.suffix)}")
    return resolved.parent == path.resolve().parent and before.fullmatch(resolved.name) is not None


def _recorded_media(study: Study) -> Iterable[tuple[Path, str]]:
    for video in study.videos.all():
        file = study.videos.file_of(video)
        if file is not None:
            yield file, f"the recorded video {video.name!r}"
    for attachment in study.attachments.all():
        yield study.attachments.file_of(attachment), "a recorded camera angle or recorder"


def what_it_is(study: Study, target: Path) -> str | None:
    """What ``target`` is to the study, when an export must not write it; else None."""
    held = held_study(target)
    if held is not None:
        return "a study file open in this program"
    for part, what in _study_parts(study):
        if _same_file(target, part):
            return what
    if _is_backup(study, target):
        return "one of the study's backups"
    for media, what in _recorded_media(study):
        if _same_file(target, media):
            return what
    return None


def refuse_targets(study: Study, targets: Iterable[Path]) -> None:
    """Raise ``ExportTargetRefused`` naming the first target that is part of the study."""
    for target in targets:
        what = what_it_is(study, target)
        if what is not None:
            raise ExportTargetRefused(
                f"{target}: that is {what}; an export never writes over it. "
                "Choose another file name; nothing was written"
            )


def private_new_file(path: Path) -> int:
    """Create ``path`` (which must not exist) owner-only; its descriptor, to write to."""
    # O_BINARY (Windows only): a text-mode descriptor would turn every \n into \r\n
    # under the writer's own newline handling
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE)


def settle_mode(temp: Path, final: Path) -> None:
    """Give the staged ``temp`` the mode it keeps once it replaces ``final``: the existing
    file's mode (never loosened, never changed), else owner-only."""
    try:
        mode = final.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = PRIVATE
    os.chmod(temp, mode)
