"""Run under Xvfb by test_assignment_matrix_screen.py: the real main window on the demo
study, the lab manager opens Tools ▸ Assignment Matrix… (Ctrl+Shift+M), selects a block of
cells, and the whole screen is photographed as the X server shows it.

Usage: python xvfb_assignment_matrix.py STUDY_FILE OUTPUT_PNG
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QTimer
from PySide6.QtGui import QGuiApplication

from eas_coder.gui.manager.assignment_matrix import AssignmentMatrix
from eas_coder.gui.window.app import application, open_window
from eas_coder.location import from_string


def main() -> int:
    faulthandler.enable()
    study_file, output = Path(sys.argv[1]), Path(sys.argv[2])
    app = application()
    window = open_window(from_string(study_file), explicit=True)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    window.setGeometry(screen)
    window.show()
    window.sign_in(None, manager=True)
    study = window.study
    # one submitted video unlocked again, so every status is on screen
    first = study.assignments.all()[0]
    study.assignments.reopen(first.video_id, first.coder_id)
    # a study in its second month: more dyads (rated on paper, no file), half given to C
    more = [
        study.videos.add(f"D{n:03d}", t, None)
        for n in range(5, 17)
        for t in ("T1 pre", "T2 follow-up")
    ]
    newcomer = study.coders.get("Coder C (demo)").id
    study.assignments.change_many(assign=[(v.id, newcomer) for v in more[::2]])
    window.refresh_videos()
    window.findChild(type(window.menuTools.actions()[0]), "actionAssignmentMatrix").trigger()
    matrix = window.findChild(AssignmentMatrix)
    assert matrix is not None
    matrix.resize(min(1200, screen.width() - 80), min(760, screen.height() - 80))
    matrix.move(screen.x() + 40, screen.y() + 40)
    model = matrix.model
    block = QItemSelection(model.index(2, 1), model.index(5, model.columnCount() - 1))
    matrix.matrixView.selectionModel().select(block, QItemSelectionModel.SelectionFlag.Select)

    def shoot() -> None:
        shot = QGuiApplication.primaryScreen().grabWindow(0)  # the X server's framebuffer
        ok = shot.save(str(output), "PNG")
        print(
            f"platform={QGuiApplication.platformName()} saved={ok} "
            f"size={shot.width()}x{shot.height()} rows={model.rowCount()} "
            f"columns={model.columnCount()} summary={matrix.summaryLabel.text()!r}",
            flush=True,
        )
        matrix.close()
        window.close()
        app.exit(0 if ok else 1)

    QTimer.singleShot(1500, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
