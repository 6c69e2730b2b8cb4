"""A study holding every kind of data added by issues 21 and 22 (scheme versions with
ratings under versions 1 and 2, a timepoint order, measures with directions and values), and
two ways to compare studies: every row of every table, and by natural keys (for paths that
give new ids: merge, export and import)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from eas_coder.location import Location
from eas_coder.model import VideoInfo
from eas_coder.scheme import load_scheme, parse_scheme
from eas_coder.store.database import open_engine
from eas_coder.store.measures import NewValue
from eas_coder.store.study import Study
from eas_coder.store.tables import Base

# eas-direct with a dimension derived from its items (whose unfinished items wait as drafts)
SCHEME = parse_scheme(
    load_scheme("eas-direct").source_text
    + '\n[[dimensions]]\nkey = "warmth"\nlabel = "Warmth"\nside = "adult"\nderive = "sum"\n'
    + "".join(
        f'\n[[dimensions.items]]\nkey = "{k}"\nlabel = "{k}"\nmin = 1\nmax = 3\nstep = 1\n'
        for k in ("smiles", "touch")
    )
)
# Version 2: the same dimensions, one relabelled (its [scheme] version label stays "1").
V2 = parse_scheme(SCHEME.source_text.replace('label = "Sensitivity"', 'label = "Sensitivity (S)"'))
PRE = VideoInfo(60_000, 25.0, 1500, 640, 480, 10, "a" * 32)
POST = VideoInfo(60_000, 25.0, 1500, 640, 480, 11, "b" * 32)
ORDER = ["pre", "post", "follow-up"]


def new_study(location: Location, name: str = "Carried") -> Study:
    """A study of SCHEME whose scheme was edited once (version 2 = V2), holding nothing."""
    study = Study.create(location, SCHEME, name, actor="tester")
    return study


def fill(study: Study) -> None:
    """Ratings under scheme versions 1 and 2, a timepoint order and measures (the study is
    new and at version 1; it ends at version 2)."""
    pre = study.videos.add("M001", "pre", None, PRE)
    post = study.videos.add("M001", "post", None, POST)
    ana, ben = study.coders.add_many(["Ana", "Ben"])
    segment = study.segments.add(pre.id, ana.id, 0, 20_000, None, "first minutes")
    study.ratings.set(pre.id, ana.id, "sensitivity", 4.5, segment.id, note="under version 1")
    study.ratings.set(pre.id, ana.id, "structuring", 5)
    assert study.set_scheme(V2) == 2
    study.ratings.set(post.id, ana.id, "sensitivity", 6.5, note="under version 2")
    study.ratings.set(pre.id, ben.id, "sensitivity", 5)
    study.item_drafts.save(pre.id, ben.id, "warmth", {"smiles": 2}, note="touch not seen yet")
    study.item_drafts.save(post.id, ana.id, "warmth", {"smiles": 3, "touch": 2}, note="both")
    study.timepoints.set(ORDER)
    study.measures.write(
        [
            NewValue(1, "M001", "pre", "BDI", 27, False),
            NewValue(2, "M001", "follow-up", "BDI", 16, None),
            NewValue(3, "M001", "pre", "PSI", 105, True),
            NewValue(4, "M001", "post", "PSI", 115, None),
        ],
        "test",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLite keeps no zone; the server does
        return value.astimezone(UTC).isoformat()
    return value


def table_rows(location: Location) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the schema knows, by primary key."""
    engine = open_engine(location)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(_plain(v) for v in row)
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def natural(study: Study) -> dict[str, Any]:
    """The new data by natural keys: ratings with their scheme version, the scheme versions,
    the timepoint order, the measures with their directions and their values."""
    data = study.load()
    videos = {v.id: v for v in data.videos}
    coders = {c.id: c.name for c in data.coders}
    spans = {s.id: (s.start_ms, s.end_ms, s.episode, s.note) for s in data.segments}
    ratings = sorted(
        (
            videos[r.video_id].participant_code,
            videos[r.video_id].timepoint,
            coders[r.coder_id],
            r.dimension,
            spans.get(r.segment_id) if r.segment_id is not None else (),
            r.score,
            r.note,
            r.scheme_version,
        )
        for r in data.ratings
    )
    drafts = sorted(
        (
            videos[d.video_id].participant_code,
            videos[d.video_id].timepoint,
            coders[d.coder_id],
            d.dimension,
            spans.get(d.segment_id) if d.segment_id is not None else (),
            sorted(d.items.items()),
            d.note,
        )
        for d in study.item_drafts.all()
    )
    return {
        "ratings": ratings,
        "item_drafts": drafts,
        "scheme_versions": [
            (v.number, v.scheme_id, v.label, text)
            for v, text in zip(study.scheme_versions(), _texts(study), strict=True)
        ],
        "timepoint_order": study.timepoints.order(),
        "measures": [(m.name, m.higher_is_better) for m in study.measures.all()],
        "values": sorted(
            (v.participant, v.timepoint, v.measure, v.value) for v in study.measures.values()
        ),
    }


def _texts(study: Study) -> list[str]:
    from eas_coder.store.tables import SchemeVersionRow

    engine = open_engine(study.location)
    try:
        with engine.connect() as conn:
            query = select(SchemeVersionRow.scheme_toml).order_by(SchemeVersionRow.number)
            return list(conn.scalars(query))
    finally:
        engine.dispose()
