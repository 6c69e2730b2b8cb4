"""Run INSIDE the app (bundle or venv) by the smoke hook: ``EAS_CODER_SMOKE=this file``.

Globals from the hook: ``window`` (the main window), ``app``, ``shown_at``. The harness
(``packaging/smoke_test.py``) sets ``EAS_CODER_SMOKE_MODE`` and ``EAS_CODER_SMOKE_OUT`` (a
folder for ``result.json``, the shown frame and screenshots). Modes:

- ``first``: the app started with no study named; note which study it opened, quit.
- ``code``: as the lab manager assign the real clip (participant R001) to Coder C, sign in
  as Coder C, open it, go to frame ``EAS_CODER_SMOKE_FRAME`` and save the picture shown,
  mark a segment (I, 30 frames on, O), rate every dimension 5, export a workbook, open
  Help ▸ About on its Licence tab, take screenshots, quit.
- ``check``: sign in as Coder C and read back the segment and ratings on the clip; quit.
"""

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

MODE = os.environ.get("EAS_CODER_SMOKE_MODE", "first")
OUT = Path(os.environ["EAS_CODER_SMOKE_OUT"])
FRAME = int(os.environ.get("EAS_CODER_SMOKE_FRAME", "200"))
CODER = "Coder C (demo)"
result = {"mode": MODE, "shown_at": shown_at, "steps": []}  # noqa: F821 (hook globals)
win = window  # noqa: F821
qapp = app  # noqa: F821


def mapped_libraries() -> dict:
    """Where the libraries that matter were loaded from (bundle or system)."""
    wanted = ("libvlc.so", "libvlccore.so", "libavcodec.so.59", "libQt6Core.so", "libpython3")
    found = {}
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split()[-1]
            for name in wanted:
                if name in path:
                    found[name] = path
    return found


def finish(code: int = 0) -> None:
    result["finished_at"] = time.time()
    result["backend"] = win.playerPanel.player.backend.name
    result["study"] = win.study.location.display()
    result["videos"] = len(win.study.videos.all())
    result["libraries"] = mapped_libraries()
    (OUT / f"result-{MODE}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    win.close()
    qapp.exit(code)


def fail(message: str) -> None:
    result["error"] = message
    finish(4)


def screen_shot(name: str) -> None:
    pixmap = QGuiApplication.primaryScreen().grabWindow(0)
    result["steps"].append(f"{name}: {pixmap.save(str(OUT / name), 'PNG')}")


def close_coder_dialog() -> None:
    dialog = win.findChild(QDialog, "coderDialog")
    if dialog is not None:
        dialog.reject()


def clip():
    for video in win.study.videos.all():
        if video.participant_code == "R001":
            return video
    raise RuntimeError("the real clip (participant R001) is not in the study")


def code() -> None:
    video = clip()
    win.sign_in(None, manager=True)  # as the lab manager would after the passphrase
    win.session.assign(video.id, win.study.coders.get(CODER).id)
    win.sign_in(CODER)
    player = win.playerPanel.player
    state = {"stage": "open"}

    def on_position(frame: int, _ms: float) -> None:
        if state["stage"] == "seek" and frame == FRAME:
            state["stage"] = "shown"
            QTimer.singleShot(800, shown)
        elif state["stage"] == "out" and frame == FRAME + 30:
            state["stage"] = "marked"
            QTimer.singleShot(300, marked)

    def opened(_index: object) -> None:
        if state["stage"] == "open":
            state["stage"] = "seek"
            player.seek_frame(FRAME)

    def shown() -> None:
        image = win.playerPanel.surface.image()
        result["frame_label"] = win.playerPanel.transport.frameLabel.text()
        result["frame_saved"] = image.save(str(OUT / "frame.png"), "PNG")
        win.actions_by_name["actionMarkIn"].trigger()
        state["stage"] = "out"
        player.seek_frame(FRAME + 30)

    # Saves run on the window's save thread: each step reads the study once they are done.
    def marked() -> None:
        win.actions_by_name["actionMarkOut"].trigger()
        win.session.after_saves(rate)

    def rate() -> None:
        segments = win.session.my_segments()
        if len(segments) != 1:
            return fail(f"expected one segment after I and O, found {len(segments)}")
        for key in win.study.scheme.keys:
            win.session.set_score(key, 5.0, segments[0].id)
        result["segment"] = [segments[0].start_ms, segments[0].end_ms]
        win.session.after_saves(rated)

    def rated() -> None:
        result["ratings"] = len(win.session.my_ratings())
        QTimer.singleShot(500, export)

    def export() -> None:
        from eas_coder.exchange.export import export_study

        written = export_study(win.study, OUT / "smoke-export.xlsx")
        result["exported"] = [str(p) for p in written]
        screen_shot("bundle-window.png")
        about = win.study_actions.about()
        about.tabs.setCurrentIndex(1)  # Licence
        QTimer.singleShot(700, lambda: (screen_shot("about-licence.png"), about.close(),
                                        finish()))  # fmt: skip

    player.mediaOpened.connect(opened)
    player.positionChanged.connect(on_position)
    win.open_video_at(video.id, None)
    if player.frame_index is not None and state["stage"] == "open":  # already open
        opened(None)


def check() -> None:
    video = clip()
    win.sign_in(CODER)
    win.open_video_at(video.id, None)
    segments = win.session.my_segments()
    result["segment"] = [[s.start_ms, s.end_ms] for s in segments]
    result["ratings"] = len(win.session.my_ratings())
    finish()


def run() -> None:
    close_coder_dialog()
    try:
        {"first": finish, "code": code, "check": check}[MODE]()
    except Exception as exc:
        import traceback

        traceback.print_exc()
        fail(f"{type(exc).__name__}: {exc}")


QTimer.singleShot(60_000, lambda: fail("timed out inside the app"))
QTimer.singleShot(300, run)
