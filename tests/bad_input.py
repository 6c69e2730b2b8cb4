"""The bad-input corpus, made at test time (no binary files in the repository)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support import need_tool


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def png_bytes() -> bytes:
    """A valid 1×1 RGB PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def truncated_copy(source: Path, target: Path, share: float = 1 / 3) -> Path:
    """The first ``share`` of ``source``'s bytes, as ``target``."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target


def audio_only(path: Path) -> Path:
    """An AAC-in-MP4 file with no video stream (an .m4a, whatever ``path`` is named)."""
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440"]
    command += ["-t", "1", "-c:a", "aac", "-f", "mp4", str(path)]
    subprocess.run(command, check=True, timeout=60)
    return path


def absurd_y4m(path: Path) -> Path:
    """A raw YUV4MPEG2 stream whose header claims 100000×100000 frames (one tiny frame)."""
    path.write_bytes(b"YUV4MPEG2 W100000 H100000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(1024))
    return path


def stamp_newer_schema(study_file: Path, revision: str = "9999_from_the_future") -> None:
    """Mark a SQLite study as written by a newer EAS Coder."""
    conn = sqlite3.connect(study_file)
    try:
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    finally:
        conn.close()


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A workbook whose "Ratings" sheet holds ``rows`` (the first is the header)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ratings"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


_BOMB_ENTITIES = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)  # 10^9 "lol"s once expanded
BOMB_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{_BOMB_ENTITIES}]>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    "</worksheet>"
)


def xml_bomb_xlsx(path: Path) -> Path:
    """A real workbook whose sheet XML declares a billion-laughs entity."""
    plain = path.with_name(path.stem + "-plain.xlsx")
    write_xlsx(plain, [["participant", "timepoint", "coder", "dimension", "score"]])
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = BOMB_SHEET.encode()
            target.writestr(item, data)
    plain.unlink()
    return path


def fifo(path: Path) -> Path:
    """A named pipe: a path that exists but can never be read as a file (even by root)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(path)
    return path


def contents(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """The rows of the tables a refused write could touch, read through SQLite itself."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(
            sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("coder", "participant", "video", "rating", "segment")
        )
    finally:
        conn.close()
