"""Tools ▸ Audit Log… in the real window (issue 23, item 6): who changed what and when,
filtered by coder, video and days; blind for a coder (no other coder's scores or notes, on
screen or in the CSV); read a page at a time, so a long log opens with one page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from eas_coder.gui.manager.audit_log_dialog import AuditLogDialog
from eas_coder.gui.manager.audit_log_model import PAGE
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.store.audit_read import HIDDEN
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study
from eas_coder.store.tables import AuditRow

LEFT = Qt.MouseButton.LeftButton
SECRET = "B thinks the mother is tense"


def _open(qtbot: QtBot, window: MainWindow) -> AuditLogDialog:
    action = window.findChild(QAction, "actionAuditLog")
    assert action is not None and action in window.menuTools.actions()
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(AuditLogDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _cells(dialog: AuditLogDialog) -> list[list[str]]:
    model = dialog.model
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))  # what scrolling to the end does
    return [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _choose(qtbot: QtBot, box: QComboBox, text: str) -> None:
    """Pick an entry of a closed combo box by typing, as a person does with the keyboard."""
    box.setFocus()
    index = box.findText(text)
    assert index >= 0, text
    while box.currentIndex() != index:
        qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up)


def _b_codes_blind(study: Study) -> tuple[int, str]:
    """Coder B rates a video Coder A is also assigned, not yet submitted by either."""
    a, b = study.coders.get("Coder A (demo)"), study.coders.get("Coder B (demo)")
    video = study.videos.add("D099", "T1 pre", None, None)  # new: nobody has coded it
    study.assignments.add(video.id, a.id)
    study.assignments.add(video.id, b.id)
    study.coders.act_as(b)
    study.ratings.set(video.id, b.id, "sensitivity", 2.5, note=SECRET)
    study.coders.act_as(None, manager=True)
    return video.id, video.label


def test_the_manager_sees_all_and_filters(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    _video_id, label = _b_codes_blind(study)
    dialog = _open(qtbot, window)
    assert not dialog.blindLabel.isVisible()  # the lab manager sees everything
    total = len(study.audit_log())
    assert dialog.model.total == total and dialog.countLabel.text() == f"{total:,} entries"
    rows = _cells(dialog)
    assert any(SECRET in row[5] for row in rows)
    # by video: only entries about it
    _choose(qtbot, dialog.videoBox, next(t for t in _items(dialog.videoBox) if t.startswith(label)))
    rows = _cells(dialog)
    assert rows and all(row[3].startswith(label) for row in rows)
    assert {row[2] for row in rows} >= {"assigned", "score saved"}
    # by coder as well: B's score on it, and B's assignment
    _choose(qtbot, dialog.coderBox, "Coder B (demo)")
    rows = _cells(dialog)
    assert sorted(row[2] for row in rows) == ["assigned", "score saved"]
    assert all(row[4] == "Coder B (demo)" for row in rows)
    # by days: nothing from tomorrow on, all of it up to today
    _choose(qtbot, dialog.coderBox, "All coders")
    _choose(qtbot, dialog.videoBox, "All videos")
    qtbot.mouseClick(dialog.fromCheck, LEFT, pos=dialog.fromCheck.rect().center())
    dialog.fromDate.setDate(QDate.currentDate().addDays(1))
    assert dialog.model.total == 0 and dialog.countLabel.text() == "0 entries"
    assert not dialog.exportButton.isEnabled()
    dialog.fromDate.setDate(QDate.currentDate().addDays(-1))
    qtbot.mouseClick(dialog.untilCheck, LEFT, pos=dialog.untilCheck.rect().center())
    assert dialog.model.total == total


def _items(box: QComboBox) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def test_a_coder_sees_no_other_coders_scores_on_screen_or_in_csv(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = window.study
    _b_codes_blind(study)
    window.sign_in("Coder A (demo)")
    dialog = _open(qtbot, window)
    assert dialog.blindLabel.isVisible()
    rows = _cells(dialog)
    assert len(rows) == len(study.audit_log())  # every entry listed, who/when/what
    text = "\n".join("\t".join(row) for row in rows)
    assert SECRET not in text
    b_rows = [row for row in rows if row[4] == "Coder B (demo)"]
    assert b_rows and all(row[5] == HIDDEN for row in b_rows)
    assert all(
        row[2] != "score saved" or row[5] != HIDDEN for row in rows if row[4] == "Coder A (demo)"
    )
    # the CSV holds what the screen shows: a default name beside the study
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return suggested, ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(dialog.exportButton, LEFT)
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=30_000)
    target = Path(asked[0])
    assert target.parent == study.location.base_dir
    assert target.name.endswith(".csv") and "audit log" in target.name
    content = target.read_text(encoding="utf-8-sig")
    assert SECRET not in content
    with target.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == len(rows)
    hidden = [r for r in records if r["work_of_coder"] == "Coder B (demo)"]
    assert hidden and all(r["old"] == HIDDEN and r["new"] == HIDDEN for r in hidden)
    assert f"Exported {len(rows):,} entries" in dialog.messageLabel.text()
    # it ends with the box that opens the CSV's folder, and says how many entries went
    box = dialog.exported_box
    assert isinstance(box, QMessageBox) and box.objectName() == "exportedBox"
    qtbot.waitUntil(box.isVisible)
    assert str(target.parent) in box.text() and target.name in box.text()
    assert f"{len(rows):,} entries" in box.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    button = box.findChild(QPushButton, "openFolderButton")
    assert button is not None and button.text() == "Open Folder"
    qtbot.mouseClick(button, LEFT)
    assert opened == [QUrl.fromLocalFile(str(target.parent))]


def test_the_study_file_is_refused_as_the_csv_target(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    study_file = window.study.location.path
    assert study_file is not None
    size = study_file.stat().st_size
    dialog = _open(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(study_file), ""))
    qtbot.mouseClick(dialog.exportButton, LEFT)  # the study file picked by mistake
    qtbot.waitUntil(lambda: dialog.runner is None, timeout=30_000)
    assert "that is the study file itself" in dialog.messageLabel.text()
    assert dialog.messageLabel.text().startswith("Not exported")
    assert dialog.exported is None
    assert window.study.coders.all()  # the study is whole
    assert study_file.stat().st_size >= size


def test_a_long_log_opens_with_one_page(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    engine = make_engine(study.location)
    rows = [
        {"actor": "bulk (login test)", "action": "setting.set", "entity": "study_setting",
         "entity_id": None, "old": None, "new": f'{{"n": {i}}}'}
        for i in range(100_000)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(AuditRow), rows)
    engine.dispose()
    dialog = _open(qtbot, window)
    assert dialog.model.total >= 100_000
    assert dialog.model.rowCount() == PAGE  # only the newest page was read
    table = dialog.auditTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > PAGE)  # the view asked for more
    assert dialog.model.rowCount() < dialog.model.total
