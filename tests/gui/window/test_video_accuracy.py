"""The accuracy check in the window: adding a damaged file asks the lab manager, naming its
problem; the video list marks checked videos and the Selected video dock says what was found."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.adding_videos import VideoEntry
from eas_coder.gui.coding.video_list import VideoFilter
from eas_coder.gui.study.add_videos import AddVideosDialog, VideoAdder
from eas_coder.gui.window.app import application
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.gui.showing import wait_shown
from tests.media.damaged_files import intact_mp4, truncated_mp4


@pytest.fixture
def location(tmp_path: Path) -> Location:
    where = from_string(tmp_path / "study.sqlite")
    Study.create(where, load_scheme(), "Checks", actor="tester").close()
    return where


def _adder(qtbot: QtBot, location: Location, monkeypatch: pytest.MonkeyPatch) -> VideoAdder:
    application()
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    monkeypatch.setattr(AddVideosDialog, "exec", lambda _d: QDialog.DialogCode.Accepted)
    return VideoAdder(window, lambda: location, lambda: "manager")


def _answer(qtbot: QtBot, adder: VideoAdder, button: str) -> None:
    qtbot.waitUntil(lambda: adder.damaged_box is not None and adder.damaged_box.isVisible(),
                    timeout=60_000)  # fmt: skip
    box = adder.damaged_box
    assert box is not None
    [chosen] = [b for b in box.buttons() if b.text() == button]
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)


def test_a_truncated_file_is_shown_with_its_problem_and_not_added_unless_accepted(
    qtbot: QtBot, tmp_path: Path, location: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut = truncated_mp4(tmp_path / "D001_T1.mp4")
    adder = _adder(qtbot, location, monkeypatch)
    with qtbot.waitSignal(adder.finished, timeout=60_000) as blocker:
        adder.add([cut])
        _answer(qtbot, adder, "Don't Add")
    box = adder.damaged_box
    assert box is not None
    assert "damaged or truncated" in box.text() and "Add anyway?" in box.text()
    assert box.informativeText().startswith("D001_T1.mp4: the file is truncated")
    assert box.defaultButton().text() == "Don't Add"
    summary = blocker.args[0]
    assert summary.added == [] and [p for p, _ in summary.failures] == [cut]
    with Study.open(location) as study:
        assert study.videos.all() == []
    assert adder.summary_box is not None
    adder.summary_box.close()


def test_accepting_adds_the_damaged_file_with_the_good_ones(
    qtbot: QtBot, tmp_path: Path, location: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut = truncated_mp4(tmp_path / "D001_T1.mp4")
    good = intact_mp4(tmp_path / "D002_T1.mp4", seconds=1.0)
    adder = _adder(qtbot, location, monkeypatch)
    with qtbot.waitSignal(adder.finished, timeout=60_000) as blocker:
        adder.start([VideoEntry.guessed(cut), VideoEntry.guessed(good)])
        _answer(qtbot, adder, "Add Anyway")
    summary = blocker.args[0]
    assert sorted(summary.added) == ["D001_T1.mp4", "D002_T1.mp4"] and summary.failures == []
    with Study.open(location) as study:
        assert {v.participant_code for v in study.videos.all()} == {"D001", "D002"}
        accepted = [e for e in study.audit_log() if e.action == "video.add"]
        assert any("truncated" in str(e.new) for e in accepted)  # who accepted what
    assert adder.summary_box is not None
    adder.summary_box.close()


def test_the_list_marks_checked_videos_and_the_details_say_what_was_found(
    qtbot: QtBot, tmp_path: Path, location: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut = truncated_mp4(tmp_path / "D001_T1.mp4")
    good = intact_mp4(tmp_path / "D002_T1.mp4", seconds=1.0)
    adder = _adder(qtbot, location, monkeypatch)
    with qtbot.waitSignal(adder.finished, timeout=60_000):
        adder.start([VideoEntry.guessed(cut), VideoEntry.guessed(good)])
        _answer(qtbot, adder, "Add Anyway")
    assert adder.summary_box is not None
    adder.summary_box.close()

    window = MainWindow(Study.open(location))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.sign_in(None, manager=True)
    table = window.videoTable
    proxy = table.model()
    assert isinstance(proxy, VideoFilter)
    rows = {proxy.index(r, 0).data(): r for r in range(proxy.rowCount())}
    marked = proxy.index(rows["D001"], 0)
    assert marked.data(VideoFilter.MARK_ROLE) == "truncated, damaged end"
    assert marked.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "its header says 00:04.000 (100 frames)" in marked.data(Qt.ItemDataRole.ToolTipRole)
    sound = proxy.index(rows["D002"], 0)
    assert sound.data(VideoFilter.MARK_ROLE) == ""
    assert sound.data(Qt.ItemDataRole.DecorationRole) is None

    table.setFocus()
    table.selectRow(rows["D001"])
    wait_shown(qtbot, window)
    check = window.findChild(QLabel, "checkValue")
    assert check is not None and check.isVisible()
    assert "Problem: the file is truncated" in check.text()
    table.selectRow(rows["D002"])
    wait_shown(qtbot, window)
    assert "Every frame listed in the file can be decoded." in check.text()
    window.close()


def test_no_sound_device_is_reported_once_in_the_status_bar(
    qtbot: QtBot, location: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    from eas_coder.gui.player.audio_status import NO_DEVICE
    from eas_coder.gui.player.qt_backend import QtBackend

    application()
    monkeypatch.delenv("EAS_CODER_AUDIO", raising=False)  # sound on, as for a coder
    assert not QMediaDevices.audioOutputs(), "this machine has no sound device to miss"
    backend = QtBackend()
    window = MainWindow(Study.open(location), backend)
    qtbot.addWidget(window)
    said: list[str] = []
    backend.audio_status.problem.connect(said.append)
    backend.play()
    backend.pause()
    backend.play()  # again: not said twice
    assert said == [NO_DEVICE]
    label = window.findChild(QLabel, "audioStatus")
    assert label is not None and label.text() == "No sound" and label.toolTip() == NO_DEVICE
    assert window.statusBar().currentMessage() == NO_DEVICE
    assert "Connect speakers or headphones" in NO_DEVICE
    window.close()


def test_the_list_filter_answers_cells_in_qt_not_in_python() -> None:
    """The marks come from the list's model; the filter between it and the view has no
    ``data`` of its own (issue 18): one in Python doubled the Python calls of every cell
    painted, ~750 a screenful when the list scrolls or a video is chosen."""
    from PySide6.QtCore import QSortFilterProxyModel

    assert VideoFilter.data is QSortFilterProxyModel.data
