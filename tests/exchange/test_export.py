"""The exported workbook, CSV files and SPSS file, read back with openpyxl and pyreadstat."""

from __future__ import annotations

import csv
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook

from eas_coder.cli import main
from eas_coder.exchange.export import ExportError, export_study
from eas_coder.exchange.sheets import ExportOptions
from eas_coder.store.study import Study
from tests.exchange.conftest import AT_SUM, HYPERLINK

SHEETS = [
    "Ratings", "Sessions", "Change", "Measures", "Segments", "Reliability", "Codebook", "About"
]  # fmt: skip
RATINGS_COLUMNS = [
    "participant",
    "timepoint",
    "video",
    "coder",
    "level",
    "segment_start_s",
    "segment_end_s",
    "segment_start",
    "segment_end",
    "segment_start_frame",
    "segment_end_frame",
    "episode",
    "dimension",
    "item",
    "score",
    "band",
    "score_note",
    "segment_note",
    "scheme_version",
    "session_score_source",
    "score_label",
    "status",
    "saved_at",
]


def test_workbook_sheets_columns_and_cells(rated_study: Study, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    export_study(rated_study, out)
    book = load_workbook(out)  # normal mode: formulas and types as stored
    assert book.sheetnames == SHEETS
    ratings = book["Ratings"]
    assert [c.value for c in ratings[1]] == RATINGS_COLUMNS
    assert ratings.freeze_panes == "A2"
    band_rules = ratings.conditional_formatting  # bands coloured, one rule per band
    assert any(str(rule.sqref).startswith("P2:P") for rule in band_rules)
    assert ratings.auto_filter.ref == f"A1:W{ratings.max_row}"
    assert ratings.max_row == 1 + 2 * 2 * 2 * 6 * 2  # videos × coders × dimensions × levels
    rows = [
        dict(zip(RATINGS_COLUMNS, (c.value for c in row), strict=True))
        for row in ratings.iter_rows(min_row=2)
    ]
    for row, cells in zip(rows, ratings.iter_rows(min_row=2), strict=True):
        assert cells[14].data_type == "n" and isinstance(row["score"], int | float)
        assert {cells[17].data_type, cells[3].data_type} <= {"s", "inlineStr"}  # text, not "f"
    notes = {row["segment_note"] for row in rows}
    assert notes == {HYPERLINK, AT_SUM, None}  # literal text, not formulas (None: no note)
    assert {row["coder"] for row in rows} == {"Ana", "+Ben"}
    segment_row = next(r for r in rows if r["level"] == "segment")
    assert (segment_row["segment_end_s"], segment_row["segment_end"]) == (90.5, "00:01:30.500")
    assert segment_row["band"].endswith("(example)")
    sessions = book["Sessions"]
    header = [c.value for c in sessions[1]]
    assert header[:3] == ["participant", "timepoint", "video"]
    assert "sensitivity_ana" in header and "sensitivity_ben" in header
    assert all(len(h) <= 64 and h.replace("_", "").isalnum() for h in header)
    assert len(set(header)) == len(header)
    consensus = header.index("sensitivity_consensus")
    assert sessions.cell(row=2, column=consensus + 1).value == 2.5
    change = book["Change"]
    change_header = [c.value for c in change[1]]
    assert change_header == [
        "participant",
        "dimension",
        "score_t1_pre",
        "band_t1_pre",
        "score_t2_follow_up",
        "band_t2_follow_up",
        "difference",
        "direction",
        "band_change",
    ]
    sens = next(
        r for r in change.iter_rows(min_row=2, values_only=True) if r[:2] == ("M01", "sensitivity")
    )
    assert sens[2] == 2.5  # the consensus wins over the coders' mean
    assert sens[4] == pytest.approx((3.5 + 4.0) / 2)
    assert sens[6] == pytest.approx(sens[4] - sens[2])
    codebook = [r for r in book["Codebook"].iter_rows(min_row=2, values_only=True)]
    meanings = {(r[0], r[1]): r[2] for r in codebook}
    assert meanings[("Ratings", "score")].startswith("The score")
    assert "Why this score" in meanings[("Ratings", "score_note")]
    assert "segment's note" in meanings[("Ratings", "segment_note")]
    assert any(r[0] == "Scheme" and "from 3.5" in str(r[2]) for r in codebook)
    reliability = [r for r in book["Reliability"].iter_rows(min_row=2, values_only=True)]
    assert len(reliability) == 6 and reliability[0][3] == "ICC2"
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["study"] == "Src"


def test_csv_files_keep_formula_text_as_text(rated_study: Study, tmp_path: Path) -> None:
    written = export_study(rated_study, tmp_path / "out.csv")
    assert [p.name for p in written] == [f"out-{name}.csv" for name in SHEETS]
    raw = (tmp_path / "out-Ratings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with (tmp_path / "out-Ratings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    notes = {row["segment_note"] for row in rows}
    assert notes == {"'" + HYPERLINK, "'" + AT_SUM, ""}  # marked as text for spreadsheets
    assert not any(v.startswith(("=", "@", "+")) for row in rows for v in row.values())
    from eas_coder.exchange.reader import read_sheet

    back = read_sheet(tmp_path / "out-Ratings.csv")  # and our reader restores them exactly
    assert {cells["segment_note"] for _, cells in back.rows} == {HYPERLINK, AT_SUM, ""}
    assert {cells["coder"] for _, cells in back.rows} == {"Ana", "+Ben"}


def test_sav_has_variable_and_value_labels(rated_study: Study, tmp_path: Path) -> None:
    out = tmp_path / "out.sav"
    export_study(rated_study, out)
    frame, meta = pyreadstat.read_sav(str(out))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["sensitivity_ana"] == "Sensitivity – Ana"
    assert labels["sensitivity_band"] == "Sensitivity – band"
    value_labels = meta.variable_value_labels["sensitivity_band"]
    assert value_labels == {
        1.0: "Risk (example)",
        2.0: "Non-risk (example)",
        3.0: "Optimal (example)",
    }
    assert len(frame) == 4 and frame["sensitivity_ana"].dtype.kind == "f"
    assert set(frame["sensitivity_band"].dropna()) <= {1.0, 2.0, 3.0}


def test_options_filter_and_code_coders(rated_study: Study, tmp_path: Path) -> None:
    out = tmp_path / "codes.xlsx"
    options = ExportOptions(coders=("Ana",), timepoints=("T1 pre",), coder_codes=True)
    export_study(rated_study, out, options=options)
    rows = list(load_workbook(out)["Ratings"].iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows} == {"C1"} and {r[1] for r in rows} == {"T1 pre"}
    about = dict(load_workbook(out)["About"].iter_rows(min_row=2, values_only=True))
    assert "coders: Ana" in about["filters"] and "codes" in about["filters"]


def test_export_errors_leave_no_half_file(rated_study: Study, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="choose a .xlsx, .csv or .sav"):
        export_study(rated_study, tmp_path / "out.pdf")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    with pytest.raises(ExportError, match="cannot write"):
        export_study(rated_study, blocked / "out.xlsx")
    assert list(tmp_path.iterdir()) == [tmp_path / "src.sqlite", blocked] or not any(
        p.name.startswith(".out") for p in tmp_path.iterdir()
    )


def test_cli_export(rated_study: Study, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(rated_study.location.path)
    assert main(["--db", db, "export", str(tmp_path / "x.xlsx"), "--coders", "Ana"]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert main(["--db", db, "export", str(tmp_path / "x.xlsx"), "--coders", "Nobody"]) == 2
    assert "no coder 'Nobody'" in capsys.readouterr().err
    assert main(["--db", db, "export", str(tmp_path / "v.xlsx"), "--videos", "1"]) == 0
    rows = list(
        load_workbook(tmp_path / "v.xlsx")["Ratings"].iter_rows(min_row=2, values_only=True)
    )
    assert {r[0] for r in rows} == {"M01"} and {r[1] for r in rows} == {"T1 pre"}
    assert main(["--db", db, "export", str(tmp_path / "v.xlsx"), "--videos", "first"]) == 2
