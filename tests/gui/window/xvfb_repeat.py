"""Run under Xvfb by test_window_threads.py: the real main window, as the lab manager, does
File ▸ Export N times and then File ▸ Add Videos M times in a row, each through its menu
action and the real dialogs (export options, file dialog, the codes table), waiting for each
to finish before the next. Prints one line per finished job and a last ``done`` line.

Usage: python xvfb_repeat.py STUDY_FILE WORK_DIR EXPORTS ADDS

``WORK_DIR`` holds the videos to add, ``D9NN_T1.mp4`` for NN = 1..ADDS; exports are written
there too. A crash shows as the process dying (faulthandler prints every thread's stack).
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from eas_coder.gui.manager.export_dialog import ExportDialog
from eas_coder.gui.study.add_videos import AddVideosDialog
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string

_STEP_LIMIT_MS = 60_000  # far beyond need: a stuck job ends the run with a message, not a hang


def main() -> int:
    faulthandler.enable()
    study_file, work = Path(sys.argv[1]), Path(sys.argv[2])
    exports, adds = int(sys.argv[3]), int(sys.argv[4])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1100, 680)
    window.show()
    window.sign_in(None, manager=True)
    actions = window.study_actions
    done = {"exports": 0, "adds": 0}
    chosen: list[Path] = []  # what the file dialog up now picks

    def answer_dialogs() -> None:
        """Do what a person does in whichever modal dialog is up."""
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ExportDialog):
            modal.accept()  # the defaults: every coder, Excel
        elif isinstance(modal, QFileDialog) and modal.isVisible() and chosen:
            # the folder, then the file's name typed, as a person does (a whole path typed
            # selects its folders too); tried again at the next tick while the dialog, still
            # reading its folder, ignores it
            modal.setDirectory(str(chosen[-1].parent))
            name = modal.findChild(QLineEdit, "fileNameEdit")
            assert name is not None, "Qt's own file dialog (not a native one) is expected"
            name.clear()
            QTest.keyClicks(name, chosen[-1].name)
            modal.accept()
        elif isinstance(modal, AddVideosDialog):
            modal.accept()  # D9NN and T1 guessed from the file name

    def next_step() -> None:
        watchdog.start()  # each step has its own limit
        chosen.clear()
        if done["exports"] < exports:
            chosen.append(work / f"export-{done['exports'] + 1:02d}.xlsx")
            window.actionExport.trigger()
        elif done["adds"] < adds:
            chosen.append(work / f"D9{done['adds'] + 1:02d}_T1.mp4")
            window.actionAddVideos.trigger()
        else:
            print(f"done exports={done['exports']} adds={done['adds']}", flush=True)
            window.close()
            app.exit(0)

    def on_exported(paths: list[Path]) -> None:
        if not paths or not all(p.exists() for p in paths):
            print(f"export wrote nothing: {paths}", flush=True)
            app.exit(4)
            return
        done["exports"] += 1
        print(f"exported {done['exports']} {paths[0].name}", flush=True)
        QTimer.singleShot(0, next_step)

    def on_added(summary: object) -> None:
        added = getattr(summary, "added", [])
        if len(added) != 1:
            print(f"add failed: {summary}", flush=True)
            app.exit(4)
            return
        done["adds"] += 1
        print(f"added {done['adds']} {added[0]}", flush=True)
        box = actions.adder.summary_box
        if box is not None:
            box.accept()
        QTimer.singleShot(0, next_step)

    def fail(message: str) -> None:
        print(f"failed: {message}", flush=True)
        app.exit(3)

    def give_up() -> None:
        modal = QApplication.activeModalWidget()
        state = type(modal).__name__
        if isinstance(modal, QFileDialog):
            name = modal.findChild(QLineEdit, "fileNameEdit")
            typed = name.text() if name is not None else None
            state += f" typed={typed!r} selected={modal.selectedFiles()}"
        print(f"gave up: exports={done['exports']} adds={done['adds']} modal={state}", flush=True)
        app.exit(5)

    actions.exchange.exported.connect(on_exported)
    actions.exchange.failed.connect(fail)
    actions.adder.finished.connect(on_added)
    actions.adder.failed.connect(fail)
    poll = QTimer(window)  # keeps firing inside the dialogs' own event loops
    poll.timeout.connect(answer_dialogs)
    poll.start(100)
    watchdog = QTimer(window, singleShot=True, interval=_STEP_LIMIT_MS)
    watchdog.timeout.connect(give_up)
    QTimer.singleShot(300, next_step)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
