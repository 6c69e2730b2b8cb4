"""The offset of an attached camera angle or separate recorder, set while looking at both side
by side: the video's frame at a moment and the angle's frame at that moment plus the offset
(for a recorder, both sound envelopes around it). Nudged by one frame or 100 ms with the
buttons or keys; saved to ``attachment.offset_ms`` (audited) only on Save."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.waveform import Waveform, compute_waveform
from eas_coder.model import Attachment, Video
from eas_coder.store.study import Study

HUNDRED_MS = 100
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


class _Side:
    """One picture: a video's frames or a sound envelope, at a time in its own file."""

    def __init__(self, path: Path, sound: bool) -> None:
        self.frames: ExactFrames | None = None
        self.wave: Waveform | None = None
        if sound:
            self.wave = compute_waveform(path)
        else:
            self.frames = ExactFrames(path, behind=4, ahead=4)

    @property
    def frame_ms(self) -> float:
        return self.frames.index.median_frame_ms if self.frames is not None else 40.0

    @property
    def duration_ms(self) -> int:
        if self.frames is not None:
            return self.frames.index.duration_ms
        return self.wave.duration_ms if self.wave is not None else 0

    def show(self, label: QLabel, ms: int) -> None:
        if self.wave is not None or self.frames is None:
            label.setPixmap(QPixmap.fromImage(_wave_image(self.wave, ms)))
            return
        if ms < 0 or ms >= self.duration_ms:
            label.setPixmap(QPixmap())
            label.setText("before the file starts" if ms < 0 else "after the file ends")
            return
        index = self.frames.index.index_at(ms)
        picture = QPixmap.fromImage(_image(self.frames.frame(index)))
        label.setPixmap(
            picture.scaled(label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
        )  # fmt: skip

    def close(self) -> None:
        if self.frames is not None:
            self.frames.close()


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
        sound = attachment.kind == "audio"
        main_path = study.videos.file_of(video)
        if main_path is None:
            raise EasCoderError(f"{video.label} has no file to align with")
        self.main = _Side(main_path, sound)
        self.other = _Side(study.attachments.file_of(attachment), sound)
        name = attachment.name or Path(attachment.path).name
        what = "Separate recorder" if sound else "Camera angle"
        self.setWindowTitle(f"Offset of {name} – {video.label}")
        self.mainCaption.setText(f"{video.label}: {'sound' if sound else 'picture'}")  # type: ignore[attr-defined]
        self.otherCaption.setText(f"{what}: {name}")  # type: ignore[attr-defined]
        # one frame of the video (a recorder is nudged by the video's frames too)
        self.frame_ms = max(1, round(1000 / video.fps if video.fps else self.main.frame_ms))
        self.minusFrameButton.setText(f"−1 frame ({self.frame_ms} ms)")  # type: ignore[attr-defined]
        self.plusFrameButton.setText(f"+1 frame ({self.frame_ms} ms)")  # type: ignore[attr-defined]
        slider = self.positionSlider  # type: ignore[attr-defined]
        slider.setRange(0, max(0, (video.duration_ms or self.main.duration_ms) - 1))
        slider.setSingleStep(self.frame_ms)
        slider.setPageStep(1000)
        slider.valueChanged.connect(self._show)
        self.minus100Button.clicked.connect(lambda: self.nudge(-HUNDRED_MS))  # type: ignore[attr-defined]
        self.plus100Button.clicked.connect(lambda: self.nudge(HUNDRED_MS))  # type: ignore[attr-defined]
        self.minusFrameButton.clicked.connect(lambda: self.nudge(-self.frame_ms))  # type: ignore[attr-defined]
        self.plusFrameButton.clicked.connect(lambda: self.nudge(self.frame_ms))  # type: ignore[attr-defined]
        box: QDialogButtonBox = self.buttonBox  # type: ignore[attr-defined]
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        self._show()

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
        self.main.show(self.mainPicture, at)  # type: ignore[attr-defined]
        self.other.show(self.otherPicture, at + self.offset_ms)  # type: ignore[attr-defined]

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
