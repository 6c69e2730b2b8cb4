"""The rating panel's anchor box: the lab's anchor text for the dimension in focus, at the
score given (or every anchor of the dimension, or its description); for a zone, its labels
with the one chosen marked."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from eas_coder.gui.rating.score_text import format_score
from eas_coder.scheme import STEP_TOLERANCE, Dimension, Scheme


class AnchorBox(QFrame):
    """Title and text; hidden for a scheme without any anchor text (it would only take room)."""

    def __init__(self, scheme: Scheme) -> None:
        super().__init__()
        self.setObjectName("anchorBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("anchorTitle")
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.text = QLabel()
        self.text.setObjectName("anchorText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.setVisible(any(d.anchors or d.description or d.levels for d in scheme.dimensions))

    def show_for(self, dim: Dimension | None, score: float | None) -> None:
        """The anchor of ``dim`` at ``score``; with no dimension, how to get one."""
        if self.isHidden():
            return
        if dim is None:
            self.title.setText("Anchors")
            self.text.setText("Focus a dimension to see its anchor text here.")
            return
        title, text = anchor_for(dim, score)
        self.title.setText(title)
        self.text.setText(text)


def anchor_for(dim: Dimension, score: float | None) -> tuple[str, str]:
    """Title and text: the anchor at or nearest below ``score``, else every anchor, else
    the dimension's description; a zone lists its labels (the chosen one marked) after."""
    if dim.levels:
        title, text = anchor_for(replace(dim, levels=()), score)
        chosen = None if score is None else round(score)
        zones = "\n".join(
            f"{'▸ ' if n == chosen else ''}{n} — {label}" for n, label in enumerate(dim.levels, 1)
        )
        missing = not dim.anchors and not dim.description
        return (f"{dim.label} · zones" if missing else title), (
            zones if missing else f"{text}\n\nZones, lowest first:\n{zones}"
        )
    if dim.anchors:
        if score is not None:
            below = [
                (point, text) for point, text in dim.anchors if point <= score + STEP_TOLERANCE
            ]
            if below:
                point, text = below[-1]
                at = (
                    ""
                    if abs(point - score) <= STEP_TOLERANCE
                    else f" (score {format_score(score)})"
                )
                return f"{dim.label} · anchor {format_score(point)}{at}", text
        lines = "\n".join(f"{format_score(point)} — {text}" for point, text in dim.anchors)
        return f"{dim.label} · anchors", lines
    if dim.description:
        return dim.label, dim.description
    return dim.label, "No anchor text for this dimension in the scheme."
