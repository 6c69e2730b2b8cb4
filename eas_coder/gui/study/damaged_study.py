"""Opening a damaged study file: say what is wrong and offer the newest good backup.

The core refuses a damaged file with ``StudyDamaged``, naming the newest intact backup. Here
the person is asked; on "Restore Backup" the backup replaces the file (``store/restore.py``
keeps the damaged file beside the backups first) and the study opens. Anything else leaves
the file exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from eas_coder.errors import StudyDamaged
from eas_coder.location import Location
from eas_coder.store.backups import list_backups
from eas_coder.store.restore import restore
from eas_coder.store.study import Study

BOX_NAME = "damagedStudyBox"


def _taken(damaged: StudyDamaged) -> str:
    assert damaged.backup is not None
    for info in list_backups(damaged.path):
        if info.path == damaged.backup:
            return f"{info.taken_at.astimezone():%Y-%m-%d %H:%M}"
    return damaged.backup.name


def offer_restore(parent: QWidget | None, damaged: StudyDamaged) -> bool:
    """Ask whether to restore the newest good backup; True when the person agrees."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "The study file is damaged",
        f"{damaged.path} is damaged and cannot be opened as it is.\n\n"
        f"The newest good backup was taken {_taken(damaged)}. Restore it? Work saved after "
        "that time is not in it; the damaged file is kept beside the backups.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName(BOX_NAME)
    box.button(QMessageBox.StandardButton.Yes).setText("Restore Backup")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # never by a stray Enter
    box.setDetailedText(str(damaged))
    return bool(box.exec() == QMessageBox.StandardButton.Yes)


def open_offering_restore(
    parent: QWidget | None,
    location: Location,
    open_study: Callable[[Location], Study] = Study.open,
    on_restored: Callable[[str], None] = lambda _message: None,
) -> Study:
    """``open_study(location)``; a damaged file with a good backup is offered a restore.

    Raises the ``StudyDamaged`` when there is no backup or the person declines.
    """
    try:
        return open_study(location)
    except StudyDamaged as damaged:
        if damaged.backup is None or not offer_restore(parent, damaged):
            raise
        result = restore(damaged.path, damaged.backup)
    study = open_study(location)
    kept = f"; the damaged file is kept as {result.before_restore}" if result.before_restore else ""
    on_restored(f"Restored {result.study.name} from the backup {result.source.name}{kept}")
    return study
