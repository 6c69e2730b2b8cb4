"""Adding videos to a study: which files a drop or a folder holds, the dyad code and timepoint
a file name suggests (``name_guess.py``), and the background job that checks, probes and
registers each file (a bad file is reported with its reason and never stops the others). The
window's dialog is ``gui/study/add_videos.py``.

Every file gets the accuracy check (``media.accuracy``) before it is added: a truncated or
damaged recording is refused, naming the problem, unless the lab manager accepted it
(``accept_damaged``); the check and the file's SHA-256 are stored with the video.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eas_coder.errors import Conflict, EasCoderError, VideoUnreadable
from eas_coder.exchange.naming import natural_key
from eas_coder.location import Location
from eas_coder.media.accuracy import VideoAccuracy, check_video
from eas_coder.media.probe import _VIDEO_SUFFIXES, full_hash, probe
from eas_coder.model import Video, VideoInfo
from eas_coder.name_guess import guess_name
from eas_coder.store.study import Study

ProgressCallback = Callable[[str, int, int], None]  # what, done, total

VIDEO_SUFFIXES = frozenset(_VIDEO_SUFFIXES)
ALREADY = "already in the study"


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


def guess_participant_timepoint(
    path: Path, pattern: str = "", known_timepoints: Sequence[str] = ()
) -> tuple[str, str]:
    """A best guess at (dyad code, timepoint) from a file name (``name_guess.py``): the
    study's pattern first, then the name's parts; else (stem, "").

    ``M001_pre.mp4`` → ("M001", "pre"), ``D014 T1 pre.mov`` → ("D014", "T1 pre"),
    ``P-12_FU.mp4`` → ("P-12", "follow-up"), ``T1/D014.mp4`` → ("D014", "T1").
    """
    found = guess_name(path, pattern, known_timepoints)
    return found.dyad, found.timepoint


# --- the background job ---------------------------------------------------------------------


@dataclass(frozen=True)
class VideoEntry:
    """One file to add, with the dyad code and timepoint it is filed under."""

    path: Path
    participant: str
    timepoint: str

    @classmethod
    def guessed(
        cls, path: Path, pattern: str = "", known_timepoints: Sequence[str] = ()
    ) -> VideoEntry:
        """An entry with the code and timepoint guessed from the file name (the study's
        pattern first, and the study's spelling of a timepoint it already has)."""
        return cls(path, *guess_participant_timepoint(path, pattern, known_timepoints))


@dataclass
class AddVideosSummary:
    """What adding videos did: the file names added, each failure's file and reason, the
    refused damaged files with their check (to ask the lab manager about), and the files
    added with a problem worth knowing (silent audio, an accepted damage)."""

    added: list[str] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False
    damaged: list[tuple[VideoEntry, VideoAccuracy]] = field(default_factory=list)
    findings: list[tuple[Path, str]] = field(default_factory=list)


class DamagedVideo(VideoUnreadable):
    """A truncated or damaged recording, refused until the lab manager accepts it."""

    def __init__(self, path: str, accuracy: VideoAccuracy) -> None:
        self.accuracy = accuracy
        super().__init__(path, "; ".join(accuracy.problems))


def check_for_adding(path: Path, accept_damaged: bool = False) -> VideoAccuracy:
    """The accuracy check of a file about to be added.

    VideoUnreadable when the file cannot be read at all (nothing to code); DamagedVideo
    when it is truncated or its end cannot be decoded, unless ``accept_damaged``.
    """
    accuracy = check_video(path)
    if accuracy.unreadable and not accuracy.truncated:
        raise VideoUnreadable(str(path), accuracy.unreadable)
    if accuracy.damaged and not accept_damaged:
        raise DamagedVideo(str(path), accuracy)
    return accuracy


def inspect_for_adding(path: Path, accept_damaged: bool = False) -> tuple[VideoAccuracy, VideoInfo]:
    """Probe and check a file about to be added: (its check, its timing and size).

    A file the probe cannot read is refused with the probe's reason, or DamagedVideo when
    the check finds it truncated (a better reason: the copy was cut short).
    """
    try:
        info = probe(path)
    except VideoUnreadable:
        found = check_video(path)
        if found.truncated and not accept_damaged:  # accepted: still nothing to decode
            raise DamagedVideo(str(path), found) from None
        raise
    return check_for_adding(path, accept_damaged), info


def add_checked(
    study: Study,
    entry: VideoEntry,
    accuracy: VideoAccuracy,
    info: VideoInfo,
    allow_duplicate: bool = False,
) -> Video:
    """Register a checked, probed file with its check and its whole-file SHA-256."""
    return study.videos.add(
        entry.participant,
        entry.timepoint,
        entry.path,
        info,
        allow_duplicate=allow_duplicate,
        accuracy=accuracy.to_json(),
        full_hash=full_hash(entry.path),
        accepted_problems=accuracy.problems if accuracy.damaged else None,
    )


def store_accuracy(study: Study, video_id: int, accuracy: VideoAccuracy) -> None:
    """Store a check made elsewhere (a relinked file, ``eas-coder check``) with the video."""
    study.videos.set_accuracy(video_id, accuracy.to_json())


def accuracy_of(study: Study, video_id: int) -> VideoAccuracy | None:
    """The stored check of a video; None when it was never checked (added by an older
    version) or the stored text cannot be read."""
    return parse_accuracy(study.videos.accuracy_of(video_id))


def parse_accuracy(text: str | None) -> VideoAccuracy | None:
    """A stored check's JSON as a VideoAccuracy; None for none or unreadable text."""
    if not text:
        return None
    try:
        return VideoAccuracy.from_json(text)
    except (ValueError, TypeError):
        return None


def recheck_videos(study: Study) -> list[tuple[Video, list[str]]]:
    """Check every video file present again and store each result; (video, its problems)
    for the videos with any. Missing files are ``Study.check``'s to report."""
    found = []
    for video in study.videos.all():
        path = study.videos.file_of(video)
        if path is None or not path.is_file():
            continue
        try:
            accuracy = check_video(path)
        except VideoUnreadable as exc:  # removed between the two lines above
            found.append((video, [exc.reason]))
            continue
        store_accuracy(study, video.id, accuracy)
        if accuracy.problems:
            found.append((video, accuracy.problems))
    return found


class AddVideosJob:
    """A JobRunner function: opens the study in its own thread, checks, probes and adds each
    file. ``accept_damaged``: the lab manager accepted these files' damage."""

    def __init__(
        self,
        location: Location,
        entries: Sequence[VideoEntry],
        actor: str | None = None,
        accept_damaged: bool = False,
    ) -> None:
        self._location = location
        self._entries = list(entries)
        self._actor = actor
        self._accept_damaged = accept_damaged
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
                reason = _add_one(study, entry, self._accept_damaged, summary)
                if reason is None:
                    summary.added.append(entry.path.name)
                else:
                    summary.failures.append((entry.path, reason))
        progress("Done", total, total)
        return summary


def _add_one(
    study: Study, entry: VideoEntry, accept_damaged: bool, summary: AddVideosSummary
) -> str | None:
    """None when added, else why not, in plain words."""
    try:
        accuracy, info = inspect_for_adding(entry.path, accept_damaged)
        add_checked(study, entry, accuracy, info)
        if accuracy.problems:
            summary.findings.append((entry.path, "; ".join(accuracy.problems)))
    except DamagedVideo as exc:
        summary.damaged.append((entry, exc.accuracy))
        return exc.reason
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
    lines = [f"{path}: {reason}" for path, reason in summary.failures]
    lines += [f"{path} (added): {found}" for path, found in summary.findings]
    return headline, "\n".join(lines)
