"""Issue 22, item 1 in the window: a dimension derived from its items (derive = "sum") shows
the sum live as each item is typed, read-only, and that score is what the store, the export
(long and wide) and reliability hold; items typed of an unfinished dimension are kept in the
study (item drafts) and come back when the video is opened again; a zone row driven by keys
stores 1..n and the export names the zone."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from eas_coder import reliability
from eas_coder.exchange.export import export_study
from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.media.probe import probe
from eas_coder.store.study import Study
from tests.exchange.test_scheme_profiles_export import make_scheme, rows_of
from tests.gui.coding.saving import flushed
from tests.gui.coding.test_coding_flow import choose_video, open_demo, press
from tests.support import ffmpeg_video

Key = Qt.Key
Mod = Qt.KeyboardModifier
BEN_ITEMS = {"item_1": 3.0, "item_2": 6.0, "item_3": 3.0}  # sum 12


def derived_study_file(tmp_path: Path) -> Path:
    """The scheme with sensitivity = sum of 3 items, an adult EA zone and child involvement;
    one short video assigned to Ana and Ben; Ben's session scores already in the store."""
    clip = ffmpeg_video(tmp_path / "m01_t1.mp4", seconds=2.0, audio=False)
    path = tmp_path / "derived.sqlite"
    with Study.create(from_string(path), make_scheme(), "Derived") as study:
        video = study.videos.add("M01", "T1 pre", clip, probe(clip))
        for name in ("Ana", "Ben"):
            coder = study.coders.add(name)
            study.assignments.add(video.id, coder.id)
        ben = study.coders.get("Ben").id
        study.ratings.set(video.id, ben, "sensitivity", None, items=BEN_ITEMS)
        study.ratings.set(video.id, ben, "zone_adult", 4)
    return path


def _control(window: MainWindow, key: str) -> ScoreControl:
    found = window.ratingPanel.findChild(ScoreControl, f"score:{key}")
    assert found is not None, key
    return found


def _shown(window: MainWindow, key: str) -> str:
    return _control(window, key).display_text()


def _stored(window: MainWindow, dimension: str) -> tuple[float, dict[str, float]] | None:
    flushed(window.session)  # saved once the window says so
    found = window.session.find_rating(dimension, None)
    return None if found is None else (found.score, dict(found.items or {}))


def _open_as_ana(qtbot: QtBot, path: Path) -> MainWindow:
    window = open_demo(qtbot, path)
    window.sign_in("Ana")
    choose_video(qtbot, window, "M01", "T1 pre")
    press(qtbot, Key.Key_S, Mod.ControlModifier | Mod.ShiftModifier)  # the whole session
    return window


def test_typed_items_give_the_derived_score_everywhere(qtbot: QtBot, tmp_path: Path) -> None:
    path = derived_study_file(tmp_path)
    window = _open_as_ana(qtbot, path)
    panel = window.ratingPanel
    # the keyboard lands on the derived dimension's first item, not on its read-only score
    assert panel.focused_dimension() == "sensitivity/item_1"
    hint = panel.findChild(QLabel, "derivedHint:sensitivity")
    assert hint is not None and "derived from items" in hint.text().lower()
    press(qtbot, "2")
    press(qtbot, Key.Key_Return)
    assert _shown(window, "sensitivity") == "–"  # 1 of 3 items: no sum yet
    assert "1 of 3" in hint.text()
    press(qtbot, "5")
    press(qtbot, Key.Key_Return)
    assert "2 of 3" in hint.text()
    press(qtbot, "3")
    assert _shown(window, "sensitivity") == "10"  # updates as the last item is typed
    assert _stored(window, "sensitivity") == (10.0, {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0})

    # typing into the derived score changes nothing
    _control(window, "sensitivity").setFocus()
    press(qtbot, "4")
    press(qtbot, Key.Key_Up)
    press(qtbot, Key.Key_Backspace)
    assert _stored(window, "sensitivity") == (10.0, {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0})
    assert _shown(window, "sensitivity") == "10"

    # undo of the last item takes the sum away (the other items stay, as a draft); redo
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert _stored(window, "sensitivity") is None
    assert _shown(window, "sensitivity") == "–"
    assert panel.scores().get("sensitivity/item_2") == 5.0
    press(qtbot, Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert _stored(window, "sensitivity") == (10.0, {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0})
    assert _shown(window, "sensitivity") == "10"

    # the zone: digits choose a level, Up/Down move, the label is shown
    _control(window, "sensitivity/item_3").setFocus()
    press(qtbot, Key.Key_Return)
    assert panel.focused_dimension() == "zone_adult"
    press(qtbot, "2")
    press(qtbot, Key.Key_Up)
    assert _stored(window, "zone_adult") == (3.0, {})
    level = panel.findChild(QLabel, "level:zone_adult")
    assert level is not None and level.text() == "Complicated"
    press(qtbot, "5")  # no fifth zone: refused
    assert _stored(window, "zone_adult") == (3.0, {})
    press(qtbot, Key.Key_Return)
    press(qtbot, "4")  # child involvement
    assert _stored(window, "child_involvement") == (4.0, {})

    out = tmp_path / "out.xlsx"
    export_study(window.study, out)
    book = load_workbook(out)
    long_rows = [r for r in rows_of(book["Ratings"]) if r["coder"] == "Ana"]
    derived = next(r for r in long_rows if r["dimension"] == "sensitivity" and not r["item"])
    assert derived["score"] == 10
    items = {r["item"]: r["score"] for r in long_rows if r["item"]}
    assert items == {"item_1": 2, "item_2": 5, "item_3": 3}
    zone = next(r for r in long_rows if r["dimension"] == "zone_adult")
    assert (zone["score"], zone["score_label"]) == (3, "Complicated")
    wide = rows_of(book["Sessions"])[0]
    assert wide["sensitivity_ana"] == 10 and wide["sensitivity_ben"] == 12
    assert wide["zone_adult_ana"] == 3
    _coders, tables = reliability.compute_tables(window.study, None, "session", None)
    assert tables["sensitivity"].scores.tolist() == [[10.0, 12.0]]
    assert tables["zone_adult"].scores.tolist() == [[3.0, 4.0]]
    window.close()


def test_items_of_an_unfinished_dimension_come_back(qtbot: QtBot, tmp_path: Path) -> None:
    path = derived_study_file(tmp_path)
    window = _open_as_ana(qtbot, path)
    press(qtbot, "2")
    press(qtbot, Key.Key_Return)
    press(qtbot, "5")
    press(qtbot, Key.Key_N)  # a note on the unfinished dimension is kept too
    note = QApplication.focusWidget()
    assert isinstance(note, QLineEdit) and note.objectName() == "note:sensitivity"
    qtbot.keyClicks(note, "unsure")
    press(qtbot, Key.Key_Return)
    assert _stored(window, "sensitivity") is None  # no score: the items are not complete
    study = window.study
    (draft,) = study.item_drafts.all()
    assert (draft.items, draft.note) == ({"item_1": 2.0, "item_2": 5.0}, "unsure")
    window.close()  # every keystroke was saved: nothing more to do on the way out
    del window

    again = _open_as_ana(qtbot, path)
    panel = again.ratingPanel
    scores = panel.scores()
    assert (scores.get("sensitivity/item_1"), scores.get("sensitivity/item_2")) == (2.0, 5.0)
    assert panel.notes().get("sensitivity") == "unsure"
    assert _shown(again, "sensitivity") == "–"
    assert panel.focused_dimension() == "sensitivity/item_3"  # the one still missing
    press(qtbot, "3")
    assert _stored(again, "sensitivity") == (10.0, {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0})
    assert again.session.find_rating("sensitivity", None).note == "unsure"  # type: ignore[union-attr]
    assert again.study.item_drafts.all() == []  # the full set became the rating
    again.close()
