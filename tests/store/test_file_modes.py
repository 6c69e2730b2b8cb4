"""A study holds data about families: the file the app creates, the -wal and -shm files
SQLite adds beside it, and every backup are readable by their owner only (POSIX 0600),
whatever the umask. A study the lab has shared with its group on purpose stays shared in
its copies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.scheme import Scheme
from eas_coder.store.backups import backup_folder, backup_now
from eas_coder.store.database import backup_sqlite
from eas_coder.store.study import Study

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The most permissive umask: the 0600 must come from the app, not from the machine."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_created_study_its_sqlite_side_files_and_backups_are_private(
    tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "new" / "study.sqlite"
    with Study.create(from_string(path), scheme, "Private", actor="t") as study:
        study.coders.add_many(["Ana"])
        sides = [p for p in path.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
        assert sides, "SQLite made no -wal/-shm files while the study is open"
        assert {p.name: _mode(p) for p in [path, *sides]} == {p.name: 0o600 for p in [path, *sides]}
    with Study.open(from_string(path)):  # the backup taken on opening
        pass
    made = [*backup_folder(path).iterdir(), backup_now(path)]
    assert {_mode(p) for p in made} == {0o600}


def test_init_from_the_command_line_and_the_pre_migration_copy_are_private(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cli.sqlite"
    assert main(["--db", str(path), "init", "--name", "CLI study"]) == 0
    assert _mode(path) == 0o600
    copy = backup_sqlite(path, tmp_path / "before-upgrade.sqlite")  # taken before migrating
    assert _mode(copy) == 0o600


def test_a_study_shared_with_the_group_keeps_that_mode_in_its_backups(
    tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "shared.sqlite"
    Study.create(from_string(path), scheme, "Shared", actor="t").close()
    path.chmod(0o660)
    assert _mode(backup_now(path)) == 0o660
