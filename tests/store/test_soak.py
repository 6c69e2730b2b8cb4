"""Soak (issue 8): two writer processes make 10,000 random edits through the Study API while
this test, the third process, SIGKILLs one of them at random moments 20 times and starts it
again. At the end the study passes its integrity check and every edit reported saved is there,
on SQLite and on PostgreSQL (tests/store/soak_check.py says how exactly)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eas_coder.location import Location
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from tests.store.soak_check import read_journal, verify
from tests.store.soak_writer import create_study

REPO = Path(__file__).resolve().parents[2]
TOTAL_EDITS = 10_000
KILLS = 20
WRITERS = ("soak-1", "soak-2")


class Running:
    """One writer process, restarted after each kill, and how far its journal has got."""

    def __init__(self, location: str, coder: str, seed: int, folder: Path) -> None:
        self.coder = coder
        self.journal = folder / f"{coder}.jsonl"
        self.stderr = folder / f"{coder}.stderr"
        self.command = [
            sys.executable, "-m", "tests.store.soak_writer", location, coder, str(seed),
            str(self.journal), "--stop-file", str(folder / "stop"),
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None
        self.offset = 0
        self.saved = 0  # "ok" lines in the journal so far
        self.saved_at_start = 0
        self.kills = 0

    def start(self) -> None:
        self.saved_at_start = self.poll()  # the killed run wrote its last lines meanwhile
        with self.stderr.open("ab") as err:
            self.proc = subprocess.Popen(
                self.command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err
            )

    def poll(self) -> int:
        """Read what the journal gained (whole lines only); the count of saved edits."""
        if self.journal.exists():
            with self.journal.open("rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
            whole = chunk[: chunk.rfind(b"\n") + 1]
            self.offset += len(whole)
            self.saved += whole.count(b'"k":"ok"')
        return self.saved

    def editing(self) -> bool:
        """Started, and saved an edit since: a kill now lands in the edit loop."""
        return self.saved > self.saved_at_start

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL
        self.kills += 1

    def exited_on_its_own(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None


def _run(location: str, folder: Path, rng: random.Random) -> list[Running]:
    """Writers edit until 10,000 edits are saved; 20 kills at random saved-edit counts, each
    after a random pause of up to two edits, so it lands anywhere within an edit."""
    writers = [Running(location, coder, rng.randrange(10**6), folder) for coder in WRITERS]
    for writer in writers:
        writer.start()
    moments = sorted(rng.sample(range(200, TOTAL_EDITS - 300), KILLS))
    kills, deadline = 0, time.monotonic() + 600
    while True:
        total = sum(w.poll() for w in writers)
        for w in writers:
            assert not w.exited_on_its_own(), f"{w.coder} died: {w.stderr.read_text()[-3000:]}"
        if total >= TOTAL_EDITS and kills == KILLS:
            break
        assert time.monotonic() < deadline, f"only {total} edits, {kills} kills in 10 min"
        ready = [w for w in writers if w.editing()]
        if kills < KILLS and total >= moments[kills] and ready:
            victim = rng.choice(ready)
            time.sleep(rng.uniform(0, 0.01))
            victim.kill()
            kills += 1
            victim.start()
        time.sleep(0.002)
    (folder / "stop").touch()
    for w in writers:
        assert w.proc is not None
        assert w.proc.wait(timeout=120) == 0, w.stderr.read_text()[-3000:]
        w.poll()
    return writers


@pytest.mark.slow
def test_two_writers_killed_20_times_lose_no_saved_edit(
    db_location: Location, scheme: Scheme, tmp_path: Path
) -> None:
    seed = int(os.environ.get("EAS_CODER_SOAK_SEED", time.time_ns() % 10**9))
    url = db_location.url.render_as_string(hide_password=False)
    location = url if db_location.path is None else str(db_location.path)
    create_study(location, scheme, list(WRITERS))
    started = time.monotonic()
    writers = _run(location, tmp_path, random.Random(seed))
    seconds = time.monotonic() - started
    journals = {w.coder: read_journal(w.journal, w.coder) for w in writers}
    with Study.open(db_location, actor="checker", backup=False) as study:
        check = study.check()
        report = verify(study, journals)
    summary = {
        "backend": "sqlite" if db_location.is_sqlite else "postgresql",
        "seed": seed,
        "seconds": round(seconds, 1),
        "edits_saved": report.saved,
        "stale_refused": report.stale,
        "kills": sum(w.kills for w in writers),
        "unconfirmed_attempts": report.unconfirmed,
        "unconfirmed_found_committed": report.unconfirmed_committed,
        "torn_journal_lines": sum(j.torn_lines for j in journals.values()),
        "ops": {op: sum(e.op == op for j in journals.values() for e in j.edits)
                for op in ("rate", "rate_session", "clear", "seg_add", "seg_move", "seg_del",
                           "shared")},
    }  # fmt: skip
    print("\nsoak:", json.dumps(summary))
    assert check.ok, check.problems
    assert report.problems == [], "\n".join(report.problems[:30])
    assert (report.lost, report.doubled, report.phantom) == (0, 0, 0)
    assert summary["kills"] == KILLS
    assert report.saved >= TOTAL_EDITS
    for w in writers:
        journal = journals[w.coder]
        assert journal.errors == []
        assert (journal.starts, journal.stops) == (1 + w.kills, 1)
        # only a killed run leaves an edit whose outcome it never wrote down
        assert journal.count("unconfirmed") <= w.kills
    # kills land inside edits too, not only between them (about half of them do)
    assert report.unconfirmed >= 1
    assert all(count > 0 for count in summary["ops"].values())  # type: ignore[attr-defined]
