"""A score control paints each look once and draws it again from a pixmap (issue 18: a
switch of videos repaints every control of the rating panel at once, ~1 ms each in Python).
What it shows must still follow every change: a cached look is only reused for the same
state, size and palette."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from eas_coder.gui.rating import control as control_module
from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.window.app import application
from eas_coder.scheme import Scale


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The score of every bar painted in Python (not drawn from the cache)."""
    seen: list[float | None] = []
    real = control_module.paint_bar

    def counting(*args: object) -> None:
        seen.append(args[7])  # type: ignore[arg-type]  (the score)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(control_module, "paint_bar", counting)
    if hasattr(control_module, "FACES"):
        monkeypatch.setattr(control_module, "FACES", control_module.FaceCache())
    return seen


def _shot(control: ScoreControl) -> QImage:
    return control.grab().toImage()


def test_the_same_look_is_painted_once_and_each_change_is_shown(
    qtbot: QtBot, painted: list[float | None]
) -> None:
    application()
    control = ScoreControl(Scale(1, 7, 1), "sensitivity")
    qtbot.addWidget(control)
    control.resize(320, 30)
    control.set_score(5)
    five = _shot(control)
    control.set_score(3)
    three = _shot(control)
    control.set_score(5)
    five_again = _shot(control)

    assert three != five  # a new score is shown
    assert five_again == five  # the same look, drawn again
    assert painted == [5, 3]  # ... from the cache: the old code painted [5, 3, 5]

    control.set_locked(True)  # a new state: painted afresh, not taken from the cache
    assert _shot(control) != five
    assert len(painted) == 3
    control.setEnabled(False)  # another palette group
    _shot(control)
    assert len(painted) == 4
    control.resize(300, 30)  # another size
    _shot(control)
    assert len(painted) == 5
