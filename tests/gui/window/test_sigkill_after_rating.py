"""A rating set through the window survives the app being killed right after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from eas_coder.demo import NEW_CODER
from eas_coder.location import from_string
from eas_coder.store.study import Study


def test_rating_survives_sigkill_right_after_it_is_set(demo_study_file: Path) -> None:
    script = Path(__file__).with_name("kill_after_rating.py")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(__file__).resolve().parents[3])}  # fmt: skip
    app = subprocess.Popen(
        [sys.executable, str(script), str(demo_study_file), NEW_CODER],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        assert app.stdout is not None
        while time.monotonic() < deadline:
            line = app.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.startswith("SAVED Sensitivity"):
                app.send_signal(signal.SIGKILL)  # no chance to close anything
                break
    finally:
        if app.poll() is None:
            app.kill()
        app.wait(timeout=10)
    assert app.returncode == -signal.SIGKILL, lines
    assert "SAVED Add segment" in lines and "SAVED Sensitivity 6" in lines
    with Study.open(from_string(demo_study_file)) as study:
        coder = study.coders.get(NEW_CODER)
        ratings = study.ratings.all(coder_id=coder.id)
        segments = study.segments.all(coder_id=coder.id)
        assert [(r.dimension, r.score) for r in ratings] == [("sensitivity", 6.0)]
        assert len(segments) == 1 and ratings[0].segment_id == segments[0].id
        assert study.check().ok
