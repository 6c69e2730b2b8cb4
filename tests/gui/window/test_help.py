"""Help ▸ Getting Started and Help ▸ About, opened from the real window's Help menu: shipped
files only (no browser, no network), the licence and the third-party notices in full."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.help_dialogs import AboutDialog, GettingStartedDialog
from eas_coder.gui.window.main_window import MainWindow


def _help_action(window: MainWindow, name: str) -> object:
    [action] = [a for a in window.menuHelp.actions() if a.objectName() == name]
    return action


def test_getting_started_opens_from_the_help_menu_with_its_screenshots(
    window: MainWindow, qtbot: QtBot
) -> None:
    names = [a.objectName() for a in window.menuHelp.actions() if a.objectName()]
    assert names[0] == "actionGettingStarted"  # first in the Help menu
    _help_action(window, "actionGettingStarted").trigger()
    [guide] = window.findChildren(GettingStartedDialog)
    qtbot.waitExposed(guide)
    text = guide.browser.toPlainText()
    for step in ("Who is coding", "Press I", "Ctrl+Enter", "Every change is saved"):
        assert step in text, step
    sources = guide.image_sources()
    assert len(sources) >= 3
    for source in sources:
        assert "://" not in source  # shipped beside the page, never fetched
        assert guide.loads_image(source), source
    # a link to the web is not followed (no browser opens, the page stays)
    guide.browser.anchorClicked.emit(QUrl("https://example.org/"))
    assert guide.browser.toPlainText() == text
    guide.findChild(QDialogButtonBox).rejected.emit()
    assert not guide.isVisible()


def test_about_shows_the_licence_and_every_third_party_notice(
    window: MainWindow, qtbot: QtBot
) -> None:
    _help_action(window, "actionAbout").trigger()
    [about] = window.findChildren(AboutDialog)
    qtbot.waitExposed(about)
    tabs = [about.tabs.tabText(i) for i in range(about.tabs.count())]
    assert tabs == ["About", "Licence (GPL-3.0-or-later)", "Third-party notices"]
    licence = about.licence.toPlainText()
    assert licence.lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert "Version 3, 29 June 2007" in licence and "END OF TERMS AND CONDITIONS" in licence
    notices = about.notices.toPlainText()
    for part in ("PySide6", "LGPL-3.0", "FFmpeg", "libVLC", "LGPL-2.1+", "python-vlc",
                 "SQLAlchemy", "openpyxl", "DejaVu", "pympi-ling", "psycopg", "fpdf2"):  # fmt: skip
        assert part in notices, part
    assert "GPL-3.0-or-later" in about.findChild(object, "aboutText").text()
