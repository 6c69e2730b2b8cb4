"""Run by test_sigkill_after_rating.py: code one score through the real window, say so on
stdout, then wait to be killed (SIGKILL) by the test.

Usage: python kill_after_rating.py STUDY_FILE CODER
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    study_file, coder = Path(sys.argv[1]), sys.argv[2]
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.show()
    window.sign_in(coder)
    player = window.playerPanel.player

    def mark_in() -> None:  # what a coder does: I, End, O, then the digit 6
        window.activateWindow()
        window.playerPanel.surface.setFocus()
        QTest.keyClick(window.playerPanel.surface, Qt.Key.Key_I)
        QTest.keyClick(window.playerPanel.surface, Qt.Key.Key_End)
        QTimer.singleShot(400, mark_out)

    def mark_out() -> None:
        QTest.keyClick(window.playerPanel.surface, Qt.Key.Key_O)
        QTest.keyClick(QApplication.focusWidget(), "6")

    def report(what: str) -> None:
        print(f"SAVED {what}", flush=True)  # the test kills us on reading this

    window.session.saved.connect(report)
    player.mediaOpened.connect(lambda _index: QTimer.singleShot(200, mark_in))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
