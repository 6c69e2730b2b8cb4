"""Every field a coder types leaves the app and comes back: the note on each score (apart
from the segment's note), item scores, spans, episodes; in xlsx, CSV and SPSS."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import ImportRejected, import_ratings
from eas_coder.location import from_string
from eas_coder.store.study import Study
from tests.exchange.typed_fields import items_scheme, typed_fields

SEGMENT_NOTE = "=calm start; mother follows"  # formula-like text stays text everywhere
SESSION_NOTE = "warm overall, brief\nlapse at the end"
SCORE_NOTE = "+ looks at the baby's cues"


@pytest.fixture
def typed_study(tmp_path: Path) -> Iterator[Study]:
    """Two coders; segments with episodes and notes; segment and session scores with notes
    and items."""
    location = from_string(tmp_path / "typed.sqlite")
    with Study.create(location, items_scheme(), "Typed") as s:
        ana, ben = s.coders.add("Ana"), s.coders.add("Ben")
        one = s.videos.add("M01", "T1 pre", None, name="m01_t1.mp4")
        two = s.videos.add("M02", "T2 post", None, name="m02_t2.mp4")
        for coder, video in ((ana, one), (ben, one), (ana, two)):
            first = s.segments.add(video.id, coder.id, 0, 12_345, "free_play", SEGMENT_NOTE)
            second = s.segments.add(video.id, coder.id, 12_345, 30_001, None, "")
            for k, key in enumerate(s.scheme.keys):
                s.ratings.set(video.id, coder.id, key, 2 + k * 0.5, first.id,
                              note=f"{SCORE_NOTE} {k}")  # fmt: skip
                s.ratings.set(video.id, coder.id, key, 3 + k * 0.5, second.id)
                s.ratings.set(video.id, coder.id, key, 4, note=SESSION_NOTE if k else "")
            s.ratings.set(video.id, coder.id, "sensitivity", 5, first.id,
                          items={"warmth": 3, "timing": 1})  # fmt: skip
            s.ratings.set(video.id, coder.id, "sensitivity", 6, items={"warmth": 2})
            s.ratings.set(video.id, coder.id, "child_involvement", 3.5, second.id,
                          items={"initiative": 2.5})  # fmt: skip
        yield s


def test_a_score_saved_without_items_keeps_them(typed_study: Study) -> None:
    video = typed_study.videos.all()[0]
    ana = typed_study.coders.get("Ana")

    def session_sensitivity() -> tuple[float, dict[str, float] | None, str]:
        (rating,) = [
            r
            for r in typed_study.ratings.all(video.id, ana.id)
            if r.dimension == "sensitivity" and r.segment_id is None
        ]
        return rating.score, rating.items, rating.note

    typed_study.ratings.set(video.id, ana.id, "sensitivity", 5.5)
    assert session_sensitivity() == (5.5, {"warmth": 2.0}, "")
    typed_study.ratings.set(video.id, ana.id, "sensitivity", 5.5, items={})  # {} clears them
    assert session_sensitivity() == (5.5, None, "")


def _long_rows(path: Path) -> list[dict[str, object]]:
    sheet = load_workbook(path, read_only=True)["Ratings"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_score_note_and_segment_note_have_their_own_columns(
    typed_study: Study, tmp_path: Path
) -> None:
    export_study(typed_study, tmp_path / "out.xlsx")
    rows = _long_rows(tmp_path / "out.xlsx")
    header = list(rows[0])
    assert "note" not in header
    assert header.index("segment_note") == header.index("score_note") + 1
    first = [r for r in rows if r["segment_start"] == "00:00:00.000" and r["item"] is None]
    assert {r["segment_note"] for r in first} == {SEGMENT_NOTE}
    assert {r["score_note"] for r in first} == {f"{SCORE_NOTE} {k}" for k in range(6)}
    session = [r for r in rows if r["level"] == "session" and r["item"] is None]
    assert {r["score_note"] for r in session} == {SESSION_NOTE, None}  # None: empty cell
    assert {r["segment_note"] for r in session} == {None}


def test_items_are_exported_as_long_rows_and_wide_columns(
    typed_study: Study, tmp_path: Path
) -> None:
    export_study(typed_study, tmp_path / "out.xlsx")
    rows = _long_rows(tmp_path / "out.xlsx")
    items = [r for r in rows if r["item"] is not None]
    ana_session = {
        (r["dimension"], r["item"]): r["score"]
        for r in items
        if r["coder"] == "Ana" and r["level"] == "session" and r["participant"] == "M01"
    }
    assert ana_session == {("sensitivity", "warmth"): 2}
    assert all(r["band"] is None and r["score_note"] is None for r in items)
    assert len(items) == 3 * (1 + 2 + 1)  # per coder and video: session warmth, 2 + 1 segment
    wide = load_workbook(tmp_path / "out.xlsx", read_only=True)["Sessions"]
    table = list(wide.iter_rows(values_only=True))
    m01 = dict(zip(table[0], next(r for r in table[1:] if r[0] == "M01"), strict=True))
    assert m01["sensitivity_warmth_ana"] == 2  # the session rating's item
    assert m01["sensitivity_timing_ana"] == 1  # else the mean of the segments' items
    assert m01["child_involvement_initiative_ben"] == 2.5
    assert m01["sensitivity_warmth_mean"] == 2
    codebook = load_workbook(tmp_path / "out.xlsx", read_only=True)["Codebook"]
    scheme_rows = {r[1]: r[2] for r in codebook.iter_rows(values_only=True) if r[0] == "Scheme"}
    assert scheme_rows["sensitivity/warmth"] == "Warmth (item of Sensitivity): 1–3 by 1"


def test_spss_export_holds_the_long_ratings_with_notes_and_items(
    typed_study: Study, tmp_path: Path
) -> None:
    written = export_study(typed_study, tmp_path / "out.sav")
    assert [p.name for p in written] == ["out.sav", "out-Ratings.sav"]
    wide, _ = pyreadstat.read_sav(str(tmp_path / "out.sav"))
    assert "sensitivity_warmth_ana" in wide.columns
    long, meta = pyreadstat.read_sav(str(tmp_path / "out-Ratings.sav"))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert "score_note" in long.columns and "segment_note" in long.columns
    assert "why" in labels["score_note"].lower()
    assert set(long["segment_note"]) == {SEGMENT_NOTE, ""}
    assert SESSION_NOTE in set(long["score_note"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "sav"])
def test_every_typed_field_round_trips(typed_study: Study, tmp_path: Path, fmt: str) -> None:
    written = export_study(typed_study, tmp_path / f"out.{fmt}")
    sheet = next(p for p in written if p.name == f"out-Ratings.{fmt}" or fmt == "xlsx")
    with Study.create(from_string(tmp_path / "empty.sqlite"), items_scheme(), "E") as empty:
        plan, summary = import_ratings(empty, sheet)
        assert summary is not None and summary.ratings == len(typed_study.ratings.all())
        assert typed_fields(empty) == typed_fields(typed_study)
        again, nothing = import_ratings(empty, sheet)  # twice changes nothing
        assert nothing is None and again.skipped == len(plan.ratings) + 12  # + the item rows


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


OLD_HEAD = ["participant", "timepoint", "coder", "dimension", "score", "level",
            "segment_start", "segment_end", "note"]  # fmt: skip


def test_an_old_sheet_note_is_the_segment_note_and_on_session_rows_the_score_note(
    tmp_path: Path,
) -> None:
    sheet = _csv(
        tmp_path / "old.csv",
        [
            OLD_HEAD,
            ["M1", "T1", "Ana", "sensitivity", 4, "segment", 0, 5, "segment says"],
            ["M1", "T1", "Ana", "sensitivity", 5, "session", "", "", "session says why"],
        ],
    )
    with Study.create(from_string(tmp_path / "s.sqlite"), items_scheme(), "S") as study:
        import_ratings(study, sheet)
        (segment,) = study.segments.all()
        assert segment.note == "segment says"
        notes = {r.segment_id: r.note for r in study.ratings.all()}
        assert notes == {segment.id: "", None: "session says why"}


def test_a_new_sheet_names_both_notes(tmp_path: Path) -> None:
    head = [*OLD_HEAD[:-1], "item", "score_note", "segment_note"]
    sheet = _csv(
        tmp_path / "new.csv",
        [
            head,
            ["M1", "T1", "Ana", "sensitivity", 4, "segment", 0, 5, "", "why 4", "the episode"],
            ["M1", "T1", "Ana", "sensitivity", 2, "segment", 0, 5, "warmth", "", "the episode"],
            ["M1", "T1", "Ana", "sensitivity", 6, "session", "", "", "", "why 6", ""],
            ["M1", "T1", "Ana", "sensitivity", 3, "session", "", "", "Timing", "", ""],
        ],
    )
    with Study.create(from_string(tmp_path / "s.sqlite"), items_scheme(), "S") as study:
        import_ratings(study, sheet)
        (segment,) = study.segments.all()
        assert segment.note == "the episode"
        got = {r.segment_id: (r.score, r.note, r.items) for r in study.ratings.all()}
        assert got == {
            segment.id: (4.0, "why 4", {"warmth": 2.0}),
            None: (6.0, "why 6", {"timing": 3.0}),
        }


ITEM_HEAD = ["participant", "timepoint", "coder", "dimension", "item", "score", "score_note"]
BAD_ITEMS = [
    (["M1", "T1", "Ana", "sensitivity", "hugs", 2, ""], "item", "no item 'hugs'"),
    (["M1", "T1", "Ana", "sensitivity", "warmth", 5, ""], "score", "outside 1–3"),
    (["M1", "T1", "Ana", "structuring", "warmth", 2, ""], "item", "no item 'warmth'"),
    (["M1", "T1", "Ana", "sensitivity", "timing", 2, "a note"], "score_note", "dimension's row"),
    (["M2", "T1", "Ana", "sensitivity", "warmth", 2, ""], "dimension", "no score for"),
    (["M1", "T1", "Ana", "sensitivity", "warmth", 3, ""], "score", "contradicts row"),
]


def test_bad_item_rows_are_each_reported(tmp_path: Path) -> None:
    rows = [ITEM_HEAD, ["M1", "T1", "Ana", "sensitivity", "", 4, ""],
            ["M1", "T1", "Ana", "sensitivity", "warmth", 2, ""]]  # fmt: skip
    rows += [row for row, _, _ in BAD_ITEMS]
    with Study.create(from_string(tmp_path / "s.sqlite"), items_scheme(), "S") as study:
        with pytest.raises(ImportRejected) as caught:
            import_ratings(study, _csv(tmp_path / "bad.csv", rows))
        assert study.ratings.all() == []
    problems = caught.value.problems
    for number, (_, column, reason) in enumerate(BAD_ITEMS, start=4):
        assert any(
            p.row == number and p.column == column and reason in p.reason for p in problems
        ), (number, column, reason, problems)
    assert len(problems) == len(BAD_ITEMS)
