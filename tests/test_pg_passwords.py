"""A study on a PostgreSQL server whose role needs a password: libpq's own ways (PGPASSWORD,
a password file) work through our engine, a missing or wrong password is a clear
PasswordNeeded that never shows a password, and the command line asks at a terminal."""

from __future__ import annotations

import io
import itertools
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eas_coder import cli_support
from eas_coder.cli import main
from eas_coder.errors import PasswordNeeded, StudyError
from eas_coder.location import from_string, server_label, with_password
from eas_coder.scheme import Scheme
from eas_coder.store.study import Study
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PostgresServer
from tests.support import need

ROOT = Path(__file__).resolve().parents[1]
_numbers = itertools.count(1)


@pytest.fixture
def server(postgres_server: PostgresServer | None) -> PostgresServer:
    need(
        postgres_server is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    )
    assert postgres_server is not None
    return postgres_server


@pytest.fixture(autouse=True)
def no_ambient_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No password from the environment or the tester's own ~/.pgpass unless a test sets one."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


@pytest.fixture
def pw_url(server: PostgresServer) -> str:
    """A fresh, empty database owned by the password-protected role; its URL has no password."""
    name = f"eas_pw_{os.getpid()}_{next(_numbers)}"
    server.psql(f'CREATE DATABASE "{name}" OWNER {PASSWORD_ROLE}')
    return server.password_url(name)


@pytest.fixture
def pw_study(pw_url: str, scheme: Scheme) -> str:
    """A study made in that database (with the password given in memory); returns its URL."""
    with Study.create(with_password(from_string(pw_url), PASSWORD), scheme, "Lab study"):
        pass
    return pw_url


def _where(url: str) -> str:
    """``ROLE@127.0.0.1:PORT/DB`` of a password URL."""
    return url.split("://", 1)[1]


def test_no_password_is_a_clear_refusal(pw_study: str) -> None:
    with pytest.raises(PasswordNeeded) as caught:
        Study.open(from_string(pw_study))
    error = caught.value
    assert not error.wrong and error.user == PASSWORD_ROLE
    message = str(error)
    assert _where(pw_study) in message  # the server, port, database and role
    assert f"password for user '{PASSWORD_ROLE}' and none was given" in message
    assert "PGPASSWORD" in message and "~/.pgpass" in message and "chmod 600" in message
    assert PASSWORD not in message


def test_creating_a_study_without_password_is_refused_too(pw_url: str, scheme: Scheme) -> None:
    with pytest.raises(PasswordNeeded):
        Study.create(from_string(pw_url), scheme, "Lab study")


def test_pgpassword_opens_the_study(
    pw_url: str, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    location = from_string(pw_url)
    with Study.create(location, scheme, "Lab study") as study:
        study.coders.add("Ana")
    with Study.open(location) as study:
        assert [c.name for c in study.coders.all()] == ["Ana"]
        assert study.location.url.password is None  # libpq found it; we hold nothing


def _write_pgpass(path: Path, server: PostgresServer, line_password: str, mode: int) -> Path:
    path.write_text(f"127.0.0.1:{server.port}:*:{PASSWORD_ROLE}:{line_password}\n")
    path.chmod(mode)
    return path


def test_a_pgpass_file_opens_the_study(
    pw_study: str, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pgpass = _write_pgpass(tmp_path / "pgpass", server, PASSWORD, 0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with Study.open(from_string(pw_study)) as study:
        assert study.info.name == "Lab study"


def test_a_pgpass_file_others_can_read_is_ignored(
    pw_study: str, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libpq skips a password file the group or others may read (and warns on stderr)
    pgpass = _write_pgpass(tmp_path / "pgpass", server, PASSWORD, 0o644)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with pytest.raises(PasswordNeeded) as caught:
        Study.open(from_string(pw_study))
    assert not caught.value.wrong


def test_a_wrong_password_says_so_and_is_not_shown(
    pw_study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "Wrong-horse-battery"
    monkeypatch.setenv("PGPASSWORD", wrong)
    with pytest.raises(PasswordNeeded) as caught:
        Study.open(from_string(pw_study))
    assert caught.value.wrong
    assert f"the server refused the password for user '{PASSWORD_ROLE}'" in str(caught.value)
    assert wrong not in str(caught.value)
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(PasswordNeeded) as caught:  # typed in, in the URL: still never shown
        Study.open(with_password(from_string(pw_study), wrong))
    assert caught.value.wrong and wrong not in str(caught.value)


def test_a_password_in_memory_opens_and_stays_hidden(pw_study: str) -> None:
    location = with_password(from_string(pw_study), PASSWORD)
    with Study.open(location) as study:
        assert study.location.url.password == PASSWORD  # background work reopens with it
        # a second opening from the remembered location, as the window's workers do
        with Study.open(study.location) as again:
            assert again.info.name == "Lab study"
    for shown in (location.display(), repr(location), str(location.url), server_label(location)):
        assert PASSWORD not in shown
    assert location.display() == pw_study == from_string(pw_study).display()
    assert server_label(location) == _where(pw_study)


def test_a_study_file_takes_no_password(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="takes no password"):
        with_password(from_string(tmp_path / "s.sqlite"), "x")


def test_other_connection_failures_are_not_password_problems(server: PostgresServer) -> None:
    # a database that does not exist: an ordinary "cannot connect", not PasswordNeeded
    with pytest.raises(StudyError) as caught:
        Study.open(from_string(server.url("no_such_db_here")))
    assert not isinstance(caught.value, PasswordNeeded)
    assert "cannot connect" in str(caught.value)


# -- the command line ------------------------------------------------------------------------


class Prompt:
    """Answers the CLI's password prompt like a person at a terminal, and remembers it."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, bool]] = []

    def __call__(self, label: str, refused: bool) -> str | None:
        self.asked.append((label, refused))
        return self.answers.pop(0) if self.answers else None  # None: no terminal


def test_cli_without_terminal_exits_2_with_the_message(
    pw_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nobody to ask
    assert main(["--db", pw_url, "init", "--name", "Lab study"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eas-coder: error: ") and err.count("\n") == 1
    assert _where(pw_url) in err and f"user '{PASSWORD_ROLE}'" in err
    assert "PGPASSWORD" in err and PASSWORD not in err


def test_cli_asks_once_and_uses_the_typed_password(
    pw_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prompt = Prompt(PASSWORD)
    monkeypatch.setattr(cli_support, "password_prompt", prompt)
    assert main(["--db", pw_url, "init", "--name", "Lab study"]) == 0
    assert prompt.asked == [(_where(pw_url), False)]
    out = capsys.readouterr().out
    assert f"Created study 'Lab study' at {pw_url}" in out and PASSWORD not in out

    prompt = Prompt(PASSWORD)
    monkeypatch.setattr(cli_support, "password_prompt", prompt)
    assert main(["--db", pw_url, "coders", "add", "Ana", "Ben"]) == 0
    assert main(["--db", pw_url, "coders", "list"]) == 2  # Prompt has no answer left...
    assert len(prompt.asked) == 2  # ...so the second command asked again: nothing was kept


def test_cli_wrong_typed_password_is_tried_once(
    pw_study: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-the-password"
    prompt = Prompt(wrong, PASSWORD)
    monkeypatch.setattr(cli_support, "password_prompt", prompt)
    assert main(["--db", pw_study, "coders", "list"]) == 2
    assert len(prompt.asked) == 1  # one retry, not a loop
    err = capsys.readouterr().err
    assert f"the server refused the password for user '{PASSWORD_ROLE}'" in err
    assert wrong not in err


def test_cli_wrong_pgpassword_then_prompt(
    pw_study: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "stale")
    prompt = Prompt(PASSWORD)
    monkeypatch.setattr(cli_support, "password_prompt", prompt)
    assert main(["--db", pw_study, "coders", "list"]) == 0
    assert prompt.asked == [(_where(pw_study), True)]  # told that a password was refused


def _read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_cli_prompts_at_a_real_terminal(pw_study: str, tmp_path: Path) -> None:
    """The real getpass prompt in a pseudo-terminal: asked, not echoed, used."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    env["PGPASSFILE"] = str(tmp_path / "no-such-pgpass")
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "eas_coder.cli", "--db", pw_study, "coders", "list"],
            stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        before = _read_until(master, b"Password for ", 60)
        assert f"Password for {_where(pw_study)}: ".encode() in before
        os.write(master, PASSWORD.encode() + b"\n")
        assert child.wait(timeout=60) == 0
        after = _read_until(master, b"No coders yet", 5)
    finally:
        os.close(master)
    assert b"No coders yet" in after
    assert PASSWORD.encode() not in before + after  # not echoed


def test_merge_from_a_server_study_asks_for_its_password(
    pw_study: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: Scheme
) -> None:
    with Study.open(with_password(from_string(pw_study), PASSWORD)) as remote:
        remote.coders.add_many(["Remote coder"])
    main_file = tmp_path / "lab.sqlite"
    Study.create(from_string(main_file), scheme, "Lab", actor="t").close()
    prompt = Prompt(PASSWORD)
    monkeypatch.setattr(cli_support, "password_prompt", prompt)
    main(["--db", str(main_file), "merge", pw_study])
    assert prompt.asked == [(_where(pw_study), False)]
    with Study.open(from_string(main_file)) as lab:
        assert [c.name for c in lab.coders.all()] == ["Remote coder"]
