"""Size limits checked before a sheet is parsed, so a zip bomb or an oversized file is refused
in milliseconds with little memory.

An .xlsx is a zip archive of XML parts. Its central directory declares each part's unpacked
size; a hostile file may declare huge sizes, lie about them (declare little, unpack to
gigabytes) or point many entries at the same compressed bytes. We check the declared sizes,
that no two parts share bytes, and then unpack every part as a stream, counting bytes and
keeping one chunk in memory, and stop as soon as a part unpacks past what it declared.
"""

from __future__ import annotations

import itertools
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

MB = 1_000_000
# A 60,000-row export's sheet XML is about 20 MB; Excel's largest sheet (1,048,576 rows of
# our ~20 columns) would be over 600 MB, which openpyxl could not read in any useful time.
MEMBER_LIMIT = 256 * MB  # unpacked bytes of one part of the workbook
TOTAL_LIMIT = 512 * MB  # unpacked bytes of all parts together
PART_LIMIT = 1000  # parts in the archive (an export has about 15)
CSV_BYTE_LIMIT = 256 * MB  # a CSV sheet is read into memory whole
CELL_LIMIT = 32_767  # characters in one cell: Excel's own limit
_CHUNK = 1 << 16  # compressed bytes read at a time
_OUT = 1 << 20  # most unpacked bytes held at a time
_LOCAL_HEADER = 30


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB"


def workbook_zip_problem(path: Path) -> str | None:
    """What makes the .xlsx at ``path`` too large or malformed to open, or None.

    A file that is not a zip at all returns None: openpyxl then says it is not a workbook.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        parts = archive.infolist()
        if len(parts) > PART_LIMIT:
            return f"the workbook has {len(parts):,} parts, more than {PART_LIMIT:,} (the limit)"
        total = 0
        for part in parts:
            if part.file_size > MEMBER_LIMIT:
                return (
                    f"the part {part.filename} declares {_mb(part.file_size)} unpacked, more "
                    f"than {_mb(MEMBER_LIMIT)} (the limit); this is not a rating sheet "
                    "(or a far too large one: save it as CSV)"
                )
            total += part.file_size
        if total > TOTAL_LIMIT:
            return (
                f"the workbook declares {_mb(total)} unpacked, more than {_mb(TOTAL_LIMIT)} "
                "(the limit); save the rating sheet alone, or as CSV"
            )
        shared = _shared_bytes(parts)
        if shared is not None:
            return shared
        with path.open("rb") as raw:
            for part in parts:
                problem = _unpacks_within(raw, part)
                if problem is not None:
                    return f"the part {part.filename} {problem}; the file is damaged or hostile"
    return None


def _shared_bytes(parts: list[zipfile.ZipInfo]) -> str | None:
    """Two parts whose compressed bytes overlap (one way to make a small zip unpack huge)."""
    ordered = sorted(parts, key=lambda p: p.header_offset)
    for first, second in itertools.pairwise(ordered):
        if first.header_offset + _LOCAL_HEADER + first.compress_size > second.header_offset:
            return (
                f"the parts {first.filename} and {second.filename} share the same bytes; "
                "the file is damaged or hostile"
            )
    return None


def _unpacks_within(raw: BinaryIO, part: zipfile.ZipInfo) -> str | None:
    """Unpack ``part`` as a stream; a message if it is encrypted, uses an unknown method or
    unpacks to more than it declares."""
    if part.flag_bits & 0x1:
        return "is encrypted"
    raw.seek(part.header_offset)
    header = raw.read(_LOCAL_HEADER)
    if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
        return "has no local header"
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    raw.seek(part.header_offset + _LOCAL_HEADER + name_length + extra_length)
    left = part.compress_size
    if part.compress_type == zipfile.ZIP_STORED:
        return None if left == part.file_size else "is stored with a size it does not declare"
    if part.compress_type != zipfile.ZIP_DEFLATED:
        return f"uses compression method {part.compress_type}, which Excel never writes"
    unpack = zlib.decompressobj(-15)
    produced = 0
    while left > 0:
        chunk = raw.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        while chunk:
            try:
                out = unpack.decompress(chunk, _OUT)
            except zlib.error:
                return "is not valid compressed data"
            produced += len(out)
            if produced > part.file_size:
                return (
                    f"unpacks to more than the {part.file_size:,} bytes it declares (stopped there)"
                )
            chunk = unpack.unconsumed_tail
    return None
