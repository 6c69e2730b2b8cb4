"""QApplication bootstrap: opens the study (or the demo study) and shows the main window.

Start-up imports only what the first window needs: statistics, export and import, reports
and the PostgreSQL driver load on first use (``tests/gui/window/test_startup_imports.py``
holds this; ``benchmarks/startup.py`` times it). On the first launch the demo study is built
in the background behind a progress window (``first_launch.py``).

libVLC loads its plugins (~0.3 s) in a background thread started before the main window's
modules are imported and the study is opened, so the window is built meanwhile; the main
window module is therefore imported inside ``open_window``, not with this one.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from eas_coder import __version__
from eas_coder.errors import EasCoderError, StudyError
from eas_coder.gui.common.workers import collect_on_gui_thread
from eas_coder.gui.player.choose import create_backend, prepare_backend
from eas_coder.gui.player.media_preload import preload_media_soon
from eas_coder.gui.study.damaged_study import open_offering_restore
from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.study.server_password import open_asking_password
from eas_coder.location import APP_NAME, Location, from_string
from eas_coder.resources import resources_dir
from eas_coder.store.study import Study

if TYPE_CHECKING:
    from eas_coder.gui.window.first_launch import FirstLaunch
    from eas_coder.gui.window.main_window import MainWindow

# Qt Multimedia's bundled FFmpeg logs every stream; keep it quiet unless asked for.
_QUIET_MULTIMEDIA = "qt.multimedia.*=false"
GIL_SWITCH_S = 0.0005  # how long the GUI thread waits for the GIL a worker holds, at most


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with our name, icon and stylesheet; from here on
    garbage is collected on its thread only (``gui/workers.py`` says why)."""
    os.environ.setdefault("QT_LOGGING_RULES", _QUIET_MULTIMEDIA)
    # Qt's raster engine hands the pieces of a big fill or scaling (a video frame) to a pool
    # of threads and waits for them; on a busy machine those threads wait for a CPU and the
    # window waits with them. Painted on the GUI thread alone, no turn waits for another.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")  # read when Qt first needs the pool
    # A worker thread running Python (a save, a read, the live refresh) keeps the GIL until
    # the GUI thread has asked for it for a whole switch interval (CPython's 5 ms): the GUI
    # thread asks after each wait for events and each Qt call that let go of it.
    sys.setswitchinterval(GIL_SWITCH_S)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("EAS Coder")
    app.setOrganizationName("EAS Coder")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "eas-coder.svg")))
    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    collect_on_gui_thread(app)
    return app


def _demo_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "demo"


def _demo_file() -> Path:
    from eas_coder.demo import DEMO_STUDY_NAME  # with the media modules: not before libVLC

    return _demo_dir() / DEMO_STUDY_NAME


def _own_choice(location: Location, explicit: bool) -> Location | None:
    """The named study, the last one opened or the default one; None when there is none
    (then the demo study opens)."""
    if explicit:
        return location
    for recent in RecentStudies().items():
        if "://" not in recent:  # a server study waits for File ▸ Open Recent
            return from_string(recent)
    if location.path is not None and location.path.exists():
        return location
    return None


def startup_location(location: Location, explicit: bool) -> Location:
    """The study to open: the named one, the last one opened, the default one, or else the
    demo study (built here if it is not there yet)."""
    chosen = _own_choice(location, explicit)
    if chosen is not None:
        return chosen
    demo_file = _demo_file()
    if not demo_file.exists():
        from eas_coder.demo import prepare_demo

        prepare_demo(_demo_dir())
    return from_string(demo_file)


def open_window(location: Location, explicit: bool, player: str | None = None) -> MainWindow:
    """Open the study and build the (not yet shown) main window.

    ``player`` is ``vlc``, ``qt`` or None (the preference, else VLC when it loads).
    """
    chosen = startup_location(location, explicit)
    notes: list[str] = []

    def opening(where: Location) -> Study:
        return open_offering_restore(None, where, on_restored=notes.append)

    study = open_asking_password(None, chosen, opening)
    if study is None:  # the password dialog was cancelled
        raise StudyError(f"{chosen.display()}: no password given; nothing was opened")
    # imported here, not with this module: libVLC is loading meanwhile (see launch)
    from eas_coder.gui.window.main_window import MainWindow

    backend, note = create_backend(player)
    window = MainWindow(study, backend)
    preload_media_soon()  # once the window is up, before the coder's first switch of videos
    notes.append(note)
    if notes[0]:
        window.statusBar().showMessage(notes[0], 30_000)
    return window


def launch(location: Location, explicit: bool, player: str | None = None) -> int:
    """Run the application until its window closes; returns the exit status."""
    app = application()
    prepare_backend(player)  # libVLC loads its plugins in a thread while the window is built
    first_launch: FirstLaunch | None = None
    if _own_choice(location, explicit) is None and not _demo_file().exists():
        # first launch: a window at once, the demo study built behind its progress bar
        from eas_coder.gui.window.first_launch import FirstLaunch

        first_launch = FirstLaunch(_demo_dir())
        if first_launch.build() is None:
            if first_launch.error is None:
                return 0  # the person quit while it was being built
            QMessageBox.critical(
                first_launch,
                "EAS Coder could not build the demo study",
                f"{first_launch.error}\n\nOpen a study of your own instead: "
                "eas-coder --db PATH (a new file is created there).",
            )
            return 2
    try:
        window = open_window(location, explicit, player)
    except EasCoderError as exc:
        QMessageBox.critical(None, "EAS Coder cannot open the study", str(exc))
        return 2
    window.show()
    if first_launch is not None:
        first_launch.close()  # after the main window is up: a window is on screen throughout
    QTimer.singleShot(0, settle_after_start)
    window.choose_coder()
    return app.exec()


def settle_after_start() -> None:
    """Once the window is up: what start-up built (modules, classes, the study's mappings,
    the window's wrappers) lives as long as the program, so garbage collection stops
    looking at it (``gc.freeze``). Each later collection then walks only what coding made,
    and its pause on the GUI thread shrinks (a middle-generation one at 10,000 videos:
    up to 16 ms before, 3 ms after, in ``benchmarks/stalls.py``)."""
    gc.freeze()
