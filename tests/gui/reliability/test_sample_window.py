"""Tools ▸ Reliability Sample… in the window: the videos a coder could already have seen other
coders' work on are left out of their sample, and the lab manager is told which (issue 14,
item 4)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow


def test_the_sample_leaves_out_seen_videos_and_says_which(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = window.study
    coder = study.coders.get("Coder C (demo)")
    assigned = {a.video_id for a in study.assignments.all() if a.coder_id == coder.id}
    seen = [v for v in study.videos.all() if v.id not in assigned][:2]
    assert study.location.path is not None and len(seen) == 2
    # what migration 0007 records for a study an older version ran (C saw others' work)
    with sqlite3.connect(study.location.path) as conn:
        conn.executemany(
            "INSERT INTO seen_work (video_id, coder_id) VALUES (?, ?)",
            [(v.id, coder.id) for v in seen],
        )
    conn.close()
    # the person's answers in the two input dialogs: every video, to Coder C
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (100.0, True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (coder.name, True))
    window.manager_actions.sample_action.trigger()

    def box() -> QWidget | None:
        return window.findChild(QMessageBox, "sampleLeftOutBox")

    qtbot.waitUntil(lambda: box() is not None and box().isVisible(), timeout=10_000)  # type: ignore[union-attr]
    text = box().text()  # type: ignore[union-attr]
    for video in seen:
        assert f"{video.participant_code} {video.timepoint}" in text
    now = {a.video_id for a in study.assignments.all() if a.coder_id == coder.id}
    assert not now & {v.id for v in seen}  # never assigned what C could have seen
    assert now > assigned  # the rest of the study was
    box().close()  # type: ignore[union-attr]
