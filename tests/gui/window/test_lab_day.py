"""A lab's day, end to end (issue 14, item 7), under Xvfb with the real window and real clips.

The lab manager creates the study in the window, adds the three real camera clips and assigns
two coders; coder Ana codes with the keyboard while a terminal runs ``eas-coder`` commands on
the same study and another workstation (coder Ben) saves through the Study API; the window
exports. Then the window is SIGKILLed at a random moment while Ana codes, and reopened:
everything it had shown as saved is there, Ben's saves too, and the study passes SQLite's
``integrity_check``. This is the test that would have caught the lost -wal (item 1), the
export crash (item 2) and a note lost to a key (item 6).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from openpyxl import load_workbook

from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.gui.xvfb import xvfb
from tests.support import CLIPS, need_tool

REPO = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("lab_day_window.py")

# The terminal beside the window: commands a manager or coder types during the day.
_TERMINAL = """
import os, subprocess, sys, time
from pathlib import Path
os.environ["EAS_CODER_MANAGER_PASSPHRASE"] = "manager-pass"  # typed at the prompt, as a rule
cli, study, stop = sys.argv[1:-2], sys.argv[-2], Path(sys.argv[-1])
out = str(Path(stop).with_name("ben-export.xlsx"))
commands = [["coders", "list"], ["videos", "list"], ["check"], ["--manager", "backups"],
            ["--coder", "Ben", "export", out]]
ran = 0
while not stop.exists():
    for command in commands:
        done = subprocess.run([*cli, "--db", study, *command], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{command}: {done.stderr}")
        ran += 1
print(ran)
"""

# Another workstation: Ben rates each video he is assigned to, session level, again and again.
_WORKSTATION = """
import json, sys, time
from pathlib import Path
from eas_coder.location import from_string
from eas_coder.store.study import Study
study_file, journal, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
turn = 0
with journal.open("a") as out:
    while not stop.exists():
        with Study.open(from_string(study_file), actor="workstation-2", backup=False) as study:
            ben = study.coders.get("Ben")
            for video in study.videos.all():
                turn += 1
                score, note, key = 1 + turn % 7, f"ben {turn}", study.scheme.keys[turn % 6]
                study.ratings.set(video.id, ben.id, key, score, note=note)
                out.write(json.dumps([video.name, key, score, note]) + "\\n")
                out.flush()
        time.sleep(0.2)
"""


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("eas-coder")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eas_coder"]


class Lines:
    """A child's stdout, read line by line in a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def of(self, kind: str) -> list[dict[str, object]]:
        return [
            json.loads(line.split(" ", 1)[1]) for line in self.lines if line.startswith(kind + " ")
        ]


def _window(display: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO),
           "PYTHONFAULTHANDLER": "1"}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip


def _helper(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip


def _until(check: object, what: str, proc: subprocess.Popen[str], lines: Lines) -> None:
    deadline = time.monotonic() + 240
    while not check():  # type: ignore[operator]
        if proc.poll() is not None:
            stderr = proc.stderr.read() if proc.stderr else ""
            said = "\n".join(lines.lines[-20:])
            raise AssertionError(
                f"the window ended ({proc.returncode}) before {what}:\n{said}\n{stderr}"
            )
        assert time.monotonic() < deadline, f"no {what} within 240 s: {lines.lines[-20:]}"
        time.sleep(0.05)


def test_a_lab_day_with_a_crash_loses_nothing_shown_as_saved(tmp_path: Path) -> None:
    xvfb_path = need_tool("Xvfb")
    rng = random.Random(int(os.environ.get("EAS_CODER_LAB_DAY_SEED", time.time_ns() % 10**6)))
    start = tmp_path / "yesterday.sqlite"
    Study.create(from_string(start), load_scheme(), "Yesterday").close()
    clips = tmp_path / "clips"
    clips.mkdir()
    for number, name in enumerate(
        sorted(p.name for p in CLIPS.iterdir() if p.suffix in (".mp4", ".mkv"))
    ):
        shutil.copy(CLIPS / name, clips / f"M00{number + 1}_T1{Path(name).suffix}")
    study, out, stop = tmp_path / "lab.sqlite", tmp_path / "export.xlsx", tmp_path / "stop"
    ben_journal = tmp_path / "ben.jsonl"
    helpers: list[subprocess.Popen[str]] = []
    with xvfb(xvfb_path, size="1366x800x24") as display:
        window = _window(display, "day", str(study), str(start), str(clips), str(out))
        lines = Lines(window)
        try:
            _until(lambda: lines.of("ASSIGNED"), "the videos assigned", window, lines)
            helpers = [
                _helper(_TERMINAL, *_cli(), str(study), str(stop)),
                _helper(_WORKSTATION, str(study), str(ben_journal), str(stop)),
            ]
            _until(lambda: lines.of("EXPORTED"), "the export", window, lines)
            coded_before = len(lines.of("SHOWN"))
            wanted = coded_before + rng.randint(3, 20)
            _until(lambda: len(lines.of("SHOWN")) >= wanted, "more saves", window, lines)
            time.sleep(rng.uniform(0, 0.4))  # anywhere within a save, or between two
        finally:
            if window.poll() is None:
                window.send_signal(signal.SIGKILL)
            window.wait(timeout=30)
            stop.touch()
            for helper in helpers:
                helper.wait(timeout=120)
        assert window.returncode == -signal.SIGKILL, window.stderr.read() if window.stderr else ""
        for helper in helpers:
            assert helper.returncode == 0, helper.stderr.read() if helper.stderr else ""
        looked = _window(display, "look", str(study))
        seen_lines = Lines(looked)
        assert looked.wait(timeout=180) == 0, looked.stderr.read() if looked.stderr else ""
        time.sleep(0.2)

    # everything the window showed as saved is in the reopened window
    seen = {tuple(s["segment"]): s for s in seen_lines.of("SEEN")}  # type: ignore[arg-type]
    last_shown: dict[tuple[int, int, int], dict[str, object]] = {}
    for shown in lines.of("SHOWN"):
        last_shown[tuple(shown["segment"])] = shown  # type: ignore[arg-type]
    assert len(last_shown) >= 3
    for key, shown in last_shown.items():
        assert key in seen, f"segment {key} was shown saved, then lost"
        for dimension, score in shown["scores"].items():  # type: ignore[attr-defined]
            assert seen[key]["scores"].get(dimension) == score, (key, dimension)  # type: ignore[attr-defined]
        for dimension, note in shown["notes"].items():  # type: ignore[attr-defined]
            assert seen[key]["notes"].get(dimension) == note, (key, dimension)  # type: ignore[attr-defined]
    assert any(s["notes"] for s in last_shown.values()), "no note was typed and kept"

    with sqlite3.connect(study) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with Study.open(from_string(study), backup=False) as reopened:
        ben = reopened.coders.get("Ben")
        names = {v.id: v.name for v in reopened.videos.all()}
        ratings = {
            (names[r.video_id], r.dimension): (r.score, r.note)
            for r in reopened.ratings.all(coder_id=ben.id)
            if r.segment_id is None
        }
    latest: dict[tuple[str, str], tuple[float, str]] = {}
    for line in ben_journal.read_text().splitlines():
        video, dimension, score, note = json.loads(line)
        latest[(video, dimension)] = (float(score), note)
    assert latest and ratings == latest  # the other workstation's last save of each score

    workbook = load_workbook(out, read_only=True)
    try:
        assert "Ratings" in workbook.sheetnames
        rows = list(workbook["Ratings"].iter_rows(values_only=True))
        assert any("Ana" in (str(c) for c in row) for row in rows[1:])
    finally:
        workbook.close()
    assert out.stat().st_mode & 0o777 == 0o600
