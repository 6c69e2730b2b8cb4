"""What a segment file (ELAN .eaf, BORIS .boris) holds for the import: spans of one video,
each named the way the file names it (annotation id, event rows), and the problems found
while reading it. The readers know their format; ``segment_import`` knows the study."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote, urlparse

from eas_coder.errors import EasCoderError
from eas_coder.timecode import clock


@dataclass(frozen=True)
class Problem:
    """One thing refused: where (file, annotation or row), and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class SegmentImportRejected(EasCoderError):
    """The files have problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(map(str, problems[:5]))
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s), nothing imported: {shown}{more}")


@dataclass(frozen=True)
class SourceSpan:
    """One annotation or START/STOP pair: times in ms from the media's start (a float: BORIS
    gives seconds with decimals), the label the file gives it, and a note."""

    where: str  # e.g. "annotation a12 (tier 'Episodes')" or "observation 'x', row 4 …"
    start_ms: float
    end_ms: float
    label: str | None
    note: str = ""

    def describe(self) -> str:
        """Where, with the times as the file gives them."""
        return f"{self.where} {clock(round(self.start_ms))}–{clock(round(self.end_ms))}"


@dataclass(frozen=True)
class SegmentSource:
    """The spans a file holds for one video (an .eaf: all; a BORIS project: one observation)."""

    file: Path
    part: str  # "" for an .eaf; the observation's id in a BORIS project
    media: tuple[str, ...]  # file names of the media the file links to
    spans: tuple[SourceSpan, ...]

    @property
    def name(self) -> str:
        """The file (and observation) in words, for messages."""
        return self.file.name + (f", observation {self.part!r}" if self.part else "")


@dataclass
class ReadResult:
    """What a reader found: the sources, and every problem (then nothing is imported)."""

    sources: list[SegmentSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def media_name(reference: str) -> str:
    """The file name in a media reference: a file URL, a POSIX or a Windows path."""
    text = reference.strip()
    if "://" in text or text.startswith("file:"):
        text = unquote(urlparse(text).path)
    return PureWindowsPath(text).name if "\\" in text else Path(text).name
