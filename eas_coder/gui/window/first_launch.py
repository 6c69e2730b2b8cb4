"""The first launch, with no study yet: the demo study is built in the background (its videos
are written and probed, its ratings saved: some 20 s on a busy 2-core machine) while a small
window shows how far it got, so a window is on screen within a second or two and stays
responsive. Closing it stops the build and leaves nothing half-built."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog

from eas_coder.demo import prepare_demo
from eas_coder.errors import EasCoderError
from eas_coder.gui.common.workers import JobRunner, ProgressCallback

TITLE = "EAS Coder — first launch"
INTRO = "Preparing a demo study to try EAS Coder on (first launch only)…"
STOP_WAIT_S = 30.0  # a stopped build ends at its next step (a second or two)


class DemoBuildStopped(EasCoderError):
    """The person closed the first-launch window before the demo study was ready."""


class FirstLaunch(QProgressDialog):
    """The progress window of the demo study's build; ``build()`` runs it to the end."""

    def __init__(self, directory: Path) -> None:
        super().__init__(INTRO, "Quit", 0, 0)
        self.setObjectName("firstLaunch")
        self.setWindowTitle(TITLE)
        self.setMinimumDuration(0)  # shown at once, not after Qt's default 4 s
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(460)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._directory = directory
        self._stop = threading.Event()
        self._runner: JobRunner | None = None
        self.study_file: Path | None = None
        self.error: BaseException | None = None

    def build(self) -> Path | None:
        """Show the window and build the demo study in a worker; returns the study file, or
        None when the person quit (the build stopped, nothing left behind). A failure is
        kept in ``error`` (and None returned)."""
        loop = QEventLoop()
        directory, stop = self._directory, self._stop

        def job(progress: ProgressCallback) -> Path:
            def reported(what: str, done: int, total: int) -> None:
                if stop.is_set():  # raised inside the build, which then removes its folder
                    raise DemoBuildStopped("the demo study was not built: the window was closed")
                progress(what, done, total)

            return prepare_demo(directory, reported)

        runner = JobRunner(job, self)
        runner.progressed.connect(self._on_progress)
        runner.succeeded.connect(lambda path: self._finish(loop, path, None))
        runner.failed.connect(lambda exc: self._finish(loop, None, exc))
        self.canceled.connect(loop.quit)
        self._runner = runner
        self.show()
        runner.start()
        loop.exec()
        if self.study_file is None and self.error is None:  # quit: stop the build, wait for it
            stop.set()
            runner.wait(STOP_WAIT_S)
        return self.study_file

    def _on_progress(self, what: str, done: int, total: int) -> None:
        self.setLabelText(f"{INTRO}\n{what}")
        self.setRange(0, total)
        self.setValue(done)

    def _finish(self, loop: QEventLoop, path: Path | None, error: object) -> None:
        self.study_file = path
        self.error = error if isinstance(error, BaseException) else None
        if path is not None:
            self.setLabelText("Opening the demo study…")
            self.setCancelButton(None)  # too late to quit halfway: the window opens next
        loop.quit()
