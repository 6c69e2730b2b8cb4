"""The offset of an attached camera angle or separate recorder, set while looking at both side
by side: the video's frame at a moment and the angle's frame at that moment plus the offset
(for a recorder, both sound envelopes around it). Nudged by one frame or 100 ms with the
buttons or keys; saved to ``attachment.offset_ms`` (audited) only on Save.

Nothing slow runs on the GUI thread: each side's file is opened and indexed (or its sound
envelope computed) by a ``JobRunner`` worker while its picture reads "Loading…", and every
frame is decoded by a worker too, one at a time per side. Requests made meanwhile are not
queued: only the latest position is decoded next, and a picture that arrives after a newer
request is dropped, so fast nudging never shows an older frame after a newer one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.common.workers import JobRunner, ProgressCallback
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.probe import require_media_file
from eas_coder.media.waveform import Waveform, compute_waveform
from eas_coder.model import Attachment, Video
from eas_coder.store.study import Study

HUNDRED_MS = 100
LOADING = "Loading…"
_PICTURE = (480, 270)
_WAVE_SPAN_MS = 2000  # the envelope shown: a second either side of the moment


def clock(ms: int) -> str:
    """``m:ss.mmm`` (with a sign when negative)."""
    sign = "−" if ms < 0 else ""
    ms = abs(ms)
    return f"{sign}{ms // 60_000}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _image(rgb: np.ndarray) -> QImage:
    height, width = rgb.shape[:2]
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def _wave_image(wave: Waveform | None, centre_ms: float) -> QImage:
    width, height = _PICTURE
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.setPen(QColor("#4fc3f7"))
    if wave is not None:
        half = _WAVE_SPAN_MS / 2
        lows, highs = wave.columns(centre_ms - half, centre_ms + half, width)
        middle = height / 2
        for x, (low, high) in enumerate(zip(lows, highs, strict=True)):
            if np.isfinite(low) and np.isfinite(high):
                painter.drawLine(x, int(middle - high * middle), x, int(middle - low * middle))
    else:
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, "No sound in this file")
    painter.setPen(QColor("#ffcc00"))
    painter.drawLine(width // 2, 0, width // 2, height)  # the moment itself
    painter.end()
    return image


class _Closed(Exception):
    """The dialog closed before the worker began."""


class _Source:
    """One side's file as the workers use it: no Qt object, one worker at a time (the GUI
    side starts the next only when the last has ended; ExactFrames has one owner at a time).

    ``close`` (GUI thread) releases the decoder at once when no worker holds it, else the
    worker releases it as it ends, so a dialog closed mid-decode never pulls it away.
    """

    def __init__(self, path: Path, sound: bool) -> None:
        self.path, self.sound = path, sound
        self.frames: ExactFrames | None = None
        self.wave: Waveform | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._busy = False

    @contextmanager
    def _held(self) -> Iterator[None]:
        with self._lock:
            if self._closed:
                raise _Closed
            self._busy = True
        try:
            yield
        finally:
            with self._lock:
                self._busy = False
                release = self._closed
            if release:
                self._release()

    def open(self, _progress: ProgressCallback) -> None:
        """Worker: open and index the file (or compute its sound envelope)."""
        with self._held():
            if self.sound:
                self.wave = compute_waveform(self.path, stop=lambda: self._closed)
            else:
                self.frames = ExactFrames(self.path, behind=4, ahead=4)

    def decode(self, index: int) -> tuple[int, np.ndarray]:
        """Worker: the frame at ``index`` as RGB."""
        with self._held():
            assert self.frames is not None
            return index, self.frames.frame(index)

    def close(self) -> None:
        """GUI thread: release the decoder now, or when the running worker ends."""
        with self._lock:
            self._closed = True
            busy = self._busy
        if not busy:
            self._release()

    def _release(self) -> None:
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.close()


class _Side:
    """One picture (GUI thread): a video's frames or a sound envelope, at a time in its own
    file; the file is opened and its frames decoded by workers (see the module doc)."""

    def __init__(
        self,
        owner: QWidget,
        label: QLabel,
        path: Path,
        sound: bool,
        loaded: Callable[[], None],
        unreadable: Callable[[BaseException], None],
    ) -> None:
        self.owner, self.label = owner, label
        self.source = _Source(path, sound)
        self.ready = False
        self.closed = False
        self._loaded, self._unreadable = loaded, unreadable
        self._wanted: int | None = None  # the frame the latest request shows
        self._wanted_ms = 0
        self.shown: int | None = None  # the frame the picture holds
        self._decoding: JobRunner | None = None
        label.setWordWrap(True)
        label.setText(LOADING)
        runner = JobRunner(self.source.open, owner)
        runner.succeeded.connect(self._opened)
        runner.failed.connect(self._open_failed)
        self._opening: JobRunner | None = runner
        runner.start()

    @property
    def frames(self) -> ExactFrames | None:
        return self.source.frames

    @property
    def frame_ms(self) -> float:
        frames = self.frames
        return frames.index.median_frame_ms if frames is not None else 40.0

    @property
    def duration_ms(self) -> int:
        if self.frames is not None:
            return self.frames.index.duration_ms
        wave = self.source.wave
        return wave.duration_ms if wave is not None else 0

    def busy(self) -> bool:
        """True while the file is opening or a frame is being decoded."""
        return self._opening is not None or self._decoding is not None

    def _opened(self, _result: object) -> None:
        self._opening = None
        if self.closed:
            return
        self.ready = True
        self._loaded()

    def _open_failed(self, error: BaseException) -> None:
        self._opening = None
        if self.closed or isinstance(error, _Closed):
            return
        self.label.setText(str(error))
        self._unreadable(error)

    def show(self, ms: int) -> None:
        """Show the file at ``ms``: at once when no decode is needed, else once decoded."""
        self._wanted, self._wanted_ms = None, ms
        if not self.ready or self.closed:
            return  # "Loading…" stays; shown when the file is ready
        if self.source.sound or self.frames is None:
            self.label.setPixmap(QPixmap.fromImage(_wave_image(self.source.wave, ms)))
            return
        if ms < 0 or ms >= self.duration_ms:
            self.shown = None
            self.label.setPixmap(QPixmap())
            self.label.setText("before the file starts" if ms < 0 else "after the file ends")
            return
        index = self.frames.index.index_at(ms)
        if index == self.shown:
            return
        self._wanted = index
        if self._decoding is None:
            self._decode(index)

    def _decode(self, index: int) -> None:
        source = self.source
        runner = JobRunner(lambda _progress: source.decode(index), self.owner)
        runner.succeeded.connect(self._decoded)
        runner.failed.connect(self._decode_failed)
        self._decoding = runner
        runner.start()

    def _decoded(self, result: tuple[int, np.ndarray]) -> None:
        self._decoding = None
        if self.closed:
            return
        index, rgb = result
        if index == self._wanted:  # else a newer request came meanwhile: drop this one
            self._picture(index, rgb)
        self._next()

    def _decode_failed(self, error: BaseException) -> None:
        self._decoding = None
        if self.closed:
            return
        self._wanted = self.shown = None
        self.label.setPixmap(QPixmap())
        self.label.setText(str(error))

    def _next(self) -> None:
        if self._wanted is not None and self._wanted != self.shown:
            self._decode(self._wanted)
        else:
            self._wanted = None

    def _picture(self, index: int, rgb: np.ndarray) -> None:
        self.shown = index
        picture = QPixmap.fromImage(_image(rgb))
        self.label.setPixmap(
            picture.scaled(self.label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
        )  # fmt: skip

    def close(self) -> None:
        self.closed = True
        self.source.close()


class OffsetDialog(QDialog):
    """Set one attachment's offset; ``offset_ms`` holds the value being tried."""

    def __init__(
        self, study: Study, video: Video, attachment: Attachment, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        load_form(self, "offset_dialog.ui")
        self.setObjectName("offsetDialog")
        self.study, self.video, self.attachment = study, video, attachment
        self.offset_ms = attachment.offset_ms
        self.problem: QMessageBox | None = None
        sound = attachment.kind == "audio"
        main_path = study.videos.file_of(video)
        if main_path is None:
            raise EasCoderError(f"{video.label} has no file to align with")
        other_path = study.attachments.file_of(attachment)
        for path in (main_path, other_path):  # a missing file is said at once (a stat)
            require_media_file(path)
        name = attachment.name or Path(attachment.path).name
        what = "Separate recorder" if sound else "Camera angle"
        self.setWindowTitle(f"Offset of {name} – {video.label}")
        self.mainCaption.setText(f"{video.label}: {'sound' if sound else 'picture'}")  # type: ignore[attr-defined]
        self.otherCaption.setText(f"{what}: {name}")  # type: ignore[attr-defined]
        # one frame of the video (a recorder is nudged by the video's frames too); without
        # the video's rate, its index's once the main side is loaded
        self.frame_ms = max(1, round(1000 / video.fps)) if video.fps else 40
        self._frame_buttons()
        slider = self.positionSlider  # type: ignore[attr-defined]
        slider.setRange(0, max(0, (video.duration_ms or 0) - 1))
        slider.setPageStep(1000)
        slider.valueChanged.connect(self._show)
        self.minus100Button.clicked.connect(lambda: self.nudge(-HUNDRED_MS))  # type: ignore[attr-defined]
        self.plus100Button.clicked.connect(lambda: self.nudge(HUNDRED_MS))  # type: ignore[attr-defined]
        self.minusFrameButton.clicked.connect(lambda: self.nudge(-self.frame_ms))  # type: ignore[attr-defined]
        self.plusFrameButton.clicked.connect(lambda: self.nudge(self.frame_ms))  # type: ignore[attr-defined]
        box: QDialogButtonBox = self.buttonBox  # type: ignore[attr-defined]
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        self.main = _Side(self, self.mainPicture, main_path, sound, self._main_loaded,  # type: ignore[attr-defined]
                          self._unreadable)  # fmt: skip
        self.other = _Side(self, self.otherPicture, other_path, sound, self._show,  # type: ignore[attr-defined]
                           self._unreadable)  # fmt: skip
        self._show()

    def _frame_buttons(self) -> None:
        self.minusFrameButton.setText(f"−1 frame ({self.frame_ms} ms)")  # type: ignore[attr-defined]
        self.plusFrameButton.setText(f"+1 frame ({self.frame_ms} ms)")  # type: ignore[attr-defined]
        self.positionSlider.setSingleStep(self.frame_ms)  # type: ignore[attr-defined]

    def _main_loaded(self) -> None:
        """The video's own file is indexed: what its metadata did not say comes from it."""
        if not self.video.fps:
            self.frame_ms = max(1, round(self.main.frame_ms))
            self._frame_buttons()
        if not self.video.duration_ms:
            self.positionSlider.setMaximum(max(0, self.main.duration_ms - 1))  # type: ignore[attr-defined]
        self._show()

    def _unreadable(self, error: BaseException) -> None:
        """A side's file cannot be read: say so, in the words the store gives."""
        if self.problem is None:
            self.problem = QMessageBox(
                QMessageBox.Icon.Warning, "Offset", str(error), QMessageBox.StandardButton.Ok,
                self,
            )  # fmt: skip
            self.problem.setObjectName("offsetProblemBox")
            self.problem.open()  # never blocks

    def settled(self) -> bool:
        """True when both sides are loaded (or failed) and no frame is being decoded."""
        return not self.main.busy() and not self.other.busy()

    @property
    def position_ms(self) -> int:
        """The video time both pictures show."""
        return int(self.positionSlider.value())  # type: ignore[attr-defined]

    def set_position(self, ms: int) -> None:
        self.positionSlider.setValue(ms)  # type: ignore[attr-defined]

    def nudge(self, delta_ms: int) -> None:
        """Move the attachment's time against the video's by ``delta_ms``."""
        self.offset_ms += delta_ms
        self._show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        step = HUNDRED_MS if shift else self.frame_ms
        if key == Qt.Key.Key_Left:
            self.nudge(-step)
        elif key == Qt.Key.Key_Right:
            self.nudge(step)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.set_position(self.position_ms + (1000 if key == Qt.Key.Key_PageDown else -1000))
        else:
            super().keyPressEvent(event)

    def _show(self) -> None:
        at = self.position_ms
        self.positionLabel.setText(clock(at))  # type: ignore[attr-defined]
        sign = "+" if self.offset_ms >= 0 else "−"
        self.offsetLabel.setText(  # type: ignore[attr-defined]
            f"Offset {sign}{abs(self.offset_ms)} ms  (attached at {clock(at + self.offset_ms)})"
        )
        self.main.show(at)
        self.other.show(at + self.offset_ms)

    def save(self) -> None:
        """Store the offset (audited); a refusal is shown and the dialog stays open."""
        try:
            self.attachment = self.study.attachments.set_offset(self.attachment.id, self.offset_ms)
        except EasCoderError as exc:
            QMessageBox.warning(self, "Offset", str(exc))
            return
        self.accept()

    def done(self, result: int) -> None:
        self.main.close()
        self.other.close()
        super().done(result)
