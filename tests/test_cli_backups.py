"""``eas-coder backups`` and ``eas-coder restore`` on real study files: listing, restoring,
a damaged study fixed from the command line, the lab manager's passphrase, bad input."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.cli_support import PASSPHRASE_ENV
from eas_coder.location import from_string
from eas_coder.scheme import Scheme
from eas_coder.store import backups
from eas_coder.store.backups import backup_folder, backup_now, list_backups
from eas_coder.store.study import Study
from tests.store.test_backups import GARBAGE, Clock, _coders_in, _garble_middle_page

PASSPHRASE = "lab-secret-1"


@pytest.fixture(autouse=True)
def _no_passphrase_around(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(backups, "_now", fake)
    return fake


def _study(path: Path, scheme: Scheme, passphrase: str | None = None) -> Path:
    with Study.create(from_string(path), scheme, "Lab", actor="tester") as study:
        study.coders.add("Ana")
        if passphrase:
            study.manager.set_passphrase(passphrase)
    return path


def _add_coder(path: Path, name: str) -> None:
    with Study.open(from_string(path), backup=False) as study:
        study.coders.add(name)


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("eas-coder: error:") and err.count("\n") == 1, err
    return err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backups_lists_newest_first_with_time_size_and_state(
    tmp_path: Path, scheme: Scheme, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(tmp_path / "lab.sqlite", scheme)
    assert main(["--db", str(db), "backups"]) == 0  # listing takes no backup itself
    assert "No backups of" in capsys.readouterr().out
    first = backup_now(db)
    _add_coder(db, "Ben")
    clock.later(2)
    second = backup_now(db)
    shutil.copyfile(second, backup_folder(db) / "lab-20261125T171600Z.sqlite")
    with (backup_folder(db) / "lab-20261125T171600Z.sqlite").open("r+b") as handle:
        handle.seek(4096 * 4)
        handle.write(GARBAGE)
    assert main(["--db", str(db), "backups"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Backups of {db} in {backup_folder(db)}, newest first:"
    assert lines[1].endswith(f" KB  ok       {second.name}")
    assert "  DAMAGED  lab-20261125T171600Z.sqlite  – " in lines[2]
    assert lines[3].endswith(f"  ok       {first.name}")
    assert lines[4] == f"Restore one with: eas-coder --db {db} restore NAME"


def test_restore_takes_the_newest_good_backup_or_one_named(
    tmp_path: Path, scheme: Scheme, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(tmp_path / "lab.sqlite", scheme)
    first = backup_now(db)
    _add_coder(db, "Ben")
    clock.later(2)
    second = backup_now(db)
    _add_coder(db, "Cleo")
    clock.later(2)
    assert main(["--db", str(db), "restore"]) == 0
    out = capsys.readouterr().out.splitlines()
    kept = backup_folder(db) / "before-restore-20261125T171900Z.sqlite"
    assert out == [f"Kept the file it replaced as {kept}", f"Restored {db} from {second}."]
    assert _coders_in(db) == ["Ana", "Ben"] and _coders_in(kept) == ["Ana", "Ben", "Cleo"]
    assert main(["--db", str(db), "restore", first.name]) == 0  # a name as listed
    assert _coders_in(db) == ["Ana"]
    capsys.readouterr()
    assert main(["--db", str(db), "backups"]) == 0
    assert capsys.readouterr().out.count("(before a restore)") == 2


def test_a_damaged_study_names_the_backup_and_restore_fixes_it(
    tmp_path: Path, scheme: Scheme, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(tmp_path / "lab.sqlite", scheme, PASSPHRASE)
    assert main(["--db", str(db), "coders", "list"]) == 0  # opening takes a backup
    (good,) = list_backups(db)
    capsys.readouterr()
    _garble_middle_page(db)
    assert main(["--db", str(db), "coders", "list"]) == 2
    err = _error(capsys)
    assert f"{db}: the study file is damaged" in err
    assert f"eas-coder --db {db} restore {good.path}" in err

    assert main(["--db", str(db), "backups"]) == 1  # listed still, with the problem
    captured = capsys.readouterr()
    assert good.path.name in captured.out and "warning: " in captured.err

    # no passphrase can be checked on a damaged study: restore goes ahead and says so
    assert main(["--db", str(db), "restore"]) == 0
    out = capsys.readouterr().out
    assert "damaged" in out and "no lab-manager passphrase could be checked" in out
    assert f"Restored {db} from {good.path}." in out
    assert main(["--db", str(db), "coders", "list"]) == 0
    assert "Ana" in capsys.readouterr().out


def test_restore_and_backups_are_the_lab_managers_in_a_study_with_a_passphrase(
    tmp_path: Path,
    scheme: Scheme,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = _study(tmp_path / "lab.sqlite", scheme, PASSPHRASE)
    old = backup_now(db)
    _add_coder(db, "Ben")
    before = _digest(db)
    for command in (["restore"], ["backups"]):
        assert main(["--db", str(db), *command]) == 2
        assert "for the lab manager in this study: add --manager" in _error(capsys)
        assert main(["--db", str(db), *command, "--coder", "Ana"]) == 2
        assert "not a coder" in _error(capsys)
    monkeypatch.setenv(PASSPHRASE_ENV, "wrong guess")
    assert main(["--db", str(db), "--manager", "restore"]) == 2
    assert "wrong lab-manager passphrase" in _error(capsys)
    assert _digest(db) == before
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["--db", str(db), "backups", "--manager"]) == 0
    assert old.name in capsys.readouterr().out
    assert main(["--db", str(db), "--manager", "restore", str(old)]) == 0
    assert _coders_in(db) == ["Ana"]


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    tmp_path: Path, scheme: Scheme, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(tmp_path / "lab.sqlite", scheme)
    bad = backup_now(db)
    _garble_middle_page(bad)
    _add_coder(db, "Ben")
    before, folder = _digest(db), sorted(backup_folder(db).iterdir())
    assert main(["--db", str(db), "restore", str(bad)]) == 2
    assert "cannot restore this backup" in _error(capsys)
    assert main(["--db", str(db), "restore"]) == 2  # the only backup is no good
    assert "no good backup" in _error(capsys)
    assert _digest(db) == before and sorted(backup_folder(db).iterdir()) == folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["restore", "nowhere.sqlite"], "no such backup file"),
        (["backups"], "no study here"),
        (["restore"], "no good backup"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--db", str(tmp_path / "none.sqlite"), *args]) == 2
    assert message in _error(capsys)


def test_a_server_study_is_told_how_it_is_backed_up(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    assert main(["--db", url, "backups"]) == 2
    assert "a server study keeps no backup folder; take a snapshot" in _error(capsys)
    assert main(["--db", url, "restore"]) == 2
    assert "name the snapshot file to restore" in _error(capsys)


@pytest.mark.parametrize("command", ["backups", "restore"])
def test_both_commands_have_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: eas-coder" in capsys.readouterr().out
