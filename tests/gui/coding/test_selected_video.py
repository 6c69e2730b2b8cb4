"""The Selected video dock's rows, the accuracy "Check" row among them, are filled from the
study, the coding session and a plain widget holding the form's labels: no main window."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.selected_video import VideoDetails
from eas_coder.gui.coding.session import CodingSession
from eas_coder.location import from_string
from eas_coder.model import AssignmentStatus
from eas_coder.store.study import Study

ROWS = ("participantValue", "timepointValue", "durationValue", "framesValue", "fileValue",
        "codingValue")  # fmt: skip


def _details_form(qtbot: QtBot) -> QWidget:
    """The Selected video dock's form, as ui/main_window.ui names its parts."""
    dock = QWidget()
    qtbot.addWidget(dock)
    layout = QFormLayout(dock)
    layout.setObjectName("detailsLayout")
    for name in ROWS:
        label = QLabel("–")
        label.setObjectName(name)
        layout.addRow(name, label)
    return dock


def test_the_details_and_check_row_fill_a_plain_widget(qtbot: QtBot, demo_study_file: Path) -> None:
    study = Study.open(from_string(demo_study_file), backup=False)
    session = CodingSession(study)
    session.sign_in(None, True)  # the lab manager sees every coder's count
    form = _details_form(qtbot)
    details = VideoDetails(form)
    video = study.videos.all()[0]
    details.show(study, session, video, None)

    assert form.findChild(QLabel, "participantValue").text() == video.participant_code
    assert form.findChild(QLabel, "timepointValue").text() == video.timepoint
    check = form.findChild(QLabel, "checkValue")
    assert check is not None and form.layout().rowCount() == len(ROWS) + 1
    has_file = study.videos.file_of(video) is not None
    assert check.text() == ("Not checked yet (added by an older version; eas-coder check does it)"
                            if has_file else "–")  # fmt: skip
    coding = form.findChild(QLabel, "codingValue").text()
    assert coding == "Not coded yet" or coding.endswith("scores")
    details.show(study, session, video, None)  # shown again: the row is not added twice
    assert form.layout().rowCount() == len(ROWS) + 1
    study.close()


def _counting(monkeypatch: pytest.MonkeyPatch, study: Study) -> Counter[str]:
    """Count the study's reads of segments and ratings (of one coder or of everyone)."""
    reads: Counter[str] = Counter()
    for name in ("segments", "ratings"):
        service = getattr(study, name)
        read = service.all

        def counted(*args: object, _read: Any = read, _name: str = name, **kw: object) -> Any:
            reads[_name] += 1
            return _read(*args, **kw)

        monkeypatch.setattr(service, "all", counted)
    return reads


def test_one_change_is_shown_from_one_read_of_the_coders_work(
    qtbot: QtBot, demo_study_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18, item 2: a save done (or a video opened) is shown by the segment table, the
    rating panel, the video's row and the Selected video dock at once; they share one read
    of the coder's segments and ratings instead of a dozen on the GUI thread."""
    study = Study.open(from_string(demo_study_file), backup=False)
    assignment = next(a for a in study.assignments.all() if a.status != AssignmentStatus.DONE)
    coder = next(c for c in study.coders.all() if c.id == assignment.coder_id)
    video = next(v for v in study.videos.all() if v.id == assignment.video_id)
    session = CodingSession(study)
    session.sign_in(coder, False)
    session.show_video(video)
    details = VideoDetails(_details_form(qtbot))
    shown: list[tuple[object, ...]] = []

    def show_everywhere(_what: str, _focus: object) -> None:  # as the window's parts do
        shown.append((session.my_segments(), session.my_ratings(), session.status()))
        details.show(study, session, video, None)
        shown.append((session.my_segments(), session.scores_of(None), session.status()))

    session.changed.connect(show_everywhere)
    qtbot.wait(10)  # (the event loop turns: nothing shared from before)
    reads = _counting(monkeypatch, study)
    session.changed.emit("ratings", None)
    assert reads == {"segments": 1, "ratings": 1}
    assert shown[0][0] == shown[1][0] and shown[0][2] == shown[1][2]
    study.close()


def test_shared_reads_never_hide_a_write(qtbot: QtBot, demo_study_file: Path) -> None:
    """What was read for one change is not shown after a write of this window (same turn)
    nor after the event loop turned (another workstation's write)."""
    study = Study.open(from_string(demo_study_file), backup=False)
    assignment = next(a for a in study.assignments.all() if a.status != AssignmentStatus.DONE)
    coder = next(c for c in study.coders.all() if c.id == assignment.coder_id)
    video = next(v for v in study.videos.all() if v.id == assignment.video_id)
    for old in study.segments.all(video.id, coder.id):  # room for new segments
        study.segments.delete(old.id)
    session = CodingSession(study)
    session.sign_in(coder, False)
    session.show_video(video)
    session.changed.emit("ratings", None)  # sharing starts
    before = len(session.my_segments())
    study.segments.add(video.id, coder.id, 0, 500)  # this window writes, the same turn
    assert len(session.my_segments()) == before + 1
    session.changed.emit("ratings", None)
    assert len(session.my_segments()) == before + 1
    other = Study.open(from_string(demo_study_file), actor="workstation-2", backup=False)
    other.segments.add(video.id, coder.id, 1000, 1500)
    other.close()
    qtbot.wait(10)  # the event loop turns: the next change reads afresh
    assert len(session.my_segments()) == before + 2
    session.changed.emit("ratings", None)
    assert len(session.my_segments()) == before + 2
    study.close()
