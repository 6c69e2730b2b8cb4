"""Adding videos: finding them, guessing codes, the background job, the dialog, drops."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from eas_coder import adding_videos
from eas_coder.adding_videos import (
    AddVideosJob,
    AddVideosSummary,
    VideoEntry,
    collect_video_files,
    format_summary,
    guess_participant_timepoint,
)
from eas_coder.gui.common.workers import JobRunner
from eas_coder.gui.study.add_videos import (
    AddVideosDialog,
    VideoAdder,
    VideoDropFilter,
    show_summary,
)
from eas_coder.gui.window.app import application
from eas_coder.location import Location, from_string
from eas_coder.media.demo_videos import write_demo_video
from eas_coder.media.probe import probe
from eas_coder.model import VideoInfo
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_collect_finds_videos_in_nested_folders_in_natural_order(tmp_path: Path) -> None:
    root = tmp_path / "videos"
    _touch(root / "T10" / "D002_T10.mp4")
    _touch(root / "T2" / "D002_T2.MOV")  # suffixes in any case
    _touch(root / "T2" / "D010_T2.mkv")
    _touch(root / "T2" / "deep" / "more" / "D001_T2.avi")
    _touch(root / "T2" / "D001_T2.mp4")
    _touch(root / "notes.txt")
    _touch(root / "T2" / "D001_T2.srt")
    _touch(root / "T2" / "._D001_T2.mp4")  # a macOS companion file, not a video
    _touch(root / ".thumbs" / "D003_T1.mp4")
    single = _touch(tmp_path / "loose" / "D099 T1.webm")
    odd = _touch(tmp_path / "loose" / "D098_T1.data")  # named explicitly: kept for the probe
    found = collect_video_files([single, root, odd, root / "T2" / "D010_T2.mkv"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "loose/D099 T1.webm",
        "videos/T2/D001_T2.mp4",
        "videos/T2/D002_T2.MOV",
        "videos/T2/D010_T2.mkv",
        "videos/T2/deep/more/D001_T2.avi",
        "videos/T10/D002_T10.mp4",
        "loose/D098_T1.data",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("D014_T1.mp4", ("D014", "T1")),
        ("D014-t2.mov", ("D014", "t2")),
        ("D014 T1 pre.mp4", ("D014", "T1 pre")),
        ("dyad_014_T3_freeplay.mp4", ("dyad_014", "T3")),
        ("T1_D014.mp4", ("D014", "T1")),
        ("D014T2.mp4", ("D014", "T2")),
        ("M014_M12.mp4", ("M014", "M12")),
        ("wave2/D014.mp4", ("D014", "wave2")),
        ("session_recording.mp4", ("session_recording", "")),
        ("T1.mp4", ("T1", "")),
    ],
)
def test_guess_participant_and_timepoint(name: str, expected: tuple[str, str]) -> None:
    assert guess_participant_timepoint(Path("/data") / name) == expected


# --- the job ---------------------------------------------------------------------------------


@pytest.fixture
def study_location(tmp_path: Path) -> Location:
    location = from_string(tmp_path / "study.sqlite")
    Study.create(location, load_scheme(), "Videos", actor="tester").close()
    return location


@pytest.fixture
def video_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    for seed, name in enumerate(["T1/D001_T1.mp4", "T1/D002_T1.mp4", "T2/D001_T2.avi"]):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write_demo_video(folder / name, name, seconds=1.0, seed=seed)
    write_demo_video(folder / "D002_T2.mp4", "fourth", seconds=1.0, seed=7)
    _touch(folder / "T2" / "not-a-video.mp4", b"this is a text file, not a video\n" * 40)
    _touch(folder / "T2" / "empty.mp4", b"")
    return folder


def _run(qtbot: QtBot, job: AddVideosJob) -> tuple[AddVideosSummary, list[tuple], float]:
    """Run through JobRunner as the window does; also the longest GUI stall (s)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    runner = JobRunner(job, window)
    progress: list[tuple] = []
    runner.progressed.connect(lambda *args: progress.append(args))
    ticks: list[float] = [time.perf_counter()]
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    with qtbot.waitSignal(runner.succeeded, timeout=60_000) as blocker:
        runner.start()
    ticks.append(time.perf_counter())
    timer.stop()
    return blocker.args[0], progress, max(b - a for a, b in itertools.pairwise(ticks))


def test_job_adds_good_videos_and_reports_bad_ones(
    qtbot: QtBot,
    study_location: Location,
    video_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    application()
    files = collect_video_files([video_folder])
    assert len(files) == 6

    def slow_probe(path: Path) -> VideoInfo:
        time.sleep(0.15)  # as on a network share: on the GUI thread this would freeze it
        return probe(path)

    monkeypatch.setattr(adding_videos, "probe", slow_probe)
    job = AddVideosJob(study_location, [VideoEntry.guessed(f) for f in files], actor="manager")
    started = time.perf_counter()
    summary, progress, stall = _run(qtbot, job)
    assert time.perf_counter() - started >= 0.9

    assert sorted(summary.added) == ["D001_T1.mp4", "D001_T2.avi", "D002_T1.mp4", "D002_T2.mp4"]
    failed = dict(summary.failures)
    assert set(failed) == {
        video_folder / "T2" / "empty.mp4",
        video_folder / "T2" / "not-a-video.mp4",
    }
    assert failed[video_folder / "T2" / "empty.mp4"] == "the file is empty"
    assert "cannot" in failed[video_folder / "T2" / "not-a-video.mp4"]
    assert not summary.cancelled

    assert len(progress) == 7  # one per file, then done
    assert [p[1:] for p in progress] == [(n, 6) for n in range(7)]
    assert files[0].name in progress[0][0] and "(1 of 6)" in progress[0][0]
    assert stall < 0.25, f"the window froze for {stall:.3f} s"  # it kept handling events

    with Study.open(study_location) as study:
        videos = {(v.participant_code, v.timepoint, v.name) for v in study.videos.all()}
        assert videos == {
            ("D001", "T1", "D001_T1.mp4"),
            ("D002", "T1", "D002_T1.mp4"),
            ("D001", "T2", "D001_T2.avi"),
            ("D002", "T2", "D002_T2.mp4"),
        }
        assert all(v.frame_count == 25 for v in study.videos.all())
        assert {e.actor for e in study.audit_log() if e.action == "video.add"} == {"manager"}

    headline, details = format_summary(summary)
    assert headline == "Added 4 videos. 2 could not be added:"
    lines = details.splitlines()
    assert len(lines) == 2
    assert any("empty.mp4" in line and "the file is empty" in line for line in lines)
    assert any("not-a-video.mp4" in line for line in lines)


def test_the_same_recordings_again_are_already_in_the_study(
    qtbot: QtBot, study_location: Location, video_folder: Path
) -> None:
    application()
    good = [f for f in collect_video_files([video_folder]) if f.stat().st_size > 2000]
    first, _, _ = _run(qtbot, AddVideosJob(study_location, [VideoEntry.guessed(f) for f in good]))
    assert len(first.added) == 4
    moved = video_folder / "renamed.mp4"  # a copy under another name: same fingerprint
    moved.write_bytes(good[0].read_bytes())
    entries = [VideoEntry(moved, "D777", "T1"), VideoEntry(good[1], "D001", "T1")]
    again, _, _ = _run(qtbot, AddVideosJob(study_location, entries))
    assert again.added == []
    assert [path for path, _ in again.failures] == [moved, good[1]]
    assert all(reason.startswith("already in the study") for _, reason in again.failures)
    assert "D00" in again.failures[0][1]  # says which video it already is


def test_a_missing_timepoint_fails_that_file_only(
    qtbot: QtBot, study_location: Location, video_folder: Path
) -> None:
    application()
    good = [f for f in collect_video_files([video_folder]) if f.stat().st_size > 2000]
    entries = [VideoEntry(good[0], "D001", ""), VideoEntry(good[1], "D002", "T1")]
    summary, _, _ = _run(qtbot, AddVideosJob(study_location, entries))
    assert summary.added == [good[1].name]
    assert summary.failures == [(good[0], "the timepoint label (e.g. 'T1 pre') is missing")]


def test_cancel_stops_between_files(
    qtbot: QtBot, study_location: Location, video_folder: Path
) -> None:
    application()
    files = collect_video_files([video_folder])
    job = AddVideosJob(study_location, [VideoEntry.guessed(f) for f in files])
    seen: list[str] = []

    def progress(what: str, done: int, total: int) -> None:
        seen.append(what)
        if done == 1:
            job.cancel()

    summary = job(progress)
    assert summary.cancelled
    assert len(summary.added) == 2  # the file being added when asked to stop is finished
    assert "stopped" in format_summary(summary)[0]


# --- showing the result ----------------------------------------------------------------------


def test_summary_box_lists_failures(qtbot: QtBot, tmp_path: Path) -> None:
    application()
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = [(tmp_path / f"bad{n}.mp4", "the file is empty") for n in range(12)]
    box = show_summary(parent, AddVideosSummary(["a.mp4"] * 497, failures))
    qtbot.waitExposed(box)
    assert box.text() == "Added 497 videos. 12 could not be added:"
    assert box.icon() == QMessageBox.Icon.Warning
    assert "bad0.mp4: the file is empty" in box.informativeText()
    assert "4 more" in box.informativeText()
    assert (
        box.detailedText().count("\n") == 11 and str(tmp_path / "bad11.mp4") in box.detailedText()
    )
    box.close()
    ok = show_summary(parent, AddVideosSummary(["a.mp4"]))
    assert ok.text() == "Added 1 video." and ok.icon() == QMessageBox.Icon.Information
    ok.close()


# --- the dialog ------------------------------------------------------------------------------


def _editor(qtbot: QtBot, table: QTableWidget, column: int = 1) -> QLineEdit:
    """The line edit open on the current cell (the delegate's editor)."""
    qtbot.waitUntil(
        lambda: (
            table.currentColumn() == column
            and isinstance(table.indexWidget(table.currentIndex()), QLineEdit)
        )
    )
    editor = table.indexWidget(table.currentIndex())
    assert isinstance(editor, QLineEdit)
    return editor


def _cell_text(dialog: AddVideosDialog, row: int, column: int) -> str:
    return dialog.filesTable.item(row, column).text()


def test_dialog_prefills_guesses_and_lets_a_person_fix_them(qtbot: QtBot, tmp_path: Path) -> None:
    application()
    files = [tmp_path / "D001_T1.mp4", tmp_path / "D002 T2 post.mov", tmp_path / "clip7.mp4"]
    dialog = AddVideosDialog(files)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert [_cell_text(dialog, r, 1) for r in range(3)] == ["D001", "D002", "clip7"]
    assert [_cell_text(dialog, r, 2) for r in range(3)] == ["T1", "T2 post", ""]
    assert not ok.isEnabled()
    assert "1 file(s) have no timepoint" in dialog.statusLabel.text()

    # type over the guessed code of the third file, then its timepoint, as a person does
    table = dialog.filesTable
    table.setCurrentCell(2, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = _editor(qtbot, table)
    editor.selectAll()
    qtbot.keyClicks(editor, "D003")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits and edits the timepoint cell next
    editor = _editor(qtbot, table, column=2)
    qtbot.keyClicks(editor, "T1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # commits the cell, does not press OK yet
    qtbot.waitUntil(lambda: _cell_text(dialog, 2, 2) == "T1")
    assert _cell_text(dialog, 2, 1) == "D003"
    assert dialog.isVisible()
    assert ok.isEnabled() and ok.text() == "Add 3 Videos"
    assert not dialog.statusLabel.isVisible()

    # an emptied code is not allowed
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = _editor(qtbot, table)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # OK is enabled now, yet Enter only commits
    qtbot.waitUntil(lambda: _cell_text(dialog, 0, 1) == "")
    assert dialog.isVisible()
    assert not ok.isEnabled()
    assert "no dyad code" in dialog.statusLabel.text()

    # remove that row with the button
    table.selectRow(0)
    qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    assert ok.isEnabled() and ok.text() == "Add 2 Videos"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.entries() == [
        VideoEntry(files[1], "D002", "T2 post"),
        VideoEntry(files[2], "D003", "T1"),
    ]


def test_fill_sets_only_empty_timepoints(qtbot: QtBot, tmp_path: Path) -> None:
    application()
    files = [tmp_path / "a.mp4", tmp_path / "D001_T2.mp4", tmp_path / "b.mp4"]
    dialog = AddVideosDialog(files)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.fillEdit.setFocus()
    qtbot.keyClicks(dialog.fillEdit, "T1")
    qtbot.keyClick(dialog.fillEdit, Qt.Key.Key_Return)
    assert [e.timepoint for e in dialog.entries()] == ["T1", "T2", "T1"]
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dialog.isVisible()  # Return in the field fills; it does not close the dialog


# --- drag and drop ---------------------------------------------------------------------------


def _mime(urls: list[QUrl]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(urls)
    return mime


def test_dropping_files_emits_their_paths(qtbot: QtBot, tmp_path: Path) -> None:
    application()
    window = QWidget()
    qtbot.addWidget(window)
    drops = VideoDropFilter(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.acceptDrops()
    paths = [_touch(tmp_path / "D001_T1.mp4"), tmp_path]
    mime = _mime([QUrl.fromLocalFile(str(p)) for p in paths])
    actions = Qt.DropAction.CopyAction | Qt.DropAction.LinkAction
    enter = QDragEnterEvent(
        QPoint(5, 5), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(5, 5), actions, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    drop.ignore()
    with qtbot.waitSignal(drops.filesDropped) as blocker:
        QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    assert blocker.args == [paths]


def test_text_and_web_links_are_not_taken(qtbot: QtBot) -> None:
    application()
    window = QWidget()
    qtbot.addWidget(window)
    drops = VideoDropFilter(window)
    received: list[object] = []
    drops.filesDropped.connect(received.append)
    for mime in (_mime([QUrl("https://example.org/v.mp4")]), QMimeData()):
        if not mime.hasUrls():
            mime.setText("just text")
        enter = QDragEnterEvent(
            QPoint(1, 1),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        enter.ignore()
        QApplication.sendEvent(window, enter)
        assert not enter.isAccepted()
        drop = QDropEvent(
            QPointF(1, 1),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        drop.ignore()
        QApplication.sendEvent(window, drop)
        assert not drop.isAccepted()
    assert received == []


# --- the whole flow --------------------------------------------------------------------------


def test_adder_collects_asks_adds_and_reports(
    qtbot: QtBot,
    study_location: Location,
    video_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    application()
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    asked: list[int] = []

    def accept(dialog: AddVideosDialog) -> int:
        asked.append(dialog.filesTable.rowCount())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AddVideosDialog, "exec", accept)
    adder = VideoAdder(window, lambda: study_location, lambda: "manager")
    with qtbot.waitSignal(adder.finished, timeout=60_000) as blocker:
        adder.add([video_folder])
    assert asked == [6]
    summary = blocker.args[0]
    assert len(summary.added) == 4 and len(summary.failures) == 2
    assert adder.summary_box is not None and adder.summary_box.isVisible()
    assert adder.summary_box.text().startswith("Added 4 videos. 2 could not be added")
    assert adder.progress is not None and not adder.progress.isVisible()
    assert not adder.busy()
    adder.summary_box.close()


def test_adder_says_when_there_is_nothing_to_add(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    application()
    window = QWidget()
    qtbot.addWidget(window)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    _touch(tmp_path / "docs" / "readme.txt")
    VideoAdder(window, lambda: from_string(tmp_path / "none.sqlite")).add([tmp_path / "docs"])
    assert said == ["No video files in docs."]
