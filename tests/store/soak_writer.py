"""A coder at full speed: random edits through the Study API, each one journaled.

    python -m tests.store.soak_writer LOCATION CODER SEED JOURNAL --stop-file PATH [--no-fsync]
        [--actions FOLDER]
    python -m tests.store.soak_writer --reader LOCATION LOG --stop-file PATH
    python -m tests.store.soak_writer --zygote   (forks writers on request, see zygote())

Before each edit a ``try`` line goes to the journal and after the call returns an ``ok`` line
(``stale`` when a shared rating was changed by the other writer meanwhile), each written and
fsynced before going on, so whoever reads the journal knows exactly which edits were reported
saved. Killed and started again, the writer reads its state back from the study and goes on
with fresh edit numbers. It stops cleanly between edits once the stop file exists.

The writer codes as its own coder, in ``SLOTS`` fixed time slots per video (one segment per
slot at most, so segments never overlap), so every key it touches is its own and the final
value of each key follows from its journal (tests/store/soak_check.py). Every edit that
leaves a value carries a unique token, ``CODER#N``, as the first word of its note. Shared
ratings (coder ``SHARED``, session level) are edited by both writers with ``expected_version``.

With ``--actions`` a writer now and then also runs one of the window's file-touching menu
actions (tests/store/soak_actions.py) beside its open study, journaled like an edit. The
reader (``--reader``) is a terminal beside the window: it opens the study, reads, closes it,
again and again, so a process that dropped SQLite's locks on the study has its ``-wal``
deleted by the reader's close, and the check finds that process's later edits lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from eas_coder.errors import StaleEdit
from eas_coder.location import from_string
from eas_coder.model import Rating, Segment, VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from tests.store.soak_actions import WindowActions, actions_tried

SLOTS = 12  # segment slots per video and coder
SLOT_MS = 20_000
SHARED = "shared"  # the coder whose session ratings both writers edit
SHARED_DIMENSIONS = ("sensitivity", "structuring")
INFO = VideoInfo(
    duration_ms=SLOTS * SLOT_MS, fps=25.0, frame_count=SLOTS * SLOT_MS // 40, width=640,
    height=480, file_size=1, fingerprint="5" * 32,
)  # fmt: skip
WORDS = ("calm", "warm", "brief", "missed", "bid", "follows", "lead", "tense", "praise", "toy")
# (operation, weight): a coder mostly scores, sometimes marks or fixes segments.
MIX = (
    ("rate", 40),
    ("rate_session", 8),
    ("clear", 7),
    ("seg_add", 12),
    ("seg_move", 10),
    ("seg_del", 6),
    ("shared", 17),
    ("action", 0.5),  # a menu action: ~50 in a soak, a few seconds of its time
)


def create_study(location: str, scheme: Scheme, coders: list[str], videos: int = 2) -> None:
    """A study with the writers' coders, the shared coder and file-less videos."""
    with Study.create(from_string(location), scheme, "Soak", actor="setup") as study:
        study.coders.add_many([*coders, SHARED])
        for number in range(videos):
            info = replace(INFO, fingerprint=f"{number:032x}")
            study.videos.add(f"S{number + 1:03d}", "T1 pre", None, info)


def token_of(note: str) -> str:
    """The edit token an edit left in a note (its first word)."""
    return note.split(" ", 1)[0]


class Journal:
    """Append-only JSON lines, each fsynced before the writer goes on (unless ``sync`` off)."""

    def __init__(self, path: Path, sync: bool) -> None:
        self.sync = sync
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if os.fstat(self.fd).st_size and not path.read_bytes().endswith(b"\n"):
            os.write(self.fd, b"\n")  # a line cut short by a kill stays on its own

    def write(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())
        if self.sync:
            os.fsync(self.fd)


def next_edit_number(path: Path) -> int:
    """One more than the highest edit number in the journal (edits never reuse a number)."""
    highest = 0
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                highest = max(highest, int(json.loads(line).get("n", 0)))
            except (ValueError, AttributeError):
                continue  # a line cut short by a kill
    return highest + 1


class Writer:
    """One coder's in-memory view of their own work, read back from the study on start."""

    def __init__(
        self,
        study: Study,
        coder: str,
        rng: random.Random,
        journal: Journal,
        actions: WindowActions | None = None,
    ) -> None:
        self.study, self.rng, self.journal, self.actions = study, rng, journal, actions
        self.coder = study.coders.get(coder)
        self.shared = study.coders.get(SHARED)
        # the file-less sessions create_study made; videos added by actions are not coded
        self.videos = [v.id for v in study.videos.all() if v.path is None]
        self.keys = study.scheme.keys
        self.episodes: list[str | None] = [None, *study.scheme.episode_keys()]
        self.scores = [1 + i * 0.5 for i in range(13)]  # the scheme's 1..7 in halves
        self.started = 0.0  # when the current edit's call began
        self.segs: dict[tuple[int, int], Segment] = {}
        for segment in study.segments.all(coder_id=self.coder.id):
            self.segs[(segment.video_id, segment.start_ms // SLOT_MS)] = segment
        slot_of = {s.id: slot for (_, slot), s in self.segs.items()}
        self.ratings: dict[tuple[int, int | None, str], Rating] = {}
        for rating in study.ratings.all(coder_id=self.coder.id):
            slot = None if rating.segment_id is None else slot_of[rating.segment_id]
            self.ratings[(rating.video_id, slot, rating.dimension)] = rating

    def note(self, token: str) -> str:
        return " ".join([token, *self.rng.sample(WORDS, self.rng.randint(0, 4))])

    def span(self, slot: int) -> tuple[int, int]:
        start = slot * SLOT_MS + self.rng.randint(0, SLOT_MS // 2)
        return start, start + self.rng.randint(1_000, SLOT_MS // 2 - 1)

    def edit(self, number: int, op: str | None = None) -> None:
        """Choose one edit (unless ``op`` names it), journal the attempt, make it, journal
        the outcome."""
        op = op or self.rng.choices([m[0] for m in MIX], [m[1] for m in MIX])[0]
        if op == "action" and self.actions is None:
            op = "rate"
        free = [(v, s) for v in self.videos for s in range(SLOTS) if (v, s) not in self.segs]
        if op in ("rate", "seg_move", "seg_del") and not self.segs:
            op = "seg_add"
        if op == "seg_add" and not free:
            op = "seg_move"
        if op == "clear" and not self.ratings:
            op = "rate_session"
        token = f"{self.coder.name}#{number}"

        def attempt(**params: Any) -> None:
            self.journal.write(k="try", n=number, op=op, token=token, **params)
            self.started = time.perf_counter()

        def saved(**result: Any) -> None:
            ms = round((time.perf_counter() - self.started) * 1000, 3)
            self.journal.write(k="ok", n=number, ms=ms, **result)

        ratings = self.study.ratings
        if op in ("rate", "rate_session"):
            video, slot = self.rng.choice(self.videos), None
            if op == "rate":
                video, slot = self.rng.choice(sorted(self.segs))
            segment_id = None if slot is None else self.segs[(video, slot)].id
            dim, score = self.rng.choice(self.keys), self.rng.choice(self.scores)
            note = self.note(token)
            attempt(v=video, slot=slot, dim=dim, score=score)
            rating = ratings.set(video, self.coder.id, dim, score, segment_id, note=note)
            self.ratings[(video, slot, dim)] = rating
            saved(id=rating.id, ver=rating.version)
        elif op == "clear":
            key = self.rng.choice(sorted(self.ratings, key=str))
            rating = self.ratings[key]
            attempt(v=key[0], slot=key[1], dim=key[2], rid=rating.id)
            ratings.clear(rating.id, expected_version=rating.version)
            del self.ratings[key]
            saved()
        elif op == "seg_add":
            video, slot = self.rng.choice(free)
            (start, end), episode = self.span(slot), self.rng.choice(self.episodes)
            attempt(v=video, slot=slot, start=start, end=end, ep=episode)
            self.segs[(video, slot)] = self.study.segments.add(
                video, self.coder.id, start, end, episode, self.note(token)
            )
            saved(id=self.segs[(video, slot)].id)
        elif op == "seg_move":
            video, slot = self.rng.choice(sorted(self.segs))
            segment = self.segs[(video, slot)]
            (start, end), episode = self.span(slot), self.rng.choice(self.episodes)
            attempt(v=video, slot=slot, seg=segment.id, start=start, end=end, ep=episode)
            self.segs[(video, slot)] = self.study.segments.update(
                segment.id, start_ms=start, end_ms=end, episode=episode, note=self.note(token)
            )
            saved()
        elif op == "seg_del":
            video, slot = self.rng.choice(sorted(self.segs))
            attempt(v=video, slot=slot, seg=self.segs[(video, slot)].id)
            self.study.segments.delete(self.segs.pop((video, slot)).id)
            for dim in self.keys:
                self.ratings.pop((video, slot, dim), None)
            saved()
        elif op == "shared":
            self.edit_shared(number, token, attempt, saved)
        else:
            assert op == "action" and self.actions is not None, op
            params = self.actions.next(number)
            attempt(**params)
            saved(**self.actions.run(number, params))

    def edit_shared(
        self, number: int, token: str, attempt: Callable[..., None], saved: Callable[..., None]
    ) -> None:
        """Read the shared score as a window would, then save over what was read."""
        video, dim = self.videos[0], self.rng.choice(SHARED_DIMENSIONS)
        score = self.rng.choice(self.scores)
        attempt(v=video, dim=dim, score=score)
        seen = [
            r
            for r in self.study.ratings.all(video_id=video, coder_id=self.shared.id)
            if r.dimension == dim and r.segment_id is None
        ]
        version = seen[0].version if seen else 0
        self.started = time.perf_counter()  # the commit's latency, not the read's
        try:
            rating = self.study.ratings.set(
                video, self.shared.id, dim, score, note=self.note(token), expected_version=version
            )
        except StaleEdit:
            self.journal.write(k="stale", n=number, seen=version)
            return
        saved(id=rating.id, ver=rating.version, seen=version)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("location")
    parser.add_argument("coder")
    parser.add_argument("seed", type=int)
    parser.add_argument("journal", type=Path)
    parser.add_argument("--stop-file", type=Path, required=True)
    parser.add_argument("--go-file", type=Path, help="wait for this file before editing")
    parser.add_argument("--no-fsync", action="store_true", help="journal without fsync")
    parser.add_argument("--actions", type=Path, help="run menu actions, files in this folder")
    args = parser.parse_args(argv)
    number = next_edit_number(args.journal)
    journal = Journal(args.journal, sync=not args.no_fsync)
    # backup=False: restarted 20 times, the writer would otherwise spend its time copying
    # the study into rotating backups (tested in test_backups) instead of editing.
    with Study.open(from_string(args.location), actor=args.coder, backup=False) as study:
        actions = None
        if args.actions is not None:
            actions = WindowActions(study, args.coder, args.actions, actions_tried(args.journal))
        rng = random.Random(args.seed * 1_000_003 + number)
        writer = Writer(study, args.coder, rng, journal, actions)
        journal.write(k="start", n=number - 1, pid=os.getpid())
        while args.go_file is not None and not args.go_file.exists():
            time.sleep(0.005)
        try:
            while not args.stop_file.exists():
                writer.edit(number)
                number += 1
        except Exception as exc:
            journal.write(k="error", n=number, error=f"{type(exc).__name__}: {exc}")
            raise
    journal.write(k="stop", n=number - 1)
    return 0


def reader(argv: list[str]) -> int:
    """A terminal beside the window running ``eas-coder`` commands: open the study, count
    its ratings, close it, until the stop file exists; then one line in LOG says how often."""
    parser = argparse.ArgumentParser(description=reader.__doc__)
    parser.add_argument("location")
    parser.add_argument("log", type=Path)
    parser.add_argument("--stop-file", type=Path, required=True)
    args = parser.parse_args(argv)
    location = from_string(args.location)
    opens = ratings = 0
    while not args.stop_file.exists():
        with Study.open(location, actor="terminal", backup=False) as study:
            ratings = len(study.ratings.all())
        opens += 1
        time.sleep(0.1)  # a person types the next command; leave the writers their CPU
    Journal(args.log, sync=False).write(k="reader", opens=opens, ratings=ratings)
    return 0


def zygote() -> int:
    """Fork writers on request from this process, which has already imported everything.

    The soak restarts writers 20 times; a fresh interpreter spends ~1 s of CPU on imports
    each time, taken from the writer still editing. Requests on stdin, one JSON a line:
    ``{"argv": [...], "stderr": PATH}`` answers the new writer's pid, ``{"wait": PID}`` its
    exit code once it has ended (-9 when killed). Nothing is opened before the fork. An argv
    starting with ``--reader`` forks a reader (``reader()``) instead of a writer.
    """
    for line in sys.stdin:
        request = json.loads(line)
        if "wait" in request:
            reply = os.waitstatus_to_exitcode(os.waitpid(request["wait"], 0)[1])
        else:
            reply = os.fork()
            if reply == 0:
                _child(request["argv"], request["stderr"])
        print(reply, flush=True)
    return 0


def _child(argv: list[str], stderr: str) -> NoReturn:
    code = 1
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
        os.dup2(quiet, 0)
        os.dup2(quiet, 1)
        os.dup2(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
        code = reader(argv[1:]) if argv[:1] == ["--reader"] else main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)  # never run the zygote's own exit handlers


if __name__ == "__main__":
    if sys.argv[1:2] == ["--reader"]:
        sys.exit(reader(sys.argv[2:]))
    sys.exit(zygote() if sys.argv[1:] == ["--zygote"] else main())
