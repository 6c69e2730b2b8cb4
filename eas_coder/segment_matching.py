"""Segment-level reliability: which coders' segments are "the same episode".

Coders rarely press I and O on the same frame, so identical spans almost never happen. Per
video, the chosen coders' segments are grouped one-to-one by overlap: the first coder's
segments (in the chosen order) start the groups; each next coder's segments join the groups
by a Hungarian assignment that maximises intersection-over-union
(``stats.boundaries.iou_matrix``), where a segment may join a group only when it overlaps
the group's first segment, both its ends lie within the study's tolerance
(``reliability.boundary_tolerance_ms``) of that segment's ends, and their episode labels do
not differ. A segment left over starts a group of its own. A group is one unit; its key is
the span of its first segment, ``(video_id, start_ms, end_ms, episode)``, so the window can
still find a segment to attach consensus to.

Per pair of coders (on the videos both segmented) this module also reports how many
segments each marked, how many overlap one-to-one at all (``stats.boundaries.
match_segments``), how many met within tolerance, and the onset and offset differences of
those that met.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from eas_coder.model import Segment
from eas_coder.stats.boundaries import iou_matrix, match_segments
from eas_coder.store.study import Study

SETTING = "reliability.boundary_tolerance_ms"
SpanKey = tuple[int, int, int, str | None]


def span_key(segment: Segment) -> SpanKey:
    """The unit key of a group started by ``segment``."""
    return (segment.video_id, segment.start_ms, segment.end_ms, segment.episode)


def _join(
    groups: list[dict[int, Segment]], column: int, mine: Sequence[Segment], tolerance_ms: int
) -> None:
    """Add one coder's segments of a video to the groups (one-to-one), the rest as new ones."""
    if len(groups) == 1 and len(mine) == 1:  # the usual case, without matrices (speed)
        anchor = next(iter(groups[0].values()))
        if _may_join(mine[0], anchor, tolerance_ms):
            groups[0][column] = mine[0]
            return
    elif groups and mine:
        anchors = [next(iter(g.values())) for g in groups]
        spans = [(s.start_ms, s.end_ms) for s in mine]
        iou = iou_matrix(spans, [(a.start_ms, a.end_ms) for a in anchors])
        onset = np.abs(np.subtract.outer([s[0] for s in spans], [a.start_ms for a in anchors]))
        offset = np.abs(np.subtract.outer([s[1] for s in spans], [a.end_ms for a in anchors]))
        labels_agree = np.array(
            [
                [not (s.episode and a.episode and s.episode != a.episode) for a in anchors]
                for s in mine
            ]
        )
        allowed = (iou > 0) & (onset <= tolerance_ms) & (offset <= tolerance_ms) & labels_agree
        rows, cols = linear_sum_assignment(-np.where(allowed, iou, 0.0))
        joined = set()
        for r, c in zip(rows, cols, strict=True):
            if allowed[r, c]:
                groups[c][column] = mine[r]
                joined.add(r)
        mine = [s for i, s in enumerate(mine) if i not in joined]
    groups.extend({column: s} for s in mine)


def _may_join(s: Segment, anchor: Segment, tolerance_ms: int) -> bool:
    """The rule of ``_join`` for one segment and one group."""
    return (
        min(s.end_ms, anchor.end_ms) > max(s.start_ms, anchor.start_ms)
        and abs(s.start_ms - anchor.start_ms) <= tolerance_ms
        and abs(s.end_ms - anchor.end_ms) <= tolerance_ms
        and not (s.episode and anchor.episode and s.episode != anchor.episode)
    )


def group_segments(
    segments: Sequence[Segment], coder_ids: Sequence[int], tolerance_ms: int
) -> list[dict[int, Segment]]:
    """Groups of matched segments over every video: column (index in ``coder_ids``) ->
    segment. Segments of other coders are ignored."""
    column = {cid: i for i, cid in enumerate(coder_ids)}
    by_video: dict[int, dict[int, list[Segment]]] = defaultdict(lambda: defaultdict(list))
    for s in segments:
        if s.coder_id in column:
            by_video[s.video_id][column[s.coder_id]].append(s)
    groups: list[dict[int, Segment]] = []
    for video_id in sorted(by_video):
        of_video: list[dict[int, Segment]] = []
        for col in range(len(coder_ids)):
            mine = sorted(by_video[video_id].get(col, []), key=lambda s: (s.start_ms, s.id))
            _join(of_video, col, mine, tolerance_ms)
        groups.extend(of_video)
    return groups


def units_of_segments(groups: Sequence[dict[int, Segment]]) -> dict[int, SpanKey]:
    """Segment id -> the unit key of its group."""
    out: dict[int, SpanKey] = {}
    for group in groups:
        key = span_key(next(iter(group.values())))
        out.update({s.id: key for s in group.values()})
    return out


@dataclass(frozen=True)
class PairMatching:
    """How two coders' segments met, over the videos both of them segmented."""

    coders: tuple[str, str]
    segments: tuple[int, int]
    overlapping: int  # one-to-one pairs that overlap at all
    matched: int  # of those (or of the groups), pairs within tolerance: the rated units
    mean_onset_difference_ms: float
    mean_offset_difference_ms: float
    mean_iou: float
    tolerance_ms: int

    @property
    def matched_share(self) -> float:
        """Matched segments over all segments of the two coders (2·matched / (n1 + n2))."""
        total = sum(self.segments)
        return float("nan") if total == 0 else 2 * self.matched / total

    def note(self) -> str:
        """One plain sentence on how they met, naming the setting when few did."""
        a, b = self.coders
        text = (
            f"{a} marked {self.segments[0]} and {b} {self.segments[1]} segments on the videos "
            f"both segmented; {self.overlapping} overlapping pairs, {self.matched} within "
            f"±{self.tolerance_ms} ms at both ends (compared)."
        )
        if self.overlapping > self.matched:
            text += (
                f" {self.overlapping - self.matched} overlap but start or end further apart: "
                f"a wider tolerance (`settings {SETTING} MS`) would compare them too."
            )
        if not self.overlapping and not all(self.segments):
            text += " No video was segmented by both."
        return text

    def to_json(self) -> dict[str, Any]:
        """Plain values; NaN becomes null."""

        def clean(v: float) -> float | None:
            return None if v != v else float(v)

        return {
            "coders": list(self.coders),
            "segments": list(self.segments),
            "overlapping": self.overlapping,
            "matched": self.matched,
            "matched_share": clean(self.matched_share),
            "mean_onset_difference_ms": clean(self.mean_onset_difference_ms),
            "mean_offset_difference_ms": clean(self.mean_offset_difference_ms),
            "mean_iou": clean(self.mean_iou),
            "note": self.note(),
        }


@dataclass(frozen=True)
class SegmentMatching:
    """Every pair's matching at one tolerance."""

    tolerance_ms: int
    pairs: tuple[PairMatching, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``segment_matching`` object of ``reliability --json``."""
        return {"tolerance_ms": self.tolerance_ms, "pairs": [p.to_json() for p in self.pairs]}

    def lines(self) -> list[str]:
        """Text lines for the terminal table."""
        out = [f"Segments matched by overlap, both ends within ±{self.tolerance_ms} ms:"]
        for p in self.pairs:
            onset, offset = p.mean_onset_difference_ms, p.mean_offset_difference_ms
            diff = (
                "" if onset != onset else f"; mean |onset| {onset:.0f} ms, |offset| {offset:.0f} ms"
            )
            share = p.matched_share
            share_text = "" if share != share else f"{100 * share:.0f}%, "
            out.append(
                f"    {p.coders[0]} vs {p.coders[1]}: {p.matched} of {p.segments[0]} + "
                f"{p.segments[1]} segments matched ({share_text}{p.overlapping} overlapping)"
                f"{diff}"
            )
            if p.matched < p.overlapping or not p.matched:
                out.append(f"      {p.note()}")
        return out


def _iou(a: Segment, b: Segment) -> float:
    inter = max(0, min(a.end_ms, b.end_ms) - max(a.start_ms, b.start_ms))
    union = (a.end_ms - a.start_ms) + (b.end_ms - b.start_ms) - inter
    return inter / union if union > 0 else 0.0


def _overlapping(
    first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]], tolerance_ms: int
) -> int:
    """How many one-to-one pairs of the two coders' spans overlap at all."""
    if len(first) == 1 and len(second) == 1:  # the usual case, without matrices (speed)
        (a0, a1), (b0, b1) = first[0], second[0]
        return int(min(a1, b1) > max(a0, b0))
    return match_segments(first, second, tolerance_ms).n_matched


def _pair(
    names: tuple[str, str],
    columns: tuple[int, int],
    segments: Sequence[Segment],
    coder_ids: Sequence[int],
    groups: Sequence[dict[int, Segment]],
    tolerance_ms: int,
) -> PairMatching:
    i, j = columns
    spans: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for s in segments:
        if s.coder_id in (coder_ids[i], coder_ids[j]):
            spans[s.video_id][s.coder_id].append((s.start_ms, s.end_ms))
    both = {v for v, by in spans.items() if len(by) == 2}
    counts = [sum(len(spans[v][coder_ids[c]]) for v in both) for c in (i, j)]
    overlapping = sum(
        _overlapping(spans[v][coder_ids[i]], spans[v][coder_ids[j]], tolerance_ms) for v in both
    )
    met = [(g[i], g[j]) for g in groups if i in g and j in g]
    onset = [abs(a.start_ms - b.start_ms) for a, b in met]
    offset = [abs(a.end_ms - b.end_ms) for a, b in met]
    ious = [_iou(a, b) for a, b in met]
    nan = float("nan")
    return PairMatching(
        coders=names,
        segments=(counts[0], counts[1]),
        overlapping=max(overlapping, len(met)),
        matched=len(met),
        mean_onset_difference_ms=float(np.mean(onset)) if met else nan,
        mean_offset_difference_ms=float(np.mean(offset)) if met else nan,
        mean_iou=float(np.mean(ious)) if met else nan,
        tolerance_ms=tolerance_ms,
    )


def summarise(
    segments: Sequence[Segment],
    coder_ids: Sequence[int],
    names: Sequence[str],
    tolerance_ms: int,
    groups: Sequence[dict[int, Segment]] | None = None,
) -> SegmentMatching:
    """Per pair of coders, how their segments met (``groups`` as from ``group_segments``)."""
    if groups is None:
        groups = group_segments(segments, coder_ids, tolerance_ms)
    pairs = tuple(
        _pair((names[i], names[j]), (i, j), segments, coder_ids, groups, tolerance_ms)
        for i, j in itertools.combinations(range(len(coder_ids)), 2)
    )
    return SegmentMatching(tolerance_ms, pairs)


def match_study_segments(
    study: Study, coders: Sequence[str] | None = None, tolerance_ms: int | None = None
) -> SegmentMatching:
    """The matching of a study's coders (default: all) at ``tolerance_ms`` (default: the
    study's setting), over every segment (the lab manager's view)."""
    chosen = [study.coders.get(n) for n in coders] if coders else study.coders.all()
    tol = int(study.settings.get(SETTING)) if tolerance_ms is None else tolerance_ms
    return summarise(study.segments.all(), [c.id for c in chosen], [c.name for c in chosen], tol)
