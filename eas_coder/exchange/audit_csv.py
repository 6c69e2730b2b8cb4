"""The audit log as a CSV file (Tools ▸ Audit Log ▸ Export CSV…): the entries the person
filtered, as they may see them (``store.audit_read``: a coder's file holds no other coder's
scores or notes), read and written a page at a time so a long log never sits in memory.

Text a spreadsheet could take for a formula is neutralised as in every other CSV export
(``exchange.cells``); the file is written beside the target and moved into place at the end,
so a failure leaves no half-written file, and a study file is refused as the target.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from eas_coder.exchange.cells import neutralise_formulas
from eas_coder.location import Location
from eas_coder.store.audit_read import HIDDEN, AuditLine, AuditQuery, AuditReader
from eas_coder.store.study_files import refuse_study_file
from eas_coder.viewer import Viewer

COLUMNS = (
    "id", "at_utc", "actor", "action", "entity", "entity_id", "video_id", "video",
    "work_of_coder", "old", "new",
)  # fmt: skip
PAGE = 5000
_TEXT = {2, 3, 4, 7, 8, 9, 10}  # the columns people or the study typed (actor, …, new)
_RISKY = re.compile("[=+@\t\r-]")  # what exchange.cells neutralises at a cell's start
Progress = Callable[[str, int, int], None]


def default_name(study_name: str, day: str) -> str:
    """``PND trial audit log 2026-12-03.csv`` (characters no file system takes left out)."""
    safe = "".join(c for c in study_name if c not in '<>:"/\\|?*' and c.isprintable()).strip()
    return f"{safe or 'study'} audit log {day}.csv"


def _row(line: AuditLine, videos: dict[int, str], coders: dict[int, str]) -> list[str]:
    cells = [
        str(line.id),
        line.at.astimezone(UTC).isoformat(timespec="seconds"),
        line.actor,
        line.action,
        line.entity,
        "" if line.entity_id is None else str(line.entity_id),
        "" if line.video_id is None else str(line.video_id),
        videos.get(line.video_id, "") if line.video_id is not None else "",
        coders.get(line.coder_id, "") if line.coder_id is not None else "",
        HIDDEN if line.hidden else (line.old or ""),
        HIDDEN if line.hidden else (line.new or ""),
    ]
    # ids and the time are ours; of the text, only a cell with a character that can start a
    # formula is looked at closely (most hold none)
    return [
        neutralise_formulas(cell) if column in _TEXT and _RISKY.search(cell) else cell
        for column, cell in enumerate(cells)
    ]


def write_audit_csv(
    location: Location,
    viewer: Viewer,
    query: AuditQuery,
    target: Path,
    progress: Progress | None = None,
) -> int:
    """Write the matching entries, newest first, to ``target``; returns how many."""
    target = Path(target)
    refuse_study_file(target, "write the audit log over it")
    temporary = target.with_name(f".{target.name}.part")
    written = 0
    with AuditReader.opened(location, viewer) as reader:
        total = reader.count(query)
        videos, coders = reader.videos(), reader.coders()
        try:
            with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(COLUMNS)
                before: int | None = None
                while page := reader.page(query, before, PAGE):
                    writer.writerows(_row(line, videos, coders) for line in page)
                    written += len(page)
                    before = page[-1].id
                    if progress is not None:
                        progress("writing the audit log", written, total)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return written
