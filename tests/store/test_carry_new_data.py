"""Backups, snapshots and restores carry every row of every table, the new ones too (scheme
versions and each rating's version, the timepoint order, measures and their values): a
study file's backup and restore on SQLite, a snapshot and its restore on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from eas_coder.cli import main
from eas_coder.location import Location, from_string
from eas_coder.store import snapshot
from eas_coder.store.measures import NewValue
from eas_coder.store.study import Study
from eas_coder.store.tables import Base
from tests.carry_support import fill, natural, new_study, table_rows

NEW_TABLES = {"scheme_version", "timepoint", "measure", "measure_value", "item_draft"}


def _arg(location: Location) -> str:
    if location.path is not None:
        return str(location.path)
    return location.url.render_as_string(hide_password=False)


def _change_the_new_data(location: Location) -> None:
    with Study.open(location, backup=False) as study:
        study.timepoints.set(["follow-up", "post", "pre"])
        study.measures.set_direction("BDI", True)
        study.measures.write([NewValue(1, "M001", "pre", "BDI", 30, None)], "later", True)
        video = next(v for v in study.videos.all() if v.timepoint == "pre")
        ana = study.coders.get("Ana")
        study.ratings.set(video.id, ana.id, "structuring", 6)  # now under version 2


def test_backup_and_restore_carry_every_row_of_every_table(
    db_location: Location, tmp_path: Path
) -> None:
    with new_study(db_location) as study:
        fill(study)
    saved = table_rows(db_location)
    assert all(saved[name] for name in NEW_TABLES)
    assert {row[-1] for row in saved["rating"]} == {1, 2}  # rating.scheme_version
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["--db", _arg(db_location), "backup", str(folder)]) == 0
    (backup,) = folder.iterdir()
    if db_location.path is None:  # the server's snapshot is a study file of its own
        snapshot_rows = table_rows(from_string(backup))
        assert snapshot_rows == saved
    _change_the_new_data(db_location)
    assert table_rows(db_location) != saved
    assert main(["--db", _arg(db_location), "restore", str(backup)]) == 0
    restored = table_rows(db_location)
    assert {name: restored[name] for name in NEW_TABLES} == {
        name: saved[name] for name in NEW_TABLES
    }
    assert restored["rating"] == saved["rating"]
    assert restored == saved


def test_a_snapshot_carries_every_table_the_schema_knows(
    server_location: Location, tmp_path: Path
) -> None:
    """The snapshot copies the schema's tables, so a new table is carried without a change
    here; this fails the day a table is left out of it."""
    with new_study(server_location) as study:
        fill(study)
        before = natural(study)
    result = snapshot.take_snapshot(server_location, tmp_path / "snap.sqlite")
    assert set(result.rows) == set(Base.metadata.tables)
    with Study.open(from_string(result.path), backup=False) as copy:
        assert natural(copy) == before
