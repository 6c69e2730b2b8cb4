"""The manager room stands on its own: its jobs are built from plain objects (a parent widget,
a callable returning the study, who is signed in, a status reporter) and work without a main
window — here under a bare QWidget, driven by clicks and keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.relink_action import RelinkAction
from eas_coder.gui.manager.report_action import ReportAction
from eas_coder.location import from_string
from eas_coder.store.study import Study


@pytest.fixture
def demo(demo_study_file: Path) -> Iterator[Study]:
    with Study.open(from_string(demo_study_file), backup=False) as study:
        yield study


def _bare(qtbot: QtBot, job: ReportAction | RelinkAction) -> QToolButton:
    """The job's entry as a button on its parent, which is shown."""
    parent = job.parent()
    assert isinstance(parent, QWidget) and type(parent) is QWidget  # no window behind it
    button = QToolButton(parent)
    button.setDefaultAction(job.action)
    parent.show()
    qtbot.waitExposed(parent)
    return button


def test_report_action_with_plain_objects(
    qtbot: QtBot, demo: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    signed_in = {"manager": False}
    shown: list[tuple[str, int]] = []
    job = ReportAction(
        parent,
        lambda: demo,
        lambda: signed_in["manager"],
        lambda text, ms: shown.append((text, ms)),
    )
    button = _bare(qtbot, job)
    asked: list[str] = []

    def save_as(*_args: object, **_kwargs: object) -> tuple[str, str]:
        asked.append("file")
        return str(tmp_path / "report"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    assert not job.action.isEnabled()  # nobody signed in: lab manager only
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked == [] and not job.busy()

    signed_in["manager"] = True
    job.update_enabled()
    assert job.action.isEnabled()
    with qtbot.waitSignal(job.written, timeout=60_000) as written:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    pdf = tmp_path / "report.pdf"
    assert written.args == [str(pdf)] and pdf.stat().st_size > 0
    assert shown == [(f"Reliability report written to {pdf}", 15_000)]
    box = job.box
    assert box is not None and box.parent() is parent and box.isVisible()
    assert box.icon() == QMessageBox.Icon.Information and str(pdf) in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the person reads it and closes it
    qtbot.waitUntil(lambda: not box.isVisible())


def test_relink_action_with_plain_objects(
    qtbot: QtBot, demo: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = demo.videos.all()[0]
    old = demo.videos.file_of(video)
    assert old is not None
    moved = tmp_path / "lab drive" / "renamed.mp4"
    moved.parent.mkdir()
    old.rename(moved)
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[str] = []
    refreshed: list[bool] = []
    job = RelinkAction(
        parent,
        lambda: demo,
        lambda: True,
        lambda text, _ms: shown.append(text),
        lambda: refreshed.append(True),
    )
    button = _bare(qtbot, job)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(moved.parent))
    confirmations: list[str] = []

    def confirm() -> None:  # the plan's question is modal: answer it with the keyboard
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, confirm)
            return
        confirmations.append(box.text())
        assert box.parent() is parent
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Yes is the default

    QTimer.singleShot(0, confirm)
    with qtbot.waitSignal(job.relinked, timeout=60_000) as relinked:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (text,) = confirmations
    assert "Found 1 of 1 missing file(s)" in text
    assert [m.missing.video_id for m in relinked.args[0].relinked] == [video.id]
    assert refreshed == [True]
    assert shown == ["Relinked 1 file(s)"]
    assert demo.videos.file_of(demo.videos.all()[0]) == moved
