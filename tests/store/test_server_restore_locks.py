"""A server restore beside a workstation that is reading: neither side gets a deadlock.

The restore used to lock the tables one by one, waiting for each. A window reading
``video JOIN participant`` holds ``video`` and asks for ``participant``, while the restore
held ``participant`` and asked for ``video``: PostgreSQL broke the deadlock by failing one of
them (in CI, the window's live refresh, with an error in the Qt event loop).
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from eas_coder.location import Location
from eas_coder.scheme import load_scheme
from eas_coder.store.database import open_engine
from eas_coder.store.snapshot import ServerRestore, restore_snapshot, take_snapshot
from eas_coder.store.study import Study


def test_a_restore_waits_for_a_reader_holding_tables_in_the_other_order(
    server_location: Location, tmp_path: Path
) -> None:
    with Study.create(server_location, load_scheme(), "Server study", actor="t") as study:
        study.coders.add("Ana")
    snapshot = take_snapshot(server_location, tmp_path / "snap.sqlite").path
    with Study.open(server_location, backup=False) as study:
        study.coders.add("Ben")

    engine = open_engine(server_location)
    results: list[ServerRestore | BaseException] = []
    try:
        with engine.begin() as reader:
            reader.execute(sa.text("SELECT count(*) FROM video"))  # holds video's share lock
            restore = threading.Thread(
                target=lambda: results.append(_restore(server_location, snapshot, tmp_path))
            )
            restore.start()
            restore.join(1.0)  # the restore is now after the tables (and must not hold any)
            # the other order: a join that needs participant too
            join = "video JOIN participant ON participant.id = video.participant_id"
            reader.execute(sa.text(f"SELECT count(*) FROM {join}"))
        restore.join(60)
    finally:
        engine.dispose()
    assert not restore.is_alive()
    assert len(results) == 1 and isinstance(results[0], ServerRestore), results
    with Study.open(server_location, backup=False) as study:
        assert [c.name for c in study.coders.all()] == ["Ana"]


def _restore(location: Location, snapshot: Path, folder: Path) -> ServerRestore | BaseException:
    try:
        return restore_snapshot(location, snapshot, folder)
    except BaseException as exc:  # handed to the test thread to assert on
        return exc
