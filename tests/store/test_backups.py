"""Backups of SQLite studies on real files: taken on open, rotated, consistent mid-write;
a damaged study refused with a good backup named; restore atomic, checked, and undoable."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eas_coder.errors import NotAStudy, SchemaTooNew, StudyDamaged, StudyError
from eas_coder.location import from_string
from eas_coder.scheme import Scheme
from eas_coder.store import backups
from eas_coder.store import restore as restore_module
from eas_coder.store.backups import (
    BEFORE_RESTORE,
    backup_folder,
    backup_now,
    check_backup,
    list_backups,
)
from eas_coder.store.restore import restore
from eas_coder.store.study import Study

START = datetime(2026, 11, 25, 17, 15, tzinfo=UTC)
GARBAGE = b"\xde\xad\xbe\xef" * 1024  # one 4-KB page that is no b-tree page


class Clock:
    """Stands in for backups._now; move it on with ``clock.later(minutes)``."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def later(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(backups, "_now", fake)
    return fake


@pytest.fixture
def path(tmp_path: Path, scheme: Scheme) -> Path:
    """A study file holding coder Ana; created, not yet opened (so no backup yet)."""
    file = tmp_path / "study.sqlite"
    with Study.create(from_string(file), scheme, "Backed up", actor="tester") as study:
        study.coders.add("Ana")
    return file


def _digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _coders_in(file: Path) -> list[str]:
    conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM coder ORDER BY name")]
    finally:
        conn.close()


def _add_coder(file: Path, name: str) -> None:
    with Study.open(from_string(file), backup=False) as study:
        study.coders.add(name)


def _open(file: Path) -> None:
    with Study.open(from_string(file)):
        pass


def _checkpoint(file: Path) -> None:
    conn = sqlite3.connect(file)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _garble_middle_page(file: Path) -> None:
    _checkpoint(file)  # everything in the file itself, then one page overwritten
    pages = file.stat().st_size // 4096
    with file.open("r+b") as handle:
        handle.seek(4096 * (pages // 2))
        handle.write(GARBAGE)


def _truncate_half(file: Path) -> None:
    _checkpoint(file)
    os.truncate(file, file.stat().st_size // 2)


def _wipe_header(file: Path) -> None:
    _checkpoint(file)
    with file.open("r+b") as handle:
        handle.write(b"\x00" * 100)


def _side_files(file: Path) -> list[str]:
    return sorted(p.name for p in file.parent.iterdir() if p.name.startswith(file.name + "-"))


# --- taking backups ------------------------------------------------------------------------


def test_opening_a_study_file_backs_it_up(path: Path, clock: Clock) -> None:
    folder = backup_folder(path)
    assert folder == path.parent / "study.backups" and not folder.exists()  # create: no copy
    _open(path)
    (info,) = list_backups(path)
    assert info.path == folder / "study-20261125T171500Z.sqlite"
    assert info.taken_at == START and info.ok and info.kind == "open" and info.problem == ""
    assert info.size == info.path.stat().st_size > 0
    assert _coders_in(info.path) == ["Ana"]
    assert check_backup(info.path, thorough=True) == []
    conn = sqlite3.connect(info.path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # self-contained
    conn.close()
    assert sorted(p.name for p in folder.iterdir()) == [info.path.name]  # no temp, no -wal


def test_no_new_backup_within_a_minute_or_when_nothing_changed(path: Path, clock: Clock) -> None:
    _open(path)
    _add_coder(path, "Ben")
    clock.later(0.5)
    _open(path)  # under a minute after the last backup: a script's next command, say
    assert len(list_backups(path)) == 1
    clock.later(2)
    _open(path)
    newest, oldest = list_backups(path)
    assert (_coders_in(newest.path), _coders_in(oldest.path)) == (["Ana", "Ben"], ["Ana"])
    for _ in range(15):  # opening an unchanged study day after day keeps the history
        clock.later(24 * 60)
        _open(path)
    assert [b.path for b in list_backups(path)] == [newest.path, oldest.path]


def test_rotation_keeps_the_last_n_newest_first(path: Path, clock: Clock) -> None:
    with Study.open(from_string(path)) as study:
        study.settings.set("backups.keep", 3)
    for name in ["Ben", "Cleo", "Dan", "Eve", "Finn"]:
        _add_coder(path, name)
        clock.later(2)
        _open(path)
    kept = list_backups(path)
    assert [b.taken_at for b in kept] == [START + timedelta(minutes=m) for m in (10, 8, 6)]
    assert [len(_coders_in(b.path)) for b in kept] == [6, 5, 4]


def test_backups_taken_in_the_same_second_do_not_overwrite_each_other(
    path: Path, clock: Clock
) -> None:
    first = backup_now(path)
    _add_coder(path, "Ben")
    second = backup_now(path)
    assert first.name == "study-20261125T171500Z.sqlite"
    assert second.name == "study-20261125T171500Z-2.sqlite"
    assert [b.path for b in list_backups(path)] == [second, first]


@pytest.mark.parametrize("bad", [0, 101, 2.5, True, "3", None])
def test_the_number_kept_is_a_whole_number_from_1_to_100(path: Path, bad: object) -> None:
    with Study.open(from_string(path), backup=False) as study:
        assert study.settings.get("backups.keep") == 10
        with pytest.raises(StudyError, match="backups.keep must be a whole number from 1 to 100"):
            study.settings.set("backups.keep", bad)
        study.settings.set("backups.keep", 1)
        study.settings.set("backups.keep", 100)
        assert study.settings.get("backups.keep") == 100


def test_a_backup_taken_while_another_connection_writes_is_consistent(
    path: Path, clock: Clock
) -> None:
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:  # another workstation adding coders, one audited commit each
        with Study.open(from_string(path), backup=False) as other:
            while not stop.is_set() and len(written) < 400:
                other.coders.add(f"Coder {len(written)}")
                written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    taken: list[Path] = []
    try:
        while writer.is_alive() and len(taken) < 90:  # fewer than keep: none rotated away
            taken.append(backup_now(path, keep=100))
    finally:
        stop.set()
        writer.join()
    counts = set()
    for copy in taken:
        assert check_backup(copy, thorough=True) == [], copy
        conn = sqlite3.connect(copy)
        coders = conn.execute("SELECT count(*) FROM coder").fetchone()[0]
        audited = conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'coder.add'"
        ).fetchone()[0]
        conn.close()
        assert coders == audited  # each commit entirely in, or entirely out
        counts.add(coders)
    assert len(counts) > 1  # the copies really were taken while the writer wrote


def test_a_failed_backup_does_not_stop_the_study_opening(
    path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    backup_folder(path).write_text("a file where the backups folder should be")
    with caplog.at_level(logging.WARNING), Study.open(from_string(path)) as study:
        assert [c.name for c in study.coders.all()] == ["Ana"]
    assert "could not back up the study" in caplog.text


def test_a_refused_newer_schema_makes_no_backup(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    before = _digest(path)
    with pytest.raises(SchemaTooNew, match="9999_from_the_future"):
        Study.open(from_string(path))
    assert _digest(path) == before and not backup_folder(path).exists()


# --- damaged studies -----------------------------------------------------------------------


@pytest.mark.parametrize("damage", [_garble_middle_page, _truncate_half, _wipe_header])
def test_a_damaged_study_is_refused_naming_a_good_backup_that_restore_brings_back(
    path: Path, clock: Clock, damage: Callable[[Path], None]
) -> None:
    _open(path)
    good = list_backups(path)[0].path
    _add_coder(path, "Ben")
    clock.later(5)
    damage(path)
    damaged = path.read_bytes()
    with pytest.raises(StudyDamaged) as refused:
        Study.open(from_string(path))
    message = str(refused.value)
    assert message.startswith(f"{path}: the study file is damaged (")
    assert f"eas-coder --db {path} restore {good}" in message
    assert refused.value.backup == good and refused.value.problems
    assert path.read_bytes() == damaged  # the check changed nothing

    result = restore(path, good)
    assert result.before_restore is not None
    assert result.before_restore.name == "before-restore-20261125T172000Z.sqlite"
    assert result.before_restore.read_bytes() == damaged  # kept byte for byte
    assert _side_files(path) == []
    with Study.open(from_string(path)) as study:
        assert [c.name for c in study.coders.all()] == ["Ana"]
        assert study.check().ok
    kinds = {b.path.name: (b.kind, b.ok) for b in list_backups(path)}
    assert kinds[result.before_restore.name] == (BEFORE_RESTORE, False)


def test_a_damaged_study_without_a_good_backup_says_so(path: Path) -> None:
    _garble_middle_page(path)
    with pytest.raises(
        StudyDamaged, match="no good backup was found in .*study.backups"
    ) as refused:
        Study.open(from_string(path))
    assert refused.value.backup is None


def test_a_file_that_is_no_database_and_has_no_backups_keeps_its_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"PK\x03\x04 a spreadsheet")
    with pytest.raises(NotAStudy, match="not a SQLite database"):
        Study.open(from_string(path))
    assert not backup_folder(path).exists()


# --- restoring -----------------------------------------------------------------------------


def test_restore_brings_back_the_old_content_and_keeps_the_current_file(
    path: Path, clock: Clock
) -> None:
    path.chmod(0o664)  # shared with the lab's group
    old = backup_now(path)
    _add_coder(path, "Ben")
    clock.later(1)
    result = restore(path, old)
    assert _coders_in(path) == ["Ana"]
    assert path.stat().st_mode & 0o777 == old.stat().st_mode & 0o777 == 0o664
    assert result.locked and result.source == old
    assert result.before_restore is not None and _coders_in(result.before_restore) == ["Ana", "Ben"]
    assert _side_files(path) == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["study.backups", "study.sqlite"]
    result_back = restore(path, result.before_restore)  # undone by restoring the kept copy
    assert _coders_in(path) == ["Ana", "Ben"] and result_back.before_restore is not None
    clock.later(60)
    with Study.open(from_string(path)) as study:
        study.settings.set("backups.keep", 1)
    clock.later(2)
    _add_coder(path, "Cleo")
    _open(path)  # rotation to a single backup leaves the before-restore copies alone
    names = [b.path.name for b in list_backups(path)]
    assert names.count("study-20261125T181800Z.sqlite") == 1 and len(names) == 3


def _make_damaged_copy(good: Path, target: Path) -> Path:
    shutil.copyfile(good, target)
    with target.open("r+b") as handle:
        handle.seek(4096 * (target.stat().st_size // 4096 // 2))
        handle.write(GARBAGE)
    return target


def _foreign_database(target: Path) -> Path:
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    return target


def _newer_study(good: Path, target: Path) -> Path:
    shutil.copyfile(good, target)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    return target


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_make_damaged_copy, "cannot restore this backup"),
        (lambda good, target: _foreign_database(target), "not an EAS Coder study"),
        (_newer_study, "newer version of EAS Coder"),
        (lambda good, target: target, "no such backup file"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    path: Path, clock: Clock, make: Callable[[Path, Path], Path], problem: str
) -> None:
    good = backup_now(path)
    bad = make(good, path.parent / "bad.sqlite")
    _add_coder(path, "Ben")
    before, folder_before = _digest(path), sorted(backup_folder(path).iterdir())
    files_before = sorted(path.parent.iterdir())
    with pytest.raises(StudyError, match=problem):
        restore(path, bad)
    assert _digest(path) == before
    assert sorted(backup_folder(path).iterdir()) == folder_before  # no before-restore copy
    assert sorted(path.parent.iterdir()) == files_before


def test_restore_refuses_while_the_study_is_open_elsewhere(
    path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restore_module, "LOCK_TIMEOUT_S", 0.2)
    old = backup_now(path)
    with Study.open(from_string(path), backup=False) as elsewhere:
        elsewhere.coders.add("Ben")
        with pytest.raises(StudyError, match="open elsewhere.*Nothing was changed"):
            restore(path, old)
        assert [c.name for c in elsewhere.coders.all()] == ["Ana", "Ben"]
    assert [b.path for b in list_backups(path)] == [old]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".restoring")]


def test_a_stale_wal_beside_a_damaged_study_is_kept_aside_not_replayed(
    path: Path, clock: Clock
) -> None:
    old = backup_now(path)
    # a writer that crashed: its WAL (holding coder Ben) is left beside the file
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(
        "INSERT INTO coder (name, active, created_at) VALUES ('Ben', 1, '2026-11-25 17:00:00')"
    )
    leftover = path.with_name(path.name + "-wal").read_bytes()
    writer.close()
    _garble_middle_page(path)
    path.with_name(path.name + "-wal").write_bytes(leftover)
    with pytest.raises(StudyDamaged):
        Study.open(from_string(path))

    result = restore(path, old)
    assert _side_files(path) == []
    assert _coders_in(path) == ["Ana"] and check_backup(path, thorough=True) == []
    assert result.before_restore is not None
    kept_wal = result.before_restore.with_name(result.before_restore.name + "-wal")
    assert kept_wal.read_bytes() == leftover  # what the crashed writer left, kept too
