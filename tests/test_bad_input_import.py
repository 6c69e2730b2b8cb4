"""The bad-input corpus for rating-sheet import: the window's rules, names as identities,
encodings and size limits. Each refusal exits 2 and leaves the study byte-identical.

Every case here failed on the code before issue 16 (the importer wrote into submitted work,
made overlapping and out-of-bounds segments, created people from typos and invisible
characters, decoded a broken UTF-8 sheet as cp1252 and read zip bombs and oversized sheets
and schemes in full)."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.store.study import Study
from tests.bad_input import contents, digest, write_xlsx
from tests.support import ffmpeg_video

HEADER = ["participant", "timepoint", "coder", "dimension", "score"]
SEGMENT = [*HEADER, "level", "segment_start", "segment_end"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ffmpeg_video(
        tmp_path_factory.mktemp("clip") / "one-second.mp4", seconds=1.0, size="160x120",
        audio=False,
    )  # fmt: skip


@pytest.fixture
def study_file(tmp_path: Path, clip: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Coders Ana and José; participant M01 at T1 with a 1-second video; one rating."""
    path = tmp_path / "study.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    assert main(["--db", str(path), "coders", "add", "Ana"]) == 0
    assert main(["--db", str(path), "coders", "add", "José"]) == 0
    add = ["videos", "add", str(clip), "--participant", "M01", "--timepoint", "T1"]
    assert main(["--db", str(path), *add]) == 0
    sheet = tmp_path / "first.csv"
    sheet.write_text(",".join(HEADER) + "\nM01,T1,Ana,sensitivity,5\n", encoding="utf-8")
    assert main(["--db", str(path), "import-ratings", str(sheet)]) == 0
    capsys.readouterr()
    return path


def refused(capsys: pytest.CaptureFixture[str], study: Path, sheet: Path, *extra: str) -> str:
    """Import expecting exit 2 with the study byte-identical; the whole stderr."""
    before, saved = digest(study), contents(study)
    capsys.readouterr()
    assert main(["--db", str(study), "import-ratings", str(sheet), *extra]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.startswith("eas-coder: error: ") and str(sheet) in err.splitlines()[0]
    assert digest(study) == before and contents(study) == saved
    return err


def imported(capsys: pytest.CaptureFixture[str], study: Path, sheet: Path, *extra: str) -> str:
    capsys.readouterr()
    status = main(["--db", str(study), "import-ratings", str(sheet), *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def csv_sheet(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(map(str, row)) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def names(study: Path, table: str, column: str) -> list[str]:
    with Study.open(from_string(study), backup=False) as s:
        if table == "coder":
            return sorted(c.name for c in s.coders.all())
        return sorted({v.participant_code for v in s.videos.all()})


# --- the window's rules ----------------------------------------------------------------------


def test_submitted_work_is_never_written_by_an_import(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Study.open(from_string(study_file), backup=False) as study:
        (video,) = study.videos.all()
        ana = study.coders.get("Ana")
        study.assignments.add(video.id, ana.id)
        study.assignments.submit(video.id, ana.id)
    sheet = csv_sheet(tmp_path / "late.csv", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    err = refused(capsys, study_file, sheet)
    assert "row 2" in err and "submitted" in err and "locked" in err


def test_overlapping_segments_in_a_sheet_are_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [
        SEGMENT,
        ["M01", "T1", "Ana", "structuring", 4, "segment", "0:00.000", "0:00.500"],
        ["M01", "T1", "Ana", "structuring", 4, "segment", "0:00.300", "0:00.800"],
    ]
    err = refused(capsys, study_file, csv_sheet(tmp_path / "overlap.csv", rows))
    assert "row 3" in err and "may not overlap" in err


def test_a_segment_overlapping_a_stored_one_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Study.open(from_string(study_file), backup=False) as study:
        (video,) = study.videos.all()
        study.segments.add(video.id, study.coders.get("Ana").id, 0, 600)
    rows: list[list[object]] = [
        SEGMENT, ["M01", "T1", "Ana", "structuring", 4, "segment", "0:00.300", "0:00.900"],
    ]  # fmt: skip
    err = refused(capsys, study_file, csv_sheet(tmp_path / "overlap.csv", rows))
    assert "row 2" in err and "may not overlap" in err


def test_a_segment_past_the_end_of_the_video_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [
        SEGMENT, ["M01", "T1", "Ana", "structuring", 4, "segment", "0:00.000", "0:05.000"],
    ]  # fmt: skip
    err = refused(capsys, study_file, csv_sheet(tmp_path / "long.csv", rows))
    assert "row 2" in err and "after the end of the video" in err


def test_a_workbook_made_under_another_scheme_version_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_xlsx(tmp_path / "other.xlsx", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    from openpyxl import load_workbook

    book = load_workbook(sheet)
    about = book.create_sheet("About")
    about.append(["item", "value"])
    about.append(["scheme", "eas-direct version 99"])
    book.save(sheet)
    err = refused(capsys, study_file, sheet)
    assert "version 99" in err and "scheme" in err


# --- names are identities --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participant", "coder", "column", "words"),
    [
        pytest.param("M01", "Ana\u200b", "coder", "invisible", id="zero-width"),
        pytest.param("\u202eM01", "Ana", "participant", "invisible", id="bidi-override"),
        pytest.param("M01", '"An\na"', "coder", "line break", id="newline"),
        pytest.param("M\x0001", "Ana", "participant", "control", id="nul"),
        pytest.param("M01", "Ana\x07", "coder", "control", id="bell"),
    ],
)
def test_invisible_and_control_characters_in_names_are_refused(
    tmp_path: Path,
    study_file: Path,
    capsys: pytest.CaptureFixture[str],
    participant: str,
    coder: str,
    column: str,
    words: str,
) -> None:
    sheet = csv_sheet(tmp_path / "odd.csv", [HEADER, [participant, "T1", coder, "structuring", 4]])
    err = refused(capsys, study_file, sheet, "--allow-new")
    assert f"row 2, {column}" in err and words in err


def test_a_case_variant_of_a_participant_is_the_same_participant(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = csv_sheet(tmp_path / "case.csv", [HEADER, ["m01", "T1", "ANA", "structuring", 4]])
    imported(capsys, study_file, sheet)
    assert names(study_file, "participant", "code") == ["M01"]
    assert names(study_file, "coder", "name") == ["Ana", "José"]


def test_a_decomposed_name_is_the_same_coder(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nfd = "Jose\u0301"
    sheet = csv_sheet(tmp_path / "nfd.csv", [HEADER, ["M01", "T1", nfd, "structuring", 4]])
    imported(capsys, study_file, sheet)
    assert names(study_file, "coder", "name") == ["Ana", "José"]


@pytest.mark.parametrize(
    ("row", "column", "near"),
    [
        pytest.param(["M01", "T1", "Anna", "structuring", 4], "coder", "Ana", id="coder"),
        pytest.param(["M02", "T1", "Ana", "structuring", 4], "participant", "M01", id="dyad"),
    ],
)
def test_a_name_one_edit_from_an_existing_one_needs_allow_new(
    tmp_path: Path,
    study_file: Path,
    capsys: pytest.CaptureFixture[str],
    row: list[object],
    column: str,
    near: str,
) -> None:
    sheet = csv_sheet(tmp_path / "typo.csv", [HEADER, row])
    err = refused(capsys, study_file, sheet)
    assert f"row 2, {column}" in err and repr(near) in err and "--allow-new" in err
    err = refused(capsys, study_file, sheet, "--dry-run")
    assert "--allow-new" in err
    out = imported(capsys, study_file, sheet, "--allow-new")
    assert "Imported 1 ratings" in out
    table = "coder" if column == "coder" else "participant"
    assert str(row[2] if column == "coder" else row[0]) in names(study_file, table, "")


def test_dry_run_lists_every_coder_participant_and_video_it_would_create(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [
        HEADER, ["X77", "T2", "Bettina", "structuring", 4], ["M01", "T9", "Ana", "structuring", 4],
    ]  # fmt: skip
    sheet = csv_sheet(tmp_path / "new.csv", rows)
    before = digest(study_file)
    out = imported(capsys, study_file, sheet, "--dry-run")
    assert digest(study_file) == before
    assert "new coder: Bettina" in out
    assert "new participant: X77" in out
    assert "new video: X77 T2" in out and "new video: M01 T9" in out


# --- encodings -------------------------------------------------------------------------------


def test_a_utf8_sheet_with_one_cp1252_byte_is_refused_by_row_and_column(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "mixed.csv"
    good = "M01,T1,José,sensitivity,5\n".encode()
    bad = "M01,T1,José,structuring,4\n".encode("cp1252")
    sheet.write_bytes(",".join(HEADER).encode() + b"\n" + good + bad)
    err = refused(capsys, study_file, sheet)
    assert "row 3, column 3" in err and "UTF-8" in err and "--encoding" in err
    assert "JosÃ©" not in err


def test_a_declared_encoding_is_used(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = csv_sheet(
        tmp_path / "old.csv", [HEADER, ["M01", "T1", "José", "structuring", 4]], "cp1252"
    )
    imported(capsys, study_file, sheet, "--encoding", "cp1252")
    assert names(study_file, "coder", "name") == ["Ana", "José"]


@pytest.mark.parametrize("suffix", [".xlsx", ".sav"])
def test_an_encoding_given_for_an_excel_or_spss_file_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    # the option cannot act on these files: refused rather than silently ignored
    sheet = write_xlsx(tmp_path / "sheet.xlsx", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    sheet = sheet.rename(sheet.with_suffix(suffix))
    err = refused(capsys, study_file, sheet, "--encoding", "cp1252")
    assert "--encoding is for CSV sheets only" in err and "without --encoding" in err


def test_a_utf8_sheet_with_a_bom_is_read(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = csv_sheet(
        tmp_path / "bom.csv", [HEADER, ["M01", "T1", "José", "structuring", 4]], "utf-8-sig"
    )
    imported(capsys, study_file, sheet)
    assert names(study_file, "coder", "name") == ["Ana", "José"]


# --- size limits -----------------------------------------------------------------------------


def _patch_sizes(path: Path, member: str, size: int) -> None:
    """Make the zip's headers (local and central) declare ``size`` bytes for ``member``."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + length] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _workbook_with_sheet_xml(path: Path, xml_parts: list[bytes]) -> Path:
    plain = write_xlsx(path.with_name("plain.xlsx"), [HEADER])
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                info = zipfile.ZipInfo(item.filename)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w", force_zip64=True) as out:
                    for part in xml_parts:
                        out.write(part)
            else:
                target.writestr(item, source.read(item))
    return path


def test_a_zip_member_declaring_gigabytes_is_refused_before_reading(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_xlsx(tmp_path / "declared.xlsx", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    _patch_sizes(sheet, "xl/worksheets/sheet1.xml", 4_000_000_000)
    err = refused(capsys, study_file, sheet)
    assert "xl/worksheets/sheet1.xml" in err and "limit" in err and "MB" in err


def test_a_zip_member_unpacking_past_its_declared_size_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    head += b'spreadsheetml/2006/main"><sheetData>'
    spaces = b" " * (1 << 20)
    sheet = _workbook_with_sheet_xml(
        tmp_path / "liar.xlsx", [head, *([spaces] * 40), b"</sheetData></worksheet>"]
    )
    compressed = zipfile.ZipFile(sheet).getinfo("xl/worksheets/sheet1.xml").compress_size
    assert compressed < 100_000  # 40 MB of spaces: a bomb in miniature
    _patch_sizes(sheet, "xl/worksheets/sheet1.xml", 1000)
    assert zipfile.ZipFile(sheet).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    err = refused(capsys, study_file, sheet)
    # the streaming cap fired (not the declared-size or shared-bytes checks)
    assert "xl/worksheets/sheet1.xml unpacks to more than the 1,000 bytes it declares" in err


def test_a_zip_bomb_of_overlapping_members_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # many central-directory entries pointing at the same compressed bytes (Fifield's trick)
    sheet = write_xlsx(tmp_path / "overlap.xlsx", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    data = sheet.read_bytes()
    name = b"xl/worksheets/sheet1.xml"
    start, end = data.find(b"PK\x01\x02"), data.find(b"PK\x05\x06")
    entry_at = data.find(b"PK\x01\x02", data.find(name, start) - 46)
    length = 46 + sum(struct.unpack_from("<HHH", data, entry_at + 28))
    entry = data[entry_at : entry_at + length]
    copies = b"".join(
        entry.replace(name, f"xl/worksheets/sh{n:04}.xml".encode()) for n in range(300)
    )
    directory = data[start:end] + copies
    tail = bytearray(data[end:])
    count = struct.unpack_from("<H", tail, 10)[0] + 300
    struct.pack_into("<HHII", tail, 8, count, count, len(directory), start)
    sheet.write_bytes(data[:start] + directory + bytes(tail))
    assert len(zipfile.ZipFile(sheet).infolist()) == count
    err = refused(capsys, study_file, sheet)
    assert "share" in err and "bytes" in err


def test_a_sheet_with_too_many_columns_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = [*HEADER, *(f"extra{n}" for n in range(400))]
    sheet = csv_sheet(tmp_path / "wide.csv", [wide, ["M01", "T1", "Ana", "structuring", 4]])
    err = refused(capsys, study_file, sheet)
    assert "columns" in err and "limit" in err


def test_a_workbook_declaring_every_column_is_refused(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_xlsx(tmp_path / "dim.xlsx", [HEADER, ["M01", "T1", "Ana", "structuring", 4]])
    with zipfile.ZipFile(sheet) as source:
        xml = source.read("xl/worksheets/sheet1.xml")
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    assert b"XFD1048576" in xml
    _workbook_with_sheet_xml(tmp_path / "dim2.xlsx", [xml])
    err = refused(capsys, study_file, tmp_path / "dim2.xlsx")
    assert "columns" in err and "limit" in err


def test_a_sheet_with_too_many_rows_is_refused_while_reading(
    tmp_path: Path, study_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "long.csv"
    with sheet.open("w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + "\n")
        handle.writelines("M01,T1,Ana,warmth,5\n" for _ in range(1_048_577))
    err = refused(capsys, study_file, sheet)
    assert "1,048,576 rows" in err and "limit" in err
    assert err.count("\n") == 1  # one line: the rows were never validated


def _scheme(dimensions: int, items: int = 0) -> str:
    head = '[scheme]\nid = "big"\nname = "Big"\nversion = "1"\n'
    item = '[[dimensions.items]]\nkey = "i{n}"\nlabel = "I{n}"\nmin = 1\nmax = 3\nstep = 1\n'
    dims = []
    for d in range(dimensions):
        dims.append(
            f'[[dimensions]]\nkey = "d{d}"\nlabel = "D{d}"\nside = "adult"\n'
            "min = 1\nmax = 7\nstep = 1\n" + "".join(item.format(n=n) for n in range(items))
        )
    return head + "".join(dims)


@pytest.mark.parametrize(
    ("dimensions", "items", "words"),
    [
        pytest.param(10_000, 0, "dimensions", id="10000-dimensions"),
        pytest.param(2, 500, "items", id="500-items"),
    ],
)
def test_an_oversized_scheme_is_refused_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dimensions: int, items: int, words: str
) -> None:
    scheme = tmp_path / "big.toml"
    scheme.write_text(_scheme(dimensions, items), encoding="utf-8")
    study = tmp_path / "new.sqlite"
    capsys.readouterr()
    assert main(["--db", str(study), "init", "--scheme", str(scheme)]) == 2
    err = capsys.readouterr().err
    assert words in err and "limit" in err and str(scheme) in err
    assert not study.exists()


def test_a_scheme_within_the_limits_is_accepted(tmp_path: Path) -> None:
    from eas_coder.scheme import load_scheme

    scheme = tmp_path / "ok.toml"
    scheme.write_text(_scheme(20, 10), encoding="utf-8")
    assert len(load_scheme(scheme).dimensions) == 20
