"""Everything a coder types in the real window — segment spans (I/O), episodes (Alt+digit),
segment notes (the table's Note cell), segment and session scores (digits and clicks), the
note on each score (N) and item scores — is in the study, and comes back identical from an
xlsx, CSV and SPSS export imported into an empty study."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import import_ratings
from eas_coder.gui.coding.segment_model import COL_NOTE
from eas_coder.gui.rating.control import ScoreControl
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.media.probe import probe
from eas_coder.store.study import Study
from tests.exchange.typed_fields import items_scheme, typed_fields
from tests.gui.coding.saving import flushed
from tests.gui.coding.test_coding_flow import choose_video, mark_segment, open_demo, press
from tests.support import ffmpeg_video

Key = Qt.Key
Mod = Qt.KeyboardModifier
CODER = "Ana"
SEGMENT_NOTE = "=mother leads, baby follows"  # a formula-like note stays text


def items_study_file(tmp_path: Path) -> Path:
    """A study with items in its scheme, one short generated video, coder Ana assigned."""
    clip = ffmpeg_video(tmp_path / "m01_t1.mp4", seconds=3.0, audio=False)
    path = tmp_path / "typed.sqlite"
    with Study.create(from_string(path), items_scheme(), "Typed") as study:
        video = study.videos.add("M01", "T1 pre", clip, probe(clip))
        ana = study.coders.add(CODER)
        study.assignments.add(video.id, ana.id)
    return path


def _control(window: MainWindow, key: str) -> ScoreControl:
    found = window.ratingPanel.findChild(ScoreControl, f"score:{key}")
    assert found is not None, key
    return found


def _type(qtbot: QtBot, keys: str) -> None:
    """Keys as a coder types them: digits, ".", "N" for the note, "\\n" for Enter; any other
    text goes into the focused note."""
    for char in keys:
        if char == "\n":
            press(qtbot, Key.Key_Return)
        elif char in "0123456789.":
            press(qtbot, char)
        else:
            widget = QApplication.focusWidget()
            assert isinstance(widget, QLineEdit), f"typing {char!r} outside a note"
            qtbot.keyClicks(widget, char)


def _note(qtbot: QtBot, text: str) -> None:
    """N from the focused score, the note, Enter (which saves it and moves on)."""
    press(qtbot, Key.Key_N)
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field.objectName().startswith("note:")
    qtbot.keyClicks(field, text)
    press(qtbot, Key.Key_Return)


def _click_item(qtbot: QtBot, window: MainWindow, key: str, score: float) -> None:
    control = _control(window, key)
    qtbot.mouseClick(control, Qt.MouseButton.LeftButton, pos=control.point_of(score))


def _rate_target(qtbot: QtBot, window: MainWindow, notes: dict[str, str]) -> None:
    """Every dimension by keys in panel order (items follow their dimension); notes by N."""
    assert window.ratingPanel.focused_dimension() == "sensitivity"
    _type(qtbot, "5")
    _note(qtbot, notes["sensitivity"])  # Enter in a note goes on past the items
    assert window.ratingPanel.focused_dimension() == "structuring"
    _type(qtbot, "4\n6\n3")
    _note(qtbot, notes["nonhostility"])
    _type(qtbot, "5\n6\n")  # child responsiveness, child involvement; Enter to its item
    assert window.ratingPanel.focused_dimension() == "child_involvement/initiative"
    _type(qtbot, "2.5\n")
    _click_item(qtbot, window, "sensitivity/warmth", 3)  # items by a click on the scale
    _click_item(qtbot, window, "sensitivity/timing", 1)


def _segment_note(qtbot: QtBot, window: MainWindow, segment_id: int, text: str) -> None:
    """Double-click the segment's Note cell, type, Enter."""
    table = window.segmentTable
    row = table.model().row_of(segment_id)
    assert row is not None
    view = table.view
    rect = view.visualRect(table.model().index(row, COL_NOTE))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Key.Key_Return)
    session = window.session
    qtbot.waitUntil(lambda: any(s.note == text for s in session.my_segments()))


def test_every_field_typed_in_the_window_round_trips(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_demo(qtbot, items_study_file(tmp_path))
    window.sign_in(CODER)
    choose_video(qtbot, window, "M01", "T1 pre")
    index = window.playerPanel.player.frame_index
    assert index is not None
    session = window.session

    window.playerPanel.surface.setFocus()
    mark_segment(qtbot, window, 5, 20)
    (first,) = session.my_segments()
    _rate_target(qtbot, window, {"sensitivity": "follows cues", "nonhostility": "+ no edge"})
    press(qtbot, "1", Mod.AltModifier)  # episode 1: free play
    qtbot.waitUntil(lambda: session.my_segments()[0].episode == "free_play")
    _segment_note(qtbot, window, first.id, SEGMENT_NOTE)

    window.playerPanel.surface.setFocus()
    mark_segment(qtbot, window, 30, 60)
    second = session.my_segments()[1]
    _type(qtbot, "6\n2\n3\n5\n4\n3.5\n2\n6.5\n3\n")  # every score and item by keys alone

    press(qtbot, Key.Key_S, Mod.ControlModifier | Mod.ShiftModifier)  # the whole session
    _rate_target(qtbot, window, {"sensitivity": "overall warm", "nonhostility": "calm"})
    window.ratingPanel.commit_notes()
    flushed(session)  # saved once the window says so

    stored = typed_fields(window.study)
    span_one = (index.time_ms(5), index.time_ms(21))
    span_two = (index.time_ms(30), index.time_ms(61))
    assert stored["segments"] == [
        ("M01", "T1 pre", "m01_t1.mp4", CODER, *span_one, "free_play", SEGMENT_NOTE),
        ("M01", "T1 pre", "m01_t1.mp4", CODER, *span_two, None, ""),
    ]
    place = ("M01", "T1 pre", "m01_t1.mp4", CODER)
    got = stored["ratings"]
    assert got[(*place, span_one, "sensitivity")] == (
        5.0, "follows cues", {"timing": 1.0, "warmth": 3.0},
    )  # fmt: skip
    assert got[(*place, span_one, "nonhostility")] == (3.0, "+ no edge", {})
    assert got[(*place, span_one, "child_involvement")] == (6.0, "", {"initiative": 2.5})
    assert got[(*place, span_two, "sensitivity")] == (6.0, "", {"timing": 3.0, "warmth": 2.0})
    assert got[(*place, span_two, "child_involvement")] == (6.5, "", {"initiative": 3.0})
    assert got[(*place, None, "sensitivity")] == (
        5.0, "overall warm", {"timing": 1.0, "warmth": 3.0},
    )  # fmt: skip
    assert got[(*place, None, "nonhostility")] == (3.0, "calm", {})
    assert len(got) == 3 * 6
    # the panel shows the items as saved
    assert window.ratingPanel.scores()["sensitivity/warmth"] == 3.0
    assert second.id in {s.id for s in session.my_segments()}

    for fmt in ("xlsx", "csv", "sav"):
        written = export_study(window.study, tmp_path / f"out.{fmt}")
        sheet = next(p for p in written if fmt == "xlsx" or p.stem.endswith("-Ratings"))
        location = from_string(tmp_path / f"empty-{fmt}.sqlite")
        with Study.create(location, items_scheme(), "Empty") as empty:
            import_ratings(empty, sheet)
            assert typed_fields(empty) == stored, fmt
    window.close()
