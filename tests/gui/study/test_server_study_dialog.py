"""File ▸ Open Server Study…: a coder at a workstation opens the lab's server study by filling
in server, port, database and user — no URL to type, no password field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import Location
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study


def test_open_a_server_study_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, server_location: Location, scheme: Scheme
) -> None:
    with Study.create(server_location, scheme, "Lab on the server", actor="t") as study:
        study.coders.add_many(["Ana"])
    url = server_location.url
    action = window.study_actions.server_action
    assert action in window.menuFile.actions()
    dialog = window.study_actions.open_server_dialog()
    assert dialog.isVisible() and not dialog.findChildren(QLineEdit, "passwordEdit")
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not open_button.isEnabled()  # nothing filled in yet
    qtbot.keyClicks(dialog.host, str(url.host))
    dialog.port.selectAll()
    qtbot.keyClicks(dialog.port, str(url.port))
    qtbot.keyClicks(dialog.database, str(url.database))
    assert not open_button.isEnabled()  # still no user
    qtbot.keyClicks(dialog.user, str(url.username))
    assert open_button.isEnabled()
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert window.study.info.name == "Lab on the server"
    assert window.study.location.url.database == url.database
    assert window.study.location.display() in RecentStudies().items()
    window.choose_coder().reject()


def test_the_url_asks_for_ssl_when_ticked(window: MainWindow) -> None:
    dialog = window.study_actions.open_server_dialog()
    dialog.host.setText("db.lab.example")
    dialog.database.setText("eas_study")
    dialog.user.setText("eas")
    assert dialog.url() == "postgresql+psycopg://eas@db.lab.example:5432/eas_study"
    dialog.require_ssl.setChecked(True)
    assert dialog.url().endswith("/eas_study?sslmode=require")
    dialog.reject()
