"""The reliability sample: a reproducible random share of videos to be double-coded.

Blind coding needs the sample's coders to meet each video blind. Under this version's rule a
coder sees nothing of a video they are not assigned to, so any video they are not assigned to
is still blind to them. Studies that older versions ran are different: there every coder
could see all coders' work on a video once every assigned coder had submitted it. The
migration to schema 0007 recorded those (video, coder) pairs (``study.assignments.seen_by``),
and the sample leaves such a video out for every coder it names, drawing from the other
videos instead, so the share is still met where it can be.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from eas_coder.errors import StudyError
from eas_coder.model import Assignment, Coder, Video
from eas_coder.store.study import Study


@dataclass(frozen=True)
class SampleResult:
    """What drawing the sample did: the new assignments, and the videos left out because a
    named coder could already have seen other coders' work on them."""

    made: list[Assignment]
    left_out: list[Video]


def draw_sample(
    videos: Sequence[Video],
    share: float,
    seed: int,
    stratify: bool = True,
    excluded: Collection[int] = (),
) -> list[Video]:
    """Pick ``share`` of the videos (rounded up, per timepoint when stratified), never one
    whose id is in ``excluded`` (fewer are picked when too few others remain).

    The same videos, seed, share and exclusions always give the same sample.
    """
    if not 0 < share <= 1:
        raise StudyError(f"the share must be above 0 and at most 1, not {share:g}")
    groups: dict[str, list[Video]] = defaultdict(list)
    for video in sorted(videos, key=lambda v: v.id):
        groups[video.timepoint if stratify else ""].append(video)
    rng = np.random.default_rng(seed)
    chosen: list[Video] = []
    for name in sorted(groups):
        count = math.ceil(share * len(groups[name]) - 1e-9)
        members = [v for v in groups[name] if v.id not in excluded]
        picks = rng.choice(len(members), size=min(count, len(members)), replace=False)
        chosen.extend(members[i] for i in sorted(picks))
    return sorted(chosen, key=lambda v: v.id)


@dataclass(frozen=True)
class SamplePlan:
    """The sample as it would be drawn, before anything is written: the videos drawn, the
    (video, coder) pairs still to assign, and the videos left out (see the module's notes).
    The reliability sample dialog shows it; ``assign_plan`` assigns exactly these pairs."""

    coders: list[Coder]
    drawn: list[Video]
    pairs: list[tuple[int, int]]
    left_out: list[Video]


def plan_sample(
    study: Study, coders: Sequence[str], share: float, seed: int, stratify: bool = True
) -> SamplePlan:
    """Draw the sample without assigning it: each drawn video goes to every named coder not
    already assigned to it, leaving out videos a named coder could already see others'
    work on."""
    people = [study.coders.get(name) for name in coders]
    taken = {(a.video_id, a.coder_id) for a in study.assignments.all()}
    seen: set[int] = set()
    for coder in people:
        # A coder assigned already codes (or coded) it blind anyway: nothing to add there.
        seen |= {v for v in study.assignments.seen_by(coder.id) if (v, coder.id) not in taken}
    videos = study.videos.in_use()  # archived videos are never drawn
    drawn = draw_sample(videos, share, seed, stratify, excluded=seen)
    pairs = [(v.id, c.id) for v in drawn for c in people if (v.id, c.id) not in taken]
    return SamplePlan(people, drawn, pairs, [v for v in videos if v.id in seen])


def assign_plan(study: Study, plan: SamplePlan) -> SampleResult:
    """Assign a plan's pairs in one audited transaction; a pair assigned meanwhile by
    someone else is skipped (that is what was wanted)."""
    change = study.assignments.change_many(assign=plan.pairs)
    return SampleResult(change.made, plan.left_out)


def draw_and_assign(
    study: Study, coders: Sequence[str], share: float, seed: int, stratify: bool = True
) -> SampleResult:
    """Draw the sample and assign each of its videos to every named coder (once), leaving
    out videos a named coder could already see others' work on (see the module's notes)."""
    return assign_plan(study, plan_sample(study, coders, share, seed, stratify))


def assign_sample(
    study: Study, coders: Sequence[str], share: float, seed: int, stratify: bool = True
) -> list[Assignment]:
    """``draw_and_assign``'s new assignments."""
    return draw_and_assign(study, coders, share, seed, stratify).made
