"""Run under Xvfb by test_change_screenshots.py: the real window (lab manager) with one of the
change-over-time dialogs open over it, and a screenshot of the X screen.

Usage: python xvfb_change_dialogs.py STUDY_FILE OUTPUT_PNG timepoints|change-report|measures
[SHEET]

``timepoints``: File ▸ Timepoint Order… with "T2 follow-up" moved first (Ctrl+Up), unsaved.
``change-report``: Tools ▸ Change Report… with participant D002 chosen.
``measures``: File ▸ Import Measures… on SHEET, its rows checked.
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    faulthandler.enable()
    study_file, output, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1100, 680)
    window.move(20, 20)
    window.show()
    window.sign_in(None, manager=True)
    for dialog in window.findChildren(QDialog, "coderDialog"):
        dialog.close()
    found: list[QDialog] = []

    def open_dialog() -> None:
        if mode == "timepoints":
            window.timepoints_action.trigger()
            dialog = window.findChild(QDialog, "timepointsDialog")
            listing = dialog.timepointsList  # type: ignore[union-attr]
            listing.setCurrentRow(1)
            QTest.keyClick(listing, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        elif mode == "change-report":
            window.change_report_action.trigger()
            dialog = window.findChild(QDialog, "changeReportDialog")
            dialog.participantBox.setCurrentIndex(2)  # type: ignore[union-attr]
        else:
            helper = window.measures_action.parent()
            helper.choose(Path(sys.argv[4]))  # type: ignore[attr-defined]
            dialog = helper.dialog  # type: ignore[attr-defined]
        assert dialog is not None
        dialog.move(window.x() + 200, window.y() + 120)
        found.append(dialog)

    def shoot() -> None:
        pixmap = QGuiApplication.primaryScreen().grabWindow(0)
        ok = pixmap.save(str(output), "PNG")
        dialog = found[0] if found else None
        print(
            f"platform={QGuiApplication.platformName()} saved={ok} "
            f"dialog={dialog.objectName() if dialog else None} "
            f"visible={dialog.isVisible() if dialog else False}",
            flush=True,
        )
        window.close()
        app.exit(0 if ok else 1)

    QTimer.singleShot(1200, open_dialog)
    QTimer.singleShot(3500, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
