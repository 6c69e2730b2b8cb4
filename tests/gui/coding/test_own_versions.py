"""A rating edited several times in a row (score, note, item) while the save queue lags: each
save sends the version this window's own previous save produced, even when the screen has
re-read the rating in between. Before, that re-read replaced what the window knew it had
written, the item's save sent the version seen when it was typed, and it was refused as
"changed meanwhile by" the coder herself — shown as saved on screen, missing from the study."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.coding.saving import wait_saved
from tests.gui.coding.test_coding_flow import choose_video, open_demo
from tests.gui.coding.test_typed_fields_round_trip import CODER, items_study_file

KEY = "sensitivity"


def _hold_queue(session_saves: object) -> threading.Event:
    """Queue a save job that waits until the returned event is set (the queue lags)."""
    gate = threading.Event()
    session_saves.submit(lambda: gate.wait(60), lambda _error: None)  # type: ignore[attr-defined]
    return gate


def test_a_reread_between_own_saves_does_not_refuse_the_next_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_demo(qtbot, items_study_file(tmp_path))
    window.sign_in(CODER)
    choose_video(qtbot, window, "M01", "T1 pre")
    session = window.session
    failures: list[str] = []
    session.failed.connect(failures.append)

    first = _hold_queue(session.saves)
    session.set_score(KEY, 5, None)  # the whole session: score, then its note
    session.set_note(KEY, "overall warm", None)
    second = _hold_queue(session.saves)
    session.set_item(KEY, "warmth", 3, None)  # typed before either save ran
    first.set()
    qtbot.waitUntil(lambda: session.saves.pending() == 2)  # score and note saved, not the item
    session.scores_of(None)  # the screen re-reads the target in between
    second.set()
    wait_saved(qtbot, session)

    assert failures == []
    stored = window.study.ratings.all(video_id=session.video.id, coder_id=session.coder.id)  # type: ignore[union-attr]
    (rating,) = [r for r in stored if r.dimension == KEY and r.segment_id is None]
    assert (rating.score, rating.note, rating.items) == (5.0, "overall warm", {"warmth": 3.0})
    assert session.unsaved() == []
