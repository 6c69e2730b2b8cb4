"""Opening a server study whose role needs a password, in the real window: the password is
asked for in a dialog, kept in memory only (never in QSettings or the recent list), a wrong
one is asked again, and Cancel leaves the open study as it was."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.errors import PasswordNeeded, StudyError
from eas_coder.gui.study.recent import RecentStudies
from eas_coder.gui.study.server_password import DIALOG_NAME, TRIES
from eas_coder.gui.window.app import open_window
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string, with_password
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PostgresServer
from tests.support import need

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def no_ambient_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


@pytest.fixture(autouse=True)
def warned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes shown (recorded, not shown: a modal box would wait for ever)."""
    shown: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, _t, text, *_a: shown.append(text))
    return shown


@pytest.fixture
def server_study(postgres_server: PostgresServer | None, scheme: Scheme) -> str:
    """A study on the test server owned by the password role; returns its password-less URL."""
    need(postgres_server is not None, "PostgreSQL server binaries are not installed")
    assert postgres_server is not None
    name = f"eas_gui_pw_{os.getpid()}_{next(_numbers)}"
    postgres_server.psql(f'CREATE DATABASE "{name}" OWNER {PASSWORD_ROLE}')
    url = postgres_server.password_url(name)
    with Study.create(with_password(from_string(url), PASSWORD), scheme, "Server study"):
        pass
    return url


class Typist:
    """Answers each password dialog as a person would: types the next answer and presses
    Enter, or presses Escape for None. A dialog beyond the answers is cancelled and counted."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.answers: list[str | None] = []
        self.labels: list[str] = []
        self.unexpected = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(20)

    def will_answer(self, *answers: str | None) -> Typist:
        self.answers = list(answers)
        self.labels.clear()
        return self

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not (
            isinstance(dialog, QInputDialog)
            and dialog.objectName() == DIALOG_NAME
            and dialog.isVisible()
        ):
            return
        edit = dialog.findChild(QLineEdit)
        assert edit is not None and edit.echoMode() == QLineEdit.EchoMode.Password
        self.labels.append(dialog.labelText())
        if not self.answers:
            self.unexpected += 1
        answer = self.answers.pop(0) if self.answers else None
        if answer is None:
            self.qtbot.keyClick(edit, Qt.Key.Key_Escape)
        else:
            self.qtbot.keyClicks(edit, answer)
            self.qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def typist(qtbot: QtBot) -> Iterator[Typist]:
    person = Typist(qtbot)
    yield person
    person.timer.stop()


def _settings_text() -> str:
    """Everything QSettings holds, keys, values and the file on disk."""
    settings = QSettings()
    settings.sync()
    parts = [f"{key}={settings.value(key)!r}" for key in settings.allKeys()]
    settings_file = Path(settings.fileName())
    if settings_file.is_file():
        parts.append(settings_file.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_open_asks_again_after_a_wrong_password_and_keeps_it_in_memory_only(
    window: MainWindow, server_study: str, typist: Typist, warned: list[str]
) -> None:
    typist.will_answer("wrong-one", PASSWORD)
    window.study_actions.open_location(server_study)
    assert warned == []
    assert typist.unexpected == 0 and not typist.answers
    first, second = typist.labels
    where = server_study.split("://", 1)[1]
    assert f"The server wants a password for {where}." in first
    assert "never saved" in first
    assert f"The server refused that password for {where}." in second
    assert f"({TRIES - 1} tries left)" in second

    study = window.study
    assert study.info.name == "Server study"
    assert study.location.display() == server_study
    assert study.location.url.password == PASSWORD  # in memory: workers reopen with it
    with Study.open(study.location) as again:  # as a background worker does
        assert again.info.name == "Server study"

    assert RecentStudies().items()[0] == server_study  # the URL without the password
    study.coders.add("Ana")
    window.sign_in("Ana")  # remembered as the last coder of this study, keyed by its URL
    window.close()  # the window saves its layout on closing
    text = _settings_text()
    assert server_study in text and server_study.replace("/", "|") in text
    assert PASSWORD not in text and "wrong-one" not in text
    assert PASSWORD not in window.statusBar().currentMessage()


def test_cancel_keeps_the_open_study(
    window: MainWindow, server_study: str, typist: Typist, warned: list[str]
) -> None:
    before = window.study
    typist.will_answer(None)
    window.study_actions.open_location(server_study)
    assert warned == []  # cancelling is not an error
    assert len(typist.labels) == 1 and typist.unexpected == 0
    assert window.study is before  # still open, unchanged
    assert before.info.name != "Server study"
    assert "nothing changed" in window.statusBar().currentMessage()
    assert server_study not in RecentStudies().items()


def test_three_wrong_passwords_end_in_a_message(
    window: MainWindow, server_study: str, typist: Typist, warned: list[str]
) -> None:
    before = window.study
    typist.will_answer("nope-1", "nope-2", "nope-3")
    window.study_actions.open_location(server_study)
    assert len(typist.labels) == TRIES and typist.unexpected == 0
    assert "(1 try left)" in typist.labels[-1]
    (message,) = warned
    assert f"the server refused the password for user '{PASSWORD_ROLE}'" in message
    assert "nope" not in message and PASSWORD not in message
    assert window.study is before


def test_startup_asks_for_the_password(server_study: str, typist: Typist, qtbot: QtBot) -> None:
    typist.will_answer(PASSWORD)
    window = open_window(from_string(server_study), explicit=True)
    qtbot.addWidget(window)
    assert len(typist.labels) == 1
    assert window.study.info.name == "Server study"
    assert window.study.location.url.password == PASSWORD
    assert PASSWORD not in _settings_text()


def test_startup_cancel_opens_nothing_and_says_why(server_study: str, typist: Typist) -> None:
    typist.will_answer(None)
    with pytest.raises(StudyError, match="no password given; nothing was opened") as caught:
        open_window(from_string(server_study), explicit=True)
    assert not isinstance(caught.value, PasswordNeeded)
    assert server_study in str(caught.value)


def test_pgpassword_opens_without_asking(
    window: MainWindow,
    server_study: str,
    typist: Typist,
    warned: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    typist.will_answer()
    window.study_actions.open_location(server_study)
    assert warned == []
    assert typist.labels == []
    assert window.study.info.name == "Server study"
    assert window.study.location.url.password is None
