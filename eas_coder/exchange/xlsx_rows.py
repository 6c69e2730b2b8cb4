"""Fast rows of one worksheet of an .xlsx, with openpyxl's values, read in one pass.

openpyxl's read-only mode parses a sheet that carries no ``<dimension>`` (every write-only
workbook, ours included) twice, and builds each cell through Python-level XML handlers: a
60,000-row sheet took 7 s of CPU. Here openpyxl reads what is small (the workbook, shared
strings, styles: which cells are dates) and the sheet's XML goes through the C parser,
streamed, one row at a time: about a third of the time, the same values (numbers as int or
float, dates and times by their number format, booleans, shared and inline strings, cached
formula results; a formula with no saved result becomes ``UnsavedFormula``).

A document type declaration (where entity bombs and external entities live) is refused
before parsing; an .xlsx never has one.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any, cast
from xml.etree.ElementTree import Element, XMLPullParser

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel, from_ISO8601

from eas_coder.exchange.cells import UnsavedFormula

_CHUNK = 1 << 16
_REF = re.compile(r"([A-Z]+)(\d+)")


class SheetXmlError(Exception):
    """The sheet's XML is not what a spreadsheet program writes (message says why)."""


class SheetTooWide(SheetXmlError):
    """The sheet declares more columns than the limit."""


# the main namespace of transitional and of strict OOXML (and none, from careless writers)
_NAMESPACES = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
               "{http://purl.oclc.org/ooxml/spreadsheetml/main}", "")  # fmt: skip
_ROW_TAGS = {ns + "row" for ns in _NAMESPACES}
_DIMENSION_TAGS = {ns + "dimension" for ns in _NAMESPACES}


def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


class Workbook:
    """An open .xlsx: its sheet names and what reading a sheet's cells needs."""

    def __init__(self, path: str) -> None:
        reader = ExcelReader(path, read_only=True, data_only=True)
        self._archive: zipfile.ZipFile = reader.archive
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self._strings: list[Any] = list(reader.shared_strings)
            book = reader.wb
            self._epoch = book.epoch
            self._dates: set[int] = set(book._date_formats)
            self._durations: set[int] = set(book._timedelta_formats)
            names = set(self._archive.namelist())
            self.sheets: dict[str, str] = {
                sheet.name: rel.target.lstrip("/")
                for sheet, rel in reader.parser.find_sheets()
                if rel.target.lstrip("/") in names
            }
        except BaseException:
            self._archive.close()
            raise

    def close(self) -> None:
        self._archive.close()

    def rows(
        self, title: str, width_limit: int, max_rows: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """The sheet's rows from row 1, missing rows as empty tuples; a row never longer
        than ``width_limit + 1`` (a value past the limit lands in the last place).
        SheetXmlError when the XML is malformed or declares more columns than the limit."""
        parser: XMLPullParser[Any] = XMLPullParser(events=("end",))
        number = 0
        with self._archive.open(self.sheets[title]) as source:
            head = b""
            while True:
                chunk = source.read(_CHUNK)
                if not chunk:
                    break
                if len(head) < 4096:
                    head = (head + chunk)[:4096]
                    if b"<!DOCTYPE" in head.upper():
                        raise SheetXmlError("its XML declares a document type")
                try:
                    parser.feed(chunk)
                    events = [cast(Element, cast(Any, item)[1]) for item in parser.read_events()]
                except SyntaxError as exc:
                    raise SheetXmlError(f"its XML is damaged ({exc})") from exc
                for element in events:
                    tag = element.tag
                    if tag in _ROW_TAGS:
                        at = element.get("r")
                        target = int(at) if at else number + 1
                        while number + 1 < target:
                            number += 1
                            yield ()
                            if max_rows is not None and number >= max_rows:
                                return
                        number = target
                        yield self._row(element, tag[:-3], width_limit)
                        element.clear()
                        if max_rows is not None and number >= max_rows:
                            return
                    elif tag in _DIMENSION_TAGS:
                        self._check_dimension(element, width_limit)
            try:
                parser.close()
            except SyntaxError as exc:
                raise SheetXmlError(f"its XML is damaged ({exc})") from exc

    @staticmethod
    def _check_dimension(element: Element, width_limit: int) -> None:
        ref = element.get("ref", "")
        found = _REF.fullmatch(ref.rsplit(":", 1)[-1].replace("$", ""))
        if found is not None and _column(found.group(1)) > width_limit + 1:
            raise SheetTooWide(
                f"declares {_column(found.group(1)):,} columns, more than {width_limit} "
                "(the limit); copy the rating columns into a new sheet"
            )

    def _row(self, row: Element, ns: str, width_limit: int) -> tuple[Any, ...]:
        values: list[Any] = []
        column = 0
        cell_tag = ns + "c"
        for cell in row:
            if cell.tag != cell_tag:
                continue
            ref = cell.get("r")
            found = _REF.fullmatch(ref) if ref else None
            column = _column(found.group(1)) if found else column + 1
            value = self._value(cell, ns)
            if value is None:
                continue
            place = min(column, width_limit + 1)
            if len(values) < place:
                values.extend([None] * (place - len(values)))
            values[place - 1] = value
        return tuple(values)

    def _value(self, cell: Element, ns: str) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(ns + "is")
            return None if inline is None else "".join(_inline_text(inline, ns))
        value = cell.find(ns + "v")
        text = None if value is None else value.text or None
        if text is None:
            formula = cell.find(ns + "f")
            if formula is not None:
                shown = "=" + formula.text if formula.text else "a shared formula"
                return UnsavedFormula(shown)
            return None
        if kind == "n":
            number: int | float = (
                float(text) if "." in text or "E" in text or "e" in text else int(text)
            )
            style = cell.get("s")
            if style and int(style) in self._dates:
                try:
                    return from_excel(number, self._epoch, timedelta=int(style) in self._durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self._strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result), "e" (an error such as #N/A)


def _inline_text(inline: Element, ns: str) -> Iterator[str]:
    """The text of an inline string: its ``t``, or its runs' ``t`` (not phonetic hints)."""
    for part in inline:
        if part.tag == ns + "t":
            yield part.text or ""
        elif part.tag == ns + "r":
            for t in part:
                if t.tag == ns + "t":
                    yield t.text or ""
