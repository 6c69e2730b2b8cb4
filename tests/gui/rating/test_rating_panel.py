"""The rating panel, driven like a coder: digits, Tab, Enter, arrows, clicks and notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot

from eas_coder.errors import ScoreError
from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.rating.panel import RatingPanel
from eas_coder.gui.window.app import application
from eas_coder.scheme import Scheme, load_scheme

Key = Qt.Key
ADULT_THEN_CHILD = [
    "sensitivity",
    "structuring",
    "nonintrusiveness",
    "nonhostility",
    "child_responsiveness",
    "child_involvement",
]

# A lab's own scheme: a child dimension listed first (the panel still puts adults first),
# anchors, items, a description, a whole-point dimension and a 0–10 one.
LAB_TOML = """
[scheme]
id = "lab-test"
name = "Lab test scheme"
version = "1"

[[dimensions]]
key = "child_responsiveness"
label = "Child responsiveness"
side = "child"
min = 1
max = 7
step = 0.5

[[dimensions]]
key = "sensitivity"
label = "Sensitivity"
side = "adult"
min = 1
max = 7
step = 0.5
anchors = { "1" = "Lab anchor one", "4" = "Lab anchor four", "7" = "Lab anchor seven" }

[[dimensions.items]]
key = "warmth"
label = "Warmth"
min = 1
max = 3
step = 1

[[dimensions.items]]
key = "timing"
label = "Timing"
min = 1
max = 3
step = 1

[[dimensions]]
key = "structuring"
label = "Structuring"
side = "adult"
min = 1
max = 7
step = 1
description = "Lab description of structuring"

[[dimensions]]
key = "child_involvement"
label = "Child involvement"
side = "child"
min = 0
max = 10
step = 1
"""


class Recorder:
    """Everything the panel emits, in order."""

    def __init__(self, panel: RatingPanel) -> None:
        self.scores: list[tuple[str, float | None]] = []
        self.notes: list[tuple[str, str]] = []
        panel.scoreChanged.connect(lambda key, score: self.scores.append((key, score)))
        panel.noteChanged.connect(lambda key, text: self.notes.append((key, text)))


def _panel(qtbot: QtBot, scheme: Scheme) -> RatingPanel:
    application()
    panel = RatingPanel(scheme)
    qtbot.addWidget(panel)
    panel.resize(420, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitActive(panel)
    panel.set_target("Segment 2 · 00:01:10.000–00:02:30.000 · Free play", {})
    return panel


@pytest.fixture
def demo_scheme() -> Scheme:
    return load_scheme("eas-demo")


@pytest.fixture
def lab_scheme(tmp_path: Path) -> Scheme:
    path = tmp_path / "lab-test.toml"
    path.write_text(LAB_TOML, encoding="utf-8")
    return load_scheme(path)


@pytest.fixture
def demo(qtbot: QtBot, demo_scheme: Scheme) -> RatingPanel:
    return _panel(qtbot, demo_scheme)


@pytest.fixture
def lab(qtbot: QtBot, lab_scheme: Scheme) -> RatingPanel:
    return _panel(qtbot, lab_scheme)


def control(panel: RatingPanel, key: str) -> ScoreControl:
    found = panel.findChild(ScoreControl, f"score:{key}")
    assert found is not None, key
    return found


def label(panel: RatingPanel, name: str) -> QLabel:
    found = panel.findChild(QLabel, name)
    assert found is not None, name
    return found


def note(panel: RatingPanel, key: str) -> QLineEdit:
    found = panel.findChild(QLineEdit, f"note:{key}")
    assert found is not None, key
    return found


def type_into(qtbot: QtBot, panel: RatingPanel, key: str, keys: str) -> ScoreControl:
    """Focus the dimension's score, then type ``keys``."""
    widget = control(panel, key)
    panel.focus_dimension(key)
    qtbot.waitUntil(widget.hasFocus)
    for char in keys:
        qtbot.keyClick(widget, char)
    return widget


# --- typing scores ---------------------------------------------------------------------------


def test_a_digit_sets_the_score_and_emits_it(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = type_into(qtbot, demo, "structuring", "5")
    assert seen.scores == [("structuring", 5.0)]
    assert demo.scores() == {"structuring": 5.0}
    assert widget.display_text() == "5"
    qtbot.keyClick(widget, Key.Key_3, Qt.KeyboardModifier.KeypadModifier)
    assert seen.scores[-1] == ("structuring", 3.0)


def test_point_five_gives_a_half_point(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = type_into(qtbot, demo, "sensitivity", "5.")
    assert widget.display_text() == "5."  # the half-typed score shows while pending
    qtbot.keyClick(widget, "5")
    assert seen.scores == [("sensitivity", 5.0), ("sensitivity", 5.5)]
    assert demo.scores() == {"sensitivity": 5.5}
    # "." after a score, later: the fraction of that score
    demo.set_score("sensitivity", 4.0)
    qtbot.keyClick(widget, ".")
    qtbot.keyClick(widget, "5")
    assert demo.scores() == {"sensitivity": 4.5}
    assert seen.scores[-1] == ("sensitivity", 4.5)


def test_half_points_refused_on_a_whole_point_scale(qtbot: QtBot, lab: RatingPanel) -> None:
    seen = Recorder(lab)
    type_into(qtbot, lab, "structuring", "5.5")
    assert seen.scores == [("structuring", 5.0)]
    assert lab.scores() == {"structuring": 5.0}
    hint = label(lab, "hint:structuring")
    assert hint.isVisible() and "whole points" in hint.text().lower()


def test_two_digits_make_one_score_only_when_the_scale_has_it(
    qtbot: QtBot, lab: RatingPanel
) -> None:
    seen = Recorder(lab)
    type_into(qtbot, lab, "child_involvement", "10")
    assert seen.scores == [("child_involvement", 1.0), ("child_involvement", 10.0)]
    type_into(qtbot, lab, "child_responsiveness", "15")  # 1–7: "5" starts again
    assert lab.scores()["child_responsiveness"] == 5.0


def test_an_out_of_range_digit_is_refused_with_a_hint(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    hint = label(demo, "hint:sensitivity")
    assert not hint.isVisible()
    widget = type_into(qtbot, demo, "sensitivity", "9")
    assert seen.scores == []
    assert demo.scores() == {}
    assert widget.display_text() == "–"
    assert hint.isVisible() and hint.text() == "9 is outside 1–7"
    qtbot.keyClick(widget, "4")
    qtbot.keyClick(widget, "0")  # "40" is not a score and "0" is below 1: 4 stays
    assert seen.scores == [("sensitivity", 4.0)]
    assert "0 is outside 1–7" in hint.text()


def test_backspace_and_delete_clear(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = type_into(qtbot, demo, "nonhostility", "6")
    qtbot.keyClick(widget, Key.Key_Backspace)
    assert seen.scores == [("nonhostility", 6.0), ("nonhostility", None)]
    assert demo.scores() == {}
    assert widget.display_text() == "–"
    qtbot.keyClick(widget, "3")
    qtbot.keyClick(widget, Key.Key_Delete)
    assert seen.scores[-1] == ("nonhostility", None)


def test_up_and_down_step_and_stop_at_the_ends(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = type_into(qtbot, demo, "sensitivity", "")
    qtbot.keyClick(widget, Key.Key_Up)  # unrated: starts at the bottom
    qtbot.keyClick(widget, Key.Key_Up)
    assert seen.scores == [("sensitivity", 1.0), ("sensitivity", 1.5)]
    qtbot.keyClick(widget, Key.Key_Down)
    qtbot.keyClick(widget, Key.Key_Down)  # clamped at 1: nothing
    assert seen.scores[-1] == ("sensitivity", 1.0) and len(seen.scores) == 3
    assert "bottom" in label(demo, "hint:sensitivity").text()
    qtbot.keyClick(widget, "7")
    qtbot.keyClick(widget, Key.Key_Up)
    assert demo.scores()["sensitivity"] == 7.0 and len(seen.scores) == 4
    qtbot.keyClick(widget, Key.Key_Down)
    assert seen.scores[-1] == ("sensitivity", 6.5)


def test_a_click_on_the_bar_sets_that_score(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = control(demo, "child_responsiveness")
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.point_of(4.5))
    assert seen.scores == [("child_responsiveness", 4.5)]
    assert widget.hasFocus()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.point_of(2))
    assert demo.scores() == {"child_responsiveness": 2.0}


def test_the_bar_fits_the_dock(demo: RatingPanel) -> None:
    """1–7 by 0.5 is 13 values; the panel lives in a dock about 420 px wide."""
    widget = control(demo, "sensitivity")
    assert widget.minimumSizeHint().width() <= 360
    assert widget.width() <= 420 and widget.point_of(7).x() < widget.width()


# --- moving between dimensions ---------------------------------------------------------------


def _walk(qtbot: QtBot, panel: RatingPanel, key: Key, steps: int) -> list[str | None]:
    order = [panel.focused_dimension()]
    for _ in range(steps):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key)
        order.append(panel.focused_dimension())
    return order


def test_tab_goes_through_adult_then_child_dimensions(qtbot: QtBot, demo: RatingPanel) -> None:
    demo.focus_dimension("sensitivity")
    qtbot.waitUntil(lambda: demo.focused_dimension() == "sensitivity")
    assert _walk(qtbot, demo, Key.Key_Tab, 5) == ADULT_THEN_CHILD
    qtbot.keyClick(QApplication.focusWidget(), Key.Key_Backtab)
    assert demo.focused_dimension() == "child_responsiveness"


def test_enter_goes_to_the_next_dimension(qtbot: QtBot, lab: RatingPanel) -> None:
    lab.focus_dimension("sensitivity")
    qtbot.waitUntil(lambda: lab.focused_dimension() == "sensitivity")
    # adults first although the file lists a child dimension first; items under their dimension
    assert _walk(qtbot, lab, Key.Key_Return, 5) == [
        "sensitivity",
        "sensitivity/warmth",
        "sensitivity/timing",
        "structuring",
        "child_responsiveness",
        "child_involvement",
    ]


def test_n_goes_to_the_note_and_enter_there_moves_on(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    widget = type_into(qtbot, demo, "sensitivity", "5n")
    field = note(demo, "sensitivity")
    assert field.hasFocus()
    qtbot.keyClicks(field, "warm")
    assert seen.notes == []  # not on every key
    qtbot.keyClick(field, Key.Key_Return)
    assert seen.notes == [("sensitivity", "warm")]
    assert demo.focused_dimension() == "structuring"
    assert widget.score() == 5.0


# --- bands, anchors and notes ----------------------------------------------------------------


def test_band_follows_the_score_live(qtbot: QtBot, demo: RatingPanel, demo_scheme: Scheme) -> None:
    chip = label(demo, "band:sensitivity")
    assert not chip.isVisible()
    widget = type_into(qtbot, demo, "sensitivity", "")
    shown = []
    for keys in ("2", "4", "6", "5.5", "3.5"):
        for char in keys:
            qtbot.keyClick(widget, char)
        qtbot.keyClick(widget, Key.Key_Up)
        qtbot.keyClick(widget, Key.Key_Down)  # ends the typing, same score
        score = widget.score()
        assert score is not None
        band = demo_scheme.band_of("sensitivity", score)
        assert band is not None
        assert chip.isVisible() and chip.text() == band.label
        shown.append(chip.text())
    assert len(set(shown)) == 3  # the scores cover every band of the demo scheme
    qtbot.keyClick(widget, Key.Key_Backspace)
    assert not chip.isVisible()


def test_no_band_without_bands(qtbot: QtBot) -> None:
    panel = _panel(qtbot, load_scheme("eas-direct"))
    type_into(qtbot, panel, "sensitivity", "6")
    assert not label(panel, "band:sensitivity").isVisible()
    assert not panel.findChild(QLabel, "anchorTitle").isVisible()  # no anchor text shipped


def test_anchor_for_the_focused_score(qtbot: QtBot, lab: RatingPanel) -> None:
    text, title = label(lab, "anchorText"), label(lab, "anchorTitle")
    widget = type_into(qtbot, lab, "sensitivity", "")
    assert all(f"Lab anchor {w}" in text.text() for w in ("one", "four", "seven"))  # unrated
    qtbot.keyClick(widget, "4")
    assert text.text() == "Lab anchor four"
    qtbot.keyClick(widget, "5")  # no anchor at 5: the nearest below
    assert text.text() == "Lab anchor four" and "score 5" in title.text()
    qtbot.keyClick(widget, "7")
    assert text.text() == "Lab anchor seven"
    lab.focus_dimension("structuring")
    qtbot.waitUntil(lambda: text.text() == "Lab description of structuring")
    lab.focus_dimension("sensitivity/warmth")  # an item shows its dimension's anchor
    qtbot.waitUntil(lambda: text.text() == "Lab anchor seven")


def test_note_emits_on_editing_finished(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    field = note(demo, "child_involvement")
    assert field.placeholderText()
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "looks away often")
    assert seen.notes == []
    demo.focus_dimension("sensitivity")  # leaving the field finishes the edit
    qtbot.waitUntil(lambda: bool(seen.notes))
    assert seen.notes == [("child_involvement", "looks away often")]
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Key.Key_Return)  # unchanged: no second signal
    assert len(seen.notes) == 1


# --- loading targets -------------------------------------------------------------------------


def test_set_target_shows_without_emitting(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    demo.set_target(
        "Whole session", {"sensitivity": 5.5, "child_involvement": 3}, {"sensitivity": "calm"}
    )
    assert label(demo, "ratingTarget").text() == "Whole session"
    assert demo.scores() == {"sensitivity": 5.5, "child_involvement": 3.0}
    assert control(demo, "sensitivity").display_text() == "5.5"
    assert note(demo, "sensitivity").text() == "calm"
    missing = ["Structuring", "Non-intrusiveness", "Non-hostility", "Child responsiveness"]
    assert demo.missing() == missing
    demo.set_score("structuring", 4)
    demo.set_note("structuring", "steady")
    demo.focus_dimension("sensitivity")
    demo.focus_dimension("structuring")
    assert seen.scores == [] and seen.notes == []
    assert demo.scores()["structuring"] == 4.0
    with pytest.raises(ScoreError):
        demo.set_score("structuring", 4.2)


def test_locked_target_refuses_keys_and_clicks(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    demo.set_target("Whole session", {"sensitivity": 5}, {"sensitivity": "x"}, locked=True)
    assert label(demo, "lockNote").isVisible()
    widget = type_into(qtbot, demo, "sensitivity", "3")
    for key in (Key.Key_Backspace, Key.Key_Up, Key.Key_Down):
        qtbot.keyClick(widget, key)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.point_of(2))
    assert seen.scores == [] and demo.scores() == {"sensitivity": 5.0}
    assert "locked" in label(demo, "hint:sensitivity").text()
    field = note(demo, "sensitivity")
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "more")
    qtbot.keyClick(field, Key.Key_Return)
    assert field.text() == "x" and seen.notes == []
    demo.set_target("Segment 1", {})
    assert not label(demo, "lockNote").isVisible()


def test_derived_values_show_where_there_is_no_own_score(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    demo.set_target("Whole session", {"structuring": 4}, derived={"sensitivity": 5.25})
    widget = control(demo, "sensitivity")
    assert widget.display_text() == "5.25"
    assert "mean of your segment ratings" in widget.toolTip()
    assert demo.scores() == {"structuring": 4.0}
    assert "Sensitivity" in demo.missing()
    assert label(demo, "band:sensitivity").text().startswith("≈")
    type_into(qtbot, demo, "sensitivity", "6")
    assert widget.display_text() == "6" and "mean" not in widget.toolTip()
    qtbot.keyClick(widget, Key.Key_Backspace)
    assert widget.display_text() == "5.25"
    assert seen.scores == [("sensitivity", 6.0), ("sensitivity", None)]


def test_clear_target_disables_the_panel(qtbot: QtBot, demo: RatingPanel) -> None:
    seen = Recorder(demo)
    type_into(qtbot, demo, "sensitivity", "5")
    demo.clear_target("Pick a segment")
    assert label(demo, "ratingTarget").text() == "Pick a segment"
    assert demo.scores() == {} and not control(demo, "sensitivity").isEnabled()
    qtbot.keyClick(control(demo, "sensitivity"), "6")
    assert seen.scores == [("sensitivity", 5.0)]


# --- items -----------------------------------------------------------------------------------


def test_items_are_rated_under_their_dimension(
    qtbot: QtBot, lab: RatingPanel, lab_scheme: Scheme
) -> None:
    """scheme.py has no rule deriving a dimension from its items: Scheme.validate takes the
    dimension score and the item scores side by side. So items are their own scores, and
    the dimension keeps the coder's own score."""
    seen = Recorder(lab)
    type_into(qtbot, lab, "sensitivity", "6")
    warmth = type_into(qtbot, lab, "sensitivity/warmth", "2")
    type_into(qtbot, lab, "sensitivity/timing", "5")  # items here are 1–3
    qtbot.keyClick(control(lab, "sensitivity/timing"), "3")
    assert seen.scores == [
        ("sensitivity", 6.0),
        ("sensitivity/warmth", 2.0),
        ("sensitivity/timing", 3.0),
    ]
    assert label(lab, "hint:sensitivity/timing").text() == "5 is outside 1–3"
    assert warmth.x() > control(lab, "sensitivity").x()  # indented under the dimension
    shown = lab.scores()
    items = {k.split("/")[1]: v for k, v in shown.items() if k.startswith("sensitivity/")}
    assert lab_scheme.validate("sensitivity", shown["sensitivity"], items) == (6.0, items)
    assert lab.missing() == ["Structuring", "Child responsiveness", "Child involvement"]


# --- the player keeps its keys ---------------------------------------------------------------


def _override(widget: ScoreControl, key: Key) -> bool:
    """Whether the control claims ``key`` from the window's shortcuts, as Qt asks it."""
    event = QKeyEvent(QEvent.Type.ShortcutOverride, key, Qt.KeyboardModifier.NoModifier)
    event.ignore()
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


@pytest.mark.parametrize("key", [Key.Key_Space, Key.Key_Left, Key.Key_Right])
def test_player_keys_are_not_claimed(demo: RatingPanel, key: Key) -> None:
    assert not _override(control(demo, "sensitivity"), key)


@pytest.mark.parametrize(
    "key",
    [
        *(Key.Key_5, Key.Key_Period, Key.Key_Backspace, Key.Key_Delete),
        *(Key.Key_Up, Key.Key_Down, Key.Key_Return, Key.Key_Enter),
    ],
)
def test_rating_keys_are_claimed(demo: RatingPanel, key: Key) -> None:
    assert _override(control(demo, "sensitivity"), key)


def test_window_shortcuts_fire_for_space_left_right_only(qtbot: QtBot, demo_scheme: Scheme) -> None:
    """In a window with player actions, Left still steps the video, Up still steps the score."""
    application()
    window = QMainWindow()
    qtbot.addWidget(window)
    fired: list[str] = []
    for shortcut in ("Space", "Left", "Right", "Up", "5", "Backspace"):
        action = QAction(shortcut, window)
        action.setShortcut(shortcut)
        action.triggered.connect(lambda _=False, s=shortcut: fired.append(s))
        window.addAction(action)
    panel = RatingPanel(demo_scheme)
    window.setCentralWidget(panel)
    window.resize(420, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    panel.set_target("Segment 1", {})
    seen = Recorder(panel)
    widget = type_into(qtbot, panel, "sensitivity", "5")
    for key in (Key.Key_Up, Key.Key_Space, Key.Key_Left, Key.Key_Right, Key.Key_Backspace):
        qtbot.keyClick(widget, key)
    assert fired == ["Space", "Left", "Right"]
    assert seen.scores == [("sensitivity", 5.0), ("sensitivity", 5.5), ("sensitivity", None)]


def test_enter_scrolls_the_next_dimension_into_view(qtbot: QtBot, demo: RatingPanel) -> None:
    demo.resize(420, 360)  # a short dock: the child dimensions start out of view
    qtbot.waitUntil(lambda: demo.height() == 360)
    last = control(demo, "child_involvement")
    assert not last.visibleRegion().boundingRect().height()
    type_into(qtbot, demo, "sensitivity", "")
    _walk(qtbot, demo, Key.Key_Return, 5)
    assert demo.focused_dimension() == "child_involvement"
    assert last.visibleRegion().boundingRect().height() == last.height()
