"""Tools ▸ Reliability Sample… shows which videos it will draw before it assigns them
(issue 23, item 4): the preview follows the share, seed, coders and strata as they are typed,
Cancel assigns nothing, and Assign writes exactly the previewed assignments."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.sample_dialog import ReliabilitySampleDialog
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.sampling import plan_sample


def _open(qtbot: QtBot, window: MainWindow) -> ReliabilitySampleDialog:
    window.manager_actions.sample_action.trigger()
    dialog = window.findChild(ReliabilitySampleDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _shown(dialog: ReliabilitySampleDialog) -> list[tuple[str, str]]:
    table = dialog.previewTable
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def _tick(qtbot: QtBot, dialog: ReliabilitySampleDialog, name: str) -> None:
    item = dialog.coderList.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    dialog.coderList.setCurrentItem(item)
    qtbot.keyClick(dialog.coderList, Qt.Key.Key_Space)


def test_preview_then_assign_exactly_what_was_shown(window: MainWindow, qtbot: QtBot) -> None:
    study = window.study
    before = study.assignments.all()
    dialog = _open(qtbot, window)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no coder ticked yet
    assert "Tick the coder" in dialog.previewLabel.text()
    qtbot.keyClicks(dialog.shareSpin, "50")  # the field starts selected: typing replaces it
    assert dialog.shareSpin.value() == 50
    _tick(qtbot, dialog, "Coder C (demo)")
    expected = plan_sample(study, ["Coder C (demo)"], 0.5, 2026)
    assert _shown(dialog) == [(v.participant_code, v.timepoint) for v in expected.drawn]
    assert ok.text() == f"Assign {len(expected.pairs)}" and ok.isEnabled()
    dialog.seedSpin.selectAll()
    qtbot.keyClicks(dialog.seedSpin, "7")
    other = plan_sample(study, ["Coder C (demo)"], 0.5, 7)
    assert _shown(dialog) == [(v.participant_code, v.timepoint) for v in other.drawn]
    assert study.assignments.all() == before  # previewing wrote nothing

    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    coder_id = study.coders.get("Coder C (demo)").id
    made = {(a.video_id, a.coder_id) for a in study.assignments.all()} - {
        (a.video_id, a.coder_id) for a in before
    }
    assert made == set(other.pairs) and all(c == coder_id for _v, c in made)
    assert "seed 7" in window.statusBar().currentMessage()
    assert f"{len(other.pairs)} assignments" in window.statusBar().currentMessage()


def test_cancel_assigns_nothing(window: MainWindow, qtbot: QtBot) -> None:
    before = window.study.assignments.all()
    dialog = _open(qtbot, window)
    _tick(qtbot, dialog, "Coder B (demo)")
    qtbot.mouseClick(dialog.stratifyCheck, Qt.MouseButton.LeftButton)
    assert not dialog.stratifyCheck.isChecked() and dialog.previewTable.rowCount() > 0
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.study.assignments.all() == before
