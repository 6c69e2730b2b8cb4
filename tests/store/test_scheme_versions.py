"""Scheme versions in the store: a study from before schema 0009 gets version 1 holding its
scheme and every stored rating says version 1; a new version is written atomically and a
stale study object refuses to save under the old scheme (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme, parse_scheme
from eas_coder.store import database
from eas_coder.store.schemes import SchemeChanged
from eas_coder.store.study import Study


def test_a_study_from_before_0009_gets_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Study.create(from_string(path), load_scheme("eas-demo"), "Old") as study:
        ana = study.coders.add("Ana")
        video = study.videos.add("M01", "T1", None)
        study.ratings.set(video.id, ana.id, "sensitivity", 5.5)
    engine = create_engine(f"sqlite:///{path}")
    config = database.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008_trust_in_input")
    engine.dispose()
    with Study.open(from_string(path), backup=False) as study:  # migrates forward
        assert study.scheme_revision == 1
        (version,) = study.scheme_versions()
        assert (version.number, version.scheme_id, version.label) == (1, "eas-demo", "1")
        assert [r.scheme_version for r in study.ratings.all()] == [1]
        assert study.ratings.all()[0].score == 5.5


def test_new_version_is_atomic_and_stale_objects_refuse(db_location: Location) -> None:
    scheme = load_scheme("eas-direct")
    with Study.create(db_location, scheme, "V") as study:
        ana = study.coders.add("Ana")
        video = study.videos.add("M01", "T1", None)
        study.ratings.set(video.id, ana.id, "sensitivity", 5.5)
        stale = Study.open(db_location, backup=False)
        try:
            relabelled = parse_scheme(
                scheme.source_text.replace('label = "Sensitivity"', 'label = "Sensitivity (S)"')
            )
            assert study.set_scheme(relabelled) == 2
            assert study.set_scheme(relabelled) == 2  # the same text: no new version
            with pytest.raises(SchemeChanged, match="version 2"):
                stale.ratings.set(video.id, ana.id, "structuring", 4.0)
            # leaving out a rated dimension is refused, and nothing changes
            shrunk = parse_scheme(
                scheme.source_text.replace('key = "sensitivity"', 'key = "sensitivity_new"')
            )
            with pytest.raises(StudyError, match="'sensitivity' \\(1 stored score"):
                study.set_scheme(shrunk)
            assert [v.number for v in study.scheme_versions()] == [1, 2]
            assert study.scheme.dimension("sensitivity").label == "Sensitivity (S)"
            entry = study.audit_log(limit=5)
            assert any(e.action == "scheme.version" for e in entry)
        finally:
            stale.close()
