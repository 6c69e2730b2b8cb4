"""The lab manager's progress figures and the change feed's wording."""

from __future__ import annotations

from dataclasses import replace

from eas_coder.model import VideoInfo
from eas_coder.progress import Names, coder_progress, describe_change
from eas_coder.store.study import Study

INFO = VideoInfo(600_000, 25.0, 15_000, 640, 480, 1, None)


def _videos(study: Study, count: int) -> list[int]:
    return [
        study.videos.add(f"D{i:03}", "T1 pre", None, replace(INFO, fingerprint=f"{i:032}")).id
        for i in range(count)
    ]


def test_counts_per_coder_follow_saves_and_submits(study: Study) -> None:
    v = _videos(study, 4)
    ana, ben, cleo = study.coders.add_many(["ana", "Ben", "Cleo"])
    for video in v[:3]:
        study.assignments.add(video, ana.id)
    study.assignments.add(v[0], ben.id)
    assert [(p.coder, p.assigned, p.not_started) for p in coder_progress(study)] == [
        ("ana", 3, 3),
        ("Ben", 1, 1),
    ]  # Cleo has neither work nor assignments; names sort regardless of case
    study.segments.add(v[0], ana.id, 0, 1000)  # a segment alone is work in progress
    study.ratings.set(v[1], ana.id, "sensitivity", 5)
    study.ratings.set(v[1], ana.id, "structuring", 5)
    study.assignments.submit(v[1], ana.id)
    study.ratings.set(v[3], cleo.id, "sensitivity", 3)  # unassigned work still shows Cleo
    ana_row, ben_row, cleo_row = coder_progress(study)
    assert (ana_row.not_started, ana_row.in_progress, ana_row.submitted) == (1, 1, 1)
    assert abs(ana_row.share_submitted - 1 / 3) < 1e-9
    assert ana_row.last_saved is not None and ben_row.last_saved is None
    assert (cleo_row.coder, cleo_row.assigned, cleo_row.share_submitted) == ("Cleo", 0, 0.0)


def test_the_feed_names_coder_action_and_video_but_never_a_score(study: Study) -> None:
    (video,) = _videos(study, 1)
    (ana,) = study.coders.add_many(["Ana"])
    study.assignments.add(video, ana.id)
    segment = study.segments.add(video, ana.id, 0, 1000)
    study.ratings.set(video, ana.id, "nonintrusiveness", 6.5, segment_id=segment.id)
    study.assignments.submit(video, ana.id)
    study.assignments.reopen(video, ana.id)
    names = Names.of(study)
    label = study.scheme.dimension("nonintrusiveness").label
    lines = [describe_change(e, names) for e in reversed(study.audit_log())]
    assert lines[-5:] == [
        "Ana was assigned: D000 · T1 pre",
        "Ana marked a segment: D000 · T1 pre",
        f"Ana rated {label}: D000 · T1 pre",
        "Ana submitted: D000 · T1 pre",
        "Ana reopened: D000 · T1 pre",
    ]
    assert not any("6.5" in line for line in lines)
    assert "tester added coder: Ana" in lines


def test_the_feed_words_the_lab_managers_new_jobs(study: Study) -> None:
    # Old code: unassigning, renaming or retiring read "assignment remove", "coder rename"...
    (video,) = _videos(study, 1)
    (ana,) = study.coders.add_many(["Ana"])
    study.assignments.add(video, ana.id)
    study.assignments.change_many(unassign=[(video, ana.id)])
    study.coders.rename(ana.id, "Ana Silva")
    study.coders.retire(ana.id)
    names = Names.of(study)
    lines = [describe_change(e, names) for e in reversed(study.audit_log())]
    assert lines[-3:] == [
        "Ana Silva was unassigned: D000 · T1 pre",
        "tester renamed coder: Ana Silva",
        "tester retired coder: Ana Silva",
    ]
