"""Blind coding in the window (issue 14, item 4), driven with keys and clicks: a coder who is
not assigned to a video sees nobody's work on it; the video list shows a coder's assigned
videos ("Assigned to me"), and all videos only where the study allows self-assignment;
opening an unassigned video asks, is refused unless allowed, and is audited; a coder's
passphrase is asked at sign-in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.demo import NEW_CODER
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.store.study import Study
from eas_coder.store.unit import os_user
from tests.gui.coding.test_coding_flow import choose_video, open_demo, press

CODER_A = "Coder A (demo)"
# In the demo, C is assigned D002 T1 and D003 T1; D002 T2 is A's alone and submitted.
C_VIDEOS = [("D002", "T1 pre"), ("D003", "T1 pre")]


def _switch_coder(qtbot: QtBot, window: MainWindow) -> QDialog:
    """File ▸ Switch Coder (Ctrl+Shift+W): the sign-in dialog, active and ready for keys."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(
        window,
        Qt.Key.Key_W,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    shown = lambda: [d for d in window.findChildren(QDialog, "coderDialog") if d.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: bool(shown()))
    (dialog,) = shown()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def sign_in_with_dialog(qtbot: QtBot, window: MainWindow, coder: str) -> None:
    """Pick the coder in the sign-in dialog's list with the arrow keys, Enter."""
    dialog = _switch_coder(qtbot, window)
    names = [dialog.codersList.item(i).text() for i in range(dialog.codersList.count())]
    dialog.codersList.setFocus()
    while dialog.codersList.currentRow() > names.index(coder):
        qtbot.keyClick(dialog.codersList, Qt.Key.Key_Up)
    while dialog.codersList.currentRow() < names.index(coder):
        qtbot.keyClick(dialog.codersList, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.codersList, Qt.Key.Key_Return)
    assert window.session.coder is not None and window.session.coder.name == coder
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _rows(window: MainWindow) -> list[tuple[str, str]]:
    model = window.videoTable.model()
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def _filters(window: MainWindow) -> list[str]:
    box = window.statusFilter
    return [box.itemText(i) for i in range(box.count())]


def _choose_filter(qtbot: QtBot, window: MainWindow, label: str) -> None:
    """Pick a status filter with the keyboard, as a person does (focus, then arrows)."""
    box = window.statusFilter
    box.setFocus()
    target = _filters(window).index(label)
    while box.currentIndex() != target:
        qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < target else Qt.Key.Key_Up)
    assert box.currentText() == label


def _video_id(study: Study, participant: str, timepoint: str) -> int:
    return next(
        v.id
        for v in study.videos.all()
        if (v.participant_code, v.timepoint) == (participant, timepoint)
    )


def _question(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    box = window.findChild(QMessageBox, "selfAssignBox")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    return box


def test_an_unassigned_coder_sees_no_other_coders_work(qtbot: QtBot, window: MainWindow) -> None:
    """The manager had D002 T2 open (A's, submitted); C signs in: no track, no count of A's."""
    choose_video(qtbot, window, "D002", "T2 follow-up")
    assert CODER_A in [t.name for t in window.playerPanel.timeline.tracks()]
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    assert _rows(window) == C_VIDEOS  # D002 T2 is not C's: not listed, no longer open
    assert window.session.video is not None and window.session.video.participant_code == "D003"
    assert window.session.others_segments() == {}
    assert CODER_A not in [t.name for t in window.playerPanel.timeline.tracks()]
    assert CODER_A not in window.codingValue.text()


def test_a_coders_list_shows_their_videos_and_all_only_when_allowed(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    assert _filters(window) == ["Assigned to me", "Not started", "In progress", "Submitted"]
    assert _rows(window) == C_VIDEOS
    window.study.coders.act_as(None, manager=True)
    window.study.settings.set("coding.self_assign", True)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    assert _filters(window)[0] == "Assigned to me" and _filters(window)[-1] == "All videos"
    assert _rows(window) == C_VIDEOS
    _choose_filter(qtbot, window, "All videos")
    assert len(_rows(window)) == 8
    status = {
        row: window.videoTable.model().index(n, 2).data() for n, row in enumerate(_rows(window))
    }
    assert status[("D002", "T2 follow-up")] == "not assigned to you"
    _choose_filter(qtbot, window, "Submitted")
    assert _rows(window) == []  # C has submitted nothing; A's submitted tapes are not C's
    window.close()


def test_opening_an_unassigned_video_asks_and_audits_the_self_assignment(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    with Study.open(from_string(demo_study_file), backup=False) as study:
        study.settings.set("coding.self_assign", True)
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    _choose_filter(qtbot, window, "All videos")
    choose_video(qtbot, window, "D002", "T2 follow-up")
    box = _question(qtbot, window)
    assert "D002" in box.text() and "not assigned" in box.text()
    assert not window.session.can_code()  # nothing to code until the coder says yes
    assert not window.actions_by_name["actionMarkIn"].isEnabled()
    assert CODER_A not in [t.name for t in window.playerPanel.timeline.tracks()]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.session.can_code)
    video = _video_id(window.study, "D002", "T2 follow-up")
    c = window.study.coders.get(NEW_CODER).id
    assert c in [a.coder_id for a in window.study.assignments.of_video(video)]
    entry = next(e for e in window.study.audit_log() if "self_assigned" in str(e.new))
    assert NEW_CODER in entry.actor and os_user() in entry.actor
    assert window.actions_by_name["actionMarkIn"].isEnabled()
    assert CODER_A not in [t.name for t in window.playerPanel.timeline.tracks()]  # still blind
    window.close()


def test_saying_no_leaves_the_video_unassigned_and_uncoded(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    with Study.open(from_string(demo_study_file), backup=False) as study:
        study.settings.set("coding.self_assign", True)
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    _choose_filter(qtbot, window, "All videos")
    choose_video(qtbot, window, "D002", "T2 follow-up")
    box = _question(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.playerPanel.surface.setFocus()
    press(qtbot, Qt.Key.Key_I)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_O)
    video = _video_id(window.study, "D002", "T2 follow-up")
    c = window.study.coders.get(NEW_CODER).id
    assert window.study.segments.all(video_id=video, coder_id=c) == []
    assert c not in [a.coder_id for a in window.study.assignments.of_video(video)]
    window.close()


def test_opening_an_unassigned_video_is_refused_once_self_assignment_is_off(
    qtbot: QtBot, demo_study_file: Path
) -> None:
    """C listed all videos while self-assignment was on; the manager turned it off at another
    workstation; C's click on an unassigned video is refused (and recorded), no question."""
    with Study.open(from_string(demo_study_file), backup=False) as study:
        study.settings.set("coding.self_assign", True)
    window = open_demo(qtbot, demo_study_file)
    sign_in_with_dialog(qtbot, window, NEW_CODER)
    _choose_filter(qtbot, window, "All videos")
    with Study.open(from_string(demo_study_file), backup=False) as elsewhere:
        elsewhere.settings.set("coding.self_assign", False)
    choose_video(qtbot, window, "D002", "T2 follow-up")
    qtbot.waitUntil(lambda: "not assigned" in window.statusBar().currentMessage())
    box = window.findChild(QMessageBox, "selfAssignBox")
    assert box is None or not box.isVisible()
    assert not window.session.can_code()
    entry = window.study.audit_log(limit=1)[0]
    assert entry.action == "assignment.refused" and NEW_CODER in entry.actor
    window.close()


def test_a_coder_with_a_passphrase_signs_in_with_it(qtbot: QtBot, demo_study_file: Path) -> None:
    with Study.open(from_string(demo_study_file), backup=False) as study:
        study.coders.set_passphrase(NEW_CODER, "cleo-only-9")
    window = open_demo(qtbot, demo_study_file)
    dialog = _switch_coder(qtbot, window)
    names = [dialog.codersList.item(i).text() for i in range(dialog.codersList.count())]
    dialog.codersList.setFocus()
    dialog.codersList.setCurrentRow(names.index(CODER_A))
    assert not dialog.coderPassphraseRow.isVisible()  # A has none
    qtbot.keyClick(dialog.codersList, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.codersList, Qt.Key.Key_Down)
    assert dialog.codersList.currentItem().text() == NEW_CODER
    assert dialog.coderPassphraseRow.isVisible()
    qtbot.keyClick(dialog.codersList, Qt.Key.Key_Return)  # no passphrase typed: asked for it
    assert dialog.isVisible() and window.session.coder is None
    assert QApplication.focusWidget() is dialog.coderPassphraseEdit
    qtbot.keyClicks(dialog.coderPassphraseEdit, "guess")
    qtbot.keyClick(dialog.coderPassphraseEdit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.coderErrorLabel.text() == "Wrong passphrase"
    assert window.session.coder is None and dialog.coderPassphraseEdit.text() == ""
    qtbot.keyClicks(dialog.coderPassphraseEdit, "cleo-only-9")
    qtbot.keyClick(dialog.coderPassphraseEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.coder is not None)
    assert window.session.coder.name == NEW_CODER  # type: ignore[union-attr]
    window.close()
