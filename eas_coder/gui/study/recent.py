"""File ▸ Recent Studies: the last studies opened, kept in QSettings, most recent first.

Study files that no longer exist drop out when the list is read. Database URLs are kept
without any password, so a password never lands in a settings file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMenu
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SETTING = "recent/studies"
MAX_RECENT = 8
MENU_TITLE = "Recent &Studies"
NO_RECENT = "No recent studies"
CLEAR = "Clear Menu"
_PASSWORD_KEYS = {"password", "pass", "pwd", "passwd", "sslpassword"}
_SHOWN_LENGTH = 70


def storable(location: str | os.PathLike[str]) -> str | None:
    """How a location is kept: an absolute path, or a URL with no password (None if unusable).

    A SQLite URL becomes its file path, so the same study is not listed twice.
    """
    text = os.fspath(location).strip()
    if not text:
        return None
    if "://" not in text:
        return str(Path(text).expanduser().resolve())
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        return None  # cannot tell where a password would be: keep nothing
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return str(Path(str(url.database)).expanduser().resolve())
    query = {k: v for k, v in url.query.items() if k.casefold() not in _PASSWORD_KEYS}
    # URL.set() leaves a field alone when given None, so the URL is rebuilt without one
    clean = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, query)
    return clean.render_as_string(hide_password=False)


def _is_url(item: str) -> bool:
    return "://" in item


class RecentStudies:
    """The recently opened studies, in QSettings (``recent/studies``)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def _stored(self) -> list[str]:
        value = self._settings.value(SETTING, [])
        if isinstance(value, str):  # some backends hand back a one-item list as its item
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if isinstance(v, str) and v]

    def _write(self, items: list[str]) -> None:
        self._settings.setValue(SETTING, items)
        self._settings.sync()

    def add(self, location: str | os.PathLike[str]) -> None:
        """Put ``location`` first (once), keeping at most eight."""
        item = storable(location)
        if item is None:
            return
        stored = self._stored()
        if stored[:1] == [item]:
            return  # already first (the usual start): no settings file written (~0.1 s)
        rest = [old for old in stored if old != item]
        self._write([item, *rest][:MAX_RECENT])

    def items(self) -> list[str]:
        """The recent studies, most recent first; missing study files are dropped for good."""
        stored = self._stored()
        kept = [item for item in stored if _is_url(item) or Path(item).is_file()][:MAX_RECENT]
        if kept != stored:
            self._write(kept)
        return kept

    def remove(self, location: str | os.PathLike[str]) -> None:
        """Forget one study (e.g. after it failed to open)."""
        item = storable(location)
        stored = self._stored()
        if item in stored:
            self._write([old for old in stored if old != item])

    def clear(self) -> None:
        """Forget every recent study."""
        self._write([])

    def fill_menu(self, menu: QMenu, open_callback: Callable[[str], None]) -> None:
        """Rebuild ``menu`` (the Recent Studies submenu): &1…&8, then Clear Menu.

        ``open_callback`` gets the chosen location string. Call again after opening a study,
        or connect ``menu.aboutToShow`` to a call of this, so the list is current.
        """
        menu.clear()
        if not menu.title():
            menu.setTitle(MENU_TITLE)
        menu.setToolTipsVisible(True)
        items = self.items()
        for number, item in enumerate(items, start=1):
            action = menu.addAction(f"&{number} {_shown(item)}")
            action.setToolTip(item)
            action.setStatusTip(item)
            action.setData(item)
            action.triggered.connect(lambda _=False, chosen=item: open_callback(chosen))
        if not items:
            menu.addAction(NO_RECENT).setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction(CLEAR)
        clear.setEnabled(bool(items))
        clear.triggered.connect(lambda: self._on_clear(menu, open_callback))

    def _on_clear(self, menu: QMenu, open_callback: Callable[[str], None]) -> None:
        self.clear()
        # rebuilt once the menu is done with the triggered action, which the rebuild deletes
        QTimer.singleShot(0, menu, lambda: self.fill_menu(menu, open_callback))


def _shown(item: str) -> str:
    """A menu label: the path or URL, shortened in the middle, ampersands kept literal."""
    text = item
    if len(text) > _SHOWN_LENGTH:
        half = (_SHOWN_LENGTH - 1) // 2
        text = f"{text[:half]}…{text[-half:]}"
    return text.replace("&", "&&")
