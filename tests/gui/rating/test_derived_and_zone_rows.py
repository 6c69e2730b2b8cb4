"""The rating panel's rows for a score derived from its items (sum or mean: shown live,
read-only, keys and clicks refused with a hint) and for a zone (digits choose, Up/Down move,
the label shown, the tooltip and anchor box name every zone)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.rating.panel import RatingPanel
from eas_coder.gui.window.app import application
from eas_coder.scheme import Scheme, parse_scheme
from tests.exchange.test_scheme_profiles_export import scheme_text

Key = Qt.Key


def _mean_scheme() -> Scheme:
    text = scheme_text().replace('derive = "sum"', 'derive = "mean"', 1)
    # (no cut-offs: the mean's grid, a step of 1/3 rounded, has no point at exactly 3)
    text = text.replace('nonrisk = 8, source = "Lab training 2024 (test)"', "", 1)
    return parse_scheme(text, "mean scheme")


@pytest.fixture
def panel(qtbot: QtBot) -> RatingPanel:
    application()
    shown = RatingPanel(_mean_scheme())
    qtbot.addWidget(shown)
    shown.resize(420, 700)
    shown.show()
    qtbot.waitExposed(shown)
    shown.set_target("Whole session", {})
    return shown


def _control(panel: RatingPanel, key: str) -> ScoreControl:
    found = panel.findChild(ScoreControl, f"score:{key}")
    assert found is not None
    return found


def test_a_mean_follows_its_items_and_takes_no_keys(qtbot: QtBot, panel: RatingPanel) -> None:
    emitted: list[tuple[str, object]] = []
    panel.scoreChanged.connect(lambda key, score: emitted.append((key, score)))
    derived = _control(panel, "sensitivity")
    panel.focus_dimension("sensitivity")  # the keyboard goes to the first item
    assert panel.focused_dimension() == "sensitivity/item_1"
    for digit in ("2", "5", "3"):
        qtbot.keyClick(panel.focusWidget(), digit)
        qtbot.keyClick(panel.focusWidget(), Key.Key_Return)
    assert emitted == [("sensitivity/item_1", 2.0), ("sensitivity/item_2", 5.0),
                       ("sensitivity/item_3", 3.0)]  # fmt: skip
    assert derived.display_text() == "3.33"  # 10 / 3, as the mean's step allows
    assert panel.scores()["sensitivity"] == pytest.approx(10 / 3)
    assert "Derived from items" in derived.toolTip()

    hint = panel.findChild(QLabel, "hint:sensitivity")
    derived.setFocus()
    for key in ("4", Key.Key_Up, Key.Key_Backspace):
        qtbot.keyClick(derived, key)
    qtbot.mouseClick(derived, Qt.MouseButton.LeftButton, pos=derived.point_of(4))
    assert [k for k, _ in emitted].count("sensitivity") == 0  # nothing typed into it
    assert hint is not None and hint.text() == "Derived from items — type the items below"
    assert derived.display_text() == "3.33"

    qtbot.keyClick(derived, Key.Key_N)  # N still goes to its note
    assert panel.focused_dimension() == "sensitivity"
    assert panel.focusWidget().objectName() == "note:sensitivity"


def test_a_zone_is_chosen_by_digit_and_named(qtbot: QtBot, panel: RatingPanel) -> None:
    emitted: list[tuple[str, object]] = []
    panel.scoreChanged.connect(lambda key, score: emitted.append((key, score)))
    zone = _control(panel, "zone_adult")
    assert "1 Problematic" in zone.toolTip() and "4 Emotionally available" in zone.toolTip()
    panel.focus_dimension("zone_adult")
    qtbot.keyClick(zone, "2")
    level = panel.findChild(QLabel, "level:zone_adult")
    assert level is not None and level.text() == "Detached"
    qtbot.keyClick(zone, Key.Key_Up)
    qtbot.keyClick(zone, Key.Key_Up)
    qtbot.keyClick(zone, Key.Key_Up)  # past the top: refused
    qtbot.keyClick(zone, Key.Key_Down)
    assert emitted == [("zone_adult", 2.0), ("zone_adult", 3.0), ("zone_adult", 4.0),
                       ("zone_adult", 3.0)]  # fmt: skip
    assert level.text() == "Complicated"
    assert zone.accessibleDescription() == "zone 3, Complicated"
    text = panel.findChild(QLabel, "anchorText")
    assert text is not None and "▸ 3 — Complicated" in text.text()
    qtbot.keyClick(zone, Key.Key_Backspace)
    assert emitted[-1] == ("zone_adult", None) and level.isHidden()
