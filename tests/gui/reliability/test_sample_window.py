"""Tools ▸ Reliability Sample… in the window: the videos a coder could already have seen other
coders' work on are left out of their sample, and the lab manager is told which (issue 14,
item 4), in the preview before anything is assigned (issue 23, item 4)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.sample_dialog import ReliabilitySampleDialog
from eas_coder.gui.window.main_window import MainWindow


def test_the_sample_leaves_out_seen_videos_and_says_which(window: MainWindow, qtbot: QtBot) -> None:
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
    # the person's choices in the dialog: every video, to Coder C; the preview says which
    # videos are left out before anything is assigned
    window.manager_actions.sample_action.trigger()
    dialog = window.findChild(ReliabilitySampleDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.shareSpin.selectAll()
    qtbot.keyClicks(dialog.shareSpin, "100")
    item = dialog.coderList.findItems(coder.name, Qt.MatchFlag.MatchExactly)[0]
    dialog.coderList.setCurrentItem(item)
    qtbot.keyClick(dialog.coderList, Qt.Key.Key_Space)  # tick it
    text = dialog.leftOutLabel.text()
    for video in seen:
        assert f"{video.participant_code} {video.timepoint}" in text
    assert {a.video_id for a in study.assignments.all() if a.coder_id == coder.id} == assigned
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    now = {a.video_id for a in study.assignments.all() if a.coder_id == coder.id}
    assert not now & {v.id for v in seen}  # never assigned what C could have seen
    assert now > assigned  # the rest of the study was
