"""Run under Xvfb by test_segment_import_screenshot.py: the real window, the lab manager opens
File ▸ Import Segments…, picks an .eaf, the newcomer coder and the tier "Episodes"; once the
preview is shown the dialog is photographed from the X screen.

Usage: python segment_import_xvfb.py STUDY_FILE EAF OUTPUT_PNG
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from eas_coder.demo import NEW_CODER
from eas_coder.gui.manager.segment_import_dialog import SegmentImportDialog
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    faulthandler.enable()
    study_file, eaf, output = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1200, 760)
    window.move(0, 0)
    window.show()
    window.sign_in(None, manager=True)
    action = next(a for a in window.menuFile.actions() if a.objectName() == "actionImportSegments")
    action.trigger()
    dialog = action.parent().dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, SegmentImportDialog)
    dialog.move(40, 60)
    dialog.coderBox.setCurrentText(NEW_CODER)
    dialog.set_source(eaf)
    outcome: list[str] = []

    def shoot() -> None:
        screen = QGuiApplication.primaryScreen()
        frame = dialog.frameGeometry()
        shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        saved = shot.save(str(output))
        outcome.append(
            f"platform={QGuiApplication.platformName()} saved={saved} "
            f"rows={dialog.previewTable.rowCount()} problems={dialog.problemsList.count()} "
            f"import={dialog.importButton.isEnabled()}"
        )
        app.quit()

    def on_preview(_plan: object) -> None:
        if dialog.busy():
            return
        if dialog.tierBox.currentData() is None:  # the list is in: choose the tier
            dialog.tierBox.setCurrentIndex(dialog.tierBox.findData("Episodes"))
            return
        QTimer.singleShot(400, shoot)  # let the X server draw the dialog

    dialog.previewed.connect(on_preview)
    QTimer.singleShot(60_000, app.quit)  # never hang the test
    app.exec()
    print(outcome[0] if outcome else "no preview")
    return 0 if outcome else 1


if __name__ == "__main__":
    sys.exit(main())
