"""The coding workflow in the store: notes, submit/lock/reopen, overlap, split and merge,
shared templates and the lab-manager passphrase — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from eas_coder.coding import CodingStatus, coding_status, missing_for_submit
from eas_coder.errors import StudyError
from eas_coder.model import AssignmentStatus, VideoInfo
from eas_coder.store.manager import hash_passphrase, passphrase_matches
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=600_000, fps=25.0, frame_count=15_000, width=640, height=480,
    file_size=1, fingerprint="f" * 32,
)  # fmt: skip


def _setup(study: Study) -> tuple[int, int, int]:
    video = study.videos.add("D001", "T1 pre", None, INFO)
    ana, ben = study.coders.add_many(["Ana", "Ben"])
    return video.id, ana.id, ben.id


def test_rating_notes_are_kept_and_left_alone_when_not_given(study: Study) -> None:
    video, ana, _ = _setup(study)
    study.ratings.set(video, ana, "sensitivity", 5, note="  warm, follows the infant's lead ")
    study.ratings.set(video, ana, "sensitivity", 6)  # score changes, note stays
    (rating,) = study.ratings.all(video_id=video)
    assert (rating.score, rating.note) == (6, "warm, follows the infant's lead")
    study.ratings.set(video, ana, "sensitivity", 6, note="")
    assert study.ratings.all(video_id=video)[0].note == ""
    with pytest.raises(StudyError, match="longer than"):
        study.ratings.set(video, ana, "sensitivity", 6, note="x" * 5000)
    assert study.ratings.all(video_id=video)[0].note == ""


def test_submit_locks_the_coders_work_and_reopen_unlocks(study: Study) -> None:
    video, ana, ben = _setup(study)
    segment = study.segments.add(video, ana, 0, 60_000)
    rating = study.ratings.set(video, ana, "sensitivity", 5, segment_id=segment.id)
    study.assignments.add(video, ana)  # submitting never assigns (issue 14)
    study.assignments.submit(video, ana)
    for change in (
        lambda: study.ratings.set(video, ana, "sensitivity", 6, segment_id=segment.id),
        lambda: study.ratings.clear(rating.id),
        lambda: study.segments.add(video, ana, 70_000, 80_000),
        lambda: study.segments.update(segment.id, start_ms=0, end_ms=1000, episode=None, note=""),
        lambda: study.segments.delete(segment.id),
        lambda: study.segments.split(segment.id, 30_000),
    ):
        with pytest.raises(StudyError, match="submitted"):
            change()
    assert study.ratings.all(video_id=video)[0].score == 5
    study.segments.add(video, ben, 0, 1000)  # the other coder is not locked
    study.assignments.reopen(video, ana)
    study.ratings.set(video, ana, "sensitivity", 6, segment_id=segment.id)
    (assignment,) = [a for a in study.assignments.of_video(video) if a.coder_id == ana]
    assert assignment.status == AssignmentStatus.IN_PROGRESS
    actions = [e.action for e in study.audit_log()]
    assert "assignment.submit" in actions and "assignment.reopen" in actions


def test_segments_of_one_coder_may_not_overlap(study: Study) -> None:
    video, ana, ben = _setup(study)
    first = study.segments.add(video, ana, 10_000, 20_000)
    with pytest.raises(StudyError, match="overlap"):
        study.segments.add(video, ana, 15_000, 25_000)
    with pytest.raises(StudyError, match="overlap"):
        study.segments.add(video, ana, 0, 30_000)
    study.segments.add(video, ana, 20_000, 30_000)  # touching is fine
    study.segments.add(video, ben, 15_000, 25_000)  # another coder's is fine
    with pytest.raises(StudyError, match="overlap"):
        study.segments.update(first.id, start_ms=10_000, end_ms=21_000, episode=None, note="")
    assert len(study.segments.all(video_id=video, coder_id=ana)) == 2


def test_split_keeps_ratings_on_the_first_part_and_merge_joins(study: Study) -> None:
    video, ana, _ = _setup(study)
    whole = study.segments.add(video, ana, 0, 60_000, note="free play")
    study.ratings.set(video, ana, "sensitivity", 5, segment_id=whole.id)
    first, second = study.segments.split(whole.id, 25_000)
    assert (first.start_ms, first.end_ms, second.start_ms, second.end_ms) == (
        0,
        25_000,
        25_000,
        60_000,
    )
    assert second.note == "free play"
    assert [r.segment_id for r in study.ratings.all(video_id=video)] == [first.id]
    with pytest.raises(StudyError, match="not inside"):
        study.segments.split(first.id, 25_000)
    study.ratings.set(video, ana, "structuring", 4, segment_id=second.id)
    merged = study.segments.merge([second.id, first.id])
    assert (merged.id, merged.start_ms, merged.end_ms) == (first.id, 0, 60_000)
    assert [s.id for s in study.segments.all(video_id=video)] == [first.id]
    assert {r.dimension for r in study.ratings.all(video_id=video)} == {"sensitivity"}
    with pytest.raises(StudyError, match="at least two"):
        study.segments.merge([first.id])


def test_template_gives_every_coder_the_same_spans_once(study: Study) -> None:
    video, ana, ben = _setup(study)
    study.templates.set(video, [(60_000, 120_000, None), (0, 60_000, None)])
    assert [(t.start_ms, t.end_ms) for t in study.templates.all(video)] == [
        (0, 60_000),
        (60_000, 120_000),
    ]
    assert len(study.templates.apply(video, ana)) == 2
    assert study.templates.apply(video, ana) == []  # only once
    study.templates.apply(video, ben)
    spans = {
        coder: [(s.start_ms, s.end_ms) for s in study.segments.all(video_id=video, coder_id=coder)]
        for coder in (ana, ben)
    }
    assert spans[ana] == spans[ben] == [(0, 60_000), (60_000, 120_000)]
    with pytest.raises(StudyError, match="overlap"):
        study.templates.set(video, [(0, 60_000, None), (30_000, 90_000, None)])
    assert len(study.templates.all(video)) == 2


def test_manager_passphrase_is_stored_only_as_a_salted_hash(study: Study) -> None:
    assert not study.manager.has_passphrase()
    assert not study.manager.verify("")
    with pytest.raises(StudyError, match="at least 6"):
        study.manager.set_passphrase("abc")
    study.manager.set_passphrase("lab-secret-42")
    assert study.manager.has_passphrase()
    assert study.manager.verify("lab-secret-42")
    assert not study.manager.verify("lab-secret-43")
    log = " ".join(f"{e.old} {e.new}" for e in study.audit_log())
    assert "lab-secret" not in log


def test_passphrase_hash_is_salted_and_checkable() -> None:
    one, two = hash_passphrase("same words"), hash_passphrase("same words")
    assert one != two and "same words" not in one
    assert passphrase_matches("same words", one) and passphrase_matches("same words", two)
    assert not passphrase_matches("other", one)
    assert not passphrase_matches("same words", "garbage")


def test_missing_for_submit_names_targets_and_dimensions(study: Study) -> None:
    video, ana, _ = _setup(study)
    labels = [d.label for d in study.scheme.dimensions]
    assert missing_for_submit(study.scheme, [], []) == [f"Whole session: {', '.join(labels)}"]
    late = study.segments.add(video, ana, 60_000, 90_000)
    early = study.segments.add(video, ana, 0, 30_000)
    for dimension in study.scheme.keys:
        study.ratings.set(video, ana, dimension, 4, segment_id=early.id)
    study.ratings.set(video, ana, study.scheme.keys[0], 4, segment_id=late.id)
    missing = missing_for_submit(
        study.scheme, study.segments.all(video_id=video), study.ratings.all(video_id=video)
    )
    assert missing == [f"Segment 2 (00:01:00.000–00:01:30.000): {', '.join(labels[1:])}"]
    assert coding_status(False, False) == CodingStatus.NOT_STARTED
    assert coding_status(False, True) == CodingStatus.IN_PROGRESS
    assert coding_status(True, True) == CodingStatus.SUBMITTED


def test_the_one_query_answers_agree_with_the_objects(study: Study) -> None:
    """``has_work``, ``worked_videos``, ``statuses_of`` and ``templates.to_copy`` (the window's
    cheap reads, issue 18) say what reading every row would say."""
    video, ana, ben = _setup(study)
    study.assignments.add(video, ana)
    study.assignments.add(video, ben)
    assert not study.has_work(video, ana) and study.worked_videos(ana) == set()
    assert study.assignments.statuses_of(ana) == {video: "assigned"}
    assert not study.templates.to_copy(video, ana)  # no template
    study.templates.set(video, [(0, 60_000, None)])
    assert study.templates.to_copy(video, ana)
    study.templates.apply(video, ana)
    assert not study.templates.to_copy(video, ana)  # copied once
    assert study.has_work(video, ana) and study.worked_videos(ana) == {video}
    assert not study.has_work(video, ben)
    study.ratings.set(video, ben, "sensitivity", 4)  # a session score, no segment
    assert study.has_work(video, ben) and study.worked_videos(ben) == {video}
    study.assignments.submit(video, ben)
    assert study.assignments.statuses_of(ben) == {video: "done"}
    with pytest.raises(StudyError, match="no coder"):
        study.templates.to_copy(video, 9_999)
