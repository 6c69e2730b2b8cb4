"""What one live refresh brings to the window: a small diff of the Videos list.

Built in the watcher's thread (plain Python, no Qt object) from the audit entries it found:
the rows of the videos those entries touched, read again for whoever is signed in, and the
videos that left the list. After a gap the watcher cannot account for (a burst longer than
it reads at once, a new viewer, a new connection) or when too many videos were touched, the
whole list is read instead. Blind coding holds: a coder's diff carries their own status only,
and the audit entries reach a coder without their values (a rating's entry holds its score).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from eas_coder.adding_videos import parse_accuracy
from eas_coder.gui.coding.video_list import listed_status
from eas_coder.media.accuracy import VideoAccuracy
from eas_coder.model import AuditEntry, Video
from eas_coder.progress import Names, touched_videos
from eas_coder.store.list_rows import ListReader, ListViewer

DIFF_LIMIT = 300  # more touched videos than this: read the whole list in one go instead
# Coder entries that change no row: anything else (a rename) rewords the manager's rows.
_CODER_QUIET = frozenset({"coder.add", "coder.passphrase"})


@dataclass(frozen=True)
class LiveRow:
    """One row as the list shows it."""

    video: Video
    present: bool
    status: tuple[str, str]  # (text, key), see gui/coding/video_list.py
    finding: VideoAccuracy | None


@dataclass(frozen=True)
class ListDiff:
    """Rows to show (changed or new; with ``full`` every listed row, in list order), videos
    that left the list, and which videos' open view must be read again."""

    viewer: ListViewer
    entries: tuple[AuditEntry, ...]
    rows: tuple[LiveRow, ...]
    removed: frozenset[int]
    full: bool
    reread: frozenset[int]
    names: Names | None  # what the lab manager's feed names (None for a coder)
    touched: frozenset[int] = frozenset()  # the videos the entries touched


def compute_diff(
    reader: ListReader,
    viewer: ListViewer,
    entries: Sequence[AuditEntry],
    full: bool,
    also: Collection[int] = (),
) -> ListDiff:
    """The diff for ``entries`` (oldest first) and the videos ``also`` (read again for a new
    viewer), or the whole list when ``full``."""
    pairs = reader.assignment_pairs(
        e.entity_id for e in entries if e.entity == "assignment" and e.entity_id is not None
    )
    partial = Names({}, {}, pairs, {})
    touched = touched_videos(entries, partial)
    full = full or len(touched | set(also)) > DIFF_LIMIT
    if viewer.manager and any(
        e.entity == "coder" and e.action not in _CODER_QUIET for e in entries
    ):
        full = True  # a renamed coder: every row naming them is worded anew
    listed, gone = reader.rows(viewer, None if full else touched | set(also))
    rows = tuple(
        LiveRow(r.video, r.present, listed_status(r, viewer), parse_accuracy(r.accuracy))
        for r in listed
    )
    names = None
    if viewer.manager:
        names = Names(reader.coder_names(), reader.labels(touched), pairs, {})
    return ListDiff(
        viewer,
        tuple(entries) if viewer.manager else tuple(_without_values(e) for e in entries),
        rows,
        frozenset(gone),
        full,
        frozenset(_to_reread(entries, viewer, pairs, touched)),
        names,
        frozenset(touched),
    )


def _without_values(entry: AuditEntry) -> AuditEntry:
    return replace(entry, old=None, new=None)


def _to_reread(
    entries: Sequence[AuditEntry],
    viewer: ListViewer,
    pairs: dict[int, tuple[int, int]],
    touched: set[int],
) -> set[int]:
    """Videos whose segments and scores on screen must be read again: for the lab manager,
    any touched (coders' tracks grow as they code); for a coder, those whose own assignment
    changed (the manager reopened or assigned it) — their own edits are on screen already."""
    if viewer.manager:
        return set(touched)
    if viewer.coder_id is None:
        return set()
    found = set()
    for entry in entries:
        if entry.entity == "assignment":
            pair = pairs.get(entry.entity_id or 0)
            if pair is not None and pair[1] == viewer.coder_id:
                found.add(pair[0])
        elif entry.action == "assignment.remove" and entry.entity_id is not None:
            found.add(entry.entity_id)  # filed under the video; reread is harmless
    return found
