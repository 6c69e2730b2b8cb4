"""Concurrent edits of one rating: a version column; the later writer is told, never silently
overwritten — on SQLite and PostgreSQL, from two Study objects and from two processes."""

from __future__ import annotations

import json
import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from eas_coder.errors import StaleEdit
from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme
from eas_coder.store.database import alembic_config, make_engine
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=600_000, fps=25.0, frame_count=15_000, width=640, height=480,
    file_size=1, fingerprint="f" * 32,
)  # fmt: skip


def _setup(study: Study) -> tuple[int, int, int]:
    video = study.videos.add("D001", "T1 pre", None, INFO)
    (ana,) = study.coders.add_many(["Ana"])
    segment = study.segments.add(video.id, ana.id, 12_000, 20_000)
    return video.id, ana.id, segment.id


def test_every_save_adds_one_to_the_version_and_the_audit_keeps_it(study: Study) -> None:
    video, ana, segment = _setup(study)
    first = study.ratings.set(video, ana, "sensitivity", 4, segment_id=segment)
    second = study.ratings.set(video, ana, "sensitivity", 5, segment_id=segment)
    assert (first.version, second.version) == (1, 2)
    assert replace(second, version=7) == second  # the version does not decide equality
    assert study.ratings.all()[0].version == 2
    entry = study.audit_log(limit=1)[0]
    assert (json.loads(entry.old or "")["version"], json.loads(entry.new or "")["version"]) == (
        1,
        2,
    )
    third = study.ratings.set(
        video, ana, "sensitivity", 5.5, segment_id=segment, expected_version=2
    )
    assert third.version == 3


def test_a_stale_edit_from_another_study_object_is_refused_and_names_the_current_score(
    study: Study,
) -> None:
    video, ana, segment = _setup(study)
    seen = study.ratings.set(video, ana, "sensitivity", 4, segment_id=segment).version
    with Study.open(study.location, actor="other") as other:
        other.ratings.set(video, ana, "sensitivity", 5.5, segment_id=segment)
        other.ratings.set(video, ana, "sensitivity", 6, segment_id=segment, expected_version=2)
    with pytest.raises(StaleEdit) as caught:
        study.ratings.set(video, ana, "sensitivity", 4.5, segment_id=segment, expected_version=seen)
    message = str(caught.value)
    assert "Sensitivity" in message
    assert "segment 00:00:12.000–00:00:20.000" in message
    assert "by other" in message
    assert "now 6 (version 3); your 4.5 was not saved" in message
    current = caught.value.current
    assert current is not None and (current.score, current.version) == (6, 3)
    (stored,) = study.ratings.all()
    assert (stored.score, stored.version) == (6, 3)
    # Without a version the old behaviour stays: the CLI and imports simply save.
    assert study.ratings.set(video, ana, "sensitivity", 3, segment_id=segment).version == 4


def test_cleared_or_created_meanwhile_is_stale_too(study: Study) -> None:
    video, ana, segment = _setup(study)
    rating = study.ratings.set(video, ana, "sensitivity", 4)
    with Study.open(study.location, actor="other") as other:
        other.ratings.clear(rating.id)
        other.ratings.set(video, ana, "structuring", 3, segment_id=segment)
    with pytest.raises(StaleEdit, match="whole session was cleared meanwhile") as caught:
        study.ratings.set(video, ana, "sensitivity", 5, expected_version=rating.version)
    assert caught.value.current is None
    assert study.ratings.all(video_id=video, coder_id=ana)[0].dimension == "structuring"
    # 0 means "I saw no rating": one created meanwhile is not overwritten
    with pytest.raises(StaleEdit, match="now 3 \\(version 1\\); your 5 was not saved"):
        study.ratings.set(video, ana, "structuring", 5, segment_id=segment, expected_version=0)
    created = study.ratings.set(video, ana, "sensitivity", 5, expected_version=0)
    assert created.version == 1
    assert sorted(r.score for r in study.ratings.all()) == [3, 5]


def test_clear_with_a_stale_version_keeps_the_rating(study: Study) -> None:
    video, ana, segment = _setup(study)
    rating = study.ratings.set(video, ana, "sensitivity", 4, segment_id=segment)
    with Study.open(study.location, actor="other") as other:
        other.ratings.set(video, ana, "sensitivity", 5, segment_id=segment)
    with pytest.raises(StaleEdit, match="now 5 \\(version 2\\); your clearing was not saved"):
        study.ratings.clear(rating.id, expected_version=1)
    assert [r.score for r in study.ratings.all()] == [5]
    study.ratings.clear(rating.id, expected_version=2)
    assert study.ratings.all() == []


def _writer(path: str, score: float, barrier: Any, results: Any) -> None:
    with Study.open(from_string(path), actor=f"writer {score:g}", backup=False) as study:
        (rating,) = study.ratings.all()
        barrier.wait(timeout=60)  # both have read before either writes
        try:
            study.ratings.set(
                rating.video_id, rating.coder_id, rating.dimension, score,
                rating.segment_id, expected_version=rating.version,
            )  # fmt: skip
        except StaleEdit as exc:
            results.put(("stale", score, str(exc)))
        else:
            results.put(("saved", score, ""))


def test_two_processes_with_the_same_version_one_wins_the_other_is_told(
    tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "shared.sqlite"
    with Study.create(from_string(path), scheme, "Shared") as study:
        video, ana, segment = _setup(study)
        study.ratings.set(video, ana, "sensitivity", 4, segment_id=segment)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    writers = [
        context.Process(target=_writer, args=(str(path), score, barrier, results))
        for score in (5, 6)
    ]
    for w in writers:
        w.start()
    outcomes = sorted(results.get(timeout=120) for _ in writers)
    for w in writers:
        w.join(timeout=60)
        assert w.exitcode == 0
    (saved,), (stale,) = [[o for o in outcomes if o[0] == kind] for kind in ("saved", "stale")]
    assert f"now {saved[1]:g} (version 2); your {stale[1]:g} was not saved" in stale[2]
    with Study.open(from_string(path)) as study:
        (rating,) = study.ratings.all()
    assert (rating.score, rating.version) == (saved[1], 2)


def test_migrating_a_0005_study_starts_existing_ratings_at_version_1(
    db_location: Location, scheme: Scheme
) -> None:
    with Study.create(db_location, scheme, "Older") as study:
        video, ana, segment = _setup(study)
        study.ratings.set(video, ana, "sensitivity", 4, segment_id=segment)
        study.ratings.set(video, ana, "structuring", 3)
    engine = make_engine(db_location)
    try:
        config = alembic_config()
        with engine.begin() as conn:  # back to the schema before this change
            config.attributes["connection"] = conn
            command.downgrade(config, "0005_media_attachments")
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("rating")}
            assert "version" not in columns
            conn.execute(sa.text("UPDATE rating SET score = 5 WHERE dimension = 'sensitivity'"))
            conn.commit()
    finally:
        engine.dispose()
    with Study.open(db_location, backup=False) as migrated:
        ratings = migrated.ratings.all()
        assert sorted((r.score, r.version) for r in ratings) == [(3, 1), (5, 1)]
        rating = next(r for r in ratings if r.dimension == "sensitivity")
        updated = migrated.ratings.set(
            video, ana, "sensitivity", 6, segment_id=segment, expected_version=1
        )
        assert (rating.version, updated.version) == (1, 2)
