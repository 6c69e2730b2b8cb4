"""Blind coding on the command line: who is asking (--coder NAME, --manager), what each is
allowed, and that a study without a passphrase works exactly as before."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.cli_support import PASSPHRASE_ENV
from eas_coder.location import from_string
from eas_coder.store.study import Study
from tests.exchange.test_export_blind import (
    A_SECRETS,
    A_V1_NOTE,
    PASSPHRASE,
    make_blind_study,
    numbers_in,
    texts_in,
    workbook_values,
)


@pytest.fixture(autouse=True)
def _no_passphrase_around(monkeypatch: pytest.MonkeyPatch) -> None:
    """No passphrase from the environment, and stdin is not a terminal (nobody to ask)."""
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(make_blind_study(tmp_path / "blind.sqlite"))


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("eas-coder: error:") and err.count("\n") == 1, err
    return err


def _workbook_secrets(path: Path) -> tuple[set[float], bool]:
    sheets = workbook_values(path)
    return numbers_in(sheets) & set(A_SECRETS), A_V1_NOTE in texts_in(sheets)


def _submit_b(db: str) -> None:
    with Study.open(from_string(db)) as study:
        study.assignments.submit(study.videos.all()[0].id, study.coders.get("B").id)


# --- export -------------------------------------------------------------------------------


def _has_row(path: Path, video: str, coder: str) -> bool:
    """Whether the CSV has a row naming ``video`` then ``coder`` side by side (every field is
    quoted, so the raw text is no guide)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return any(
            row[i : i + 2] == [video, coder] for row in csv.reader(handle) for i in range(len(row))
        )


def test_coders_export_hides_the_others_scores_until_everyone_submitted(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.xlsx"
    assert main(["--db", db, "--coder", "B", "export", str(out)]) == 0
    assert "As coder B" in capsys.readouterr().out
    assert _workbook_secrets(out) == (set(), False)
    assert main(["--db", db, "--coder", "B", "export", str(tmp_path / "b.csv")]) == 0
    ratings = (tmp_path / "b-Ratings.csv").read_text(encoding="utf-8-sig")
    assert A_V1_NOTE not in ratings
    assert not _has_row(tmp_path / "b-Ratings.csv", "m01_t1", "A")
    assert _has_row(tmp_path / "b-Ratings.csv", "m01_t1", "B")
    _submit_b(db)
    assert main(["--db", db, "--coder", "B", "export", str(out)]) == 0
    assert _workbook_secrets(out) == (set(A_SECRETS), True)
    assert main(["--db", db, "--coder", "B", "export", str(tmp_path / "b.csv")]) == 0
    assert _has_row(tmp_path / "b-Ratings.csv", "m01_t1", "A")


def test_who_options_also_work_after_the_command(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.xlsx"
    # `--coder` here is not read as an abbreviation of export's `--coders`
    assert main(["--db", db, "export", str(out), "--coder", "B"]) == 0
    assert _workbook_secrets(out) == (set(), False)


def test_manager_export_shows_everything(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "all.xlsx"
    assert main(["--db", db, "--manager", "export", str(out)]) == 0
    assert _workbook_secrets(out) == (set(A_SECRETS), True)
    assert "As coder" not in capsys.readouterr().out


def test_manager_passphrase_is_asked_in_a_terminal(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return PASSPHRASE

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    out = tmp_path / "all.xlsx"
    assert main(["--db", db, "--manager", "export", str(out)]) == 0
    assert asked == ["Lab-manager passphrase: "]
    assert _workbook_secrets(out) == (set(A_SECRETS), True)


def test_wrong_passphrase_exits_2_and_writes_nothing(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "not-the-passphrase")
    out = tmp_path / "all.xlsx"
    assert main(["--db", db, "--manager", "export", str(out)]) == 2
    assert "wrong lab-manager passphrase" in _error(capsys)
    assert not out.exists()


def test_manager_without_a_passphrase_to_read_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, "--manager", "export", str(tmp_path / "x.xlsx")]) == 2
    assert PASSPHRASE_ENV in _error(capsys)


def test_export_without_saying_who_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["--db", db, "export", str(out)]) == 2
    err = _error(capsys)
    assert "--manager" in err and "--coder NAME" in err
    assert not out.exists()


def test_unknown_coder_and_both_roles_are_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, "--coder", "Zed", "export", str(tmp_path / "x.xlsx")]) == 2
    assert "no coder 'Zed'" in _error(capsys)
    assert main(["--db", db, "--coder", "B", "export", str(tmp_path / "x.xlsx"), "--manager"]) == 2
    assert "not both" in _error(capsys)


# --- reliability and the other lab-manager commands ----------------------------------------


def test_reliability_is_the_managers_and_prints_the_same_json_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(make_blind_study(tmp_path / "open.sqlite", passphrase=None))
    assert main(["--db", db, "reliability", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    with Study.open(from_string(db)) as study:
        study.manager.set_passphrase(PASSPHRASE)
    for argv in (["--coder", "B", "reliability"], ["reliability", "--coder", "B"]):
        assert main(["--db", db, *argv, "--json"]) == 2
        assert "for the lab manager, not a coder" in _error(capsys)
    assert main(["--db", db, "reliability", "--json"]) == 2
    assert "add --manager" in _error(capsys)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["--db", db, "--manager", "reliability", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == before


MANAGER_ONLY = [
    ["disagreements"],
    ["consensus", "1", "sensitivity", "5"],
    ["sample", "--coders", "A,B"],
    ["settings", "reliability.target", "0.8"],
    ["coders", "add", "C"],
    ["import-ratings", "sheet.csv", "--dry-run"],
]


@pytest.mark.parametrize("command", MANAGER_ONLY, ids=lambda c: c[0])
def test_lab_manager_commands_refuse_everyone_else(
    db: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = Path(db).read_bytes()
    assert main(["--db", db, *command]) == 2
    assert "for the lab manager in this study: add --manager" in _error(capsys)
    assert main(["--db", db, "--coder", "A", *command]) == 2
    assert "use --manager" in _error(capsys)
    assert Path(db).read_bytes() == before


def test_lab_manager_commands_work_for_the_manager(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    manager = ["--db", db, "--manager"]
    assert main([*manager, "disagreements", "--min", "1"]) == 0
    assert main([*manager, "consensus", "1", "sensitivity", "5"]) == 0
    assert main([*manager, "settings", "reliability.target", "0.8"]) == 0
    assert main([*manager, "coders", "add", "C"]) == 0
    out = capsys.readouterr().out
    assert (
        "Consensus for M01" in out and "reliability.target = 0.8" in out and "Added coder C" in out
    )


@pytest.mark.parametrize(
    "command", [["coders", "list"], ["videos", "list"], ["check"], ["settings"]]
)
def test_commands_that_show_no_scores_need_no_role(
    db: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, *command]) == 0
    assert main(["--db", db, "--coder", "B", *command]) == 0
    assert capsys.readouterr().err == ""


# --- a study without a passphrase: no blinding, as before -----------------------------------


def test_study_without_a_passphrase_works_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(make_blind_study(tmp_path / "open.sqlite", passphrase=None))
    out = tmp_path / "all.xlsx"
    assert main(["--db", db, "export", str(out)]) == 0
    assert _workbook_secrets(out) == (set(A_SECRETS), True)
    assert main(["--db", db, "disagreements"]) == 0
    assert main(["--db", db, "settings", "reliability.target", "0.8"]) == 0
    assert main(["--db", db, "coders", "add", "C"]) == 0
    assert main(["--db", db, "--manager", "reliability"]) == 0  # nothing to check: everyone is
    capsys.readouterr()
    # Asking for a coder's own view gives it, passphrase or not (as the window does).
    assert main(["--db", db, "--coder", "B", "export", str(out)]) == 0
    assert _workbook_secrets(out) == (set(), False)
    assert "As coder B" in capsys.readouterr().out
