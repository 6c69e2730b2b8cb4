"""Adding videos to a study: which files a drop or a folder holds, the dyad code and timepoint
a file name suggests, and the background job that probes and registers each file (a bad file
is reported with its reason and never stops the others). The window's dialog is
``gui/add_videos.py``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eas_coder.errors import Conflict, EasCoderError, VideoUnreadable
from eas_coder.exchange.naming import natural_key
from eas_coder.location import Location
from eas_coder.media.probe import _VIDEO_SUFFIXES, probe
from eas_coder.store.study import Study

ProgressCallback = Callable[[str, int, int], None]  # what, done, total

VIDEO_SUFFIXES = frozenset(_VIDEO_SUFFIXES)
ALREADY = "already in the study"
# A timepoint in a file name: T1, t2, W3, wave2, visit1, M12, session2, tp1 (1-2 digits, so a
# dyad code such as M014 is not taken for one), optionally followed by pre/post.
_TIMEPOINT = re.compile(r"(?i)^(t|tp|time|w|wave|v|visit|m|month|session)\d{1,2}$")
_QUALIFIER = {"pre", "post"}
_SEPARATORS = re.compile(r"[\s_\-.]+")
_JOINED = re.compile(r"(?i)^(.*?\d)(t\d{1,2})$")  # D014T1


def collect_video_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for videos, in natural order.

    Hidden files and folders (names starting with a dot, such as macOS ``._D014.mp4``
    companions) are skipped; a file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        for file in _videos_in(path) if path.is_dir() else [path]:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _videos_in(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files += [
            Path(root, name)
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in VIDEO_SUFFIXES
        ]
    return sorted(files, key=lambda f: natural_key(f.relative_to(folder).as_posix()))


def guess_participant_timepoint(path: Path) -> tuple[str, str]:
    """A best guess at (dyad code, timepoint) from a file name; else (stem, "").

    ``D014_T1.mp4`` → ("D014", "T1"), ``D014 T1 pre.mov`` → ("D014", "T1 pre"),
    ``D014T2.mp4`` → ("D014", "T2"), ``T1/D014.mp4`` → ("D014", "T1").
    """
    stem = Path(path).stem
    tokens = [t for t in _SEPARATORS.split(stem) if t]
    at = next((i for i in reversed(range(len(tokens))) if _TIMEPOINT.match(tokens[i])), None)
    if at is not None and len(tokens) > 1:
        timepoint = tokens[at]
        rest = tokens[at + 1 :]
        if rest and rest[0].casefold() in _QUALIFIER:
            timepoint, rest = f"{timepoint} {rest[0]}", rest[1:]
        participant = "_".join(tokens[:at]) or "_".join(rest)
        if participant:
            return participant, timepoint
    joined = _JOINED.match(stem)
    if joined:
        return joined.group(1).rstrip(" _-."), joined.group(2)
    folder = Path(path).parent.name
    if _TIMEPOINT.match(folder):
        return stem, folder
    return stem, ""


# --- the background job ---------------------------------------------------------------------


@dataclass(frozen=True)
class VideoEntry:
    """One file to add, with the dyad code and timepoint it is filed under."""

    path: Path
    participant: str
    timepoint: str

    @classmethod
    def guessed(cls, path: Path) -> VideoEntry:
        """An entry with the code and timepoint guessed from the file name."""
        return cls(path, *guess_participant_timepoint(path))


@dataclass
class AddVideosSummary:
    """What adding videos did: the file names added, and each failure's file and reason."""

    added: list[str] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False


class AddVideosJob:
    """A JobRunner function: opens the study in its own thread, probes and adds each file."""

    def __init__(
        self, location: Location, entries: Sequence[VideoEntry], actor: str | None = None
    ) -> None:
        self._location = location
        self._entries = list(entries)
        self._actor = actor
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop after the file being added now (those added so far stay)."""
        self._stop.set()

    def __call__(self, progress: ProgressCallback) -> AddVideosSummary:
        summary = AddVideosSummary()
        total = len(self._entries)
        with Study.open(self._location, self._actor) as study:
            for done, entry in enumerate(self._entries):
                if self._stop.is_set():
                    summary.cancelled = True
                    break
                progress(f"Adding {entry.path.name} ({done + 1} of {total})…", done, total)
                reason = _add_one(study, entry)
                if reason is None:
                    summary.added.append(entry.path.name)
                else:
                    summary.failures.append((entry.path, reason))
        progress("Done", total, total)
        return summary


def _add_one(study: Study, entry: VideoEntry) -> str | None:
    """None when added, else why not, in plain words."""
    try:
        info = probe(entry.path)
        study.videos.add(entry.participant, entry.timepoint, entry.path, info)
    except VideoUnreadable as exc:
        return exc.reason
    except Conflict as exc:
        message = str(exc)
        return message[message.index(ALREADY) :] if ALREADY in message else ALREADY
    except EasCoderError as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    except Exception as exc:  # a decoder's surprise about one file must not stop the rest
        return f"unexpected error ({type(exc).__name__}: {exc})"
    return None


def format_summary(summary: AddVideosSummary) -> tuple[str, str]:
    """(headline, one line per failure: file and reason)."""
    count = len(summary.added)
    if count:
        headline = f"Added {count} video{'s' if count != 1 else ''}."
    else:
        headline = "No videos were added."
    if summary.cancelled:
        headline += " Adding was stopped before the end."
    if summary.failures:
        headline += f" {len(summary.failures)} could not be added:"
    details = "\n".join(f"{path}: {reason}" for path, reason in summary.failures)
    return headline, details
