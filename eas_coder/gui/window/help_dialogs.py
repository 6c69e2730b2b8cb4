"""Help inside the app: Help ▸ Getting Started (an illustrated guide) and Help ▸ About (the
licence and the third-party notices). Both read shipped files only: no browser, no network.

The guide is ``resources/help/getting-started.html`` with its screenshots beside it
(``packaging/help_screenshots.py`` remakes them); the licence texts are ``LICENSE`` and
``THIRD_PARTY_NOTICES.md`` (beside the package in a checkout, in ``_data/`` when installed).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QAction, QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from eas_coder import __version__
from eas_coder.resources import data_root, resources_dir

LICENCE_NAME = "GNU General Public License, version 3 or later (GPL-3.0-or-later)"
_ABOUT = f"""<h2>EAS Coder {__version__}</h2>
<p>Coding the Emotional Availability Scales from video.</p>
<p>EAS Coder is free software: you can redistribute it and/or modify it under the terms of
the {LICENCE_NAME}, as published by the Free Software Foundation.</p>
<p>It is distributed in the hope that it will be useful, but <b>without any warranty</b>;
without even the implied warranty of merchantability or fitness for a particular purpose.
The full licence is on the <i>Licence</i> tab.</p>
<p>It is built on Qt (PySide6, LGPL-3.0), FFmpeg (through PyAV and Qt Multimedia),
libVLC (LGPL-2.1+) and the other free software listed on the <i>Third-party notices</i>
tab.</p>"""


def guide_file() -> Path:
    """The Getting Started page (its images sit beside it)."""
    return resources_dir() / "help" / "getting-started.html"


def licence_text() -> str:
    """The full GPL-3.0 text shipped as ``LICENSE``."""
    return _shipped("LICENSE")


def notices_text() -> str:
    """``THIRD_PARTY_NOTICES.md`` (Markdown)."""
    return _shipped("THIRD_PARTY_NOTICES.md")


def _shipped(name: str) -> str:
    path = data_root() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:  # a broken install: say where the file should be
        return f"{name} is missing from this installation ({path}: {exc.strerror})."


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    return buttons


class GettingStartedDialog(QDialog):
    """Help ▸ Getting Started: the README's coding steps with screenshots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gettingStartedDialog")
        self.setWindowTitle("Getting Started with EAS Coder")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenLinks(False)  # nothing leaves the app; anchors scroll
        self.browser.anchorClicked.connect(self._on_anchor)
        page = guide_file()
        self.browser.setSearchPaths([str(page.parent)])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(page.parent) + "/"))
        self.browser.setHtml(_shipped_text(page))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(_buttons(self))
        self.resize(760, 640)

    def image_sources(self) -> list[str]:
        """The ``src`` of every image on the page, in order."""
        sources: list[str] = []
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    sources.append(fmt.toImageFormat().name())
                it += 1
            block = block.next()
        return sources

    def loads_image(self, source: str) -> bool:
        """Whether the page's image ``source`` loads (from the shipped files)."""
        resource = self.browser.loadResource(
            QTextDocument.ResourceType.ImageResource.value, QUrl(source)
        )
        if isinstance(resource, QImage | QPixmap):
            return not resource.isNull()
        if isinstance(resource, QByteArray | bytes):
            return not QImage.fromData(resource).isNull()
        return False

    def _on_anchor(self, url: QUrl) -> None:
        if url.hasFragment() and not url.scheme():
            self.browser.scrollToAnchor(url.fragment())


def _shipped_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"<p>The guide is missing from this installation ({path}: {exc.strerror}).</p>"


class AboutDialog(QDialog):
    """Help ▸ About: version, licence notice, the full licence and third-party notices."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About EAS Coder")
        self.tabs = QTabWidget(self)
        about = QLabel(_ABOUT, self)
        about.setObjectName("aboutText")
        about.setWordWrap(True)
        about.setOpenExternalLinks(False)
        about.setMargin(12)
        self.tabs.addTab(about, "About")
        self.licence = QPlainTextEdit(licence_text(), self)
        self.licence.setObjectName("licenceText")
        self.licence.setReadOnly(True)
        self.tabs.addTab(self.licence, "Licence (GPL-3.0-or-later)")
        self.notices = QTextBrowser(self)
        self.notices.setObjectName("noticesText")
        self.notices.setOpenLinks(False)
        self.notices.setMarkdown(notices_text())
        self.tabs.addTab(self.notices, "Third-party notices")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(_buttons(self))
        self.resize(720, 560)


def show_about(parent: QWidget) -> AboutDialog:
    """Open the About dialog (not blocking; returned for tests)."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install_getting_started(frame: QMainWindow, help_menu: QMenu) -> QAction:
    """Add Help ▸ Getting Started at the top of the Help menu."""
    action = QAction("&Getting Started", frame)
    action.setObjectName("actionGettingStarted")
    action.setStatusTip("A short illustrated guide to coding a video")
    first = help_menu.actions()[0] if help_menu.actions() else None
    help_menu.insertAction(first, action)
    if first is not None:
        help_menu.insertSeparator(first)

    def show() -> None:
        dialog = GettingStartedDialog(frame)  # the window owns it until it is closed
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    action.triggered.connect(show)
    return action
