"""Assigning and unassigning many at once (the assignment matrix): one audited transaction,
never dropping a coder's work, and the matrix status of every cell — on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from eas_coder.errors import NotFound, StudyError
from eas_coder.model import AssignmentStatus
from eas_coder.sampling import assign_plan, plan_sample
from eas_coder.store.assignment_grid import CellStatus
from eas_coder.store.study import Study


def _videos(study: Study, count: int) -> list[int]:
    return [study.videos.add(f"M{i:03d}", "pre", None).id for i in range(count)]


def test_assign_and_unassign_many_in_one_audited_transaction(study: Study) -> None:
    videos = _videos(study, 4)
    ana, ben = study.coders.add("Ana").id, study.coders.add("Ben").id
    study.assignments.add(videos[0], ana)
    before = len(study.audit_log())
    change = study.assignments.change_many(assign=[(v, c) for v in videos for c in (ana, ben)])
    assert len(change.made) == 7 and change.unchanged == 1  # (videos[0], Ana) was there
    added = study.audit_log()[: len(study.audit_log()) - before]
    assert sorted(e.action for e in added) == ["assignment.add"] * 7
    assert {e.actor for e in added} == {"tester"}

    change = study.assignments.change_many(unassign=[(videos[1], ben), (videos[2], ben)])
    assert [(a.video_id, a.coder_id) for a in change.removed] == [
        (videos[1], ben),
        (videos[2], ben),
    ]
    removed = [e for e in study.audit_log() if e.action == "assignment.remove"]
    assert {e.entity_id for e in removed} == {videos[1], videos[2]}
    grid = study.assignments.grid()
    assert (videos[1], ben) not in grid and grid[(videos[3], ben)].status == CellStatus.ASSIGNED


def test_unassigning_work_is_refused_and_nothing_is_written(study: Study) -> None:
    videos = _videos(study, 3)
    ana = study.coders.add("Ana").id
    study.assignments.change_many(assign=[(v, ana) for v in videos])
    study.segments.add(videos[1], ana, 0, 1000)
    before = len(study.audit_log())
    with pytest.raises(StudyError, match=r"hold saved work \(Ana on M001 · pre\).*nothing"):
        study.assignments.change_many(unassign=[(v, ana) for v in videos])
    assert len(study.assignments.all()) == 3  # not even the two without work went
    assert len(study.audit_log()) == before
    study.assignments.submit(videos[2], ana)
    with pytest.raises(StudyError, match="Ana on M002 · pre"):
        study.assignments.change_many(unassign=[(videos[2], ana)])


def test_unknown_ids_and_retired_coders_are_refused(study: Study) -> None:
    video = _videos(study, 1)[0]
    ana = study.coders.add("Ana").id
    with pytest.raises(NotFound, match="no video with id 999"):
        study.assignments.change_many(assign=[(video, ana), (999, ana)])
    with pytest.raises(NotFound, match="no coder with id 77"):
        study.assignments.change_many(assign=[(video, 77)])
    with pytest.raises(StudyError, match="at once"):
        study.assignments.change_many(assign=[(video, ana)], unassign=[(video, ana)])
    assert study.assignments.all() == []


def test_grid_statuses(study: Study) -> None:
    v = _videos(study, 4)
    ana = study.coders.add("Ana").id
    study.assignments.change_many(assign=[(x, ana) for x in v])
    study.segments.add(v[1], ana, 0, 500)
    study.assignments.submit(v[2], ana)
    study.assignments.submit(v[3], ana)
    study.assignments.reopen(v[3], ana)
    grid = study.assignments.grid()
    assert [grid[(x, ana)].status for x in v] == [
        CellStatus.ASSIGNED,
        CellStatus.IN_PROGRESS,
        CellStatus.SUBMITTED,
        CellStatus.REOPENED,
    ]
    assert grid[(v[1], ana)].has_work and not grid[(v[0], ana)].has_work
    assert study.assignments.all()[3].status == AssignmentStatus.IN_PROGRESS


def test_sample_plan_writes_nothing_until_assigned(study: Study) -> None:
    for i in range(10):
        study.videos.add(f"P{i:02d}", "pre", None)
        study.videos.add(f"P{i:02d}", "post", None)
    study.coders.add("Ana")
    plan = plan_sample(study, ["Ana"], 0.2, seed=4)
    assert [v.timepoint for v in plan.drawn].count("pre") == 2 and len(plan.pairs) == 4
    assert study.assignments.all() == []  # a preview assigns nothing
    again = plan_sample(study, ["Ana"], 0.2, seed=4)
    assert again.drawn == plan.drawn  # the preview is what will be drawn
    result = assign_plan(study, plan)
    assert sorted(a.video_id for a in result.made) == sorted(v.id for v in plan.drawn)
    assert plan_sample(study, ["Ana"], 0.2, seed=4).pairs == []


def test_an_archived_video_is_given_to_no_one(study: Study) -> None:
    # Old code: only assignments.add refused an archived video; the matrix's bulk assign and
    # a coder's self-assignment gave it out again.
    kept, archived = _videos(study, 2)
    ana, ben = study.coders.add_many(["Ana", "Ben"])
    study.ratings.set(archived, ana.id, "sensitivity", 5)  # work on it: archived, not deleted
    assert study.videos.remove(archived) == "archived"
    with pytest.raises(StudyError, match="archived"):
        study.assignments.change_many(assign=[(kept, ben.id), (archived, ben.id)])
    assert study.assignments.all() == []  # nothing written
    study.settings.set("coding.self_assign", True)
    with pytest.raises(StudyError, match="archived"):
        study.assignments.claim(archived, ben.id)
    assert study.assignments.all() == []
