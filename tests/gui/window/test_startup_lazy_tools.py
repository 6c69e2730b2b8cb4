"""Start-up (issue 18): the tools the first window only offers in its menus load on first use.

The main window installs File ▸ Merge Coder's Copy…, File ▸ Relink Moved Videos… and
Tools ▸ Change Report…, but none of them runs before someone picks it, so the merge, the
relink search and the change report's dialog are not imported with the window. Checked in a
fresh interpreter (this test process has long imported them all); the window is the real one
on the demo study, shown, signed in, its events processed, as ``eas-coder gui`` shows it.
The menu entries are still there and open their tool (``tests/gui/manager``).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.gui.window.test_startup_imports import run_fresh

# Modules of the menus' tools, loaded when the entry is picked, not with the window.
LAZY_TOOLS = (
    "eas_coder.merge",  # File ▸ Merge Coder's Copy…
    "eas_coder.merge_parts",
    "eas_coder.relink",  # File ▸ Relink Moved Videos…
    "eas_coder.gui.manager.change_report_dialog",  # Tools ▸ Change Report…
)

_WINDOW_UP = """
import json, sys
from PySide6.QtCore import QCoreApplication
from eas_coder.cli import build_parser
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string
build_parser()  # what `eas-coder gui` does before the window
app = application()
window = open_window(from_string(sys.argv[1]), explicit=True)
window.show()
window.choose_coder()
for _ in range(20):
    QCoreApplication.processEvents()
window.sign_in(None, manager=True)
for _ in range(20):
    QCoreApplication.processEvents()
names = [a.objectName() for menu in (window.menuFile, window.menuTools) for a in menu.actions()]
print(json.dumps({"loaded": sorted(m for m in sys.argv[2:] if m in sys.modules),
                  "actions": names}))
window.close()
"""


def test_the_window_up_has_not_loaded_the_tools_of_its_menus(
    demo_study_file: Path, tmp_path: Path
) -> None:
    stdout = run_fresh(_WINDOW_UP, tmp_path, str(demo_study_file), *LAZY_TOOLS)
    seen = json.loads(stdout.strip().splitlines()[-1])
    # the entries are offered all the same
    assert {"actionMergeCopy", "actionRelink", "actionChangeReport"} <= set(seen["actions"])
    assert seen["loaded"] == []
