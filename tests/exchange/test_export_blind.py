"""Blind coding through the export door: a coder's export (xlsx, csv, sav) holds only what
they may see; the default export, as the lab manager sees it, holds everything."""

from __future__ import annotations

import contextlib
import csv
import math
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from openpyxl import load_workbook

from eas_coder.exchange.export import export_study
from eas_coder.exchange.meta_sheets import NOT_FOR_CODERS
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

PASSPHRASE = "lab-secret-42"
# Scores no other value in the export can take: A's on the video B has not submitted (V1),
# the agreed score of V1, and each coder's segment note there.
A_V1_SESSION, A_V1_SEGMENT, B_V1_SESSION, B_V1_SEGMENT = 6.5, 7.0, 2.0, 1.5
A_V2_SESSION, A_V2_SEGMENT, B_V2_SESSION, B_V2_SEGMENT = 5.5, 5.0, 3.0, 3.5
V1_CONSENSUS, V2_CONSENSUS = 4.0, 4.5
A_V1_NOTE, B_V1_NOTE = "A looked at the toy box", "B heard a laugh"
A_SECRETS = (A_V1_SESSION, A_V1_SEGMENT, V1_CONSENSUS)


def make_blind_study(path: Path, passphrase: str | None = PASSPHRASE) -> Path:
    """Coders A and B both assigned V1 (M01, T1 pre) and V2 (M01, T2 post), each with a
    segment and session scores on every dimension; A submitted V1, B did not; both
    submitted V2. Consensus on both videos."""
    with Study.create(from_string(path), load_scheme("eas-demo"), "Blind") as study:
        a, b = study.coders.add("A"), study.coders.add("B")
        v1 = study.videos.add("M01", "T1 pre", None, name="m01_t1")
        v2 = study.videos.add("M01", "T2 post", None, name="m01_t2")
        scores = {
            (v1.id, a.id): (A_V1_SESSION, A_V1_SEGMENT, A_V1_NOTE),
            (v1.id, b.id): (B_V1_SESSION, B_V1_SEGMENT, B_V1_NOTE),
            (v2.id, a.id): (A_V2_SESSION, A_V2_SEGMENT, "A on V2"),
            (v2.id, b.id): (B_V2_SESSION, B_V2_SEGMENT, "B on V2"),
        }
        for (video_id, coder_id), (session, segment, note) in scores.items():
            study.assignments.add(video_id, coder_id)
            seg = study.segments.add(video_id, coder_id, 0, 1_000, "free_play", note)
            for key in study.scheme.keys:
                study.ratings.set(video_id, coder_id, key, segment, segment_id=seg.id)
                study.ratings.set(video_id, coder_id, key, session)
        study.assignments.submit(v1.id, a.id)
        study.assignments.submit(v2.id, a.id)
        study.assignments.submit(v2.id, b.id)
        study.consensus.set(v1.id, "sensitivity", V1_CONSENSUS)
        study.consensus.set(v2.id, "sensitivity", V2_CONSENSUS)
        if passphrase:
            study.manager.set_passphrase(passphrase)
    return path


def workbook_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows (header first), read back with openpyxl."""
    book = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def as_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def numbers_in(sheets: dict[str, list[tuple[Any, ...]]]) -> set[float]:
    return {
        float(v)
        for rows in sheets.values()
        for row in rows
        for v in row
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


def texts_in(sheets: dict[str, list[tuple[Any, ...]]]) -> str:
    return "\n".join(str(v) for rows in sheets.values() for row in rows for v in row)


@pytest.fixture
def blind_study(tmp_path: Path) -> Path:
    return make_blind_study(tmp_path / "blind.sqlite")


def _viewer(study: Study, name: str) -> Viewer:
    return Viewer(study.coders.get(name), study.assignments.all())


def test_viewer_applies_the_rule_per_video(blind_study: Path) -> None:
    with Study.open(from_string(blind_study)) as study:
        v1, v2 = (v.id for v in study.videos.all())
        a, b = (c.id for c in study.coders.all())
        as_b, as_a = _viewer(study, "B"), _viewer(study, "A")
        assert as_b.visible(v1) == {b} and as_b.sees(v1, b) and not as_b.sees(v1, a)
        assert as_a.visible(v1) == {a}  # A submitted, but B has not: A still sees only A
        assert as_b.sees_all(v2) and as_b.sees(v2, a)
        assert Viewer.everyone().manager and Viewer.everyone().sees(v1, a)
        ratings = study.ratings.all()
        assert {(r.video_id, r.coder_id) for r in as_b.only_visible(ratings)} == {
            (v1, b),
            (v2, a),
            (v2, b),
        }


def test_coders_workbook_hides_the_others_scores_until_everyone_submitted(
    blind_study: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.xlsx"
    with Study.open(from_string(blind_study)) as study:
        export_study(study, out, viewer=_viewer(study, "B"))
    sheets = workbook_values(out)
    assert not numbers_in(sheets) & set(A_SECRETS)
    assert A_V1_NOTE not in texts_in(sheets) and B_V1_NOTE in texts_in(sheets)
    ratings = as_dicts(sheets["Ratings"])
    assert {(r["video"], r["coder"]) for r in ratings} == {
        ("m01_t1", "B"),
        ("m01_t2", "A"),
        ("m01_t2", "B"),
    }
    segments = as_dicts(sheets["Segments"])
    assert {(s["video"], s["coder"]) for s in segments} == {
        ("m01_t1", "B"),
        ("m01_t2", "A"),
        ("m01_t2", "B"),
    }
    sessions = {row["video"]: row for row in as_dicts(sheets["Sessions"])}
    assert sessions["m01_t1"]["sensitivity_a"] is None
    assert sessions["m01_t1"]["sensitivity_b"] == B_V1_SESSION
    assert sessions["m01_t1"]["sensitivity_mean"] == B_V1_SESSION  # the mean of what B sees
    assert sessions["m01_t1"]["sensitivity_consensus"] is None
    assert sessions["m01_t2"]["sensitivity_a"] == A_V2_SESSION
    assert sessions["m01_t2"]["sensitivity_consensus"] == V2_CONSENSUS
    change = {row["dimension"]: row for row in as_dicts(sheets["Change"])}
    assert change["sensitivity"]["score_t1_pre"] == B_V1_SESSION
    assert [row[0] for row in sheets["Reliability"][1:]] == [NOT_FOR_CODERS]
    about = dict(sheets["About"][1:])
    assert "coder B" in str(about["seen as"])


def test_after_every_coder_submitted_the_coders_workbook_shows_all(
    blind_study: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.xlsx"
    with Study.open(from_string(blind_study)) as study:
        v1 = study.videos.all()[0]
        study.assignments.submit(v1.id, study.coders.get("B").id)
        export_study(study, out, viewer=_viewer(study, "B"))
    sheets = workbook_values(out)
    assert set(A_SECRETS) <= numbers_in(sheets)
    assert A_V1_NOTE in texts_in(sheets)
    sessions = {row["video"]: row for row in as_dicts(sheets["Sessions"])}
    assert sessions["m01_t1"]["sensitivity_a"] == A_V1_SESSION
    assert sessions["m01_t1"]["sensitivity_consensus"] == V1_CONSENSUS


def test_default_export_is_the_managers_and_unchanged(blind_study: Path, tmp_path: Path) -> None:
    with Study.open(from_string(blind_study)) as study:
        export_study(study, tmp_path / "plain.xlsx")
        export_study(study, tmp_path / "everyone.xlsx", viewer=Viewer.everyone())
        total = len(study.ratings.all())
    plain, everyone = (
        workbook_values(tmp_path / "plain.xlsx"),
        workbook_values(tmp_path / "everyone.xlsx"),
    )
    assert set(A_SECRETS) <= numbers_in(plain)
    assert len(plain["Ratings"]) == total + 1
    assert "seen as" not in texts_in(plain)
    for name in plain:
        if name != "About":  # holds the export time
            assert plain[name] == everyone[name], name


def test_coders_csv_files_hide_the_others_scores(blind_study: Path, tmp_path: Path) -> None:
    with Study.open(from_string(blind_study)) as study:
        written = export_study(study, tmp_path / "b.csv", viewer=_viewer(study, "B"))
    cells: list[str] = []
    ratings: list[dict[str, str]] = []
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        cells.extend(cell for row in rows for cell in row)
        if path.name == "b-Ratings.csv":
            ratings = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert ratings and not [r for r in ratings if r["video"] == "m01_t1" and r["coder"] == "A"]
    numbers = set()
    for cell in cells:
        with contextlib.suppress(ValueError):
            numbers.add(float(cell))
    assert not numbers & set(A_SECRETS)
    assert not [cell for cell in cells if A_V1_NOTE in cell]


def test_coders_spss_file_hides_the_others_scores(blind_study: Path, tmp_path: Path) -> None:
    with Study.open(from_string(blind_study)) as study:
        path, long = export_study(study, tmp_path / "b.sav", viewer=_viewer(study, "B"))
        full, _ = export_study(study, tmp_path / "all.sav")
    frame, _meta = pyreadstat.read_sav(str(path))
    v1 = frame[frame["video"] == "m01_t1"].iloc[0]
    assert math.isnan(v1["sensitivity_a"]) and v1["sensitivity_b"] == B_V1_SESSION
    assert math.isnan(v1["sensitivity_consensus"])
    ratings, _meta = pyreadstat.read_sav(str(long))  # the long file beside it, as blind
    seen = set(zip(ratings["video"], ratings["coder"], strict=True))
    assert seen == {("m01_t1", "B"), ("m01_t2", "A"), ("m01_t2", "B")}
    assert A_V1_NOTE not in set(ratings["segment_note"]) | set(ratings["score_note"])
    everything, _ = pyreadstat.read_sav(str(full))
    assert everything[everything["video"] == "m01_t1"].iloc[0]["sensitivity_a"] == A_V1_SESSION
