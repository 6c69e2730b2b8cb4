"""Find moved or renamed video files by their content fingerprint, and relink the study.

A folder is searched recursively (hidden folders skipped). Only files whose size equals a
missing file's recorded size are read, so a folder of thousands of files is searched in
the time it takes to list it. Two identical copies of a recording are reported, never
guessed between. The fingerprint only samples a file, so it only finds candidates: before a
file is relinked its whole content is hashed (SHA-256) and compared with the hash recorded
when it was added, and any changed byte is refused; the store then checks the size and
fingerprint again. ``verify_contents`` makes the same comparison for the files in place
(``eas-coder check``).

    plan = find_moved(study, Path("/Volumes/lab-drive/videos"))
    for match in plan.matches:
        print(match.describe())
    outcome = apply_plan(study, plan)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eas_coder.errors import StudyError
from eas_coder.media.probe import fingerprint, full_hash
from eas_coder.store.study import Study
from eas_coder.store.study_files import held_study

Progress = Callable[[str, int, int], None]  # what, done, total (0: not known yet)
Stop = Callable[[], bool]

_LISTING_REPORT_EVERY = 500  # files listed between progress reports
FINGERPRINT_ONLY = "relinked by its sampled fingerprint only"  # how such a note begins


@dataclass(frozen=True)
class MissingFile:
    """A video's or attachment's file that is not where the study says, or changed size."""

    kind: str  # "video", "angle" or "audio"
    record_id: int  # the video's id, or the attachment's
    video_id: int
    label: str  # e.g. "D014 · T1 pre" or "D014 · T1 pre, angle cam2.mp4"
    recorded: Path  # where the study expects the file
    file_size: int | None
    fingerprint: str | None
    problem: str  # "missing" or "changed size"


@dataclass(frozen=True)
class RelinkMatch:
    """What the search found for one missing file: one file, several identical ones, none."""

    missing: MissingFile
    candidates: tuple[Path, ...] = ()
    note: str = ""  # why the file could not be searched for, when it could not

    @property
    def found(self) -> Path | None:
        """The one file with the recorded fingerprint, or None (none, or ambiguous)."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """True when several files carry the recorded fingerprint (nothing is guessed)."""
        return len(self.candidates) > 1

    @property
    def status(self) -> str:
        """One of "found", "ambiguous" or "not found"."""
        if self.ambiguous:
            return "ambiguous"
        return "found" if self.candidates else "not found"

    def describe(self) -> str:
        """One line for people: what was missing and what was found."""
        missing = self.missing
        head = f"{missing.label}: {missing.recorded}"
        if self.found is not None:
            return f"{head} → {self.found}"
        if self.ambiguous:
            copies = ", ".join(map(str, self.candidates))
            return f"{head} — {len(self.candidates)} identical files, not guessed between: {copies}"
        why = self.note or (
            "no file with its content here" if missing.problem == "missing" else
            "changed size, and no file with its original content here"
        )  # fmt: skip
        return f"{head} ({why})"


@dataclass(frozen=True)
class RelinkPlan:
    """The result of a search: one match per missing file, and what the search saw."""

    folder: Path
    matches: tuple[RelinkMatch, ...]
    files_seen: int = 0
    files_compared: int = 0  # files of a wanted size whose fingerprint was read
    unreadable: tuple[Path, ...] = ()  # folders or files that could not be read
    stopped: bool = False  # the search was stopped before it finished

    @property
    def found(self) -> tuple[RelinkMatch, ...]:
        """Matches with exactly one file to relink to."""
        return tuple(m for m in self.matches if m.found is not None)

    @property
    def not_found(self) -> tuple[RelinkMatch, ...]:
        """Missing files with no file of their content in the folder."""
        return tuple(m for m in self.matches if not m.candidates)

    @property
    def ambiguous(self) -> tuple[RelinkMatch, ...]:
        """Missing files with several identical copies in the folder."""
        return tuple(m for m in self.matches if m.ambiguous)

    @property
    def complete(self) -> bool:
        """True when every missing file was found (or nothing was missing)."""
        return not self.stopped and len(self.found) == len(self.matches)


@dataclass(frozen=True)
class RelinkOutcome:
    """What ``apply_plan`` did: files relinked, and those refused with the reason."""

    relinked: tuple[RelinkMatch, ...]
    refused: tuple[tuple[RelinkMatch, str], ...]
    notes: tuple[tuple[RelinkMatch, str], ...] = ()  # said of files relinked


def missing_files(study: Study) -> list[MissingFile]:
    """Every video and attached file that is missing or whose size changed."""
    videos = study.videos.all()
    labels = {video.id: video.label for video in videos}
    missing: list[MissingFile] = []
    for video in videos:
        path = study.videos.file_of(video)
        problem = None if path is None else file_problem(path, video.file_size)
        if path is not None and problem is not None:
            missing.append(
                MissingFile("video", video.id, video.id, video.label, path, video.file_size,
                            video.fingerprint, problem)
            )  # fmt: skip
    for attached in study.attachments.all():
        path = study.attachments.file_of(attached)
        problem = file_problem(path, attached.file_size)
        if problem is not None:
            label = f"{labels.get(attached.video_id, attached.video_id)}, {attached.kind} " + (
                attached.name or path.name
            )
            missing.append(
                MissingFile(attached.kind, attached.id, attached.video_id, label, path,
                            attached.file_size, attached.fingerprint, problem)
            )  # fmt: skip
    return missing


def file_problem(path: Path, size: int | None) -> str | None:
    """ "missing", "changed size" (from the recorded size), or None when the file is there."""
    try:
        if not path.is_file():
            return "missing"
        if size is not None and path.stat().st_size != size:
            return "changed size"
    except OSError:
        return "missing"
    return None


def find_moved(
    study: Study, folder: Path, progress: Progress | None = None, stop: Stop | None = None
) -> RelinkPlan:
    """Search ``folder`` (recursively) for the study's missing files by content fingerprint.

    Renamed files are found too. ``progress(what, done, total)`` is called now and then
    (``total`` 0 while the folder is listed); ``stop()`` returning True ends the search
    early, with a plan marked ``stopped`` that ``apply_plan`` refuses.
    """
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise StudyError(f"{root}: not a folder, or not reachable (is the drive connected?)")
    root = root.resolve()
    missing = missing_files(study)
    searchable = [m for m in missing if m.file_size is not None and m.fingerprint is not None]
    if not searchable:
        return RelinkPlan(root, tuple(_match(m, {}) for m in missing))
    wanted = {m.file_size for m in searchable if m.file_size is not None}
    report = progress or (lambda _what, _done, _total: None)
    listing = _Listing(root, wanted, report, stop)
    listing.run()
    by_print: dict[str, list[Path]] = {}
    unreadable = list(listing.unreadable)
    stopped = listing.stopped
    compared = 0
    for done, path in enumerate(listing.sized):
        if stop is not None and stop():
            stopped = True
            break
        report(f"Comparing {path.name}", done, len(listing.sized))
        try:
            print_ = fingerprint(path)
        except OSError:
            unreadable.append(path)
            continue
        compared += 1
        by_print.setdefault(print_, []).append(path)
    report("Done", len(listing.sized), len(listing.sized))
    return RelinkPlan(
        root,
        tuple(_match(m, by_print) for m in missing),
        listing.seen,
        compared,
        tuple(unreadable),
        stopped,
    )


def _match(missing: MissingFile, by_print: dict[str, list[Path]]) -> RelinkMatch:
    if missing.fingerprint is None:
        return RelinkMatch(missing, note="no fingerprint was recorded, so it cannot be recognised")
    if missing.file_size is None:
        return RelinkMatch(missing, note="no file size was recorded, so it cannot be searched for")
    return RelinkMatch(missing, tuple(sorted(by_print.get(missing.fingerprint, ()))))


class _Listing:
    """Lists a folder tree (hidden folders and folder links skipped), keeping the files of a
    wanted size."""

    def __init__(self, root: Path, sizes: set[int], progress: Progress, stop: Stop | None):
        self.root = root
        self.sizes = sizes
        self.progress = progress
        self.stop = stop
        self.sized: list[Path] = []
        self.unreadable: list[Path] = []
        self.seen = 0
        self.stopped = False

    def run(self) -> None:
        folders = [self.root]
        while folders:
            if self.stop is not None and self.stop():
                self.stopped = True
                return
            folder = folders.pop()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        self._visit(entry, folders)
            except OSError:
                self.unreadable.append(folder)

    def _visit(self, entry: os.DirEntry[str], folders: list[Path]) -> None:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    folders.append(Path(entry.path))
                return
            if not entry.is_file():
                return
            size = entry.stat().st_size
        except OSError:
            self.unreadable.append(Path(entry.path))
            return
        self.seen += 1
        if self.seen % _LISTING_REPORT_EVERY == 0:
            self.progress(f"Looking through {self.root.name}: {self.seen} files", self.seen, 0)
        # a study open here is never a candidate: reading it would drop SQLite's locks
        if size in self.sizes and held_study(Path(entry.path)) is None:
            self.sized.append(Path(entry.path))


def apply_plan(study: Study, plan: RelinkPlan, progress: Progress | None = None) -> RelinkOutcome:
    """Relink every missing file the plan found, one audited write each.

    Each file is read whole first and its SHA-256 compared with the one recorded when it was
    added (a file changed between the fingerprint's samples is refused); then the store
    checks its size and fingerprint. Refusals are collected, not raised, so one changed file
    does not keep the others from being relinked. A file added before whole-file hashes were
    recorded is relinked on its fingerprint alone, and its hash is recorded then (a note
    says so); a relinked video's accuracy check is run and stored again.
    """
    if plan.stopped:
        raise StudyError("the search was stopped before it finished; search again to relink")
    relinked: list[RelinkMatch] = []
    refused: list[tuple[RelinkMatch, str]] = []
    notes: list[tuple[RelinkMatch, str]] = []
    found = plan.found
    for done, match in enumerate(found):
        path = match.found
        assert path is not None  # plan.found holds only matches with one file
        if progress is not None:
            progress(f"Checking and relinking {path.name}", done, len(found))
        try:
            notes.extend((match, note) for note in _relink_one(study, match.missing, path))
        except (StudyError, OSError) as exc:
            refused.append((match, str(exc)))
        else:
            relinked.append(match)
    # The accuracy checks come after every relink: they take longest, and the window
    # reloads its list on the relinks, not on the checks.
    for done, match in enumerate(m for m in relinked if m.missing.kind == "video"):
        path = match.found
        assert path is not None
        if progress is not None:
            progress(f"Checking {path.name}", done, len(relinked))
        notes.extend((match, note) for note in _recheck(study, match.missing.record_id, path))
    return RelinkOutcome(tuple(relinked), tuple(refused), tuple(notes))


def _relink_one(study: Study, missing: MissingFile, path: Path) -> list[str]:
    """Compare the whole file, relink it, record its hash when none was; the notes to show."""
    print_, whole = fingerprint(path), full_hash(path)
    video = missing.kind == "video"
    recorded = _recorded_hash(study, missing)
    if recorded is not None and recorded != whole:
        raise StudyError(
            f"{path}: its content differs from the file the coders rated ({missing.recorded}): "
            "the sampled fingerprint matches, but the whole file does not. It is not "
            "relinked; find the original recording, or a faithful copy of it"
        )
    if video:
        study.videos.relink(missing.record_id, path, print_)
    else:
        study.attachments.relink(missing.record_id, path, print_)
    notes = []
    if recorded is None:
        # Added before whole-file hashes were kept: the fingerprint is all there is to go on.
        # Recording the hash now catches any change from here on.
        if video:
            study.videos.set_full_hash(missing.record_id, whole)
        else:
            study.attachments.set_full_hash(missing.record_id, whole)
        notes.append(
            f"{FINGERPRINT_ONLY} (no whole-file hash was recorded when it was added, so its "
            "whole content could not be compared); its hash is recorded now, and any later "
            "change is caught"
        )
    return notes


def _recorded_hash(study: Study, missing: MissingFile) -> str | None:
    if missing.kind == "video":
        return study.videos.full_hash_of(missing.record_id)
    return study.attachments.full_hash_of(missing.record_id)


def _recheck(study: Study, video_id: int, path: Path) -> list[str]:
    """Run and store the relinked video's accuracy check; its problems as notes."""
    from eas_coder.adding_videos import store_accuracy  # PyAV only when a video is relinked
    from eas_coder.errors import VideoUnreadable
    from eas_coder.media.accuracy import check_video

    try:
        accuracy = check_video(path)
    except VideoUnreadable as exc:
        return [f"its accuracy check could not read it: {exc.reason}"]
    store_accuracy(study, video_id, accuracy)
    return list(accuracy.problems)


def relink_video(study: Study, video_id: int, path: Path) -> list[str]:
    """Relink ONE video to a file the lab manager picked: the same checks as a search's
    (the whole file's SHA-256 must match the one recorded when it was added, then its size
    and fingerprint), then its accuracy check again. Returns notes to show; a refusal raises
    StudyError and changes nothing."""
    video = study.videos.get(video_id)
    recorded = study.videos.file_of(video)
    if recorded is None:
        raise StudyError(
            f"{video.label} has no file (its ratings came from a sheet): there is nothing to relink"
        )
    chosen = Path(path).expanduser()
    if not chosen.is_file():
        raise StudyError(f"{chosen}: not a file (is the drive connected?)")
    missing = MissingFile(
        "video", video.id, video.id, video.label, recorded, video.file_size, video.fingerprint,
        file_problem(recorded, video.file_size) or "present",
    )  # fmt: skip
    notes = _relink_one(study, missing, chosen.resolve())
    return notes + _recheck(study, video.id, chosen.resolve())
