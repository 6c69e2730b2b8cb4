"""Importing rating sheets: round trip, every bad row reported, nothing half-written."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from eas_coder.cli import main
from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import ImportRejected, import_ratings
from eas_coder.exchange.reader import SheetUnreadable
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.exchange.conftest import AT_SUM, HYPERLINK


def _ratings_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path, read_only=True)["Ratings"]
    rows = [tuple(row[:-1]) for row in sheet.iter_rows(min_row=2, values_only=True)]  # no saved_at
    return sorted(rows, key=repr)


def test_round_trip_export_import_export(rated_study: Study, tmp_path: Path) -> None:
    first = export_study(rated_study, tmp_path / "first.xlsx")[0]
    with Study.create(from_string(tmp_path / "empty.sqlite"), load_scheme("eas-demo"), "E") as new:
        plan, summary = import_ratings(new, first)
        assert summary is not None and summary.ratings == len(plan.ratings) == 96
        second = export_study(new, tmp_path / "second.xlsx")[0]
        again, nothing = import_ratings(new, first)  # the same file twice changes nothing
        assert nothing is None and again.skipped == 96
    assert _ratings_rows(first) == _ratings_rows(second)
    notes = {row[17] for row in _ratings_rows(second)}  # segment_note
    assert {HYPERLINK, AT_SUM} <= notes


def test_csv_round_trip(rated_study: Study, tmp_path: Path) -> None:
    export_study(rated_study, tmp_path / "out.csv")
    with Study.create(from_string(tmp_path / "e.sqlite"), load_scheme("eas-demo"), "E") as new:
        plan, _ = import_ratings(new, tmp_path / "out-Ratings.csv")
        assert len(plan.ratings) == 96
        assert {c.name for c in new.coders.all()} == {"Ana", "+Ben"}
        notes = {s.note for s in new.segments.all()}
    assert notes == {HYPERLINK, AT_SUM}


GOOD = ["M01", "T1 pre", "Ana", "sensitivity", 5]
BAD_ROWS = [
    (["", "T1 pre", "Ana", "sensitivity", 5], "participant", "empty"),
    (["M01", "", "Ana", "sensitivity", 5], "timepoint", "empty"),
    (["M01", "T1 pre", "", "sensitivity", 5], "coder", "empty"),
    (["M01", "T1 pre", "Ana", "", 5], "dimension", "empty"),
    (["M01", "T1 pre", "Ana", "sensitivity", None], "score", "empty"),
    (["M01", "T1 pre", "Ana", "warmth", 5], "dimension", "unknown dimension"),
    (["M01", "T1 pre", "Ana", "sensitivity", 8], "score", "outside 1–7"),
    (["M01", "T1 pre", "Ana", "sensitivity", 0], "score", "outside 1–7"),
    (["M01", "T1 pre", "Ana", "sensitivity", 4.25], "score", "not a multiple"),
    (["M01", "T1 pre", "Ana", "sensitivity", "five"], "score", "not a number"),
    (["M01", "T1 pre", "Ana", "sensitivity", "nan"], "score", "not a number"),
    (["M01", "T1 pre", "Ana", "structuring", 7.5], "score", "outside 1–7"),
    (["M01", "T1 pre", "Bo", "Sensitivity", 3, "", "sometimes"], "level", "must be session"),
    (["M02", "T1 pre", "Bo", "nonhostility", 3, "", "segment", 10, ""], "segment_end", "empty"),
    (["M02", "T1 pre", "Bo", "nonhostility", 3, "", "segment", 10, 5], "segment_end", "end after"),
    (
        ["M02", "T1 pre", "Bo", "nonhostility", 3, "", "segment", "1:99", 5],
        "segment_start",
        "not a time",
    ),
    (
        ["M02", "T1 pre", "Bo", "nonhostility", 3, "", "segment", 0, 5, "bath time"],
        "episode",
        "unknown episode",
    ),
    (["M03", "T1 pre", "Cy", "child_involvement", 2.5], "score", ""),  # 2.5 vs 3 below
    (["M03", "T1 pre", "Cy", "child_involvement", 3], "score", "contradicts row"),
    (["D001", "T1 pre", "Coder A (demo)", "sensitivity", 7], "score", "duplicate of an existing"),
    (
        ["M02", "T1 pre", "Bo", "nonhostility", 3, "", "segment", -1, 5],
        "segment_start",
        "negative time",
    ),
]
HEADER = [
    "Participant",
    "Time point",
    "CODER",
    "dimension",
    "score",
    "video",
    "level",
    "segment start",
    "segment_end",
    "episode",
]


def test_twenty_bad_rows_are_all_reported_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sum(1 for _, _, reason in BAD_ROWS if reason) == 20
    from eas_coder.cli_support import PASSPHRASE_ENV
    from eas_coder.demo import DEMO_PASSPHRASE, build_demo

    study_file = build_demo(tmp_path / "demo", seconds=4.0)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(GOOD)
    for row, _, _ in BAD_ROWS:
        sheet.append(row)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    before = hashlib.sha256(study_file.read_bytes()).hexdigest()
    # The demo study has a passphrase: importing is the lab manager's.
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    result = main(["--db", str(study_file), "--manager", "import-ratings", str(path)])
    assert result == 2
    assert "problem(s), nothing imported" in capsys.readouterr().err
    with Study.open(from_string(study_file)) as study, pytest.raises(ImportRejected) as caught:
        import_ratings(study, path)
    problems = caught.value.problems
    reported_rows = {p.row for p in problems}
    expected_rows = {index + 3 for index, (_, _, reason) in enumerate(BAD_ROWS) if reason}
    assert expected_rows <= reported_rows
    assert 2 not in reported_rows  # the good row is fine
    for index, (_, column, reason) in enumerate(BAD_ROWS):
        if reason:
            assert any(
                p.row == index + 3 and p.column == column and reason in p.reason for p in problems
            ), (index + 3, column, reason, problems)
    assert hashlib.sha256(study_file.read_bytes()).hexdigest() == before


def test_cli_lists_every_problem_then_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    main(["--db", str(db), "init"])
    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant", "timepoint", "coder", "dimension", "score"])
        writer.writerow(["M1", "T1", "Ana", "sensitivity", "9"])
        writer.writerow(["M1", "T1", "Ana", "warmth", "4"])
    capsys.readouterr()
    assert main(["--db", str(db), "import-ratings", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("2 problem(s), nothing imported")
    assert err[1].startswith("  row 2, score") and err[2].startswith("  row 3, dimension")


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    main(["--db", str(db), "init"])
    path = tmp_path / "ok.csv"
    path.write_text(
        "participant;timepoint;coder;dimension;score\nM1;T1;Ana;Sensitivity;4,5\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["--db", str(db), "import-ratings", str(path), "--dry-run"]) == 0
    assert "Would import 1 ratings" in capsys.readouterr().out
    with Study.open(from_string(db)) as study:
        assert study.ratings.all() == [] and study.coders.all() == []
    assert main(["--db", str(db), "import-ratings", str(path)]) == 0
    with Study.open(from_string(db)) as study:
        (rating,) = study.ratings.all()
        assert (rating.dimension, rating.score) == ("sensitivity", 4.5)  # label and decimal comma


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"%PDF", "not a rating sheet"),
        ("broken.xlsx", b"PK\x03\x04junk", "not a readable Excel workbook"),
        ("empty.csv", b"", "empty"),
        ("cols.csv", b"participant,score\nM1,4\n", "required column is missing"),
    ],
)
def test_unreadable_sheets_name_the_problem(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with Study.create(from_string(tmp_path / "s.sqlite"), load_scheme(), "S") as study:
        with pytest.raises((SheetUnreadable, ImportRejected), match=message):
            import_ratings(study, path)
        assert study.ratings.all() == []
