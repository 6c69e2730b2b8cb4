"""Fixtures: study locations on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eas_coder.location import Location, from_string
from eas_coder.scheme import Scheme, load_scheme
from eas_coder.store import study_files
from eas_coder.store.study import Study
from tests.pg_server import PostgresServer, find_bin_dir
from tests.support import need

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
# No sound card in CI; keep people's own settings and thumbnail cache out of the tests.
os.environ["EAS_CODER_AUDIO"] = "off"
_PRIVATE = tempfile.mkdtemp(prefix="eas-coder-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_PRIVATE, "config")
os.environ["EAS_CODER_CACHE_DIR"] = os.path.join(_PRIVATE, "cache")


# A test that hangs (a modal box nobody answers, a lock never let go) must not stop the run:
# after HANG_S its worker prints every thread's stack and exits, and pytest-xdist names the
# test and starts a new worker. faulthandler's own C thread does it, so it works even when
# the GUI thread sits in Qt's event loop holding the GIL (pytest-timeout's thread did not).
HANG_S = float(os.environ.get("EAS_TEST_HANG_S", 600))  # the slowest: 150 s at load 7


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    stream = sys.__stderr__  # the worker's real stderr (its stdout is xdist's channel)
    if stream is not None:
        faulthandler.dump_traceback_later(HANG_S, exit=True, file=stream)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _nothing_but_sqlite_opens_an_open_study() -> Iterator[None]:
    """Every test fails if anything opened a study file the process held open with Python's
    open() (store/study_files.py refuses it; this catches a refusal swallowed on the way)."""
    study_files.violations.clear()
    yield
    opened, study_files.violations[:] = list(study_files.violations), []
    assert not opened, f"opened as ordinary files while open as studies: {opened}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    """One PostgreSQL server for the whole run, started lazily by the first test needing it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> Location:
    """An empty study location: a SQLite file, or a fresh database on the test server."""
    if request.param == "sqlite":
        return from_string(tmp_path / "study.sqlite")
    server: PostgresServer | None = request.getfixturevalue("postgres_server")
    need(server is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    assert server is not None
    return from_string(server.fresh_database())


@pytest.fixture
def server_location(postgres_server: PostgresServer | None) -> Location:
    """A fresh, empty database on the test server, for what only a server study does."""
    need(
        postgres_server is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    )
    assert postgres_server is not None
    return from_string(postgres_server.fresh_database())


@pytest.fixture
def scheme() -> Scheme:
    """The default scheme."""
    return load_scheme()


@pytest.fixture
def study(db_location: Location, scheme: Scheme) -> Iterator[Study]:
    """A new study with the default scheme, on each backend."""
    with Study.create(db_location, scheme, "Test study", actor="tester") as created:
        yield created


@pytest.fixture
def sqlite_study(tmp_path: Path, scheme: Scheme) -> Iterator[Study]:
    """A new study in a SQLite file only."""
    with Study.create(from_string(tmp_path / "s.sqlite"), scheme, "S", actor="tester") as s:
        yield s
