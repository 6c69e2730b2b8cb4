"""A coder who signs in while a video is already open (the window opens on the first video,
then asks who is coding) gets their copy of its episode template at once, as on opening it
from the list: before, the copy came only after they opened another video and came back."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow


def test_signing_in_on_an_open_video_gives_the_coder_its_template(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    video = window.session.video
    assert video is not None  # the window opened on the first video (the manager signed in)
    dana = study.coders.add("Dana")
    study.assignments.add(video.id, dana.id)
    study.templates.set(video.id, [(0, 1_000, None), (1_000, 2_000, None)])

    window.sign_in("Dana")

    assert window.session.video is not None and window.session.video.id == video.id
    qtbot.waitUntil(lambda: len(window.session.my_segments()) == 2, timeout=5_000)
    assert [(s.start_ms, s.end_ms) for s in window.session.my_segments()] == [
        (0, 1_000),
        (1_000, 2_000),
    ]
    assert window.segmentTable.model().rowCount() == 2  # shown, not only stored
