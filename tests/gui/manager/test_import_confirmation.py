"""File ▸ Import in the window with a name one letter from an existing one (issue 16): the
check shows the findings and a "Create new coders and participants" checkbox; Yes without
ticking writes nothing, ticking it (a click) and Yes imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow


class _Person:
    """Answers the window's modal boxes as a person would, from inside their event loops:
    ``act`` gets each new modal box and returns True once it has answered it."""

    def __init__(self, qtbot: QtBot, act: Callable[[QMessageBox], bool]) -> None:
        self.qtbot, self.act = qtbot, act
        self.seen: list[tuple[str, str, str]] = []  # (text, detailed text, checkbox text)
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        check = box.checkBox()
        seen = (box.text(), box.detailedText(), check.text() if check is not None else "")
        if seen in self.seen:
            return
        self.seen.append(seen)
        self.act(box)


def _sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "typo.csv"
    sheet.write_text(
        "participant,timepoint,coder,dimension,score\nP900,T1 pre,Bettina,sensitivity,5\n",
        encoding="utf-8",
    )
    return sheet


def _coders(window: MainWindow) -> list[str]:
    return sorted(c.name for c in window.study.coders.all())


def _click_yes(qtbot: QtBot, box: QMessageBox, tick: bool) -> bool:
    check = box.checkBox()
    if check is not None and tick:
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    yes = box.button(QMessageBox.StandardButton.Yes) or box.button(QMessageBox.StandardButton.Ok)
    assert yes is not None
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    return True


@pytest.mark.parametrize("tick", [False, True], ids=["not-ticked", "ticked"])
def test_a_near_name_is_imported_only_when_the_checkbox_is_ticked(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tick: bool
) -> None:
    window.study.coders.add("Betina")
    before = _coders(window)
    ratings = len(window.study.ratings.all())
    sheet = _sheet(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    person = _Person(qtbot, lambda box: _click_yes(qtbot, box, tick))
    try:
        if tick:
            with qtbot.waitSignal(window.exchange.imported, timeout=60_000):
                window.actionImport.trigger()
        else:
            window.actionImport.trigger()
            qtbot.waitUntil(lambda: len(person.seen) >= 2, timeout=60_000)
    finally:
        person.timer.stop()
    text, details, checkbox = person.seen[0]
    assert "Import 1 ratings from typo.csv" in text
    assert "Create new coders and participants" in checkbox
    assert "'Bettina' would be a new coder, one letter from the existing 'Betina'" in details
    assert "new coder: Bettina" in details and "new participant: P900" in details
    if tick:
        assert _coders(window) == sorted([*before, "Bettina"])
        assert len(window.study.ratings.all()) == ratings + 1
    else:
        assert "Nothing was imported" in person.seen[1][0]
        qtbot.waitUntil(lambda: not window.exchange.busy())
        assert _coders(window) == before
        assert len(window.study.ratings.all()) == ratings
