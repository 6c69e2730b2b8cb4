"""The schema revisions this version knows, read from the migration files without Alembic
(opening a study at head no longer imports it: issue 18's start-up), agree with Alembic's own
reading; a study whose version table holds two revisions is refused, not guessed at."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from eas_coder.errors import NotAStudy
from eas_coder.location import from_string
from eas_coder.scheme import Scheme
from eas_coder.store.database import alembic_config, head_revision, known_revisions
from eas_coder.store.study import Study


def test_head_and_known_revisions_are_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {revision.revision for revision in script.walk_revisions()}


def test_a_version_table_with_two_revisions_is_refused(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "study.sqlite"
    Study.create(from_string(path), scheme, "Two heads").close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO alembic_version (version_num) VALUES ('0011_item_drafts')")
    conn.close()
    with pytest.raises(NotAStudy, match="several schema revisions"):
        Study.open(from_string(path))
