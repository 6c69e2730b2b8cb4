"""Labels whose text changes often keep their size (issue 18).

``QLabel.setText`` asks the layout again whenever the text changes, and the layout asks the
window's: the playhead's frame and time, shown 30 times a second while playing, and a save's
"Saving…" then "Saved", relaid out the whole main window at each change (0.4 ms a label and
change measured, 0.04 ms at a fixed size), and the status bar's items jumped sideways as the
words changed length. A steady label is fixed at the widest text it has shown: it grows when
a text needs more room and never shrinks, so its neighbours stay put.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def set_steady_text(label: QLabel, text: str) -> None:
    """Show ``text``; the label's size changes only when the text needs more room."""
    label.setText(text)
    hint = label.sizeHint()
    fixed = label.minimumSize() == label.maximumSize()
    if fixed and hint.width() <= label.maximumWidth() and hint.height() <= label.maximumHeight():
        return  # fits: no layout is asked again (a fixed size stops QLabel from asking)
    label.setFixedSize(hint.expandedTo(label.minimumSize()) if fixed else hint)
