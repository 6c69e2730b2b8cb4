"""The bad-input corpus, continued: merge, restore and CSV export (issue 16, items 1, 3, 5).

Each refusal leaves the study byte-identical (``digest``), as in tests/test_bad_input.py.
Every case here failed on the code before its fix (the failure is named per test).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.merge import merge_study
from eas_coder.model import VideoInfo
from eas_coder.scheme import Scheme, load_scheme
from eas_coder.store.backups import backup_folder, check_backup
from eas_coder.store.identity import file_identity
from eas_coder.store.study import Study
from tests.bad_input import digest


def _info(print_: str) -> VideoInfo:
    return VideoInfo(60_000, 25.0, 1500, 640, 480, 10, print_)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _lab(tmp_path: Path, coder: str = "Ana") -> Path:
    path = tmp_path / "lab.sqlite"
    with Study.create(from_string(path), load_scheme(), "Lab", actor="tester") as lab:
        lab.videos.add("D001", "T1 pre", Path("videos/d001.mp4"), _info("p1"))
        lab.coders.add(coder)
    return path


def _laptop(tmp_path: Path, coders: list[str], scheme: Scheme | None = None) -> Path:
    """A copy where each coder has a segment 0-30 s with a sensitivity score of 5."""
    path = tmp_path / "laptop.sqlite"
    with Study.create(from_string(path), scheme or load_scheme(), "Laptop") as laptop:
        video = laptop.videos.add("D001", "T1 pre", Path("elsewhere/d001.mp4"), _info("p1"))
        for coder in laptop.coders.add_many(coders):
            segment = laptop.segments.add(video.id, coder.id, 0, 30_000)
            laptop.ratings.set(video.id, coder.id, "sensitivity", 5, segment.id)
    return path


def _raw(path: Path, sql: str, *params: object) -> None:
    """Change a closed study file behind the program's back (a hostile or broken copy)."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


# --- merge -----------------------------------------------------------------------------------
# Old code: merged Ben, then exited 2 on "ana" ("a coder called 'Ana' already exists") with
# Ben already added: the digest differed.


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("ana", id="case"),
        pytest.param(" ANA ", id="case-and-spaces"),
    ],
)
def test_merge_refuses_a_case_variant_coder_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], variant: str
) -> None:
    lab = _lab(tmp_path)
    laptop = _laptop(tmp_path, ["Ben", "Cy"])
    _raw(laptop, "UPDATE coder SET name = ? WHERE name = 'Cy'", variant)
    before = digest(lab)
    code, out, err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert code == 2, out + err
    assert "'Ana'" in err and "Nothing was changed" in err
    assert digest(lab) == before


def test_merge_takes_an_nfd_spelling_for_the_same_coder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: a second "José" (decomposed) was added beside the lab's, with the work.
    lab = _lab(tmp_path, coder="José")
    laptop = _laptop(tmp_path, [unicodedata.normalize("NFD", "José")])
    code, out, err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert code == 0, out + err
    with Study.open(from_string(lab), backup=False) as study:
        assert [c.name for c in study.coders.all()] == ["José"]
        assert {s.coder_id for s in study.segments.all()} == {study.coders.get("José").id}


def test_merge_refuses_a_copy_of_another_scheme_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: exit 0, the copy's ratings (scored against another scheme) came in.
    lab = _lab(tmp_path)
    laptop = _laptop(tmp_path, ["Ana"])
    _raw(laptop, "UPDATE study SET scheme_version = '0.9-draft'")
    before = digest(lab)
    code, _out, err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert code == 2 and "0.9-draft" in err
    assert digest(lab) == before


def test_merge_into_submitted_work_lists_refusals_and_counts_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: "0 segment(s) and 1 rating(s) were merged" although nothing was written.
    lab = _lab(tmp_path)
    with Study.open(from_string(lab), backup=False) as study:
        video, ana = study.videos.all()[0], study.coders.get("Ana")
        study.assignments.add(video.id, ana.id)
        study.ratings.set(video.id, ana.id, "structuring", 4)
        study.assignments.submit(video.id, ana.id)
    laptop = _laptop(tmp_path, ["Ana"])
    before = digest(lab)
    code, out, _err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert code == 1
    assert "0 segment(s) and 0 rating(s) were merged" in out
    assert out.count("refused:") == 2 and "submitted" in out
    assert digest(lab) == before


def test_merge_refuses_overlap_bounds_and_range_and_lists_each_rating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: the score 99 was counted as merged; the ratings of the refused segments
    # were dropped without a word.
    lab = _lab(tmp_path)
    with Study.open(from_string(lab), backup=False) as study:
        video, ana = study.videos.all()[0], study.coders.get("Ana")
        study.segments.add(video.id, ana.id, 10_000, 20_000)  # overlaps the copy's 0-30 s
    laptop = _laptop(tmp_path, ["Ana", "Ben", "Cy"])
    # Ben's segment runs past the video's end; Cy's score is out of the scheme's range
    _raw(laptop, "UPDATE segment SET end_ms = 900000 WHERE coder_id = "
         "(SELECT id FROM coder WHERE name = 'Ben')")  # fmt: skip
    _raw(laptop, "UPDATE rating SET score = 99 WHERE coder_id = "
         "(SELECT id FROM coder WHERE name = 'Cy')")  # fmt: skip
    code, out, _err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert code == 1
    refused = [line for line in out.splitlines() if "refused:" in line]
    assert len(refused) == 5, out  # Ana's and Ben's segments and their ratings; Cy's score
    assert any("overlap" in line for line in refused)
    assert any("after the end of the video" in line for line in refused)
    assert any("99" in line for line in refused)
    # Cy's segment came in (with the coder), and nothing else
    assert "1 segment(s) and 0 rating(s) were merged" in out
    with Study.open(from_string(lab), backup=False) as study:
        assert len(study.segments.all()) == 2
        assert [c.name for c in study.coders.all()] == ["Ana", "Ben", "Cy"]


def test_merge_dry_run_tells_the_same_as_the_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: the dry run counted the out-of-range score as a rating to merge.
    lab = _lab(tmp_path)
    laptop = _laptop(tmp_path, ["Ana"])
    _raw(laptop, "UPDATE rating SET score = 99")
    before = digest(lab)
    _code, dry, _err = cli(capsys, "--db", str(lab), "merge", str(laptop), "--dry-run")
    assert digest(lab) == before
    assert "1 segment(s) and 0 rating(s) would be merged" in dry
    _code, real, _err = cli(capsys, "--db", str(lab), "merge", str(laptop))
    assert "1 segment(s) and 0 rating(s) were merged" in real


def test_merge_is_one_transaction_on_each_backend(
    db_location: object, tmp_path: Path, scheme: Scheme
) -> None:
    """A merge whose writes fail half-way leaves nothing behind (SQLite and PostgreSQL)."""
    # Old code: Ben was added, then Conflict on "ana" escaped; Ben stayed.
    laptop = _laptop(tmp_path, ["Ben", "Zed"], scheme)
    _raw(laptop, "UPDATE coder SET name = 'ana' WHERE name = 'Zed'")
    with Study.create(db_location, scheme, "Lab", actor="tester") as lab:  # type: ignore[arg-type]
        lab.videos.add("D001", "T1 pre", Path("videos/d001.mp4"), _info("p1"))
        lab.coders.add("Ana")
        with (
            Study.open(from_string(laptop), backup=False) as other,
            pytest.raises(Exception, match="Ana"),
        ):
            merge_study(lab, other)
        assert [c.name for c in lab.coders.all()] == ["Ana"]
        assert lab.segments.all() == [] and lab.audit_log(1)[0].action == "coder.add"


# --- restore: identity -----------------------------------------------------------------------


def _study(path: Path, name: str) -> Path:
    with Study.create(from_string(path), load_scheme(), name, actor="tester") as study:
        study.coders.add("Ana")
    return path


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_restore_refuses_another_studys_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: exit 0, the other study replaced this one.
    study = _study(tmp_path / "a.sqlite", "Study A")
    (tmp_path / "elsewhere").mkdir()
    other = _study(tmp_path / "elsewhere" / "b.sqlite", "Study B")
    before, kept = digest(study), _files(backup_folder(study))
    code, _out, err = cli(capsys, "--db", str(study), "restore", str(other))
    assert code == 2 and "another study" in err and "--replace-study" in err
    assert digest(study) == before
    assert _files(backup_folder(study)) == kept  # no before-restore copy either
    # the lab manager may replace the study on purpose
    code, out, _err = cli(capsys, "--db", str(study), "restore", str(other), "--replace-study")
    assert code == 0, out
    with Study.open(from_string(study), backup=False) as restored:
        assert restored.info.name == "Study B"


def _pre_0008(path: Path) -> None:
    """Make a study file look as one written before study.uid existed (schema 0007)."""
    for table, column in (("study", "uid"), ("video", "accuracy"), ("video", "full_hash"),
                          ("attachment", "full_hash"), ("consensus", "version")):  # fmt: skip
        _raw(path, f"ALTER TABLE {table} DROP COLUMN {column}")
    # and before what schemas 0009 and later added (else migrating forward re-creates them)
    _raw(path, "ALTER TABLE rating DROP COLUMN scheme_version")
    _raw(path, "ALTER TABLE video DROP COLUMN archived_at")
    _raw(path, "ALTER TABLE coder DROP COLUMN retired_at")
    tables = ("video_position", "item_draft", "measure_value", "measure", "timepoint")
    for table in (*tables, "scheme_version"):
        _raw(path, f"DROP TABLE IF EXISTS {table}")
    _raw(path, "UPDATE alembic_version SET version_num = '0007_blind_coding'")


def test_restore_of_an_old_backup_checks_name_and_creation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: the old backup of the other study was restored (exit 0).
    study = _study(tmp_path / "a.sqlite", "Study A")
    own = tmp_path / "own-old.sqlite"
    assert main(["--db", str(study), "backup", str(own)]) == 0
    _pre_0008(own)
    (tmp_path / "b").mkdir()
    foreign = _study(tmp_path / "b" / "a.sqlite", "Study A")  # same name, created later
    _raw(foreign, "UPDATE study SET created_at = '2001-01-01 00:00:00'")
    _pre_0008(foreign)
    before = digest(study)
    code, _out, err = cli(capsys, "--db", str(study), "restore", str(foreign))
    assert code == 2 and "another study" in err
    assert digest(study) == before
    with Study.open(from_string(study), backup=False) as opened:
        uid = _uid(opened)
    code, out, err = cli(capsys, "--db", str(study), "restore", str(own))
    assert code == 0, out + err
    with Study.open(from_string(study), backup=False) as restored:
        assert _uid(restored) == uid  # the study keeps its identity


def _uid(study: Study) -> str:
    assert study.location.path is not None
    found = file_identity(study.location.path)  # read through SQLite, read-only
    assert found is not None and found.uid
    return found.uid


def test_server_restore_refuses_a_snapshot_of_another_study(
    server_location: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: exit 0, the server study was replaced by the other study's rows.
    url = server_location.url.render_as_string(hide_password=False)  # type: ignore[attr-defined]
    with Study.create(server_location, load_scheme(), "Server study") as study:  # type: ignore[arg-type]
        study.coders.add("Ana")
    other = _study(tmp_path / "other.sqlite", "Another study")
    code, _out, err = cli(capsys, "--db", url, "restore", str(other))
    assert code == 2 and "another study" in err
    with Study.open(server_location) as study:  # type: ignore[arg-type]
        assert study.info.name == "Server study"
    assert [p.name for p in tmp_path.iterdir()] == ["other.sqlite"]  # no before-restore file
    code, _out, _err = cli(capsys, "--db", url, "restore", str(other), "--replace-study")
    assert code == 0
    with Study.open(server_location) as study:  # type: ignore[arg-type]
        assert study.info.name == "Another study"


# --- restore: killed at any point ------------------------------------------------------------

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from eas_coder.store.restore import restore

    event, name, nth = sys.argv[3], sys.argv[4], int(sys.argv[5])
    seen = 0

    def profile(frame, what, arg):
        global seen
        if what != event:
            return
        called = getattr(arg, "__name__", None) if what == "c_call" else frame.f_code.co_name
        if called == name:
            seen += 1
            if seen == nth:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.setprofile(profile)
    restore(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.setprofile(None)
    """
)

KILL_POINTS = [
    pytest.param("return", "online_copy", 1, id="prepared-copy-written"),
    pytest.param("c_call", "write", 1, id="before-restore-copy-begun"),
    pytest.param("c_call", "write", 2, id="before-restore-copy-half-way"),
    pytest.param("c_call", "replace", 1, id="first-rename"),
    pytest.param("c_call", "replace", 2, id="second-rename"),
    pytest.param("return", "restore", 1, id="done"),
]


@pytest.mark.parametrize(("event", "name", "nth"), KILL_POINTS)
def test_a_killed_restore_leaves_the_study_whole_and_no_litter(
    tmp_path: Path, event: str, name: str, nth: int
) -> None:
    # Old code: "prepared-copy-written" left a full-size .a.sqlite.*.restoring beside the
    # study; "before-restore-copy-half-way" left a before-restore file that was cut short.
    study = _study(tmp_path / "a.sqlite", "Study A")
    _raw(study, "INSERT INTO audit_log (at, actor, action, entity, new) VALUES "
         "('2020-01-01', 'x', 'padding', 'study', ?)", "x" * 3_000_000)  # fmt: skip
    backup = tmp_path / "backup" / "a-old.sqlite"
    backup.parent.mkdir()
    assert main(["--db", str(study), "backup", str(backup)]) == 0
    _raw(
        study, "INSERT INTO coder (name, active, created_at) VALUES ('Ben', 1, '2020-01-01')"
    )  # after the backup
    old, new = digest(study), digest(backup)
    run = subprocess.run(
        [sys.executable, "-c", KILLER, str(study), str(backup), event, name, str(nth)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    # the study is whole: as it was, or the backup's content
    assert check_backup(study) == []
    if digest(study) != old:
        with Study.open(from_string(study), backup=False) as restored:
            assert [c.name for c in restored.coders.all()] == ["Ana"]  # the backup's
    assert digest(backup) == new
    # the next opening cleans what the killed restore left
    Study.open(from_string(study)).close()
    litter = [n for n in _files(tmp_path) if n not in ("a.sqlite", "a.backups", "backup")]
    assert litter == []
    for kept in backup_folder(study).iterdir():
        assert not kept.name.startswith("."), kept
        assert kept.suffix == ".sqlite", kept
        assert check_backup(kept) == [], kept  # complete or absent


# --- CSV -------------------------------------------------------------------------------------

NOTES = [
    "x;=1+1",
    "x,=1+1",
    "x\t=1",
    '"=1+1',
    "=1+1",
    "'=1+1",
    "''@x",
    "a;'=b",
    "x |=1",
    "calm - then =HYPERLINK(1)",
    "line\n=2",
    "plain note, with a comma",
    "'just an apostrophe",
    "-5",
]
SEPARATORS = [",", ";", "\t", "|", " "]
TRIGGERS = ("=", "+", "-", "@")


def _noted_study(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite"
    with Study.create(from_string(path), load_scheme(), "Notes", actor="tester") as study:
        video = study.videos.add("D001", "T1 pre", Path("d001.mp4"), _info("p1"))
        ana = study.coders.add("Ana")
        for index, note in enumerate(NOTES):
            segment = study.segments.add(
                video.id, ana.id, index * 1000, index * 1000 + 500, None, note
            )
            study.ratings.set(video.id, ana.id, "sensitivity", 5, segment.id, note=note)
    return path


def test_csv_cells_never_start_a_formula_whatever_the_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: "x;=1+1" read with ";" as separator gave the cell "=1+1".
    study = _noted_study(tmp_path)
    code, _out, _err = cli(capsys, "--db", str(study), "export", str(tmp_path / "out.csv"))
    assert code == 0
    text = (tmp_path / "out-Ratings.csv").read_text(encoding="utf-8-sig")
    assert text.startswith('"')  # every text field is quoted, the header's too
    for separator in SEPARATORS:
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):  # a reader that ignores quotes
            for row in csv.reader(text.splitlines(), delimiter=separator, quoting=quoting):
                for cell in row:
                    for start in (cell, cell.lstrip(' "')):
                        assert not start.startswith(TRIGGERS), (separator, cell)


def test_csv_notes_come_back_exactly_as_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old code: "'=1+1" came back as "=1+1" (the importer took the typed apostrophe for ours).
    study = _noted_study(tmp_path)
    assert cli(capsys, "--db", str(study), "export", str(tmp_path / "out.csv"))[0] == 0
    fresh = tmp_path / "fresh.sqlite"
    assert main(["--db", str(fresh), "init"]) == 0
    code, out, err = cli(
        capsys, "--db", str(fresh), "import-ratings", str(tmp_path / "out-Ratings.csv")
    )
    assert code == 0, out + err
    with Study.open(from_string(fresh), backup=False) as imported:
        assert sorted(s.note for s in imported.segments.all()) == sorted(NOTES)
        assert sorted(r.note for r in imported.ratings.all()) == sorted(NOTES)
