"""Keeping a dialog off the player: after "Open video" the person wants to watch the moment
the coders disagree on, so the Reliability dialog moves beside the player (shrunk if need
be) and, where no side has room for it, is minimized rather than left on top."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget


def free_sides(screen: QRect, keep: QRect) -> list[QRect]:
    """The parts of ``screen`` left, right, above and below ``keep`` (possibly empty)."""
    return [
        QRect(screen.left(), screen.top(), keep.left() - screen.left(), screen.height()),
        QRect(keep.right() + 1, screen.top(), screen.right() - keep.right(), screen.height()),
        QRect(screen.left(), screen.top(), screen.width(), keep.top() - screen.top()),
        QRect(screen.left(), keep.bottom() + 1, screen.width(), screen.bottom() - keep.bottom()),
    ]


def keep_clear_of(dialog: QWidget, player: QWidget) -> None:
    """Move ``dialog`` (shrunk as far as it allows) into the largest free side of the screen
    around ``player``; minimize it when it fits in none."""
    screen = player.screen().availableGeometry()
    keep = QRect(player.mapToGlobal(QPoint(0, 0)), player.size())
    frame = dialog.frameGeometry().size() - dialog.geometry().size()  # title bar, borders
    smallest = dialog.minimumSizeHint().expandedTo(dialog.minimumSize()) + frame
    fitting = [
        side
        for side in free_sides(screen, keep)
        if side.width() >= smallest.width() and side.height() >= smallest.height()
    ]
    if not fitting:
        dialog.showMinimized()
        return
    side = max(fitting, key=lambda s: s.width() * s.height())
    dialog.resize((dialog.frameGeometry().size().boundedTo(side.size())) - frame)
    dialog.move(side.topLeft())
