"""Item scores typed in the rating panel are saved with their dimension's rating: refused
(and shown empty again) before the dimension has a score, kept when the score changes,
cleared with Backspace, and undone and redone like any score."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import flushed
from tests.gui.coding.test_coding_flow import choose_video, open_demo, press
from tests.gui.coding.test_typed_fields_round_trip import CODER, items_study_file

Key = Qt.Key
Mod = Qt.KeyboardModifier


def _control(window: MainWindow, key: str) -> ScoreControl:
    found = window.ratingPanel.findChild(ScoreControl, f"score:{key}")
    assert found is not None, key
    return found


def _click(qtbot: QtBot, window: MainWindow, key: str, score: float) -> None:
    control = _control(window, key)
    qtbot.mouseClick(control, Qt.MouseButton.LeftButton, pos=control.point_of(score))


def _session_sensitivity(window: MainWindow) -> tuple[float, dict[str, float]] | None:
    flushed(window.session)  # saved once the window says so
    found = window.session.find_rating("sensitivity", None)
    return None if found is None else (found.score, dict(found.items or {}))


def test_item_scores_are_saved_kept_cleared_and_undone(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_demo(qtbot, items_study_file(tmp_path))
    window.sign_in(CODER)
    choose_video(qtbot, window, "M01", "T1 pre")
    press(qtbot, Key.Key_S, Mod.ControlModifier | Mod.ShiftModifier)  # rate the whole session
    panel = window.ratingPanel

    with qtbot.waitSignal(window.session.failed) as refused:
        _click(qtbot, window, "sensitivity/warmth", 3)  # before the dimension's score
    assert refused.args == ["give the Sensitivity score first, then its items"]
    assert _session_sensitivity(window) is None
    assert panel.scores().get("sensitivity/warmth") is None  # not shown as if saved

    panel.focus_dimension("sensitivity")
    press(qtbot, "5")
    _click(qtbot, window, "sensitivity/warmth", 3)
    _click(qtbot, window, "sensitivity/timing", 2)
    assert _session_sensitivity(window) == (5.0, {"warmth": 3.0, "timing": 2.0})

    panel.focus_dimension("sensitivity")
    press(qtbot, Key.Key_Up)  # 5.5: a new score keeps the items
    assert _session_sensitivity(window) == (5.5, {"warmth": 3.0, "timing": 2.0})

    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert _session_sensitivity(window) == (5.0, {"warmth": 3.0, "timing": 2.0})
    press(qtbot, Key.Key_Z, Mod.ControlModifier)  # the timing click
    assert _session_sensitivity(window) == (5.0, {"warmth": 3.0})
    assert panel.scores().get("sensitivity/timing") is None
    press(qtbot, Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert _session_sensitivity(window) == (5.0, {"warmth": 3.0, "timing": 2.0})
    assert panel.scores()["sensitivity/timing"] == 2.0

    _control(window, "sensitivity/warmth").setFocus()
    press(qtbot, Key.Key_Backspace)
    assert _session_sensitivity(window) == (5.0, {"timing": 2.0})
    window.close()
