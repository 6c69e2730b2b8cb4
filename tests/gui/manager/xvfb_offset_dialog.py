"""Run under Xvfb by test_offset_screenshot.py: the real window (lab manager) at 1280×720
with a camera angle attached to the first video and its offset dialog open (moved two
seconds in, nudged by keys), and a screenshot of the X screen.

Usage: python xvfb_offset_dialog.py STUDY_FILE ANGLE_FILE OUTPUT_PNG
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from eas_coder.gui.manager.offset_dialog import OffsetDialog
from eas_coder.gui.manager.video_edit_actions import VideoEditActions
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    faulthandler.enable()
    study_file, angle, output = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1280, 720)
    window.move(0, 0)
    window.show()
    window.sign_in(None, manager=True)
    found: list[OffsetDialog] = []

    def open_dialog() -> None:
        actions = window.findChild(VideoEditActions)
        assert actions is not None
        window.videoTable.selectRow(0)
        actions.attach("angle", picked=angle)  # probed and hashed in the background
        QTimer.singleShot(1500, nudge)

    def nudge() -> None:
        dialog = window.findChild(OffsetDialog)
        assert dialog is not None
        dialog.activateWindow()
        for key, modifier in (
            (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier),  # +100 ms
            (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier),  # +1 frame
        ):
            QTest.keyClick(dialog, key, modifier)
        found.append(dialog)

    def shoot() -> None:
        pixmap = QGuiApplication.primaryScreen().grabWindow(0)
        ok = pixmap.save(str(output), "PNG")
        dialog = found[0] if found else None
        print(
            f"platform={QGuiApplication.platformName()} saved={ok} "
            f"visible={dialog.isVisible() if dialog else False} "
            f"offset={dialog.offset_ms if dialog else None} "
            f"position={dialog.position_ms if dialog else None} "
            f"frame={dialog.frame_ms if dialog else None}",
            flush=True,
        )
        window.close()
        app.exit(0 if ok else 1)

    QTimer.singleShot(1200, open_dialog)
    QTimer.singleShot(5000, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
