"""Other measures beside the EAS (issue 22, item 5): validated like ratings (every problem
named with its row), atomic, directions kept, and back from the exported workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from eas_coder.cli import main
from eas_coder.exchange.importer import ImportRejected
from eas_coder.exchange.measures_import import import_measures
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study


def _csv(path: Path, rows: list[list[object]], header: tuple[str, ...] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header or ("participant", "timepoint", "measure", "value", "direction"))
        out.writerows(rows)
    return path


@pytest.fixture
def two_mothers(tmp_path: Path) -> Path:
    db = tmp_path / "m.sqlite"
    with Study.create(from_string(db), load_scheme("eas-direct"), "Measures") as study:
        for code in ("M001", "M002"):
            for tp in ("pre", "follow-up"):
                study.videos.add(code, tp, None)
    return db


def test_every_bad_row_is_named_and_nothing_is_written(two_mothers: Path, tmp_path: Path) -> None:
    sheet = _csv(
        tmp_path / "bad.csv",
        [
            ["M001", "pre", "BDI", 27, "lower-better"],
            ["M009", "pre", "BDI", 20, ""],  # unknown participant
            ["M002", "post", "BDI", 20, ""],  # unknown timepoint
            ["M002", "pre", "BDI", "n/a", ""],  # not a number
            ["M001", "pre", "BDI", 26, ""],  # contradicts row 2
            ["M001", "pre", "PSI", 105, "sideways"],  # no such direction
            ["M002", "pre", "BAI", 12, ""],  # new measure, no direction anywhere
        ],
    )
    with Study.open(from_string(two_mothers)) as study:
        with pytest.raises(ImportRejected) as caught:
            import_measures(study, sheet)
        assert study.measures.values() == [] and study.measures.all() == []
    said = [str(p) for p in caught.value.problems]
    assert any(s.startswith("row 3, participant: unknown participant 'M009'") for s in said)
    assert any(s.startswith("row 4, timepoint: unknown timepoint 'post'") for s in said)
    assert "row 5, value: not a number: 'n/a'" in said
    assert any(s.startswith("row 6, value: contradicts row 2 (27)") for s in said)
    assert any(s.startswith("row 7, direction: 'sideways' is not a direction") for s in said)
    assert any(s.startswith("row 8, direction: BAI is new") for s in said)


def test_import_dry_run_repeat_and_replace(two_mothers: Path, tmp_path: Path) -> None:
    db = str(two_mothers)
    sheet = _csv(
        tmp_path / "m.csv",
        [["m001", " PRE ", "BDI", "27", "lower better"], ["M001", "follow-up", "bdi", "16", ""]],
    )
    assert main(["--db", db, "import-measures", str(sheet), "--dry-run"]) == 0
    with Study.open(from_string(two_mothers)) as study:
        assert study.measures.values() == []
    assert main(["--db", db, "import-measures", str(sheet)]) == 0
    assert main(["--db", db, "import-measures", str(sheet)]) == 0  # the same again: nothing
    with Study.open(from_string(two_mothers)) as study:
        values = [(v.participant, v.timepoint, v.measure, v.value) for v in study.measures.values()]
        assert sorted(values) == [("M001", "follow-up", "BDI", 16.0), ("M001", "pre", "BDI", 27.0)]
        assert [(m.name, m.direction) for m in study.measures.all()] == [("BDI", "lower-better")]
    changed = _csv(tmp_path / "c.csv", [["M001", "pre", "BDI", 25, ""]])
    assert main(["--db", db, "import-measures", str(changed)]) == 2  # a different value: refused
    assert main(["--db", db, "import-measures", str(changed), "--replace"]) == 0
    with Study.open(from_string(two_mothers)) as study:
        assert {v.value for v in study.measures.values() if v.timepoint == "pre"} == {25.0}


def test_direction_by_command_and_a_refused_contradiction(
    two_mothers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(two_mothers)
    assert main(["--db", db, "measures", "set-direction", "PSI", "lower-better"]) == 0
    sheet = _csv(
        tmp_path / "p.csv",
        [["M002", "pre", "PSI", 105]],
        ("participant", "timepoint", "measure", "value"),
    )
    assert main(["--db", db, "import-measures", str(sheet)]) == 0
    other = _csv(tmp_path / "o.csv", [["M002", "follow-up", "PSI", 115, "higher-better"]])
    capsys.readouterr()
    assert main(["--db", db, "import-measures", str(other)]) == 2
    assert "PSI is lower-better in this study" in capsys.readouterr().err
    assert main(["--db", db, "measures"]) == 0
    assert "PSI" in capsys.readouterr().out
    assert main(["--db", db, "measures", "set-direction", "PSI", "upwards"]) == 2


def test_measures_come_back_from_the_exported_workbook(two_mothers: Path, tmp_path: Path) -> None:
    db = str(two_mothers)
    rows: list[list[object]] = [
        ["M001", "pre", "BDI", 27, "lower-better"],
        ["M002", "follow-up", "MAI", 80.5, "higher-better"],
    ]
    sheet = _csv(tmp_path / "m.csv", rows)
    assert main(["--db", db, "import-measures", str(sheet)]) == 0
    out = tmp_path / "all.xlsx"
    assert main(["--db", db, "export", str(out)]) == 0
    copy = tmp_path / "copy.sqlite"
    with Study.create(from_string(copy), load_scheme("eas-direct"), "Copy") as study:
        for code in ("M001", "M002"):
            for tp in ("pre", "follow-up"):
                study.videos.add(code, tp, None)
    assert main(["--db", str(copy), "import-measures", str(out)]) == 0
    with Study.open(from_string(two_mothers)) as a, Study.open(from_string(copy)) as b:
        assert sorted(a.measures.values(), key=repr) == sorted(b.measures.values(), key=repr)
        assert [(m.name, m.direction) for m in a.measures.all()] == [
            (m.name, m.direction) for m in b.measures.all()
        ]


def test_an_xlsx_of_a_lab_is_read_from_its_first_sheet(two_mothers: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Participant", "Timepoint", "Measure", "Value", "Direction"])
    sheet.append(["M002", "pre", "BAI", 14, "lower-better"])
    book.save(tmp_path / "lab.xlsx")
    with Study.open(from_string(two_mothers)) as study:
        _plan, summary = import_measures(study, tmp_path / "lab.xlsx")
        assert summary.added == 1 and summary.new_measures == ("BAI",)
