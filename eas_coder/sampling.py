"""The reliability sample: a reproducible random share of videos to be double-coded."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from eas_coder.errors import Conflict, StudyError
from eas_coder.model import Assignment, Video
from eas_coder.store.study import Study


def draw_sample(
    videos: Sequence[Video], share: float, seed: int, stratify: bool = True
) -> list[Video]:
    """Pick ``share`` of the videos (rounded up, per timepoint when stratified).

    The same videos, seed and share always give the same sample.
    """
    if not 0 < share <= 1:
        raise StudyError(f"the share must be above 0 and at most 1, not {share:g}")
    groups: dict[str, list[Video]] = defaultdict(list)
    for video in sorted(videos, key=lambda v: v.id):
        groups[video.timepoint if stratify else ""].append(video)
    rng = np.random.default_rng(seed)
    chosen: list[Video] = []
    for name in sorted(groups):
        members = groups[name]
        count = math.ceil(share * len(members) - 1e-9)
        picks = rng.choice(len(members), size=count, replace=False)
        chosen.extend(members[i] for i in sorted(picks))
    return sorted(chosen, key=lambda v: v.id)


def assign_sample(
    study: Study, coders: Sequence[str], share: float, seed: int, stratify: bool = True
) -> list[Assignment]:
    """Draw the sample and assign each of its videos to every named coder (once)."""
    people = [study.coders.get(name) for name in coders]
    taken = {(a.video_id, a.coder_id) for a in study.assignments.all()}
    made = []
    for video in draw_sample(study.videos.all(), share, seed, stratify):
        for coder in people:
            if (video.id, coder.id) in taken:
                continue
            try:
                made.append(study.assignments.add(video.id, coder.id))
            except Conflict:  # assigned meanwhile by someone else: that is what we wanted
                continue
    return made
