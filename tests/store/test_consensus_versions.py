"""Concurrent edits of one consensus score: a version as ratings have; the later writer is
told the current value, never silently overwritten — on SQLite and PostgreSQL, from two
Study objects and from several processes saving the same score at once."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from eas_coder.location import Location, from_string
from eas_coder.model import VideoInfo
from eas_coder.store.consensus import StaleConsensus
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=600_000, fps=25.0, frame_count=15_000, width=640, height=480,
    file_size=1, fingerprint="c" * 32,
)  # fmt: skip
WRITERS = 3
ROUNDS = 6


def test_every_save_adds_one_and_a_stale_save_is_refused_with_the_current_value(
    study: Study,
) -> None:
    video = study.videos.add("D001", "T1 pre", None, INFO).id
    first = study.consensus.set(video, "sensitivity", 5, note="agreed")
    assert first.version == 1
    with Study.open(study.location, actor="Ben") as other:
        second = other.consensus.set(video, "sensitivity", 6, expected_version=1)
    assert second.version == 2
    with pytest.raises(StaleConsensus) as caught:
        study.consensus.set(video, "sensitivity", 4.5, expected_version=first.version)
    message = str(caught.value)
    assert "Sensitivity of the whole session" in message
    assert "changed meanwhile by Ben: now 6 (version 2); your 4.5 was not saved" in message
    current = caught.value.current
    assert current is not None and (current.score, current.version) == (6, 2)
    (stored,) = study.consensus.all()
    assert (stored.score, stored.version) == (6, 2)
    # 0: "I saw none": one recorded meanwhile is not overwritten
    with pytest.raises(StaleConsensus, match="now 6 \\(version 2\\); your 3 was not saved"):
        study.consensus.set(video, "sensitivity", 3, expected_version=0)
    assert study.consensus.set(video, "structuring", 3, expected_version=0).version == 1
    # the right version saves; no version (the command line) saves as before
    assert study.consensus.set(video, "sensitivity", 5.5, expected_version=2).version == 3
    assert study.consensus.set(video, "sensitivity", 7).version == 4
    entry = study.audit_log(limit=1)[0]
    assert entry.action == "consensus.set" and '"version": 4' in (entry.new or "")


def _writer(where: str, number: int, barrier: Any, results: Any) -> None:
    """Each round: read the consensus, wait for every writer, save a value of its own."""
    with Study.open(from_string(where), actor=f"writer {number}", backup=False) as study:
        for round_ in range(ROUNDS):
            (agreed,) = study.consensus.all()
            barrier.wait(timeout=120)  # all have read before any writes
            score = 1 + (number + round_) % 7
            try:
                saved = study.consensus.set(
                    agreed.video_id, agreed.dimension, score, expected_version=agreed.version
                )
            except StaleConsensus as exc:
                now = exc.current
                results.put(("stale", round_, number, str(exc), now and now.version))
            else:
                results.put(("saved", round_, number, str(saved.score), saved.version))
            barrier.wait(timeout=120)  # the round is over for everyone


def test_several_processes_saving_the_same_consensus_one_wins_each_round_the_others_are_told(
    db_location: Location, study: Study
) -> None:
    video = study.videos.add("D001", "T1 pre", None, INFO).id
    study.consensus.set(video, "sensitivity", 4)
    where = (
        str(db_location.path)
        if db_location.path is not None
        else db_location.url.render_as_string(hide_password=False)
    )
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    writers = [
        context.Process(target=_writer, args=(where, number, barrier, results))
        for number in range(WRITERS)
    ]
    for w in writers:
        w.start()
    outcomes = [results.get(timeout=240) for _ in range(WRITERS * ROUNDS)]
    for w in writers:
        w.join(timeout=60)
        assert w.exitcode == 0
    for round_ in range(ROUNDS):
        this = [o for o in outcomes if o[1] == round_]
        saved = [o for o in this if o[0] == "saved"]
        stale = [o for o in this if o[0] == "stale"]
        assert len(saved) == 1 and len(stale) == WRITERS - 1, this
        winner = saved[0]
        assert winner[4] == round_ + 2  # one save per round
        for told in stale:
            assert f"now {float(winner[3]):g} (version {round_ + 2})" in told[3], told
            assert told[4] == round_ + 2
    (final,) = study.consensus.all()
    assert final.version == ROUNDS + 1
