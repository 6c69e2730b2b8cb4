"""Run under Xvfb by test_lab_day.py: the real window through a lab's day.

    python lab_day_window.py day STUDY_FILE START_STUDY CLIPS_FOLDER EXPORT_FILE
    python lab_day_window.py more STUDY_FILE      (coder A goes on coding until killed)
    python lab_day_window.py look STUDY_FILE      (reopen: print what coder A sees)

``day``: the lab manager creates the study in File ▸ New Study (with coders Ana and Ben),
adds the real clips with File ▸ Add Videos, assigns both coders to every video; Ana signs in
and codes the first video with keys (I, arrows, O, digits, Enter, N and a note, Escape);
the manager exports the study from File ▸ Export; Ana codes on. ``more`` codes on, one
segment after another, until the test kills the window.

Every time the window reports a save (the status bar's "Saved"), one ``SHOWN`` line gives
what the window shows for that segment at that moment: the test checks that all of it is in
the study after a SIGKILL. The file pickers are the only stand-ins: a person's choice in the
system dialog is returned directly.
"""

from __future__ import annotations

import faulthandler
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QWidget,
)

from eas_coder.gui.manager.export_dialog import ExportDialog
from eas_coder.gui.study.add_videos import AddVideosDialog
from eas_coder.gui.window.app import application, open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string

faulthandler.enable()
STEP_MS = 150  # between a person's actions: the event loop runs, saves land, focus settles


def say(kind: str, **what: object) -> None:
    print(kind, json.dumps(what, sort_keys=True), flush=True)


class Day:
    """A queue of a person's steps, each run from the event loop after the one before."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.steps: list[Callable[[], object]] = []

    def then(self, *steps: Callable[[], object]) -> None:
        self.steps.extend(steps)

    def run(self) -> None:
        if not self.steps:
            return
        step = self.steps.pop(0)
        waiting = step()
        delay = STEP_MS if waiting is None else int(waiting)  # type: ignore[call-overload]
        QTimer.singleShot(delay, self.run)

    def waiter(
        self, ready: Callable[[], bool], what: str, timeout_s: float = 60
    ) -> Callable[[], int]:
        """A step that holds the queue until ``ready()`` (checked every 100 ms)."""
        deadline: list[float] = []

        def check() -> int:
            if not deadline:
                deadline.append(time.monotonic() + timeout_s)
            if ready():
                return 0
            if time.monotonic() > deadline[0]:
                say("FAILED", what=f"timed out waiting for {what}")
                QApplication.exit(3)
                return 0
            self.steps.insert(0, check)
            return 100

        return check

    def wait_for(self, ready: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
        self.steps.append(self.waiter(ready, what, timeout_s))

    def next(self, steps: list[Callable[[], object]]) -> None:
        """Run ``steps`` before anything queued (a step that plans the ones after it)."""
        self.steps[0:0] = steps


def modal(kind: type[QWidget]) -> QWidget | None:
    widget = QApplication.activeModalWidget()
    return widget if isinstance(widget, kind) else None


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    for number, line in enumerate(text.split("\n")):
        if number:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        if line:
            QTest.keyClicks(widget, line)


def report_saves(window: MainWindow) -> None:
    """After each save the window reports, what it shows for the video's segments."""
    hooked: set[int] = set()

    def shown(_what: str) -> None:
        session = window.session
        if session.coder is None or session.video is None:
            return
        for segment in session.my_segments():
            scores, notes = session.scores_of(segment.id)
            span = [segment.id, segment.start_ms, segment.end_ms]
            kept = {k: v for k, v in notes.items() if v}
            say("SHOWN", video=session.video.name, segment=span, scores=scores, notes=kept)

    def hook(_who: str) -> None:  # a new study brings a new coding session
        if id(window.session) not in hooked:
            hooked.add(id(window.session))
            window.session.saved.connect(shown)

    window.signedIn.connect(hook)


def open_row(day: Day, window: MainWindow, row: int) -> None:
    """Click a video in the Videos dock, as a person picks it, and wait until it shows."""

    def click() -> None:
        table = window.videoTable
        index = table.model().index(row, 0)
        table.scrollTo(index)
        rect = table.visualRect(index)
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def showing() -> bool:
        video, player = window.session.video, window.playerPanel.player
        if video is None or player.frame_index is None:
            return False
        return player.path == window.study.videos.file_of(video)

    day.then(click)
    day.wait_for(showing, f"video row {row} to open")


def focused(window: MainWindow) -> QWidget:
    """Where a key goes: the focus widget (the window, until something has the focus)."""
    window.activateWindow()  # no window manager on Xvfb hands the focus to a new window
    return QApplication.focusWidget() or window


def code_one_segment(day: Day, window: MainWindow, row: int, made: dict[int, int]) -> None:
    """To a free spot (as a click on the timeline does), I, two frames on, O, a score per
    dimension with Enter, a note on the first with N, typed, Escape."""
    surface = window.playerPanel.surface
    player = window.playerPanel.player
    keys = window.study.scheme.keys
    number = made.get(row, 0)
    made[row] = number + 1
    start = 1 + 3 * number

    def go(frame: int) -> None:
        window.activateWindow()
        player.seek_frame(frame)

    def at(frame: int) -> bool:
        return player.position() == frame

    def key(which: Qt.Key | str) -> Callable[[], None]:
        return lambda: QTest.keyClick(focused(window), which)

    def score(index: int) -> Callable[[], None]:
        def press() -> None:
            QTest.keyClick(focused(window), str(3 + (number + index) % 5))
            QTest.keyClick(focused(window), Qt.Key.Key_Return)

        return press

    def note() -> None:
        window.ratingPanel.focus_dimension(keys[0])
        QTest.keyClick(focused(window), Qt.Key.Key_N)
        QTest.keyClicks(focused(window), f"why {row}.{number}")
        QTest.keyClick(focused(window), Qt.Key.Key_Escape)

    def plan() -> None:
        index = player.frame_index
        if index is None or start + 2 >= index.frame_count:
            return  # this video is full: on to the next one
        day.next([
            lambda: go(start), lambda: surface.setFocus(), day.waiter(lambda: at(start), "frame"),
            key(Qt.Key.Key_I), lambda: go(start + 1), day.waiter(lambda: at(start + 1), "frame"),
            key(Qt.Key.Key_O), *(score(i) for i in range(len(keys))), note,
        ])  # fmt: skip

    day.then(plan)


def sign_in(day: Day, window: MainWindow, coder: str | None) -> None:
    """File ▸ Switch Coder (unless the window already asks): a coder clicks their name, the
    lab manager ticks Lab manager and types the passphrase; then OK."""

    def dialog() -> QDialog | None:
        for found in window.findChildren(QDialog, "coderDialog"):
            if found.isVisible():
                return found
        return None

    def ask() -> None:
        if dialog() is None:
            QTimer.singleShot(0, window.actionSwitchCoder.trigger)

    def choose() -> None:
        shown = dialog()
        assert shown is not None
        click = Qt.MouseButton.LeftButton
        if coder is None:
            radio = shown.managerRadio  # type: ignore[attr-defined]
            # on the round button itself: a radio button's label does not stretch its width
            QTest.mouseClick(radio, click, pos=QPoint(8, radio.height() // 2))
            type_into(shown.passphraseEdit, "manager-pass")  # type: ignore[attr-defined]
        else:
            radio = shown.coderRadio  # type: ignore[attr-defined]
            QTest.mouseClick(radio, click, pos=QPoint(8, radio.height() // 2))
            names = shown.codersList  # type: ignore[attr-defined]
            item = names.findItems(coder, Qt.MatchFlag.MatchExactly)[0]
            QTest.mouseClick(names.viewport(), click, pos=names.visualItemRect(item).center())
        ok = shown.buttons.button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[attr-defined]
        QTest.mouseClick(ok, click)

    def signed_in() -> bool:
        session = window.session
        if coder is None:
            return bool(session.manager)
        return session.coder is not None and session.coder.name == coder

    day.then(ask)
    day.wait_for(lambda: dialog() is not None, "the sign-in dialog")
    day.then(choose)
    day.wait_for(signed_in, f"signed in as {coder or 'lab manager'}")


def new_study(day: Day, window: MainWindow, study_file: Path) -> None:
    def open_dialog() -> None:
        QTimer.singleShot(0, window.actionNewStudy.trigger)

    def fill() -> None:
        dialog = window.findChild(QWidget, "newStudyDialog")
        assert dialog is not None, "File ▸ New Study showed no dialog"
        type_into(dialog.nameEdit, "Lab day")  # type: ignore[attr-defined]
        dialog.locationEdit.clear()  # type: ignore[attr-defined]
        type_into(dialog.locationEdit, str(study_file))  # type: ignore[attr-defined]
        type_into(dialog.passphraseEdit, "manager-pass")  # type: ignore[attr-defined]
        type_into(dialog.repeatEdit, "manager-pass")  # type: ignore[attr-defined]
        type_into(dialog.codersEdit, "Ana\nBen")  # type: ignore[attr-defined]
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[attr-defined]
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)

    day.then(open_dialog, fill)
    day.wait_for(lambda: window.study.location.path == study_file, "the new study to open")


def add_videos(day: Day, window: MainWindow, clips: list[Path]) -> None:
    def choose() -> None:
        QFileDialog.getOpenFileNames = staticmethod(  # type: ignore[method-assign]
            lambda *_a, **_k: ([str(c) for c in clips], "")
        )
        # later, from the event loop: the dialog may run its own (exec) until answered
        QTimer.singleShot(0, window.actionAddVideos.trigger)

    def dialog() -> AddVideosDialog | None:
        found = window.findChild(AddVideosDialog)
        return found if found is not None and found.isVisible() else None

    def accept_dialog() -> None:
        shown = dialog()
        assert shown is not None
        ok = shown.buttons.button(QDialogButtonBox.StandardButton.Ok)
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)

    day.then(choose)
    day.wait_for(lambda: dialog() is not None, "the Add Videos dialog")
    day.then(accept_dialog)
    day.wait_for(lambda: len(window.study.videos.all()) == len(clips), "the videos")
    day.wait_for(lambda: modal(QMessageBox) is not None, "the Add Videos summary")
    day.then(lambda: modal(QMessageBox).accept())  # type: ignore[union-attr]


def export(day: Day, window: MainWindow, out: Path) -> None:
    def choose() -> None:
        QFileDialog.getSaveFileName = staticmethod(  # type: ignore[method-assign]
            lambda *_a, **_k: (str(out), "")
        )
        QTimer.singleShot(0, window.actionExport.trigger)

    def dialog() -> ExportDialog | None:
        found = window.findChild(ExportDialog)
        return found if found is not None and found.isVisible() else None

    def accept_options() -> None:
        shown = dialog()
        assert shown is not None
        ok = shown.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)

    day.then(choose)
    day.wait_for(lambda: dialog() is not None, "the export options")
    day.then(accept_options)
    day.wait_for(out.exists, "the export")

    def finished_box() -> QMessageBox | None:
        found = window.findChild(QMessageBox, "exportedBox")
        return found if found is not None and found.isVisible() else None

    def close_finished_box() -> None:  # as a person does once they have read it
        shown = finished_box()
        assert shown is not None
        close = shown.button(QMessageBox.StandardButton.Close)
        QTest.mouseClick(close, Qt.MouseButton.LeftButton)

    day.wait_for(lambda: finished_box() is not None, "Export finished")
    day.then(close_finished_box)
    day.wait_for(lambda: finished_box() is None, "Export finished to close")
    day.then(lambda: say("EXPORTED", path=str(out)))


def main() -> int:
    phase, study_file = sys.argv[1], Path(sys.argv[2])
    app = application()
    start = Path(sys.argv[3]) if phase == "day" else study_file
    window = open_window(from_string(start), explicit=True)
    window.resize(1280, 760)
    window.show()
    day = Day(window)
    made: dict[int, int] = {}  # segments coded per video row
    report_saves(window)
    if phase == "look":
        window.sign_in("Ana")
        session = window.session
        for video in window.study.videos.all():
            session.show_video(video)
            for segment in session.my_segments():
                scores, notes = session.scores_of(segment.id)
                span = [segment.id, segment.start_ms, segment.end_ms]
                kept = {k: v for k, v in notes.items() if v}
                say("SEEN", video=video.name, segment=span, scores=scores, notes=kept)
        window.close()
        return 0
    if phase == "day":
        clips, out = sorted(Path(sys.argv[4]).iterdir()), Path(sys.argv[5])
        new_study(day, window, study_file)
        sign_in(day, window, None)  # the window asks who works on the new study
        add_videos(day, window, clips)

        def assign_both() -> None:
            study = window.study
            for video in study.videos.all():
                for coder in study.coders.all():
                    window.session.assign(video.id, coder.id)  # Assign to ▸ <coder>
            say("ASSIGNED", videos=len(study.videos.all()))

        day.then(assign_both)
        sign_in(day, window, "Ana")
        open_row(day, window, 0)
        for _ in range(2):
            code_one_segment(day, window, 0, made)
        sign_in(day, window, None)
        export(day, window, out)
        sign_in(day, window, "Ana")
    else:
        sign_in(day, window, "Ana")
    rows = 3

    def keep_coding(turn: int) -> None:
        open_row(day, window, turn % rows)
        for _ in range(2):
            code_one_segment(day, window, turn % rows, made)
        day.then(lambda: say("CODED", turn=turn), lambda: keep_coding(turn + 1))

    day.then(lambda: say("CODING"), lambda: keep_coding(1))
    QTimer.singleShot(500, day.run)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
