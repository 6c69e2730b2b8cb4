"""Merge a coder's offline copy of a study back into the main study.

A coder codes on a laptop with a copy of the study; back at the lab their segments and
ratings come in. Videos are matched by content fingerprint (the laptop may keep its files
elsewhere), coders by name. The merge only adds: a segment of the same span, or a rating
of the same target with the same score (under the same scheme version), is already there; a
rating whose score or scheme version differs on the two sides is a conflict, reported and
left as it is in the main study, never resolved silently. Merging the same copy twice
therefore changes nothing. Each merged score keeps the scheme version it was given under;
the timepoint order and the other measures follow the same rules (``merge_parts.py``).

The whole merge is one transaction of the main study, and every segment and rating goes in
through the study's own services, so the window's rules hold (submitted work is locked,
segments may not overlap or run past the video's end, scores are in the scheme's range): a
write they refuse is undone alone and listed as refused, never counted. What cannot be
merged at all (a scheme version of the copy missing here or different, a coder whose name
differs from one here only in case) is refused before anything is written. A dry run is the
same transaction rolled back, so it tells exactly what the merge would do.
"""

from __future__ import annotations

import unicodedata

from eas_coder.errors import Conflict, StudyError
from eas_coder.merge_parts import (
    MergeReport,
    check_scheme_versions,
    merge_measures,
    merge_timepoint_order,
)
from eas_coder.merge_parts import attempt as _attempt
from eas_coder.model import Coder, Rating, Segment, Video
from eas_coder.names import name_key
from eas_coder.store.item_drafts import ItemDraft
from eas_coder.store.study import Study

__all__ = ["MERGED", "NOT_MERGED", "MergeReport", "merge_study"]

Span = tuple[int, int]

# Every table of the schema is in one of these (a test checks it): a new table is merged,
# or left out with the reason, never forgotten.
MERGED = ("coder", "segment", "rating", "item_draft", "timepoint", "measure", "measure_value")
NOT_MERGED = {
    "study": "the study itself: the copy is merged into it",
    "study_setting": "the lab's settings stay the lab's (a laptop's are for the laptop)",
    "participant": "comes with videos, which are matched, never added by a merge",
    "video": "matched by content (or by label when file-less); never added by a merge",
    "attachment": "belongs to a video's files, which stay where the lab keeps them",
    "scheme_version": "compared, not copied: every version of the copy must be here, "
    "same text (else the merge is refused, naming it)",
    "template_segment": "the lab manager's shared episodes are set in the lab study",
    "consensus": "agreed scores are decided in the lab study, after the coders merged",
    "assignment": "the lab manager assigns videos in the lab study",
    "seen_work": "a record of the lab study's own history of who saw whose work",
    "audit_log": "the lab study's own history; each merged row gets its own entry",
    "video_position": "where a coder stopped watching on the laptop: a convenience, not work",
}


def _spelling(name: str) -> str:
    """A name as written, canonically: NFC with single spaces (``José`` composed or
    decomposed is one spelling; ``ana`` and ``Ana`` are two)."""
    return unicodedata.normalize("NFC", " ".join(name.split()))


def _label_key(video: Video) -> tuple[str, str, str]:
    return (name_key(video.participant_code), video.timepoint.casefold(),
            (video.name or "").casefold())  # fmt: skip


def _match_videos(main: Study, other: Study, report: MergeReport) -> dict[int, Video]:
    by_print = {v.fingerprint: v for v in main.videos.all() if v.fingerprint}
    by_label = {_label_key(v): v for v in main.videos.all()}
    matched: dict[int, Video] = {}
    for video in other.videos.all():
        found = by_print.get(video.fingerprint) if video.fingerprint else None
        if found is None and video.fingerprint is None:  # sheet-only sessions: by label
            found = by_label.get(_label_key(video))
        if found is None:
            report.unmatched_videos.append(video.label)
        else:
            matched[video.id] = found
    return matched


def _check_mergeable(main: Study, other: Study) -> dict[str, Coder]:
    """The main study's coder for each of the copy's coder names that it has; StudyError,
    before anything is written, when the copy cannot be merged at all."""
    check_scheme_versions(main, other)
    by_key = {name_key(c.name): c for c in main.coders.all()}
    matched: dict[str, Coder] = {}
    clashes: list[str] = []
    seen: dict[str, str] = {}
    for coder in other.coders.all():
        key = name_key(coder.name)
        if key in seen:
            clashes.append(f"{coder.name!r} and {seen[key]!r} (both in the copy)")
        seen[key] = coder.name
        mine = by_key.get(key)
        if mine is None:
            continue
        if _spelling(mine.name) != _spelling(coder.name):
            clashes.append(f"{coder.name!r} in the copy, {mine.name!r} here")
        matched[coder.name] = mine
    if clashes:
        raise StudyError(
            f"{other.location.display()}: coder names that differ only in case or spacing: "
            f"{'; '.join(clashes)}. Is it one person? Give the coder the same name in both "
            "studies (or clearly different ones), then merge again. Nothing was changed"
        )
    return matched


def merge_study(main: Study, other: Study, dry_run: bool = False) -> MergeReport:
    """Bring ``other``'s segments, ratings (with their scheme versions), timepoint order and
    measures into ``main``; see the module docstring."""
    coders = _check_mergeable(main, other)
    report = MergeReport()
    videos = _match_videos(main, other, report)
    other_coders = other.coders.all()
    other_segments = {s.id: s for s in other.segments.all()}
    with main.transaction(commit=not dry_run):
        for theirs_coder in other_coders:
            if theirs_coder.name not in coders:
                added = _attempt(report, f"coder {theirs_coder.name!r}", main.coders.add,
                                 theirs_coder.name)  # fmt: skip
                if added is not None:
                    report.coders_added.append(added.name)
                    coders[theirs_coder.name] = added
        for other_video_id, video in videos.items():
            for theirs_coder in other_coders:
                coder = coders.get(theirs_coder.name)
                pair = (other_video_id, theirs_coder.id)
                theirs = [s for s in other_segments.values() if (s.video_id, s.coder_id) == pair]
                ratings = other.ratings.all(video_id=other_video_id, coder_id=theirs_coder.id)
                drafts = other.item_drafts.all(other_video_id, theirs_coder.id)
                if not theirs and not ratings and not drafts:
                    continue
                where = f"{video.label} / {theirs_coder.name}"
                if coder is None:  # the coder was refused: listed once above
                    report.refused.append(
                        f"{where}: {len(theirs)} segment(s), {len(ratings)} rating(s) and "
                        f"{len(drafts)} unfinished item set(s) not merged (the coder could not "
                        "be added)"
                    )
                    continue
                spans = _merge_segments(main, video, coder.id, theirs, report, where)
                _merge_ratings(main, video, coder.id, ratings, other_segments, spans,
                               report, where)  # fmt: skip
                _merge_drafts(main, video, coder.id, drafts, other_segments, spans, report, where)
        merge_timepoint_order(main, other, report)  # before measures: their timepoints
        merge_measures(main, other, report)
    return report


def _merge_segments(
    main: Study,
    video: Video,
    coder_id: int,
    theirs: list[Segment],
    report: MergeReport,
    where: str,
) -> dict[Span, int | None]:
    """Main-study segment id per span; None for a span whose segment was refused."""
    mine = main.segments.all(video_id=video.id, coder_id=coder_id)
    spans: dict[Span, int | None] = {(s.start_ms, s.end_ms): s.id for s in mine}
    for segment in sorted(theirs, key=lambda s: (s.start_ms, s.end_ms)):
        span = (segment.start_ms, segment.end_ms)
        if span in spans:
            report.unchanged += 1
            continue
        s = segment
        added = _attempt(
            report, f"{where}: segment {_span(s)}", main.segments.add,
            video.id, coder_id, s.start_ms, s.end_ms, s.episode, s.note,
        )  # fmt: skip
        spans[span] = None if added is None else added.id
        if added is not None:
            report.segments_added += 1
    return spans


def _merge_ratings(
    main: Study,
    video: Video,
    coder_id: int,
    ratings: list[Rating],
    other_segments: dict[int, Segment],
    spans: dict[Span, int | None],
    report: MergeReport,
    where: str,
) -> None:
    existing: dict[tuple[int | None, str], Rating] = {}
    for rating in main.ratings.all(video_id=video.id, coder_id=coder_id):
        existing[(rating.segment_id, rating.dimension)] = rating
    for rating in ratings:
        target: int | None = None
        what = f"{where}: {rating.dimension} {_target(rating, other_segments)}"
        if rating.segment_id is not None:
            segment = other_segments[rating.segment_id]
            target = spans.get((segment.start_ms, segment.end_ms))
            if target is None:
                report.refused.append(f"{what}: not merged (its segment was refused)")
                continue
        found = existing.get((target, rating.dimension))
        if found is not None:
            if (found.score, found.scheme_version) == (rating.score, rating.scheme_version):
                report.unchanged += 1
            elif found.score == rating.score:
                report.conflicts.append(
                    f"{what} is {found.score:g} under scheme version {found.scheme_version} "
                    f"here and scheme version {rating.scheme_version} in the copy (kept "
                    f"scheme version {found.scheme_version})"
                )
            else:
                report.conflicts.append(
                    f"{what} is {found.score:g} here and {rating.score:g} in the copy "
                    f"(kept {found.score:g})"
                )
            continue
        r = rating
        saved = _attempt(
            report, what, main.ratings.set,
            video.id, coder_id, r.dimension, r.score, target, r.items, note=r.note,
            scheme_version=r.scheme_version,
        )  # fmt: skip
        if saved is not None:
            report.ratings_added += 1


def _merge_drafts(
    main: Study,
    video: Video,
    coder_id: int,
    drafts: list[ItemDraft],
    other_segments: dict[int, Segment],
    spans: dict[Span, int | None],
    report: MergeReport,
    where: str,
) -> None:
    """Unfinished items of a derived dimension (``item_draft``): added where the target
    holds neither its score nor other unfinished items; those are conflicts, kept."""
    for draft in drafts:
        target: int | None = None
        what = f"{where}: unfinished items of {draft.dimension} {_target(draft, other_segments)}"
        if draft.segment_id is not None:
            segment = other_segments[draft.segment_id]
            target = spans.get((segment.start_ms, segment.end_ms))
            if target is None:
                report.refused.append(f"{what}: not merged (its segment was refused)")
                continue
        try:
            added = main.item_drafts.add(
                video.id, coder_id, draft.dimension, draft.items, target, draft.note
            )
        except Conflict as exc:
            report.conflicts.append(f"{what}: {exc} (kept this study's)")
            continue
        except StudyError as exc:  # e.g. submitted (locked) here
            report.refused.append(f"{what}: not merged ({exc})")
            continue
        if added is None:
            report.unchanged += 1
        else:
            report.drafts_added += 1


def _span(segment: Segment) -> str:
    return f"{segment.start_ms}–{segment.end_ms} ms"


def _target(rating: Rating | ItemDraft, segments: dict[int, Segment]) -> str:
    if rating.segment_id is None:
        return "(whole session)"
    return f"(segment {_span(segments[rating.segment_id])})"
