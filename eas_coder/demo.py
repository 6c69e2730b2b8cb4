"""A small demo study so a new user sees every feature at once.

Four dyads filmed before treatment and at follow-up, two coders, segments with episode
labels, segment and session ratings, and half the tapes coded by both coders, so the
reliability statistics have something to show.
The scheme is ``eas-demo``, whose bands are labelled as examples.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from eas_coder.adding_videos import VideoEntry, add_checked, inspect_for_adding
from eas_coder.errors import Conflict
from eas_coder.location import STUDY_SUFFIX, from_string
from eas_coder.media.demo_videos import write_demo_video
from eas_coder.model import AssignmentStatus
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

DEMO_STUDY_NAME = f"demo-study{STUDY_SUFFIX}"
DEMO_SCHEME = "eas-demo"
PARTICIPANTS = ("D001", "D002", "D003", "D004")
TIMEPOINTS = ("T1 pre", "T2 follow-up")
CODERS = ("Coder A (demo)", "Coder B (demo)")
# A coder with assigned tapes and nothing coded yet: where a newcomer can try coding.
NEW_CODER = "Coder C (demo)"
# The demo's lab-manager passphrase (shown in the README; real studies choose their own).
DEMO_PASSPHRASE = "demo-manager"
# (start s, end s, episode) of the segments each coder marks on a 12-second demo tape.
SEGMENTS = ((0.0, 4.0, "free_play"), (4.0, 8.0, "structured_task"), (8.0, 12.0, "clean_up"))
# Unfinished first-launch builds (the app was closed or killed meanwhile) are removed after this.
_STALE_BUILD_S = 24 * 3600

Progress = Callable[[str, int, int], None]  # what, done, total


def _no_progress(_what: str, _done: int, _total: int) -> None:
    pass


def prepare_demo(directory: Path, progress: Progress = _no_progress) -> Path:
    """Build the demo study into ``directory`` (which must not hold one yet) all at once:
    built in a hidden sibling folder and renamed into place when complete, so a launch
    closed halfway leaves no half-built demo to open next time. Returns the study file."""
    directory = directory.expanduser().resolve()
    if directory.exists() and any(directory.iterdir()):
        raise Conflict(
            f"{directory}: the demo study's folder is not empty; move what is in it elsewhere, "
            "or open a study of your own (--db PATH)"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{directory.name}-building-"
    for stale in directory.parent.glob(f"{prefix}*"):
        if time.time() - stale.stat().st_mtime > _STALE_BUILD_S:
            shutil.rmtree(stale, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=prefix, dir=directory.parent))
    try:
        build_demo(building, progress=progress)
        if directory.exists() and not any(directory.iterdir()):
            directory.rmdir()  # an empty folder is replaced
        building.rename(directory)  # video paths are stored relative to the study file
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return directory / DEMO_STUDY_NAME


def build_demo(directory: Path, seconds: float = 12.0, progress: Progress = _no_progress) -> Path:
    """Create the demo study and its videos in ``directory``; return the study file.
    ``progress`` hears of each video written and each video rated."""
    directory = directory.expanduser().resolve()
    study_file = directory / DEMO_STUDY_NAME
    if study_file.exists():
        raise Conflict(f"{study_file}: a demo study is already there")
    video_dir = directory / "videos"
    video_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    with Study.create(
        from_string(study_file), load_scheme(DEMO_SCHEME), "Demo study (synthetic videos)"
    ) as study:
        coder_a, coder_b = (study.coders.add(name) for name in CODERS)
        videos = []
        count = len(PARTICIPANTS) * len(TIMEPOINTS)
        total = 2 * count  # each video: made, then rated
        for p_index, participant in enumerate(PARTICIPANTS):
            for t_index, timepoint in enumerate(TIMEPOINTS):
                made = p_index * len(TIMEPOINTS) + t_index
                progress(f"Making demo video {made + 1} of {count}…", made, total)
                slug = f"{participant}_T{t_index + 1}".lower()
                path = write_demo_video(
                    video_dir / f"{slug}.mp4",
                    f"{participant} {timepoint}",
                    seconds=seconds,
                    seed=p_index * 10 + t_index,
                )
                # checked as Add Videos checks, so the window never calls them unchecked
                accuracy, info = inspect_for_adding(path)
                entry = VideoEntry(path, participant, timepoint)
                videos.append(add_checked(study, entry, accuracy, info))
        keys = study.scheme.keys
        for index, video in enumerate(videos):
            progress(f"Rating demo video {index + 1} of {count}…", count + index, total)
            # Half the tapes are double-coded, as for a reliability sample.
            coders = (coder_a, coder_b) if index % 4 < 2 else (coder_a,)
            # Follow-up tapes score a little higher than pre-treatment ones.
            base = rng.uniform(3.0, 5.0, size=len(keys)) + (0.8 if index % 2 else 0.0)
            for coder in coders:
                assignment = study.assignments.add(video.id, coder.id)
                noise = 0.0 if coder is coder_a else 0.5
                for start, end, episode in SEGMENTS:
                    if end > seconds:
                        continue
                    segment = study.segments.add(
                        video.id, coder.id, int(start * 1000), int(end * 1000), episode
                    )
                    for key, mean in zip(keys, base, strict=True):
                        score = _half_point(mean + rng.normal(0, 0.6) + rng.choice([0, noise]))
                        study.ratings.set(video.id, coder.id, key, score, segment.id)
                for key, mean in zip(keys, base, strict=True):
                    study.ratings.set(video.id, coder.id, key, _half_point(mean + noise / 2))
                status = AssignmentStatus.DONE if coder is coder_a else AssignmentStatus.IN_PROGRESS
                study.assignments.set_status(assignment.id, status)
        newcomer = study.coders.add(NEW_CODER)
        for video in (videos[2], videos[4]):
            study.assignments.add(video.id, newcomer.id)
        study.manager.set_passphrase(DEMO_PASSPHRASE)
    progress("Demo study ready", total, total)
    return study_file


def _half_point(value: float) -> float:
    return float(min(7.0, max(1.0, round(value * 2) / 2)))
