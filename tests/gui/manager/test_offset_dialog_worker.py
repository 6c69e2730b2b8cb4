"""The offset dialog keeps the GUI thread free (issue 23 item 3): both files are opened and
indexed by workers while the pictures read "Loading…", frames are decoded by workers, fast
nudges decode only the latest position, closing mid-work releases the decoders once the
workers are done, and an unreadable file still says why.

Workers are held at a ``threading.Event`` gate patched into ``ExactFrames``, so what the
dialog does meanwhile is seen without any timing; the gates' timeouts are only a safety net
for the old code, which waited on the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from eas_coder.errors import VideoUnreadable
from eas_coder.gui.manager import offset_dialog
from eas_coder.gui.manager.offset_dialog import OffsetDialog
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.frame_index import read_frame_index
from eas_coder.model import Attachment, Video
from tests.support import ffmpeg_video

SAFETY_S = 10  # only reached by the old code, which blocked the GUI thread at the gate
LOADING = "Loading…"  # what a picture reads until its file is open


class Gate:
    """Holds a worker inside ``ExactFrames`` until the test opens it."""

    def __init__(self) -> None:
        self.armed = threading.Event()  # hold the next call
        self.held = threading.Event()  # a worker is waiting at the gate
        self.opened = threading.Event()

    def pass_through(self) -> None:
        if self.armed.is_set():
            self.armed.clear()
            self.held.set()
            self.opened.wait(SAFETY_S)


class Recorded:
    def __init__(self) -> None:
        self.decoded: list[tuple[str, int]] = []  # (file name, index) of each frame() call
        self.closed: list[str] = []
        self.made: list[str] = []


@pytest.fixture
def gates(monkeypatch: pytest.MonkeyPatch) -> tuple[Gate, Gate, Recorded]:
    """``(opening, decoding, recorded)``: gates on indexing a file and on decoding a frame,
    patched into the dialog's ``ExactFrames``."""
    opening, decoding, recorded = Gate(), Gate(), Recorded()

    class GatedFrames(ExactFrames):
        def __init__(self, path: Any, *args: Any, **kwargs: Any) -> None:
            opening.pass_through()
            super().__init__(path, *args, **kwargs)
            recorded.made.append(Path(path).name)

        def frame(self, index: int) -> np.ndarray:
            decoding.pass_through()
            recorded.decoded.append((self.path.name, index))
            return super().frame(index)

        def close(self) -> None:
            recorded.closed.append(self.path.name)
            super().close()

    monkeypatch.setattr(offset_dialog, "ExactFrames", GatedFrames)
    return opening, decoding, recorded


def _attached(window: MainWindow, angle: Path) -> tuple[Video, Attachment]:
    study = window.study
    video = study.videos.all()[0]
    return video, study.attachments.attach(video.id, angle, "angle")


@pytest.fixture
def angle(tmp_path: Path) -> Path:
    return ffmpeg_video(tmp_path / "cam2.mp4", seconds=4.0, fps="25", audio=False)


def _pictures(dialog: OffsetDialog) -> tuple[QPixmap, QPixmap]:
    return dialog.mainPicture.pixmap(), dialog.otherPicture.pixmap()  # type: ignore[attr-defined]


def _shown_while_indexing(
    qtbot: QtBot, window: MainWindow, angle: Path, opening: Gate
) -> tuple[OffsetDialog, Video, Attachment]:
    """The dialog on the demo video and ``angle`` (attached here), shown with one side's
    indexing held; with the video and the attachment."""
    video, attachment = _attached(window, angle)
    opening.armed.set()
    dialog = OffsetDialog(window.study, video, attachment, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(opening.held.is_set)
    return dialog, video, attachment


def test_the_dialog_shows_and_responds_while_the_files_are_indexed(
    qtbot: QtBot, window: MainWindow, angle: Path, gates: tuple[Gate, Gate, Recorded]
) -> None:
    opening, _, recorded = gates
    dialog, video, _attachment = _shown_while_indexing(qtbot, window, angle, opening)
    # one side's worker is held in the indexing: the GUI thread is free meanwhile
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired))
    assert not opening.opened.is_set()
    texts = (dialog.mainPicture.text(), dialog.otherPicture.text())  # type: ignore[attr-defined]
    assert LOADING in texts, texts
    assert not dialog.settled()
    qtbot.keyClick(dialog, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # +100 ms
    assert dialog.offset_ms == 100
    assert "Offset +100 ms" in dialog.offsetLabel.text()  # type: ignore[attr-defined]
    opening.opened.set()
    qtbot.waitUntil(dialog.settled)
    assert not any(picture.isNull() for picture in _pictures(dialog))
    assert sorted(recorded.made) == sorted([angle.name, window.study.videos.file_of(video).name])  # type: ignore[union-attr]
    dialog.reject()
    assert sorted(recorded.closed) == sorted(recorded.made)


def test_fast_nudges_decode_only_the_latest_position_and_end_on_its_frame(
    qtbot: QtBot,
    window: MainWindow,
    angle: Path,
    gates: tuple[Gate, Gate, Recorded],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, decoding, recorded = gates
    video, attachment = _attached(window, angle)
    dialog = OffsetDialog(window.study, video, attachment, window)
    dialog.show()
    dialog.set_position(1000)
    qtbot.waitUntil(dialog.settled)
    shown: list[int] = []
    original = getattr(offset_dialog._Side, "_picture", None)

    def recording(side: Any, index: int, rgb: np.ndarray) -> None:
        shown.append(index)
        assert original is not None
        original(side, index, rgb)

    monkeypatch.setattr(offset_dialog._Side, "_picture", recording, raising=False)
    recorded.decoded.clear()
    decoding.armed.set()  # the first nudge's decode waits at the gate
    for _ in range(10):
        dialog.nudge(dialog.frame_ms)
    qtbot.waitUntil(decoding.held.is_set)
    decoding.opened.set()
    qtbot.waitUntil(dialog.settled)
    with ExactFrames(angle) as frames:
        first = frames.index.index_at(1000 + dialog.frame_ms)
        last = frames.index.index_at(1000 + 10 * dialog.frame_ms)
        expected = QPixmap.fromImage(offset_dialog._image(frames.frame(last)))
    assert dialog.offset_ms == 10 * dialog.frame_ms
    # the first nudge's frame (held) and the last's: the eight between were never decoded
    assert recorded.decoded == [(angle.name, first), (angle.name, last)]
    assert shown == [last]  # the held frame came after a newer request: never shown
    label = dialog.otherPicture  # type: ignore[attr-defined]
    scaled = expected.scaled(label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    assert label.pixmap().toImage() == scaled.toImage()
    dialog.reject()


def test_closing_while_workers_run_releases_the_decoders_once_they_are_done(
    qtbot: QtBot, window: MainWindow, angle: Path, gates: tuple[Gate, Gate, Recorded]
) -> None:
    opening, decoding, recorded = gates
    # closed while a file is being indexed
    dialog, video, attachment = _shown_while_indexing(qtbot, window, angle, opening)
    dialog.reject()
    opening.opened.set()
    qtbot.waitUntil(
        lambda: len(recorded.made) == 2 and sorted(recorded.closed) == sorted(recorded.made)
    )
    qtbot.waitUntil(dialog.settled)
    # closed while a frame is being decoded
    recorded.made.clear()
    recorded.closed.clear()
    dialog = OffsetDialog(window.study, video, attachment, window)
    dialog.show()
    dialog.set_position(1000)
    qtbot.waitUntil(dialog.settled)
    before = dialog.otherPicture.pixmap().toImage()  # type: ignore[attr-defined]
    decoding.armed.set()
    dialog.nudge(100)
    qtbot.waitUntil(decoding.held.is_set)
    dialog.reject()
    assert recorded.closed == [window.study.videos.file_of(video).name]  # type: ignore[union-attr]
    decoding.opened.set()
    qtbot.waitUntil(lambda: sorted(recorded.closed) == sorted(recorded.made))
    qtbot.waitUntil(dialog.settled)
    assert dialog.offset_ms == 100
    assert dialog.otherPicture.pixmap().toImage() == before  # type: ignore[attr-defined]


def test_an_unreadable_file_says_why_as_before(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    damaged = tmp_path / "cam3.mp4"
    damaged.write_bytes(b"not a video at all " * 500)
    with pytest.raises(VideoUnreadable) as before:
        read_frame_index(damaged)  # what opening it on the GUI thread raised
    video, attachment = _attached(window, damaged)
    dialog = OffsetDialog(window.study, video, attachment, window)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.problem is not None and dialog.problem.isVisible())
    assert dialog.problem is not None
    assert dialog.problem.text() == str(before.value)
    assert dialog.otherPicture.text() == str(before.value)  # type: ignore[attr-defined]
    qtbot.waitUntil(dialog.settled)
    dialog.reject()
    # a missing file is said at once, as before
    damaged.unlink()
    with pytest.raises(VideoUnreadable, match="file not found"):
        OffsetDialog(window.study, video, attachment, window)
