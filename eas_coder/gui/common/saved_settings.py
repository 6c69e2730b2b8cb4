"""Writing the app's settings (QSettings) only when a value changes."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def remember_setting(key: str, value: object) -> None:
    """Store ``value`` under ``key`` unless it is stored already: a write makes Qt rewrite
    the whole settings file, under a lock file, on the GUI thread (0.1-0.2 s measured at a
    coder's sign-in, issue 18), and most sign-ins name the same coder as the last one.
    Safe on any thread (QSettings is reentrant): the sign-in runs it on the save thread."""
    settings = QSettings()
    if settings.value(key) != value:
        settings.setValue(key, value)
