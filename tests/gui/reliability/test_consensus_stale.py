"""The consensus dialog names the version it read: a consensus saved by someone else while it
was open is not overwritten; the dialog says so, shows the stored value, and a second OK
saves over it knowingly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.reliability.consensus_dialog import ConsensusDialog
from eas_coder.model import VideoInfo
from eas_coder.review import Disagreement
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=60_000, fps=25.0, frame_count=1500, width=320, height=240,
    file_size=1, fingerprint="d" * 32,
)  # fmt: skip


def _type_and_ok(qtbot: QtBot, dialog: ConsensusDialog, text: str) -> None:
    dialog.scoreBox.setFocus()
    dialog.scoreBox.selectAll()
    qtbot.keyClicks(dialog.scoreBox, text)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_consensus_saved_meanwhile_is_not_overwritten_and_the_dialog_re_reads(
    sqlite_study: Study, qtbot: QtBot
) -> None:
    study = sqlite_study
    video = study.videos.add("D001", "T1 pre", None, INFO).id
    study.consensus.set(video, "sensitivity", 5, note="first review")
    found = Disagreement(video, video, None, "sensitivity", {"Ana": 4.0, "Ben": 6.0}, 5.0)
    dialog = ConsensusDialog(study, found, "D001 · T1 pre")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.scoreBox.value() == 5
    with Study.open(study.location, actor="Ben", backup=False) as other:  # another workstation
        other.consensus.set(video, "sensitivity", 6, note="Ben's review")

    _type_and_ok(qtbot, dialog, "4")
    # old code: the dialog closed and 4 replaced Ben's 6 silently
    assert dialog.isVisible() and dialog.saved() is None
    message = dialog.errorLabel.text()
    assert dialog.errorLabel.isVisible()
    assert "changed meanwhile by Ben: now 6 (version 2); your 4 was not saved" in message
    assert dialog.scoreBox.value() == 6 and dialog.note() == "Ben's review"  # re-read
    (stored,) = study.consensus.all()
    assert (stored.score, stored.version) == (6, 2)

    _type_and_ok(qtbot, dialog, "4")  # now knowingly
    saved = dialog.saved()
    assert saved is not None and (saved.score, saved.version) == (4, 3)
    assert not dialog.isVisible()
    assert [(c.score, c.version) for c in study.consensus.all()] == [(4, 3)]
