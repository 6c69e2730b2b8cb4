"""Start-up imports only what the first window needs (issue 18): statistics, export, import,
reports and the PostgreSQL driver load on first use, so the window appears quickly.

Each check runs in a fresh interpreter, because this test process has long imported them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]

# Heavy packages no first window needs: statistics (scipy, pandas, pingouin), the PostgreSQL
# driver, the PDF writer, ELAN files and spreadsheets; and Alembic, which only a study whose
# schema must be updated needs (the schema revision itself is read with plain SQL).
NOT_AT_START = (
    "scipy", "pandas", "pingouin", "psycopg", "fpdf", "pympi", "openpyxl", "alembic",
)  # fmt: skip

_REPORT_LOADED = f"""
import json, sys
print(json.dumps(sorted(name for name in {NOT_AT_START!r} if name in sys.modules)))
"""


def run_fresh(code: str, tmp_path: Path, *args: str) -> str:
    """Run ``code`` (with ``args``) in a fresh interpreter, the window offscreen, with its
    own settings and data folders (a real user's recent studies are not read); its stdout."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPOSITORY),
        "EAS_CODER_AUDIO": "off",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _loaded_after(code: str, tmp_path: Path) -> list[str]:
    """The heavy packages in ``sys.modules`` after a fresh interpreter ran ``code``."""
    loaded: list[str] = json.loads(run_fresh(code + _REPORT_LOADED, tmp_path).splitlines()[-1])
    return loaded


def test_importing_the_app_loads_no_heavy_package(tmp_path: Path) -> None:
    assert _loaded_after("import eas_coder.gui.window.app\n", tmp_path) == []


def test_the_command_line_up_to_the_window_loads_no_heavy_package(tmp_path: Path) -> None:
    """`eas-coder` parses its arguments before the window: the parsers must not load them."""
    code = (
        "from eas_coder.cli import build_parser\nbuild_parser()\nimport eas_coder.gui.window.app\n"
    )
    assert _loaded_after(code, tmp_path) == []


def test_the_shown_main_window_loads_no_heavy_package(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """The window on the demo study, shown and signed in, still has loaded none of them;
    they come with the first export, report or reliability run."""
    code = f"""
from PySide6.QtCore import QCoreApplication
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string
app = application()
window = open_window(from_string({str(demo_study_file)!r}), explicit=True)
window.show()
window.sign_in(None, manager=True)
for _ in range(20):
    QCoreApplication.processEvents()
window.close()
"""
    assert _loaded_after(code, tmp_path) == []


# The lab manager's dialogs and what only they read (issue 18): their menu entries are built
# with the window from light ``..._action`` modules; each dialog loads when it first opens.
MANAGER_DIALOGS = (
    "eas_coder.gui.manager.assignment_matrix",
    "eas_coder.gui.manager.assignment_matrix_model",
    "eas_coder.gui.manager.audit_log_dialog",
    "eas_coder.gui.manager.audit_log_model",
    "eas_coder.store.audit_read",
    "eas_coder.exchange.audit_csv",
    "eas_coder.gui.manager.coders_dialog",
    "eas_coder.gui.manager.coders_model",
    "eas_coder.gui.manager.settings_dialog",
    "eas_coder.gui.manager.settings_fields",
    "eas_coder.gui.manager.settings_texts",
    "eas_coder.gui.manager.media_root",
    "eas_coder.gui.manager.video_edit",
    "eas_coder.exchange.sheets",
    "eas_coder.exchange.rows_source",
    "eas_coder.store.snapshot",
)


def test_the_main_window_module_loads_no_lab_manager_dialog(tmp_path: Path) -> None:
    """Importing the window (which installs every lab-manager entry) loads none of them."""
    code = f"""
import json, sys
import eas_coder.gui.window.main_window
print(json.dumps([m for m in {MANAGER_DIALOGS!r} if m in sys.modules]))
"""
    assert json.loads(run_fresh(code, tmp_path).splitlines()[-1]) == []


def test_the_shown_window_signed_in_as_manager_loads_no_lab_manager_dialog(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """Built on the demo study, shown and the lab manager signed in (every entry enabled):
    still none of the dialogs; opening one loads it (so the check can fail)."""
    code = f"""
import json, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string
app = application()
window = open_window(from_string({str(demo_study_file)!r}), explicit=True)
window.show()
window.sign_in(None, manager=True)
for _ in range(20):
    QCoreApplication.processEvents()
before = [m for m in {MANAGER_DIALOGS!r} if m in sys.modules]
window.findChild(QAction, "actionCoders").trigger()
print(json.dumps([before, "eas_coder.gui.manager.coders_dialog" in sys.modules]))
window.close()
"""
    before, opened = json.loads(run_fresh(code, tmp_path).splitlines()[-1])
    assert before == []
    assert opened


# The media libraries (PyAV, OpenCV, numpy) and Qt Multimedia, ~0.3 s of imports: the window
# appears without them, and they load with the first video once it is on screen.
MEDIA = ("av", "cv2", "numpy", "PySide6.QtMultimedia")


def test_the_window_appears_before_the_media_libraries_load(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """Built and shown on the demo study (whose first video is chosen while it is built):
    nothing of the media libraries is loaded yet; one turn of the event loop later the
    video opens with them (so the check can fail)."""
    code = f"""
import json, sys
from PySide6.QtCore import QCoreApplication
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string
app = application()
window = open_window(from_string({str(demo_study_file)!r}), explicit=True, player="vlc")
window.show()
before = [m for m in {MEDIA!r} if m in sys.modules]
backend = window.playerPanel.player.backend.name
deadline = __import__("time").monotonic() + 60
while "av" not in sys.modules and __import__("time").monotonic() < deadline:
    QCoreApplication.processEvents()
print(json.dumps([before, backend, "av" in sys.modules]))
window.close()
"""
    before, backend, later = json.loads(run_fresh(code, tmp_path).splitlines()[-1])
    if backend != "vlc":  # no libVLC here: Qt Multimedia is the player, loaded by design
        before = [m for m in before if m != "PySide6.QtMultimedia"]
    assert before == []
    assert later  # the video did open, with PyAV


def test_once_the_window_is_up_start_up_objects_leave_garbage_collection(
    demo_study_file: Path, tmp_path: Path
) -> None:
    """`eas-coder gui`: after the window's first turn of the event loop, what start-up built
    is frozen out of collection (each later pause on the GUI thread walks less)."""
    code = f"""
import gc, json
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
import eas_coder.gui.window.main_window as main_window
main_window.MainWindow.choose_coder = lambda self: None  # no sign-in dialog to answer

def one_turn(self):
    before = gc.get_freeze_count()
    for _ in range(5):
        QCoreApplication.processEvents()
    print(json.dumps([before, gc.get_freeze_count()]))
    return 0

QApplication.exec = one_turn
from eas_coder.gui.window.app import launch
from eas_coder.location import from_string
launch(from_string({str(demo_study_file)!r}), explicit=True)
"""
    before, after = json.loads(run_fresh(code, tmp_path).splitlines()[-1])
    assert before == 0 and after > 10_000  # modules, classes, the study's mappings, widgets
