"""The long-format Ratings sheet: one row per score, and one per item score after it.

This is the sheet the importer reads back, so every field a coder types is in it: the
segment's span, episode and note, the score, the note on the score and the item scores.
Items typed of a dimension derived from its items whose other items are still missing (item
drafts: no score yet) follow at the end with status "incomplete", so they too are exported
in every format and come back on import; analyses leave them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eas_coder.exchange.naming import clean_text
from eas_coder.exchange.rows_source import by_video, durations
from eas_coder.exchange.sheets import Column, ExportData, LazyRows, Sheet, seconds
from eas_coder.model import Coder, Rating, Segment, Video
from eas_coder.scheme import Scheme
from eas_coder.timecode import clock

RATINGS_COLUMNS = (
    Column("participant", "De-identified dyad code"),
    Column("timepoint", "Timepoint label of the session, e.g. T1 pre"),
    Column("video", "Name of the recording (file name, or as imported)"),
    Column("coder", "Coder who gave the score (name, or code C<id>)"),
    Column("level", "session = whole-session score; segment = score of one segment"),
    Column("segment_start_s", "Segment start in seconds from the start of the video", "seconds"),
    Column("segment_end_s", "Segment end in seconds", "seconds"),
    Column("segment_start", "Segment start as hh:mm:ss.fff"),
    Column("segment_end", "Segment end as hh:mm:ss.fff"),
    Column(
        "segment_start_frame",
        "First frame of the segment, from 0 (the frame on screen at its start; empty without "
        "the video's file; not read on import)",
        "integer",
    ),
    Column(
        "segment_end_frame",
        "Last frame inside the segment (end - start + 1 frames; empty without the video's "
        "file; not read on import)",
        "integer",
    ),
    Column("episode", "Episode label of the segment"),
    Column("dimension", "Dimension key of the coding scheme"),
    Column(
        "item",
        "Empty: the row is the dimension's score. Else the key of the item of that dimension "
        "this row scores, on the item's own scale (see Codebook); leave these rows out when "
        "averaging dimension scores",
    ),
    Column("score", "The score (of the item, when item is filled)", "number"),
    Column("band", "Band the score falls in (see Codebook for cut-offs)", "band"),
    Column(
        "score_note",
        "Why this score: the coder's note on it (on the dimension's row; its items share it)",
        label="Why this score (the coder's note on the score)",
    ),
    Column(
        "segment_note",
        "The segment's note (the same on every row of the segment; empty for session scores)",
        label="The segment's note",
    ),
    Column(
        "scheme_version",
        "The study's scheme version the score was given under (see Codebook; not read on import)",
        "integer",
    ),
    Column(
        "session_score_source",
        "Where this coder's session score of this dimension on this video comes from: "
        "session rating, segment mean, or segment mean (duration-weighted), as the study's "
        "setting scores.segment_weighting says (not read on import)",
    ),
    Column(
        "score_label",
        "For a zone rating: the zone the score (1..n, lowest first) stands for; empty "
        "otherwise (not read on import)",
    ),
    Column(
        "status",
        "Empty for a score. incomplete: an item score typed of a dimension derived from its "
        "items (sum or mean) while others are still missing, so the dimension has no score "
        "yet (its note, if any, on a row with the item and score empty); leave these rows "
        "out of analyses",
    ),
    Column("saved_at", "When the score was last saved (UTC)", "datetime"),
)
INCOMPLETE = "incomplete"


def _item_order(rating: Rating, scheme: Scheme) -> list[str]:
    """The keys of the rating's item scores, in the scheme's item order."""
    order = [i.key for i in scheme.dimension(rating.dimension).items]
    rank = {key: n for n, key in enumerate(order)}
    return sorted(rating.items or {}, key=lambda k: (rank.get(k, len(order)), k))


def ratings_sheet(data: ExportData) -> Sheet:
    """Long format: one row per rating, then one per item score of that rating; then the
    item drafts. Made while written: one video's ratings are held at a time."""
    expected = data.expected_rows()[0] + len(data.drafts)
    return Sheet("Ratings", list(RATINGS_COLUMNS), LazyRows(lambda: _rows(data), expected))


def _span(data: ExportData, seg: Segment | None) -> list[Any]:
    """The segment's cells from level to episode (a session score: level and empties)."""
    if seg is None:
        return ["session", None, None, "", "", None, None, ""]
    return [
        "segment", seconds(seg.start_ms), seconds(seg.end_ms), clock(seg.start_ms),
        clock(seg.end_ms), *data.frames.span(seg), clean_text(seg.episode or ""),
    ]  # fmt: skip


def _rows(data: ExportData) -> Iterator[list[Any]]:
    coders = {c.id: c for c in data.coders}
    videos = {v.id: v for v in data.videos}
    levels = {d.key: d for d in data.scheme.dimensions if d.ordinal}
    for video_id, group in by_video(data.rating_lines()):
        video = videos.get(video_id)
        if video is None:
            continue
        ratings = [line.rating for line in group]
        sources = {key: s.source for key, s in data.scored(ratings, durations(group)).items()}
        who = [clean_text(video.participant_code), clean_text(video.timepoint),
               clean_text(video.name or "")]  # fmt: skip
        spans: dict[int | None, list[Any]] = {}  # a segment's cells, once for its ratings
        for r, saved, seg in group:
            span = spans.get(r.segment_id)
            if span is None:
                span = spans[r.segment_id] = _span(data, seg)
            segment_note = clean_text(seg.note) if seg else ""
            tail = [
                r.scheme_version,
                sources.get((r.dimension, r.video_id, r.coder_id), ""),
                levels[r.dimension].level_label(r.score) if r.dimension in levels else "",
                "",  # status: a score
                saved.replace(tzinfo=None) if saved else None,
            ]
            coder = data.coder_label(coders[r.coder_id])
            yield [
                *who, coder, *span, r.dimension, "", r.score, data.band(r.dimension, r.score),
                clean_text(r.note), segment_note, *tail,
            ]  # fmt: skip
            for item in _item_order(r, data.scheme) if r.items else ():
                score = r.items[item]  # type: ignore[index]
                yield [*who, coder, *span, r.dimension, item, score, "", "", segment_note, *tail]
    yield from _draft_rows(data, coders, videos)


def _draft_rows(
    data: ExportData, coders: dict[int, Coder], videos: dict[int, Video]
) -> Iterator[list[Any]]:
    """After every score (no analysis reads them): each draft's note, then its items."""
    drafts = [d for d in data.drafts if d.video_id in videos and d.coder_id in coders]
    segments = data.segments_by_id([d.segment_id for d in drafts if d.segment_id is not None])
    known = {d.key: d for d in data.scheme.dimensions}
    for d in drafts:
        dim = known.get(d.dimension)
        order = [i.key for i in dim.items] if dim else sorted(d.items)
        video, coder = videos[d.video_id], coders[d.coder_id]
        seg = segments.get(d.segment_id) if d.segment_id is not None else None
        head = [clean_text(video.participant_code), clean_text(video.timepoint),
                clean_text(video.name or ""), data.coder_label(coder), *_span(data, seg),
                d.dimension]  # fmt: skip
        saved = d.saved_at.replace(tzinfo=None) if d.saved_at else None
        segment_note = clean_text(seg.note) if seg else ""
        if d.note:
            yield [*head, "", None, "", clean_text(d.note), segment_note, None, "", "",
                   INCOMPLETE, saved]  # fmt: skip
        for item in (key for key in order if key in d.items):
            yield [*head, item, d.items[item], "", "", segment_note, None, "", "",
                   INCOMPLETE, saved]  # fmt: skip
