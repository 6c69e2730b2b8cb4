"""Reading the audit log (issue 23, item 6): pages newest first, filters by coder, video and
time, and blind coding: a coder never reads another coder's scores or notes in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from eas_coder.model import AssignmentStatus, VideoInfo
from eas_coder.store.audit_read import AuditQuery, AuditReader
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

INFO = VideoInfo(
    duration_ms=60_000, fps=30.0, frame_count=1800, width=320, height=240,
    file_size=1234, fingerprint="ab" * 16,
)  # fmt: skip


def _two_coders_on_one_video(study: Study) -> tuple[int, int, int, int]:
    first = study.videos.add("D001", "T1 pre", None, INFO)
    other = study.videos.add("D002", "T1 pre", None, INFO)
    ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
    for coder in (ana, ben):
        study.assignments.add(first.id, coder.id)
    study.coders.act_as(ana)
    study.ratings.set(first.id, ana.id, "sensitivity", 5.5, note="Ana's own note")
    study.coders.act_as(ben)
    segment = study.segments.add(first.id, ben.id, 0, 10_000, study.scheme.episodes[0].key)
    study.ratings.set(first.id, ben.id, "sensitivity", 3.0, segment.id, note="Ben's secret")
    study.coders.act_as(None, manager=True)
    return first.id, other.id, ana.id, ben.id


def test_a_coder_reads_no_other_coders_scores_or_notes(study: Study) -> None:
    video, _other, ana_id, ben_id = _two_coders_on_one_video(study)
    ana = study.coders.get(ana_id)
    with AuditReader.opened(study.location, Viewer(ana)) as reader:
        lines = reader.page(AuditQuery(), None, 100)
    bens = [line for line in lines if line.coder_id == ben_id]
    assert {line.action for line in bens} == {"assignment.add", "segment.add", "rating.set"}
    assert all(line.hidden and line.old is None and line.new is None for line in bens)
    text = json.dumps([[line.old, line.new, line.actor] for line in lines])
    assert "Ben's secret" not in text and "3.0" not in text
    (own,) = [line for line in lines if line.action == "rating.set" and line.coder_id == ana_id]
    assert not own.hidden and json.loads(own.new or "")["note"] == "Ana's own note"
    assert own.video_id == video
    # the manager reads everything
    with AuditReader.opened(study.location, Viewer.everyone()) as reader:
        everything = reader.page(AuditQuery(), None, 100)
    assert not any(line.hidden for line in everything)
    assert "Ben's secret" in json.dumps([line.new for line in everything])


def test_once_everyone_submitted_the_coders_compare_as_in_the_window(study: Study) -> None:
    video, _other, ana_id, ben_id = _two_coders_on_one_video(study)
    for assignment in study.assignments.of_video(video):
        study.assignments.set_status(assignment.id, AssignmentStatus.DONE)
    with AuditReader.opened(study.location, Viewer(study.coders.get(ana_id))) as reader:
        lines = reader.page(AuditQuery(coder_id=ben_id), None, 100)
    rating = next(line for line in lines if line.action == "rating.set")
    assert not rating.hidden and "Ben's secret" in (rating.new or "")


def test_filters_by_coder_video_and_time_and_pages(study: Study) -> None:
    _video, other, _ana_id, ben_id = _two_coders_on_one_video(study)
    study.assignments.add(other, ben_id)
    study.coders.rename(ben_id, "Benjamin")  # entries made as "Ben" still belong to him
    with AuditReader.opened(study.location, Viewer.everyone()) as reader:
        by_ben = reader.page(AuditQuery(coder_id=ben_id), None, 100)
        assert {line.action for line in by_ben} == {
            "coder.add", "assignment.add", "segment.add", "rating.set", "coder.rename",
        }  # fmt: skip
        assert all(
            line.coder_id == ben_id or line.entity == "coder" or line.actor.startswith("Ben (")
            for line in by_ben
        )
        on_other = reader.page(AuditQuery(video_id=other), None, 100)
        assert [line.action for line in on_other] == ["assignment.add", "video.add"]
        assert reader.count(AuditQuery(video_id=other)) == 2
        total = reader.count(AuditQuery())
        assert total == len(study.audit_log())
        pages, before = [], None
        while page := reader.page(AuditQuery(), before, 3):
            pages.append(page)
            before = page[-1].id
        assert [line.id for page in pages for line in page] == [e.id for e in study.audit_log()]
        assert all(len(page) <= 3 for page in pages)
        # once counted, a filtered query's pages are read by id (after the count's one
        # scan): the same entries as the scan above gave, page by page
        assert reader.count(AuditQuery(coder_id=ben_id)) == len(by_ben)
        paged, before = [], None
        while page := reader.page(AuditQuery(coder_id=ben_id), before, 2):
            paged += [line.id for line in page]
            before = page[-1].id
        assert paged == [line.id for line in by_ben]
        now = datetime.now(UTC)
        assert reader.count(AuditQuery(since=now + timedelta(hours=1))) == 0
        assert reader.count(AuditQuery(since=now - timedelta(hours=1), until=now)) == total
