"""The Selected video dock's rows, the accuracy "Check" row among them, are filled from the
study, the coding session and a plain widget holding the form's labels: no main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.selected_video import VideoDetails
from eas_coder.gui.coding.session import CodingSession
from eas_coder.location import from_string
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
