"""Run under Xvfb by test_real_window.py: show the real main window playing the first video of
the study, and save a screenshot while it plays.

Usage: python xvfb_window.py STUDY_FILE OUTPUT_PNG [playing|coding]

``coding``: signed in as a coder, at 1366×768, with a segment selected and its ratings shown.
``progress``: the lab manager at 1366×768 with the Progress dock up, while another process
(another workstation) saves a score and submits a video.
"""

from __future__ import annotations

import faulthandler
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string

READY_S = 60  # the longest wait for what the shot must show (the test's run allows 120 s)

# Another workstation: Coder B rates the last dimension of D001 T1 and submits that video.
_ELSEWHERE = """
import sys
from eas_coder.location import from_string
from eas_coder.store.study import Study
with Study.open(from_string(sys.argv[1]), actor="workstation-2", backup=False) as study:
    video, coder = study.videos.all()[0], study.coders.get("Coder B (demo)")
    study.ratings.set(video.id, coder.id, study.scheme.keys[-1], 5)
    study.assignments.submit(video.id, coder.id)
"""


def _newest(window: object) -> str:
    feed = window.live.dock.feed  # type: ignore[attr-defined]
    return str(feed.item(0).text()) if feed.count() else ""


def main() -> int:
    faulthandler.enable()  # a crash prints every thread's stack (also without -X faulthandler)
    study_file, output = Path(sys.argv[1]), Path(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "playing"
    coding = mode in ("coding", "progress")
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    if coding:
        window.setGeometry(0, 0, 1366, 768)
        window.showMaximized()
        if mode == "progress":
            window.sign_in(None, manager=True)
            window.live.dock.show()
            window.live.dock.raise_()
        else:
            window.sign_in("Coder B (demo)")
    else:
        window.resize(1100, 680)
        window.move(40, 40)
        window.show()
        if mode == "playing":
            window.sign_in("Coder A (demo)")
    window.raise_()
    player = window.playerPanel.player

    def select_segment() -> None:
        first = window.session.my_segments()[0]
        window.segmentTable.select_segment(first.id)
        player.seek_ms(first.start_ms + 1500)
        window.ratingPanel.focus_dimension(window.study.scheme.keys[1])

    def pause_on_angles() -> None:
        player.seek_frame(45)  # paused: both angles on their exact frames for the same time

    if mode == "progress":
        QTimer.singleShot(
            500, lambda: subprocess.Popen([sys.executable, "-c", _ELSEWHERE, str(study_file)])
        )
    elif coding:
        player.mediaOpened.connect(lambda _index: QTimer.singleShot(300, select_segment))
    elif mode == "angles":
        player.mediaOpened.connect(lambda _index: QTimer.singleShot(300, pause_on_angles))
    else:
        player.mediaOpened.connect(lambda _index: player.play())

    def shoot() -> None:
        screen = QGuiApplication.primaryScreen()
        # grabWindow(0) reads the X server's framebuffer: what a person would see.
        pixmap = screen.grabWindow(0)
        ok = pixmap.save(str(output), "PNG")
        rows = window.videoTable.model().rowCount()
        print(
            f"platform={QGuiApplication.platformName()} saved={ok} rows={rows} "
            f"playing={player.is_playing()} frames={player.frames_delivered} "
            f"backend={player.backend.name} title={window.windowTitle()!r} "
            f"rated={len(window.ratingPanel.scores())} size={window.width()}x{window.height()} "
            f"angles={len(window.playerPanel.angles.angles)} "
            f"waveform={window.playerPanel.timeline.waveform() is not None} "
            f"feed={_newest(window)!r}",
            flush=True,
        )
        window.close()
        app.exit(0 if ok else 1)

    # Shoot once what the test looks for is on screen (never after a fixed time: at load 7
    # the other process of "progress" took more than 4 s just to start), then half a second
    # for the last paint; after READY_S the shot is taken anyway and the test says what lacks.
    seen = {"segment": False, "angles": False}
    player.positionChanged.connect(lambda frame, _ms: seen.update(angles=frame == 45))
    ready = {
        "progress": lambda: "submitted" in _newest(window),
        "coding": lambda: len(window.ratingPanel.scores()) >= 6,
        "angles": lambda: seen["angles"] and window.playerPanel.timeline.waveform() is not None,
    }.get(mode, lambda: player.frames_delivered >= 20)  # "playing": frames reach the screen
    deadline = time.monotonic() + READY_S

    def shoot_when_ready() -> None:
        if ready() or time.monotonic() > deadline:
            QTimer.singleShot(500, shoot)
        else:
            QTimer.singleShot(100, shoot_when_ready)

    QTimer.singleShot(1000, shoot_when_ready)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
