"""A switch of videos reads what the new video shows on the save thread, behind the saves
queued so far, and shows it from there (issue 18: the reads of a switch were half of the
GUI thread's 5-8 ms turn showing the chosen video). What is shown is still right, and a
write made meanwhile makes the showing read for itself."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from tests.gui.coding.saving import wait_saved
from tests.gui.coding.test_switch_reads import _click_video, _coding_first_of_two
from tests.gui.sql_watch import gui_thread_sql

OWN_READS = ("FROM assignment", "FROM segment", "FROM rating", "FROM attachment", "template")


def test_a_switch_reads_the_new_videos_work_off_the_gui_thread(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, second = _coding_first_of_two(window, qtbot)
    session = window.session
    assert session.coder is not None
    session.set_score("sensitivity", 5, None)  # some work on the second, to be shown
    wait_saved(qtbot, session)
    _click_video(window, qtbot, second)
    session.set_score("sensitivity", 6, None)
    wait_saved(qtbot, session)
    _click_video(window, qtbot, first)
    wait_saved(qtbot, session)

    with gui_thread_sql() as sent:
        _click_video(window, qtbot, second)
    selects = [s.sql for s in sent if s.sql.startswith("SELECT")]
    on_gui = [s for s in selects if any(what in s for what in OWN_READS)]
    assert on_gui == []  # the old code read 8 things here
    rating = session.find_rating("sensitivity", None)
    assert rating is not None and rating.score == 6  # what was read elsewhere is shown
    assert session.is_assigned()
    assert session.status() is not None and session.status().value == "in progress"


def test_a_video_shown_before_its_reads_are_done_reads_for_itself(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, second = _coding_first_of_two(window, qtbot)
    session = window.session
    _click_video(window, qtbot, second)
    session.set_score("sensitivity", 4, None)
    wait_saved(qtbot, session)
    _click_video(window, qtbot, first)
    model = window._model
    assert model is not None
    row = model.row_of(second)
    assert row is not None
    shown: list[str] = []
    session.changed.connect(lambda what, _focus: shown.append(what))
    window.videoTable.selectRow(window._filter.mapFromSource(model.index(row, 0)).row())
    window.show_chosen_now()  # as a key press does, before the reads asked for are back
    assert session.video is not None and session.video.id == second
    rating = session.find_rating("sensitivity", None)
    assert rating is not None and rating.score == 4
    wait_saved(qtbot, session)  # the reads asked for the choice are done, and dropped:
    qtbot.wait(50)
    assert shown.count("segments") == 1  # the video was shown once
