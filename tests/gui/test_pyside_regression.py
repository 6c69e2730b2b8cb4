"""Guard for the PySide6 pin: 6.12.0 drops a reference to None in every processEvents().

On Python 3.11 that aborts the interpreter after a few thousand calls ("none_dealloc").
When this passes on a newer PySide6, the pin in pyproject.toml may be lifted.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def test_process_events_keeps_the_refcount_of_none(qapp: QApplication) -> None:
    QApplication.processEvents()
    before = sys.getrefcount(None)
    for _ in range(5000):
        QApplication.processEvents()
    drift = sys.getrefcount(None) - before
    assert abs(drift) < 50, f"refcount of None drifted by {drift} over 5,000 processEvents()"
