"""Run under Xvfb by test_lab_manager_screens.py: the real main window filling the screen,
the lab manager signed in; File ▸ Study Settings… is opened and the screen photographed,
then Tools ▸ Audit Log… (filtered by nothing, its first page shown), photographed too.

Usage: python xvfb_lab_manager.py STUDY_FILE SETTINGS_PNG AUDIT_PNG
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QWidget

from eas_coder.gui.manager.audit_log_dialog import AuditLogDialog
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def _centre(dialog: QWidget, over: QWidget) -> None:
    """Where a window manager puts a dialog: over the middle of its window (Xvfb has none)."""
    frame = dialog.frameGeometry()
    frame.moveCenter(over.frameGeometry().center())
    dialog.move(frame.topLeft())


def _shoot(output: Path, dialog: QWidget) -> str:
    screen = QGuiApplication.primaryScreen()
    size = screen.geometry()
    pixmap = screen.grabWindow(0)  # the whole X screen, window and dialog as a person sees it
    frame = dialog.frameGeometry()
    inside = size.contains(frame)
    ok = pixmap.save(str(output), "PNG")
    return (
        f"{output.name}: saved={ok} screen={size.width()}x{size.height()} "
        f"dialog={frame.width()}x{frame.height()}+{frame.x()}+{frame.y()} inside={inside}"
    )


def main() -> int:
    faulthandler.enable()
    study_file, settings_png, audit_png = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    # Xvfb has no window manager to maximise it: fill the screen as a maximised window does
    window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
    window.show()
    window.sign_in(None, manager=True)
    report: list[str] = [f"platform={QGuiApplication.platformName()}"]

    def open_settings() -> None:
        action = window.findChild(QAction, "actionStudySettings")
        action.trigger()
        QTimer.singleShot(800, shoot_settings)

    def shoot_settings() -> None:
        dialog = window.findChild(QAction, "actionStudySettings").parent().dialog
        _centre(dialog, window)
        window.update()  # where the dialog was before it moved
        QTimer.singleShot(500, lambda: then_audit(dialog))

    def then_audit(dialog: QWidget) -> None:
        report.append(_shoot(settings_png, dialog))
        dialog.reject()
        window.findChild(QAction, "actionAuditLog").trigger()
        QTimer.singleShot(800, centre_audit)

    def centre_audit() -> None:
        _centre(window.findChild(AuditLogDialog), window)
        window.update()
        QTimer.singleShot(500, shoot_audit)

    def shoot_audit() -> None:
        dialog = window.findChild(AuditLogDialog)
        report.append(_shoot(audit_png, dialog))
        report.append(f"rows={dialog.model.rowCount()} total={dialog.model.total}")
        dialog.reject()
        print("\n".join(report), flush=True)
        window.close()
        app.exit(0)

    QTimer.singleShot(1500, open_settings)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
