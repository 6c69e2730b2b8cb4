"""The video surface: draws the frames the Player delivers, or a message when there are none."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class VideoSurface(QWidget):
    """Letterboxed picture on black; a centred message for no video or a failed one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._message = "No video open"
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 135)
        self.setObjectName("videoSurface")
        # A click on the picture takes the keyboard back from a note or list, so the next
        # key is a player or coding shortcut again, not typed text (shortcuts are window-wide).
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def image(self) -> QImage:
        """The picture on screen (null when a message is shown)."""
        return self._image

    def message(self) -> str:
        """The message on screen, empty while a picture is shown."""
        return self._message

    def show_image(self, image: QImage) -> None:
        """Draw a frame (the Player's frameShown)."""
        self._image = image
        self._message = ""
        self.update()

    def show_message(self, text: str) -> None:
        """Replace the picture by a message (no video, or why it cannot be shown)."""
        self._image = QImage()
        self._message = text
        self.update()

    def picture_rect(self) -> QRect:
        """Where the picture is drawn: as large as fits, aspect kept, centred."""
        if self._image.isNull():
            return QRect()
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRect(0, 0, size.width(), size.height())
        rect.moveCenter(self.rect().center())
        return rect

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(12, 12, 14))
        if not self._image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(self.picture_rect()), self._image)
        elif self._message:
            painter.setPen(QColor(225, 225, 230))
            margin = self.rect().adjusted(24, 24, -24, -24)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(margin, int(flags), self._message)
        painter.end()
