"""The window's file-touching menu actions, as a soak writer runs them (issue 14).

File ▸ Add Videos, Export, Back Up Now, Relink Moved Videos and Merge Coder's Copy each run a
background job in the window's process while the window's own ``Study`` stays open; most jobs
open the study a second time (``Study.open``, which checks the file and may back it up). A
job that opened the study file with Python's ``open()`` dropped every SQLite lock of the
process, and the next other process to close its connection deleted the ``-wal`` holding the
window's later work. So a soak writer runs the same core calls, through the same second
opening, in its own process, beside its open study (``WindowActions.run``), one kind after
the other. On PostgreSQL there is no study file: Back Up Now is a snapshot and a coder's
copy is a file, so those two are left out there (``SERVER_ACTIONS``).

None of the actions changes a key the soak checks (segments and ratings): an added video is
a new video the writers never code, a relink changes a video's path, the merge is a dry run.
An added video is checked on its own: a saved add is in the study once (tests/store/soak_check).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from eas_coder.adding_videos import ALREADY, AddVideosJob, VideoEntry
from eas_coder.exchange.export import export_study
from eas_coder.location import from_string
from eas_coder.media.probe import fingerprint
from eas_coder.merge import merge_study
from eas_coder.relink import apply_plan, find_moved
from eas_coder.store.backups import backup_now, list_backups
from eas_coder.store.study import Study

ACTIONS = ("add_videos", "export", "backup", "relink", "merge")
SERVER_ACTIONS = ("add_videos", "export", "relink")  # backup, merge: need a study file
CLIP = Path(__file__).resolve().parents[1] / "media" / "clips" / "asl-milk.mkv"


def _quiet(_what: str, _done: int, _total: int) -> None:
    """The progress callback a job reports to (the window's progress dialog)."""


def actions_tried(journal: Path) -> int:
    """How many actions a writer's journal shows tried: where its round-robin goes on."""
    if not journal.exists():
        return 0
    text = journal.read_text(encoding="utf-8")
    return sum('"k":"try"' in line and '"op":"action"' in line for line in text.splitlines())


class WindowActions:
    """One writer's menu actions, in turn; files live in ``folder`` (the folder holding the
    study file, so Relink searches beside the open study, as a lab's folder would be)."""

    def __init__(self, study: Study, coder: str, folder: Path, tried: int) -> None:
        self.study, self.coder, self.folder = study, coder, folder
        self.kinds = ACTIONS if study.location.path is not None else SERVER_ACTIONS
        self.tried = tried
        self.clips = folder / f"{coder}-videos"  # this writer's recordings
        self.clips.mkdir(exist_ok=True)

    def next(self, number: int) -> dict[str, Any]:
        """The next action, as its journal line records it (``what``: its kind), made
        ready (a new recording to add is written here, before the line)."""
        kind = self.kinds[self.tried % len(self.kinds)]
        self.tried += 1
        if kind != "add_videos":
            return {"what": kind}
        # a new recording: the clip with the edit number appended, so its fingerprint is new
        path = self.clips / f"{self.coder}-n{number}_T1.mkv"
        shutil.copyfile(CLIP, path)
        with path.open("ab") as handle:
            handle.write(f"{self.coder}#{number}".encode())
        return {"what": kind, "file": path.name, "fp": fingerprint(path)}

    def run(self, number: int, params: dict[str, Any]) -> dict[str, Any]:
        """Do what the window does for the action; what it reported."""
        kind = params["what"]
        if kind == "add_videos":
            return self.add_videos(self.clips / params["file"])
        if kind == "export":
            return self.export()
        if kind == "backup":
            return {"backup": self.backup().name}
        if kind == "relink":
            return self.relink(number)
        assert kind == "merge", kind
        return self.merge()

    def add_videos(self, path: Path) -> dict[str, Any]:
        """gui/add_videos.py: AddVideosJob opens the study itself, probes and adds."""
        job = AddVideosJob(self.study.location, [VideoEntry.guessed(path)], self.coder)
        summary = job(_quiet)
        for failed, why in summary.failures:
            if ALREADY not in why:  # a refused duplicate is the only acceptable refusal
                raise AssertionError(f"adding {failed.name} failed: {why}")
            return {"added": False, "why": why}
        return {"added": True}

    def export(self) -> dict[str, Any]:
        """gui/exchange_actions.py: the job opens the study, export_study writes the file."""
        out = self.folder / f"{self.coder}-export.xlsx"
        with Study.open(self.study.location) as study:
            files = export_study(study, out, "xlsx", None, _quiet)
        return {"files": len(files)}

    def backup(self) -> Path:
        """gui/backup_actions.py: backup_now on the study file (the window opens no second
        study for it; the keep setting is read from its open one)."""
        path = self.study.location.path
        assert path is not None
        return backup_now(path, int(self.study.settings.get("backups.keep")))

    def relink(self, number: int) -> dict[str, Any]:
        """gui/relink_action.py: a lab moves a recording; search the folder (one job, its own
        opening), then relink what was found (another job, another opening)."""
        mine = sorted(p for p in self.clips.rglob("*.mkv") if p.is_file())
        if mine:
            moved = self.clips / "moved" / f"{mine[number % len(mine)].stem}-m{number}.mkv"
            moved.parent.mkdir(exist_ok=True)
            mine[number % len(mine)].rename(moved)
        location = self.study.location
        with Study.open(location) as study:
            plan = find_moved(study, self.folder, _quiet, lambda: False)
        if not plan.found:
            return {"missing": len(plan.matches), "relinked": 0}
        with Study.open(location) as study:
            outcome = apply_plan(study, plan, _quiet)
        # the other writer may move or relink the same file meanwhile: refusals are its answer
        return {"relinked": len(outcome.relinked), "refused": len(outcome.refused)}

    def merge(self) -> dict[str, Any]:
        """gui/merge_action.py's background dry run, with a coder's laptop copy of the study
        (the newest backup, copied: a file nothing holds open).

        A dry run, as the window runs first: a real merge only adds, so a segment the writer
        has moved or deleted since the copy was taken would come back, an old value the
        checker rightly calls a phantom (the window asks before merging, and a lab would
        decline such a copy)."""
        path = self.study.location.path
        assert path is not None
        good = [b.path for b in list_backups(path) if b.ok]
        source = good[0] if good else self.backup()
        laptop = self.folder / f"{self.coder}-laptop.sqlite"
        for side in ("-wal", "-shm"):  # left by a run killed while it had the copy open
            laptop.with_name(laptop.name + side).unlink(missing_ok=True)
        shutil.copyfile(source, laptop)
        with (
            Study.open(self.study.location, backup=False) as study,
            Study.open(from_string(laptop), backup=False) as other,
        ):
            report = merge_study(study, other, dry_run=True)
        return {"would_add": report.segments_added + report.ratings_added,
                "unchanged": report.unchanged, "conflicts": len(report.conflicts)}  # fmt: skip
