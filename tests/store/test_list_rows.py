"""The Videos list read for live refresh (issue 18): only the rows asked for, blind for a coder,
archived and removed videos reported as gone; and a watcher says when a burst was cut, so
the window reads the whole list instead of applying a partial diff."""

from __future__ import annotations

from eas_coder.model import AssignmentStatus, VideoInfo
from eas_coder.store.changes import MAX_ENTRIES, ChangeWatcher
from eas_coder.store.list_rows import ListReader, ListViewer
from eas_coder.store.study import Study

INFO = VideoInfo(60_000, 25.0, 1500, 640, 480, 1, None)


def test_rows_follow_the_viewer_and_leave_out_archived_videos(study: Study) -> None:
    first, second, third = (study.videos.add(f"D00{n}", "T1 pre", None, INFO) for n in (1, 2, 3))
    ana, ben = study.coders.add_many(["Ana", "Ben"])
    study.assignments.add(first.id, ana.id)
    study.assignments.add(first.id, ben.id)
    study.assignments.add(second.id, ben.id)
    study.ratings.set(first.id, ben.id, "sensitivity", 6)
    study.assignments.submit(first.id, ben.id)
    study.ratings.set(third.id, ben.id, "sensitivity", 2)  # work that makes removal archive
    assert study.videos.remove(third.id) == "archived"
    reader = ListReader.open(study.location)
    try:
        manager, gone = reader.rows(ListViewer(None, True), {first.id, third.id, 999})
        assert [r.video.id for r in manager] == [first.id]
        assert gone == {third.id, 999}
        assert manager[0].assigned == (
            ("Ana", AssignmentStatus.ASSIGNED),
            ("Ben", AssignmentStatus.DONE),
        )
        # Ana sees her own assignment only: nothing of Ben's, neither his status nor his work.
        as_ana, _ = reader.rows(ListViewer(ana.id, False))
        assert [(r.video.id, r.assigned, r.worked) for r in as_ana] == [
            (first.id, (("Ana", AssignmentStatus.ASSIGNED),), False),
            (second.id, (), False),
        ]
        as_ben, _ = reader.rows(ListViewer(ben.id, False), [first.id])
        assert [(r.assigned, r.worked) for r in as_ben] == [
            ((("Ben", AssignmentStatus.DONE),), True)
        ]
        nobody, _ = reader.rows(ListViewer())
        assert all(r.assigned == () and not r.worked for r in nobody)
        assert reader.labels([third.id]) == {third.id: "D003 · T1 pre"}
    finally:
        reader.close()


def test_a_watcher_says_when_a_burst_was_cut(study: Study) -> None:
    videos = [study.videos.add(f"P{n:03d}", "T1 pre", None, INFO) for n in range(MAX_ENTRIES)]
    (ana,) = study.coders.add_many(["Ana"])
    watcher = ChangeWatcher(study.location, poll_s=0.2)
    try:
        study.assignments.change_many(assign=[(v.id, ana.id) for v in videos])  # 500 entries
        study.assignments.submit(videos[0].id, ana.id)
        entries = watcher.wait(5.0)
        assert len(entries) == MAX_ENTRIES and watcher.missed  # the oldest was left out
        study.assignments.reopen(videos[0].id, ana.id)
        assert [e.action for e in watcher.wait(5.0)] == ["assignment.reopen"]
        assert not watcher.missed
    finally:
        watcher.dispose()
