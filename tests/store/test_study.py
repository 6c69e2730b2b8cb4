"""The Study service on a real SQLite file and a real PostgreSQL server (same tests)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from eas_coder.errors import (
    Conflict,
    NotFound,
    ScoreOffStep,
    ScoreOutOfRange,
    StudyError,
    UnknownDimension,
)
from eas_coder.location import Location
from eas_coder.model import AssignmentStatus, VideoInfo
from eas_coder.scheme import Scheme, load_scheme
from eas_coder.store.database import make_engine
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=600_000, fps=30.0, frame_count=18_000, width=1280, height=720,
    file_size=1234, fingerprint="ab" * 16,
)  # fmt: skip


def _video_and_coder(study: Study) -> tuple[int, int]:
    video = study.videos.add("D001", "T1 pre", None, INFO)
    coder = study.coders.add("Ana")
    return video.id, coder.id


def test_create_stores_a_snapshot_of_the_scheme(db_location: Location, tmp_path: Path) -> None:
    source = load_scheme().source_text.replace('version = "1"', 'version = "7"')
    scheme_file = tmp_path / "lab.toml"
    scheme_file.write_text(source, encoding="utf-8")
    with Study.create(db_location, load_scheme(scheme_file), "Snapshot study"):
        pass
    scheme_file.write_text("this is no longer a scheme", encoding="utf-8")
    with Study.open(db_location) as reopened:
        assert reopened.info.name == "Snapshot study"
        assert reopened.info.scheme_version == "7"
        assert reopened.scheme.version == "7"
        assert reopened.scheme.keys == load_scheme().keys


def test_create_refuses_to_overwrite_a_study(db_location: Location, scheme: Scheme) -> None:
    with Study.create(db_location, scheme, "First"):
        pass
    with pytest.raises(Conflict, match="already exists"):
        Study.create(db_location, scheme, "Second")
    with Study.open(db_location) as study:
        assert study.info.name == "First"


def test_coders_are_unique_by_name(study: Study) -> None:
    study.coders.add("Ana")
    study.coders.add("Ben")
    with pytest.raises(Conflict, match="'Ana' already exists"):
        study.coders.add("Ana")
    assert [c.name for c in study.coders.all()] == ["Ana", "Ben"]
    assert study.coders.get("Ben").name == "Ben"
    with pytest.raises(NotFound):
        study.coders.get("Cleo")


def test_videos_keep_their_probe_data_and_participant(study: Study) -> None:
    video = study.videos.add("D014", "T2 follow-up", None, INFO)
    again = study.videos.add("D014", "T1 pre", None, None)
    listed = study.videos.all()
    assert [v.timepoint for v in listed] == ["T1 pre", "T2 follow-up"]
    assert listed[1] == video
    assert (video.duration_ms, video.fps, video.frame_count) == (600_000, 30.0, 18_000)
    assert video.path is None and again.duration_ms is None
    assert video.label == "D014 · T2 follow-up"


def test_rating_is_saved_and_replaced(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    first = study.ratings.set(video_id, coder_id, "sensitivity", 5.5)
    second = study.ratings.set(video_id, coder_id, "sensitivity", 6)
    assert first.id == second.id
    (stored,) = study.ratings.all(video_id=video_id)
    assert (stored.dimension, stored.score, stored.segment_id) == ("sensitivity", 6.0, None)
    assert stored.items is None
    engine = make_engine(study.location)
    with engine.connect() as conn:  # no items is SQL NULL, not the JSON text 'null'
        assert (
            conn.execute(sa.text("SELECT count(*) FROM rating WHERE items IS NULL")).scalar() == 1
        )
    engine.dispose()


def test_segment_and_session_ratings_are_separate(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    segment = study.segments.add(video_id, coder_id, 0, 60_000, "free_play", "first episode")
    study.ratings.set(video_id, coder_id, "structuring", 4, segment_id=segment.id)
    study.ratings.set(video_id, coder_id, "structuring", 5)
    by_segment = {r.segment_id: r.score for r in study.ratings.all(coder_id=coder_id)}
    assert by_segment == {segment.id: 4.0, None: 5.0}


@pytest.mark.parametrize(
    ("dimension", "score", "error"),
    [
        ("sensitivity", 7.5, ScoreOutOfRange),
        ("sensitivity", 0, ScoreOutOfRange),
        ("sensitivity", 4.25, ScoreOffStep),
        ("warmth", 4, UnknownDimension),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(
    study: Study, dimension: str, score: float, error: type[Exception]
) -> None:
    video_id, coder_id = _video_and_coder(study)
    study.ratings.set(video_id, coder_id, "sensitivity", 3)
    audit_before = len(study.audit_log())
    with pytest.raises(error):
        study.ratings.set(video_id, coder_id, dimension, score)
    assert [(r.dimension, r.score) for r in study.ratings.all()] == [("sensitivity", 3.0)]
    assert len(study.audit_log()) == audit_before


def test_rating_on_a_missing_video_or_foreign_segment(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    other = study.videos.add("D002", "T1 pre", None)
    segment = study.segments.add(other.id, coder_id, 0, 1000)
    with pytest.raises(NotFound, match="no video with id 999"):
        study.ratings.set(999, coder_id, "sensitivity", 3)
    with pytest.raises(StudyError, match="another video"):
        study.ratings.set(video_id, coder_id, "sensitivity", 3, segment_id=segment.id)
    assert study.ratings.all() == []


def test_segments_validate_span_and_episode(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    with pytest.raises(StudyError, match="end after it starts"):
        study.segments.add(video_id, coder_id, 5000, 5000)
    with pytest.raises(StudyError, match="unknown episode label 'bath'"):
        study.segments.add(video_id, coder_id, 0, 5000, "bath")
    segment = study.segments.add(video_id, coder_id, 0, 5000, "clean_up")
    moved = study.segments.update(segment.id, start_ms=1000, end_ms=9000, episode=None, note="x")
    assert (moved.start_ms, moved.end_ms, moved.duration_ms, moved.note) == (1000, 9000, 8000, "x")
    study.ratings.set(video_id, coder_id, "sensitivity", 2, segment_id=segment.id)
    study.segments.delete(segment.id)
    assert study.segments.all() == [] and study.ratings.all() == []


def test_items_are_stored_with_the_rating(db_location: Location) -> None:
    text = load_scheme().source_text.replace(
        'key = "structuring"',
        'key = "structuring"\nitems = [{ key = "limits", label = "Limits", min = 1, max = 3 }]',
    )
    from eas_coder.scheme import parse_scheme

    with Study.create(db_location, parse_scheme(text), "Items") as study:
        video_id, coder_id = _video_and_coder(study)
        study.ratings.set(video_id, coder_id, "structuring", 4.5, items={"limits": 2})
        (rating,) = study.ratings.all()
        assert rating.items == {"limits": 2.0}
        with pytest.raises(ScoreOutOfRange):
            study.ratings.set(video_id, coder_id, "structuring", 4.5, items={"limits": 5})
        assert study.ratings.all()[0].items == {"limits": 2.0}


def test_assignments_and_status(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    assignment = study.assignments.add(video_id, coder_id)
    assert assignment.status is AssignmentStatus.ASSIGNED
    with pytest.raises(Conflict):
        study.assignments.add(video_id, coder_id)
    done = study.assignments.set_status(assignment.id, AssignmentStatus.DONE)
    assert done.status is AssignmentStatus.DONE
    assert study.assignments.all(coder_id=coder_id) == [done]


def test_every_change_is_audited_with_old_and_new(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    study.ratings.set(video_id, coder_id, "nonhostility", 6)
    study.ratings.set(video_id, coder_id, "nonhostility", 6.5)
    latest = study.audit_log(limit=1)[0]
    assert (latest.actor, latest.action, latest.entity) == ("tester", "rating.set", "rating")
    assert json.loads(latest.old or "")["score"] == 6.0
    assert json.loads(latest.new or "")["score"] == 6.5
    assert latest.at.tzinfo is not None
    actions = [entry.action for entry in reversed(study.audit_log())]
    assert actions == [
        "study.create", "participant.add", "video.add", "coder.add", "rating.set", "rating.set",
    ]  # fmt: skip


def test_load_returns_a_consistent_snapshot(study: Study) -> None:
    video_id, coder_id = _video_and_coder(study)
    segment = study.segments.add(video_id, coder_id, 0, 10_000, "free_play")
    for key in study.scheme.keys:
        study.ratings.set(video_id, coder_id, key, 4, segment_id=segment.id)
        study.ratings.set(video_id, coder_id, key, 5)
    snapshot = study.load()
    assert snapshot.info.name == "Test study"
    assert len(snapshot.videos) == 1 and len(snapshot.segments) == 1
    assert len(snapshot.ratings) == 12
    assert {c.name for c in snapshot.coders} == {"Ana"}
    assert [p.code for p in snapshot.participants] == ["D001"]


def test_check_reports_missing_and_changed_files(sqlite_study: Study, tmp_path: Path) -> None:
    present = tmp_path / "present.mp4"
    present.write_bytes(b"x" * 1234)
    gone = tmp_path / "gone.mp4"
    gone.write_bytes(b"x" * 1234)
    sqlite_study.videos.add("D001", "T1 pre", present, replace(INFO, fingerprint="1" * 32))
    sqlite_study.videos.add("D002", "T1 pre", gone, replace(INFO, fingerprint="2" * 32))
    grown = sqlite_study.videos.add(
        "D003", "T1 pre", tmp_path / "grown.mp4", replace(INFO, fingerprint="3" * 32)
    )
    (tmp_path / "grown.mp4").write_bytes(b"x" * 99)
    gone.unlink()
    report = sqlite_study.check()
    assert report.database_ok
    assert [v.participant_code for v in report.missing_files] == ["D002"]
    assert report.changed_files == (grown,)
    assert not report.ok


def test_video_paths_are_stored_relative_to_the_study_file(
    sqlite_study: Study, tmp_path: Path
) -> None:
    inside = tmp_path / "videos" / "a.mp4"
    inside.parent.mkdir()
    inside.write_bytes(b"v")
    outside = Path("/opt/elsewhere/b.mp4")
    a = sqlite_study.videos.add("D001", "T1 pre", inside)
    b = sqlite_study.videos.add("D001", "T2 follow-up", outside)
    assert a.path == "videos/a.mp4"
    assert b.path == "/opt/elsewhere/b.mp4"
    assert sqlite_study.videos.file_of(a) == inside
    assert sqlite_study.videos.file_of(b) == outside
