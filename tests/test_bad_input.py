"""The bad-input corpus: each bad file gets one clear message naming it, and nothing saved
changes. Cases already covered elsewhere are not repeated here: damaged study pages
(tests/store/test_robustness.py), a newer schema in a WAL file (same), bad rows and a junk
.xlsx/.pdf/empty CSV (tests/exchange/test_import.py), malformed scheme keys
(tests/test_scheme.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.errors import VideoUnreadable
from eas_coder.media.probe import probe
from tests.bad_input import (
    absurd_y4m,
    audio_only,
    contents,
    digest,
    fifo,
    png_bytes,
    stamp_newer_schema,
    truncated_copy,
    write_xlsx,
    xml_bomb_xlsx,
)
from tests.support import ffmpeg_video

HEADER = ["participant", "timepoint", "coder", "dimension", "score"]


def cli_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line expecting exit 2 and exactly one error line; return it."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("eas-coder: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def good_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ffmpeg_video(
        tmp_path_factory.mktemp("clip") / "good.mp4", seconds=1.0, size="160x120", audio=False
    )


@pytest.fixture
def study_file(tmp_path: Path, good_clip: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A study with a coder, a video and a rating already saved."""
    path = tmp_path / "study.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    assert main(["--db", str(path), "coders", "add", "Ana"]) == 0
    add = ["videos", "add", str(good_clip), "--participant", "M01", "--timepoint", "T1"]
    assert main(["--db", str(path), *add]) == 0
    sheet = tmp_path / "first.csv"
    sheet.write_text(",".join(HEADER) + "\nM01,T1,Ana,sensitivity,5\n", encoding="utf-8")
    assert main(["--db", str(path), "import-ratings", str(sheet)]) == 0
    capsys.readouterr()
    return path


# --- videos --------------------------------------------------------------------------------


def _zero_byte(tmp: Path, good: Path) -> Path:
    (path := tmp / "zero.mp4").write_bytes(b"")
    return path


def _truncated(tmp: Path, good: Path) -> Path:
    return truncated_copy(good, tmp / "truncated.mp4")


def _text(tmp: Path, good: Path) -> Path:
    (path := tmp / "notes.mp4").write_text("not a video\n" * 50, encoding="utf-8")
    return path


def _png(tmp: Path, good: Path) -> Path:
    (path := tmp / "picture.mp4").write_bytes(png_bytes())
    return path


def _audio(tmp: Path, good: Path) -> Path:
    return audio_only(tmp / "sound.mp4")


def _absurd_size(tmp: Path, good: Path) -> Path:
    return absurd_y4m(tmp / "huge.y4m")


def _fifo(tmp: Path, good: Path) -> Path:
    return fifo(tmp / "pipe.mp4")


def _directory(tmp: Path, good: Path) -> Path:
    (path := tmp / "folder.mp4").mkdir()
    return path


PNG_BUG = (
    "a PNG named .mp4 is accepted as a 1×1 video of 0 frames (OpenCV opens images; "
    "probe() does not refuse a video with no frames)"
)
VIDEO_CASES = [
    pytest.param(_zero_byte, "empty", id="zero-byte"),
    pytest.param(_truncated, "cannot be opened", id="truncated"),
    pytest.param(_text, "cannot be opened", id="text-named-mp4"),
    pytest.param(_png, None, id="png-named-mp4"),
    pytest.param(_audio, "cannot be opened", id="audio-only"),
    pytest.param(_absurd_size, "OpenCV cannot open", id="absurd-frame-size"),
    pytest.param(_fifo, "not a file", id="fifo"),
    pytest.param(_directory, "not a file", id="directory"),
]


@pytest.mark.parametrize(("make", "problem"), VIDEO_CASES)
def test_bad_video_is_refused_by_probe(
    tmp_path: Path, good_clip: Path, make: Callable[[Path, Path], Path], problem: str
) -> None:
    bad = make(tmp_path, good_clip)
    # No wall-clock bound here (the machine is shared): a probe that hung would hang the suite.
    with pytest.raises(VideoUnreadable, match=problem) as caught:
        probe(bad)
    assert str(bad) in str(caught.value)


@pytest.mark.parametrize(("make", "problem"), VIDEO_CASES)
def test_videos_add_refuses_a_bad_video_and_the_study_is_unchanged(
    tmp_path: Path,
    good_clip: Path,
    study_file: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path], Path],
    problem: str,
) -> None:
    bad = make(tmp_path, good_clip)
    before, saved = digest(study_file), contents(study_file)
    add = ["videos", "add", str(bad), "--participant", "M02", "--timepoint", "T1"]
    line = cli_error(capsys, "--db", str(study_file), *add)
    # Adding runs the accuracy check, which names a truncated file as such (probe cannot).
    problem = "truncated" if make is _truncated else problem
    assert str(bad) in line and (problem or "") in line
    assert digest(study_file) == before and contents(study_file) == saved


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root (and Windows) read a chmod 000 file anyway; the FIFO and folder cases stand in",
)
def test_unreadable_video_is_refused(
    tmp_path: Path, good_clip: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.mp4"
    shutil.copyfile(good_clip, locked)
    locked.chmod(0)
    try:
        before = digest(study_file)
        add = ["videos", "add", str(locked), "--participant", "M02", "--timepoint", "T1"]
        line = cli_error(capsys, "--db", str(study_file), *add)
        assert str(locked) in line
        assert digest(study_file) == before
    finally:
        locked.chmod(0o644)


def test_a_folder_of_500_with_3_bad_adds_none_and_names_the_first_bad_one(
    tmp_path: Path, good_clip: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    bad: dict[int, Callable[[Path], object]] = {
        120: lambda p: p.write_bytes(b""),
        260: lambda p: p.write_text("not a video", encoding="utf-8"),
        430: lambda p: truncated_copy(good_clip, p),
    }
    for index in range(500):
        path = folder / f"clip_{index:03}.mp4"
        if index in bad:
            bad[index](path)
        else:
            os.link(good_clip, path)
    files = sorted(str(p) for p in folder.iterdir())
    before, saved = digest(study_file), contents(study_file)
    add = ["videos", "add", *files, "--participant", "M09", "--timepoint", "T1"]
    # Documented in cmd_videos_add: every file is probed before writing; one bad file adds none.
    line = cli_error(capsys, "--db", str(study_file), *add, "--allow-duplicate")
    assert str(folder / "clip_120.mp4") in line and "empty" in line
    assert digest(study_file) == before and contents(study_file) == saved
    assert main(["--db", str(study_file), "videos", "list"]) == 0
    assert "M09" not in capsys.readouterr().out


# --- study files ---------------------------------------------------------------------------


def _not_a_database(path: Path) -> None:
    path.write_text("participant,score\nM01,5\n", encoding="utf-8")


def _zero_byte_study(path: Path) -> None:
    path.write_bytes(b"")


def _truncated_study(path: Path) -> None:
    truncated_copy(path, path, share=0.5)


STUDY_CASES = [
    # The study was opened before, so good backups exist: a spoiled file is "damaged" and the
    # message names the backup to restore.
    pytest.param(_not_a_database, ("damaged", "restore"), id="not-a-database"),
    pytest.param(_zero_byte_study, ("damaged", "restore"), id="zero-byte"),
    pytest.param(_truncated_study, ("damaged", "restore"), id="truncated"),
    pytest.param(stamp_newer_schema, ("9999_from_the_future", "newer"), id="newer-schema"),
]


@pytest.mark.parametrize(("spoil", "words"), STUDY_CASES)
@pytest.mark.parametrize("command", [["coders", "list"], ["check"], ["coders", "add", "Ben"]])
def test_bad_study_file_is_refused_and_left_as_it_is(
    study_file: Path,
    capsys: pytest.CaptureFixture[str],
    spoil: Callable[[Path], None],
    words: tuple[str, ...],
    command: list[str],
) -> None:
    spoil(study_file)
    before = digest(study_file)
    line = cli_error(capsys, "--db", str(study_file), *command)
    assert str(study_file) in line
    assert all(word in line for word in words), line
    assert digest(study_file) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param('id = "x"\nname = "unterminated\n', "not valid TOML", id="syntax"),
        pytest.param("", "", id="empty"),
        pytest.param("\x00\x01\x02 binary", "", id="binary"),
        pytest.param("[[dimensions]]\nkey = 1\n", "", id="wrong-types"),
    ],
)
def test_broken_scheme_toml_creates_no_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    scheme = tmp_path / "broken.toml"
    scheme.write_text(text, encoding="utf-8")
    study = tmp_path / "new.sqlite"
    line = cli_error(capsys, "--db", str(study), "init", "--scheme", str(scheme))
    assert str(scheme) in line and problem in line
    assert not study.exists()


def test_broken_scheme_toml_leaves_an_existing_study_alone(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = tmp_path / "broken.toml"
    scheme.write_bytes(b"\xff\xfe not utf-8")
    before = digest(study_file)
    line = cli_error(capsys, "--db", str(study_file), "init", "--scheme", str(scheme))
    assert str(scheme) in line or str(study_file) in line
    assert digest(study_file) == before


# --- rating sheets -------------------------------------------------------------------------


def import_error(capsys: pytest.CaptureFixture[str], study: Path, sheet: Path) -> list[str]:
    """Import expecting exit 2: the first stderr line names the sheet, problems follow."""
    capsys.readouterr()
    assert main(["--db", str(study), "import-ratings", str(sheet)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert lines and lines[0].startswith("eas-coder: error: ") and str(sheet) in lines[0]
    assert all(line.startswith("  ") for line in lines[1:])
    return lines


def test_wrong_columns_in_a_workbook(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_xlsx(tmp_path / "cols.xlsx", [["name", "rating", "when"], ["M01", 5, "T1"]])
    before = digest(study_file)
    lines = import_error(capsys, study_file, sheet)
    assert "required column is missing" in "\n".join(lines)
    assert digest(study_file) == before


def test_wrong_types_in_a_workbook(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    rows: list[list[object]] = [
        [*HEADER, "level", "segment_start", "segment_end"],
        ["M01", "T1", "Ana", "structuring", dt.datetime(2024, 1, 5)],
        ["M01", "T1", "Ana", "nonintrusiveness", True],
        ["M01", "T1", "Ana", "nonhostility", "high"],
        ["M01", "T1", "Ana", "child_responsiveness", 4, "segment", dt.date(2024, 1, 1), 5],
    ]
    sheet = write_xlsx(tmp_path / "types.xlsx", rows)
    before, saved = digest(study_file), contents(study_file)
    lines = import_error(capsys, study_file, sheet)
    assert "4 problem(s), nothing imported" in lines[0], lines
    assert [line.split(",")[0].strip() for line in lines[1:]] == [
        "row 2", "row 3", "row 4", "row 5",
    ]  # fmt: skip
    assert digest(study_file) == before and contents(study_file) == saved


def test_formulas_in_a_workbook_are_named_as_formulas(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_xlsx(
        tmp_path / "formula.xlsx", [[*HEADER], ["M01", "T1", "Ana", "structuring", "=1+1"]]
    )
    before = digest(study_file)
    lines = import_error(capsys, study_file, sheet)
    assert digest(study_file) == before
    assert "formula (=1+1) with no saved result" in "\n".join(lines[1:]), lines
    assert "empty" not in "\n".join(lines[1:]), lines  # it was reported as empty before


def test_formulas_are_never_evaluated_or_imported(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [[*HEADER], ["M01", "T1", "=A1", "structuring", "=1+1"]]
    before, saved = digest(study_file), contents(study_file)
    import_error(capsys, study_file, write_xlsx(tmp_path / "formula.xlsx", rows))
    csv = tmp_path / "formula.csv"
    csv.write_text(",".join(HEADER) + "\nM01,T1,Ana,structuring,=1+1\n", encoding="utf-8")
    lines = import_error(capsys, study_file, csv)
    assert "score" in lines[1] and "not a number" in lines[1]
    assert digest(study_file) == before and contents(study_file) == saved


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV sheet of a million rows, every one naming an unknown dimension.

    An .xlsx of a million rows takes about a minute just to write with openpyxl (and the
    importer documents no row cap), so the million rows come as CSV."""
    sheet = tmp_path_factory.mktemp("million") / "million.csv"
    with sheet.open("w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + "\n")
        handle.writelines("M01,T1,Ana,warmth,5\n" for _ in range(1_000_000))
    return sheet


def _import_million(study_file: Path, sheet: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    before, saved = digest(study_file), contents(study_file)
    capsys.readouterr()
    assert main(["--db", str(study_file), "import-ratings", str(sheet)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert digest(study_file) == before and contents(study_file) == saved
    return lines


def test_a_million_bad_rows_are_refused(
    study_file: Path, million_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _import_million(study_file, million_rows, capsys)
    assert lines[0] == f"eas-coder: error: {million_rows}: 1000000 problem(s), nothing imported"


MILLION_BUG = (
    "a sheet with a million bad rows prints a million problem lines to stderr "
    "(no cap such as the first 100 and 'and 999900 more')"
)


def test_a_million_bad_rows_give_a_readable_report(
    study_file: Path, million_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(_import_million(study_file, million_rows, capsys)) <= 1001


def test_xml_bomb_is_refused_without_expanding(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # defusedxml is a dependency: openpyxl parses safely
    bomb = xml_bomb_xlsx(tmp_path / "bomb.xlsx")
    before = digest(study_file)
    # defusedxml refuses the entity declarations before anything expands: that refusal is
    # the message below (an expansion would run out of memory, not name the workbook).
    lines = import_error(capsys, study_file, bomb)
    assert len(lines) == 1 and "not a readable Excel workbook" in lines[0], lines
    assert digest(study_file) == before
