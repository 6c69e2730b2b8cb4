"""QApplication bootstrap: opens the study (or the demo study) and shows the main window."""

from __future__ import annotations

import os
import sys

import platformdirs
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from eas_coder import __version__
from eas_coder.demo import DEMO_STUDY_NAME, build_demo
from eas_coder.errors import EasCoderError, StudyError
from eas_coder.gui.common.workers import collect_on_gui_thread
from eas_coder.gui.player.choose import create_backend
from eas_coder.gui.study.damaged_study import open_offering_restore
from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.study.server_password import open_asking_password
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import APP_NAME, Location, from_string
from eas_coder.resources import resources_dir
from eas_coder.store.study import Study

# Qt Multimedia's bundled FFmpeg logs every stream; keep it quiet unless asked for.
_QUIET_MULTIMEDIA = "qt.multimedia.*=false"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with our name, icon and stylesheet; from here on
    garbage is collected on its thread only (``gui/workers.py`` says why)."""
    os.environ.setdefault("QT_LOGGING_RULES", _QUIET_MULTIMEDIA)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("EAS Coder")
    app.setOrganizationName("EAS Coder")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "eas-coder.svg")))
    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    collect_on_gui_thread(app)
    return app


def startup_location(location: Location, explicit: bool) -> Location:
    """The study to open: the named one, the last one opened, the default one, or else the
    demo study."""
    if explicit:
        return location
    for recent in RecentStudies().items():
        if "://" not in recent:  # a server study waits for File ▸ Open Recent
            return from_string(recent)
    if location.path is not None and location.path.exists():
        return location
    demo_dir = platformdirs.user_data_path(APP_NAME) / "demo"
    demo_file = demo_dir / DEMO_STUDY_NAME
    if not demo_file.exists():
        build_demo(demo_dir)
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
    backend, note = create_backend(player)
    window = MainWindow(study, backend)
    notes.append(note)
    if notes[0]:
        window.statusBar().showMessage(notes[0], 30_000)
    return window


def launch(location: Location, explicit: bool, player: str | None = None) -> int:
    """Run the application until its window closes; returns the exit status."""
    app = application()
    try:
        window = open_window(location, explicit, player)
    except EasCoderError as exc:
        QMessageBox.critical(None, "EAS Coder cannot open the study", str(exc))
        return 2
    window.show()
    window.choose_coder()
    return app.exec()
