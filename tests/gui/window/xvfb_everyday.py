"""Run under Xvfb by test_everyday_xvfb.py (issue 23 item 8): the real window on X11.

Usage:
  python xvfb_everyday.py keys STUDY_FILE
      the lab manager types in the Videos search box and presses Ctrl+E (on X11 a line edit
      takes Ctrl+E as "end of line"); prints ``export_asked=N``.
  python xvfb_everyday.py shot STUDY_FILE OUTPUT_PNG WIDTHxHEIGHT
      the default layout (no saved one) filling a screen of that size while a coder codes;
      a screenshot, and for each column or banner that must not be cut, ``name=ok|cut``.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QTableView

from eas_coder.gui.manager.export_dialog import ExportDialog
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def column_cut(table: QTableView, column: int) -> bool:
    """True when a column is narrower than its header or contents, or runs off the view."""
    header = table.horizontalHeader()
    x, width = header.sectionViewportPosition(column), header.sectionSize(column)
    wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
    return width < wanted or x < 0 or x + width > table.viewport().width()


def label_cut(label: QLabel) -> bool:
    """True when a label shows less than its text needs (one line, or wrapped)."""
    if not label.isVisible():
        return True
    shown = label.visibleRegion().boundingRect()
    if label.wordWrap():
        return shown.height() < label.heightForWidth(label.width())
    return shown.width() < label.sizeHint().width()


def keys(study_file: Path) -> int:
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1280, 720)
    window.show()
    window.sign_in(None, manager=True)
    asked: list[ExportDialog] = []

    def cancel(dialog: ExportDialog) -> int:
        asked.append(dialog)
        return QDialog.DialogCode.Rejected

    ExportDialog.exec = cancel  # type: ignore[method-assign]

    tries = 0

    def press() -> None:
        nonlocal tries
        # no window manager here: the window is active once X has given it the focus
        if QApplication.activeWindow() is not window and tries < 50:
            tries += 1
            window.activateWindow()
            QTimer.singleShot(100, press)
            return
        search = window.videoFilter
        search.setFocus()
        QTest.keyClicks(search, "D00")
        QTest.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        print(f"platform={QGuiApplication.platformName()} export_asked={len(asked)} "
              f"search={search.text()!r} active={tries < 50}", flush=True)  # fmt: skip
        window.close()
        app.exit(0)

    QTimer.singleShot(1000, press)
    return app.exec()


def shot(study_file: Path, output: Path, size: str) -> int:
    width, height = (int(n) for n in size.split("x"))
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
    window.show()
    window.sign_in("Coder B (demo)")
    player = window.playerPanel.player

    def select_segment() -> None:
        first = window.session.my_segments()[0]
        window.segmentTable.select_segment(first.id)
        player.seek_ms(first.start_ms + 1500)
        window.ratingPanel.focus_dimension(window.study.scheme.keys[1])

    player.mediaOpened.connect(lambda _index: QTimer.singleShot(300, select_segment))
    checks: dict[str, bool] = {}

    def measure() -> None:
        checks["videos_status"] = column_cut(window.videoTable, 2)
        shown = [c for c in range(6) if not window.videoTable.isColumnHidden(c)]
        checks["videos_shown"] = any(column_cut(window.videoTable, c) for c in shown)
        # every column shown fits: no sideways scrolling in the list
        checks["videos_unscrolled"] = window.videoTable.horizontalScrollBar().isVisible()
        checks["segments_episode"] = column_cut(window.segmentTable.view, 4)
        checks["segments_rated"] = column_cut(window.segmentTable.view, 5)

    def locked() -> None:
        # Coder A submitted this video: the rating panel says it is locked
        window.sign_in("Coder A (demo)")
        QTimer.singleShot(800, window.controller.rate_session)
        QTimer.singleShot(1500, check_lock)

    def check_lock() -> None:
        note = window.ratingPanel.findChild(QLabel, "lockNote")
        screen = QGuiApplication.primaryScreen().grabWindow(0)
        screen.save(str(output.with_name(output.stem + "-locked.png")), "PNG")
        checks["lock_banner"] = note is None or label_cut(note)
        print(f"platform={QGuiApplication.platformName()} saved={saved} "
              f"size={window.width()}x{window.height()} screen={width}x{height} "
              + " ".join(f"{k}={'cut' if v else 'ok'}" for k, v in checks.items()),
              flush=True)  # fmt: skip
        window.close()
        app.exit(0 if saved else 1)

    saved = False

    def shoot() -> None:
        nonlocal saved
        measure()
        saved = QGuiApplication.primaryScreen().grabWindow(0).save(str(output), "PNG")
        locked()

    QTimer.singleShot(2500, shoot)
    return app.exec()


def main() -> int:
    faulthandler.enable()
    # the first start's layout, and nothing saved into this computer's own settings
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="eas-settings-")
    mode, study_file = sys.argv[1], Path(sys.argv[2])
    if mode == "keys":
        return keys(study_file)
    return shot(study_file, Path(sys.argv[3]), sys.argv[4])


if __name__ == "__main__":
    sys.exit(main())
