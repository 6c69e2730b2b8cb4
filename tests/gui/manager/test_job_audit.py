"""The window's background jobs write as the person signed in: their audit entries name the
lab manager beside the computer's login, as the window's own saves do (issue 14, item 4)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from eas_coder.adding_videos import VideoEntry
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.unit import os_user
from tests.support import ffmpeg_video


def test_add_videos_in_the_background_names_who_is_signed_in(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    clip = ffmpeg_video(tmp_path / "D901_T1.mp4", seconds=0.5, audio=False)
    adder = window.study_actions.adder
    with qtbot.waitSignal(adder.finished, timeout=60_000):
        adder.start([VideoEntry.guessed(clip)])  # what the Add Videos dialog hands over
    added = [e for e in window.study.audit_log() if e.action == "video.add"]
    assert added, "the job added no video"
    newest = max(added, key=lambda e: e.id)
    assert newest.new is not None and "D901" in newest.new
    assert newest.actor == f"lab manager (login {os_user()})"
