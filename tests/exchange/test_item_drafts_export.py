"""Item drafts in exports: the items typed of an unfinished derived dimension (and its note)
are rows of the Ratings sheet with status "incomplete" — in xlsx, CSV and SPSS — never a
score, shown to their coder only, and they come back on import (into an empty study too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import ImportRejected, import_ratings
from eas_coder.location import from_string
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer
from tests.exchange.test_scheme_profiles_export import make_scheme, rows_of


def _drafts(study: Study) -> set[tuple[Any, ...]]:
    coders = {c.id: c.name for c in study.coders.all()}
    videos = {v.id: v.participant_code for v in study.videos.all()}
    spans = {s.id: (s.start_ms, s.end_ms) for s in study.load().segments}
    return {
        (videos[d.video_id], coders[d.coder_id], spans.get(d.segment_id or -1), d.dimension,
         tuple(sorted(d.items.items())), d.note)
        for d in study.item_drafts.all()
    }  # fmt: skip


def _study(tmp_path: Path) -> Path:
    path = tmp_path / "drafts.sqlite"
    with Study.create(from_string(path), make_scheme(), "Drafts") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        video = study.videos.add("M01", "T1 pre", None, name="m01.mp4")
        for coder in (ana, ben):
            study.assignments.add(video.id, coder.id)
        segment = study.segments.add(video.id, ana.id, 1_000, 4_000)  # only a draft on it
        study.item_drafts.save(video.id, ana.id, "sensitivity", {"item_1": 2, "item_3": 1},
                               note="=unsure, see 2:10")  # fmt: skip
        study.item_drafts.save(video.id, ana.id, "sensitivity", {"item_2": 6}, segment.id)
        study.item_drafts.save(video.id, ben.id, "sensitivity", {}, note="waiting")
        study.ratings.set(video.id, ben.id, "zone_adult", 2)
    return path


def test_drafts_are_incomplete_rows_and_come_back(tmp_path: Path) -> None:
    with Study.open(from_string(_study(tmp_path)), backup=False) as study:
        stored = _drafts(study)
        assert len(stored) == 3
        out = tmp_path / "out.xlsx"
        export_study(study, out)
        rows = rows_of(load_workbook(out)["Ratings"])
        incomplete = [r for r in rows if r["status"] == "incomplete"]
        assert {(r["coder"], r["level"], r["item"], r["score"], r["score_note"])
                for r in incomplete} == {
            ("Ana", "session", None, None, "=unsure, see 2:10"),
            ("Ana", "session", "item_1", 2, None), ("Ana", "session", "item_3", 1, None),
            ("Ana", "segment", "item_2", 6, None), ("Ben", "session", None, None, "waiting"),
        }  # fmt: skip
        assert [r["status"] for r in rows if r["dimension"] == "zone_adult"] == [None]
        wide = rows_of(load_workbook(out)["Sessions"])[0]
        assert wide.get("sensitivity_ana") is None  # a draft is never a score

        # a coder's export: their own drafts only
        ana = study.coders.get("Ana")
        mine = tmp_path / "ana.xlsx"
        export_study(study, mine, viewer=Viewer(ana, study.assignments.all()))
        coders = {r["coder"] for r in rows_of(load_workbook(mine)["Ratings"])
                  if r["status"] == "incomplete"}  # fmt: skip
        assert coders == {"Ana"}

        for fmt in ("xlsx", "csv", "sav"):
            written = export_study(study, tmp_path / f"all.{fmt}")
            sheet = next(p for p in written if fmt == "xlsx" or p.stem.endswith("-Ratings"))
            with Study.create(
                from_string(tmp_path / f"empty-{fmt}.sqlite"), make_scheme(), "E"
            ) as empty:
                import_ratings(empty, sheet)
                assert _drafts(empty) == stored, fmt
                import_ratings(empty, sheet)  # the same file again changes nothing
                assert _drafts(empty) == stored, fmt


def test_an_import_never_changes_stored_drafts(tmp_path: Path) -> None:
    with Study.open(from_string(_study(tmp_path)), backup=False) as study:
        out = tmp_path / "out.xlsx"
        export_study(study, out)
        video = study.videos.all()[0]
        ana = study.coders.get("Ana")
        study.item_drafts.save(video.id, ana.id, "sensitivity", {"item_1": 3, "item_3": 1})
        before = _drafts(study)
        with pytest.raises(ImportRejected, match="never changes"):
            import_ratings(study, out)
        assert _drafts(study) == before  # nothing half-written
