"""Run under Xvfb by test_scheme_editor_screen.py: the real main window on a study, the lab
manager opens Tools ▸ Scheme Editor…, gives Sensitivity two items summed into its score, and
the dialog is photographed as the X server shows it.

Usage: python xvfb_scheme_editor.py STUDY_FILE OUTPUT_PNG
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from eas_coder.gui.manager.scheme_editor import SchemeEditor
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    faulthandler.enable()
    study_file, output = Path(sys.argv[1]), Path(sys.argv[2])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    window.resize(1240, 760)
    window.move(20, 20)
    window.show()
    window.sign_in(None, manager=True)
    action = window.findChild(QAction, "actionSchemeEditor")
    action.trigger()
    editor = window.findChild(SchemeEditor)
    assert editor is not None
    editor.move(150, 50)
    tree = editor.schemeTree
    tree.setCurrentItem(tree.findItems("Sensitivity", Qt.MatchFlag.MatchRecursive)[0])
    page = editor.dimensionPage
    page.tabs.setCurrentIndex(1)
    table = page.itemsTable
    for label in ("Warmth", "Attunement"):
        page.addItemButton.click()  # opens the new item's label for typing
        typing = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
        typing.setText(label)
        QTest.keyClick(typing, Qt.Key.Key_Return)
        app.processEvents()  # the delegate commits on the next turn of the event loop
    page.deriveBox.setCurrentIndex(page.deriveBox.findData("sum"))
    table.setCurrentCell(1, 1)

    def shoot() -> None:
        screen = QGuiApplication.primaryScreen()
        frame = editor.frameGeometry()
        # the X server's framebuffer where the dialog is: what a person would see
        pixmap = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        ok = pixmap.save(str(output), "PNG")
        print(
            f"platform={QGuiApplication.platformName()} saved={ok} "
            f"size={frame.width()}x{frame.height()} problem={editor.problemLabel.text()!r} "
            f"save_enabled={editor.saveButton.isEnabled()}",
            flush=True,
        )
        editor.baseline = editor.draft.to_toml()  # leave without asking: nothing is saved
        editor.reject()
        window.close()  # stops the player's threads, closes the study
        app.exit(0 if ok else 1)

    QTimer.singleShot(1500, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
