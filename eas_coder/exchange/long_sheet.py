"""The long-format Ratings sheet: one row per score, and one per item score after it.

This is the sheet the importer reads back, so every field a coder types is in it: the
segment's span, episode and note, the score, the note on the score and the item scores.
Items typed of a dimension derived from its items whose other items are still missing (item
drafts: no score yet) follow at the end with status "incomplete", so they too are exported
in every format and come back on import; analyses leave them out.
"""

from __future__ import annotations

from typing import Any

from eas_coder.exchange.naming import clean_text
from eas_coder.exchange.sheets import Column, ExportData, LazyRows, Sheet, seconds
from eas_coder.model import Rating
from eas_coder.scheme import Scheme
from eas_coder.store.item_drafts import ItemDraft
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


def _with_items(ratings: list[Rating], scheme: Scheme) -> list[tuple[Rating, str | None]]:
    """Each rating (item None), followed by its item scores in the scheme's item order."""
    rows: list[tuple[Rating, str | None]] = []
    for rating in ratings:
        rows.append((rating, None))
        if rating.items:
            order = [i.key for i in scheme.dimension(rating.dimension).items]
            rank = {key: n for n, key in enumerate(order)}
            keys = sorted(rating.items, key=lambda k: (rank.get(k, len(order)), k))
            rows.extend((rating, key) for key in keys)
    return rows


def ratings_sheet(data: ExportData) -> Sheet:
    """Long format: one row per rating, then one per item score of that rating."""
    sheet = Sheet("Ratings", list(RATINGS_COLUMNS))
    coders = {c.id: c for c in data.coders}
    videos = {v.id: v for v in data.videos}
    segments = {s.id: s for s in data.snapshot.segments}
    chosen = [r for r in data.snapshot.ratings if r.video_id in videos and r.coder_id in coders]
    sources = {key: found.source for key, found in data.scored().items()}
    levels = {d.key: d for d in data.scheme.dimensions if d.ordinal}

    def row(source: tuple[Rating, str | None]) -> list[Any]:
        r, item = source
        video, coder = videos[r.video_id], coders[r.coder_id]
        seg = segments.get(r.segment_id) if r.segment_id is not None else None
        saved = data.saved_at.get(r.id)
        score = r.score if item is None else (r.items or {})[item]
        return [
            clean_text(video.participant_code),
            clean_text(video.timepoint),
            clean_text(video.name or ""),
            data.coder_label(coder),
            "session" if seg is None else "segment",
            seconds(seg.start_ms) if seg else None,
            seconds(seg.end_ms) if seg else None,
            clock(seg.start_ms) if seg else "",
            clock(seg.end_ms) if seg else "",
            *(data.frames.span(seg) if seg else (None, None)),
            clean_text(seg.episode or "") if seg else "",
            r.dimension,
            item or "",
            score,
            data.band(r.dimension, r.score) if item is None else "",
            clean_text(r.note) if item is None else "",
            clean_text(seg.note) if seg else "",
            r.scheme_version,
            sources.get((r.dimension, r.video_id, r.coder_id), ""),
            levels[r.dimension].level_label(r.score) if r.dimension in levels else "",
            "",  # status: a score
            saved.replace(tzinfo=None) if saved else None,
        ]

    def draft_row(source: tuple[ItemDraft, str | None]) -> list[Any]:
        d, item = source
        video, coder = videos[d.video_id], coders[d.coder_id]
        seg = segments.get(d.segment_id) if d.segment_id is not None else None
        return [
            clean_text(video.participant_code), clean_text(video.timepoint),
            clean_text(video.name or ""), data.coder_label(coder),
            "session" if seg is None else "segment",
            seconds(seg.start_ms) if seg else None, seconds(seg.end_ms) if seg else None,
            clock(seg.start_ms) if seg else "", clock(seg.end_ms) if seg else "",
            *(data.frames.span(seg) if seg else (None, None)),
            clean_text(seg.episode or "") if seg else "", d.dimension, item or "",
            None if item is None else d.items[item], "",
            clean_text(d.note) if item is None else "", clean_text(seg.note) if seg else "",
            None, "", "", INCOMPLETE, d.saved_at.replace(tzinfo=None) if d.saved_at else None,
        ]  # fmt: skip

    drafts = [d for d in data.drafts if d.video_id in videos and d.coder_id in coders]
    made_from: list[tuple[Any, str | None]] = [*_with_items(chosen, data.scheme)]
    for draft in drafts:  # after every score: no analysis reads them
        known = {d.key: d for d in data.scheme.dimensions}.get(draft.dimension)
        order = [i.key for i in known.items] if known else sorted(draft.items)
        made_from += [(draft, None)] if draft.note else []
        made_from += [(draft, key) for key in order if key in draft.items]

    def make(source: tuple[Any, str | None]) -> list[Any]:
        return draft_row(source) if isinstance(source[0], ItemDraft) else row(source)

    sheet.rows = LazyRows(made_from, make)
    return sheet
