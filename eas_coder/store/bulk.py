"""Writing a validated import in one transaction: everything, or nothing.

Coders, participants, videos (file-less when new) and segments are found by their natural
keys (names by identity, ``eas_coder.names``) or created; every kind of row, and one audit
row for each created coder, participant, video, segment and rating, is inserted in bulk (a
statement per kind, not per row) so a 60,000-row sheet takes seconds, not minutes.

Inside the same transaction every row meets the window's own rules (the store's functions,
not a copy): no write into submitted work, no overlapping segments where the scheme forbids
them, no segment past the end of its video. A new coder or participant one edit from an
existing name is refused unless the import confirms new names. Any refused row rolls the
whole import back and every refused row is listed; a dry run rolls back at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from eas_coder.errors import StudyError
from eas_coder.model import AssignmentStatus
from eas_coder.names import name_key, near
from eas_coder.store.import_rows import (  # re-exported: the importer's names for them
    NEAR_NAME,
    ImportedRating,
    ImportSummary,
    RowsRefused,
)
from eas_coder.store.schemes import require_current
from eas_coder.store.segments import Segments, _within_video
from eas_coder.store.tables import (
    AssignmentRow,
    AuditRow,
    Base,
    CoderRow,
    ParticipantRow,
    RatingRow,
    SegmentRow,
    VideoRow,
    utcnow,
)
from eas_coder.store.unit import StudyDb, to_json

__all__ = ["NEAR_NAME", "ImportSummary", "ImportedRating", "RowsRefused", "apply_import"]

_AUDIT = cast(Table, AuditRow.__table__)
SegmentKey = tuple[int, int, int, int]  # video id, coder id, start ms, end ms


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, carrying its summary."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


def _insert_returning(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in batches and return their ids in the order given. Core, not the
    ORM's bulk insert: half the time for the same statements (no ORM objects are wanted)."""
    core = cast(Table, table.__table__)
    statement = insert(core).returning(core.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.connection().execute(statement, rows).scalars()]


def overlapping(spans: list[tuple[int, int, int]]) -> set[int]:
    """Of one coder's spans on one video, given as (start, end, order) with order -1 for a
    stored segment and the sheet order for a new one: the orders of new spans that overlap a
    stored span or an earlier new one. One sweep in start order, a fast filter: the store's
    own rule (``Segments._no_overlap``) then decides on each and words the refusal."""
    flagged: set[int] = set()
    furthest: tuple[int, int] | None = None  # (end, order) of the span reaching furthest
    for start, end, order in sorted(spans):
        if furthest is not None and start < furthest[0]:
            flagged.add(max(order, furthest[1]))
        if furthest is None or end > furthest[0]:
            furthest = (end, order)
    flagged.discard(-1)
    return flagged


class _Resolver:
    """Finds the rows ratings hang on, or creates them in bulk, inside one session."""

    def __init__(
        self, db: StudyDb, session: Session, source: str, rules: Segments, allow_new: bool
    ) -> None:
        self.db, self.session, self.source = db, session, source
        self.rules, self.allow_new = rules, allow_new
        self.now = utcnow()
        self.problems: list[tuple[int, str, str]] = []
        coders = list(session.execute(select(CoderRow.id, CoderRow.name)))
        self.coders = {name_key(n): i for i, n in coders}
        self.known_coders = [(name_key(n), n) for _, n in coders]
        participants = list(session.execute(select(ParticipantRow.code, ParticipantRow.id)))
        self.exact = {code: pid for code, pid in participants}  # older studies: case twins
        self.participants = {name_key(code): pid for code, pid in participants}
        self.known_participants = [(name_key(c), c) for c, _ in participants]
        self.new: dict[str, list[str]] = {"coder": [], "participant": [], "video": []}
        self.locked: dict[tuple[int, int], str | None] = {}
        # only pairs with a submitted assignment can be locked: one query finds them, and
        # require_not_submitted (the window's rule and message) decides for those alone
        done = select(AssignmentRow.video_id, AssignmentRow.coder_id).where(
            AssignmentRow.status == AssignmentStatus.DONE.value
        )
        self.submitted = {(int(v), int(c)) for v, c in session.execute(done)}
        # the stored videos, loaded once: the bounds rule reads each row without a query
        self.stored_videos = {v.id: v for v in session.scalars(select(VideoRow))}
        self.videos: dict[tuple[int, str], list[tuple[int, str]]] = {}
        for v in self.stored_videos.values():
            label = (v.name or (v.path or "").rsplit("/", 1)[-1]).casefold()
            self.videos.setdefault((v.participant_id, v.timepoint), []).append((v.id, label))
        self.segments: dict[SegmentKey, int] = {
            (v, c, s, e): i
            for i, v, c, s, e in session.execute(
                select(
                    SegmentRow.id,
                    SegmentRow.video_id,
                    SegmentRow.coder_id,
                    SegmentRow.start_ms,
                    SegmentRow.end_ms,
                )
            )
        }
        self.created = {"coders": 0, "participants": 0, "videos": 0, "segments": 0}

    def _insert(
        self, table: type[Base], kind: str, rows: list[dict[str, Any]], states: list[dict[str, Any]]
    ) -> list[int]:
        """Insert new rows of one kind in one statement, each with its own audit row (what a
        single add records), and return their ids in the order given."""
        if not rows:
            return []
        ids = _insert_returning(self.session, table, rows)
        audits = [
            {
                "at": self.now,
                "actor": self.db.actor,
                "action": f"{kind}.import",
                "entity": kind,
                "entity_id": new_id,
                "old": None,
                "new": to_json(state | {"source": self.source}),
            }
            for new_id, state in zip(ids, states, strict=True)
        ]
        self.session.connection().execute(insert(_AUDIT), audits)
        self.created[f"{kind}s"] += len(ids)
        return ids

    def _confirm_new(self, row: int, kind: str, name: str, known: list[tuple[str, str]]) -> None:
        self.new[kind].append(name)
        other = None if self.allow_new else near(name_key(name), known)
        if other is not None:
            self.problems.append(
                (row, kind, f"{name!r} would be a new {kind}, {NEAR_NAME} "
                 f"{other!r}: correct the spelling, or confirm new names (--allow-new; in "
                 "the window, tick \"Create new coders and participants\")")
            )  # fmt: skip

    def people(self, ratings: Sequence[ImportedRating], kind: str) -> list[int]:
        """The coder (or participant) id of every rating; new ones created in bulk."""
        coder = kind == "coder"
        ids = self.coders if coder else self.participants
        known = self.known_coders if coder else self.known_participants
        new: dict[str, str] = {}  # identity -> the first spelling met
        refs: list[int | str] = []
        for r in ratings:
            name = r.coder if coder else r.participant
            found = None if coder else self.exact.get(name)
            key = name_key(name)
            if found is None:
                found = ids.get(key)
            if found is None:
                if key not in new:
                    new[key] = name
                    self._confirm_new(r.row, kind, name, known)
                refs.append(key)
            else:
                refs.append(found)
        table: type[Base] = CoderRow if coder else ParticipantRow
        rows = [{"name": n, "active": True} if coder else {"code": n, "note": ""}
                for n in new.values()]  # fmt: skip
        states = [{"name": n} if coder else {"code": n} for n in new.values()]
        ids.update(zip(new, self._insert(table, kind, rows, states), strict=True))
        return [ref if isinstance(ref, int) else ids[ref] for ref in refs]

    def videos_of(self, ratings: Sequence[ImportedRating], pids: list[int]) -> list[int]:
        """The video id of every rating; new (file-less) videos created in bulk."""
        refs: list[int] = []
        rows: list[dict[str, Any]] = []
        states: list[dict[str, Any]] = []
        for r, pid in zip(ratings, pids, strict=True):
            known = self.videos.setdefault((pid, r.timepoint), [])
            wanted = (r.video or "").casefold()
            found = None
            for vid, label in known:
                if label == wanted or (not wanted and len(known) == 1):
                    found = vid
                    break
            if found is None:
                self.new["video"].append(
                    f"{r.participant} {r.timepoint}" + (f" ({r.video})" if r.video else "")
                )
                rows.append({"participant_id": pid, "timepoint": r.timepoint, "path": None,
                             "name": r.video})  # fmt: skip
                states.append({"participant": r.participant, "timepoint": r.timepoint,
                               "name": r.video})  # fmt: skip
                found = -len(rows)  # a placeholder until the insert gives the id
                known.append((found, wanted))
            refs.append(found)
        ids = self._insert(VideoRow, "video", rows, states)
        for known in self.videos.values():  # later lookups (none now) would see real ids
            known[:] = [(ids[-v - 1] if v < 0 else v, label) for v, label in known]
        return [ids[-ref - 1] if ref < 0 else ref for ref in refs]

    def unlocked(self, row: int, video_id: int, coder_id: int, coder: str) -> None:
        """The window's rule: a coder's submitted work on a video is locked."""
        pair = (video_id, coder_id)
        if pair not in self.submitted:
            return
        if pair not in self.locked:
            try:
                self.db.require_not_submitted(self.session, video_id, coder_id)
                self.locked[pair] = None
            except StudyError as exc:
                self.locked[pair] = f"{coder}: {exc}"
        refusal = self.locked[pair]
        if refusal is not None:
            self.problems.append((row, "coder", refusal))

    def segments_of(
        self, ratings: Sequence[ImportedRating], vids: list[int], cids: list[int]
    ) -> list[int | None]:
        """The segment id of every rating (None: a session rating); new segments are
        checked by the window's rules (bounds, then overlap) and created in bulk."""
        refs: list[int | None] = []
        pending: dict[SegmentKey, int] = {}  # new span -> its index in ``rows``
        rows: list[dict[str, Any]] = []
        numbers: list[list[int]] = []  # the sheet rows of each new segment
        for r, vid, cid in zip(ratings, vids, cids, strict=True):
            if r.segment is None:
                refs.append(None)
                continue
            start, end, episode, note = r.segment
            key = (vid, cid, start, end)
            found = self.segments.get(key)
            if found is None and key in pending:
                numbers[pending[key]].append(r.row)
                found = -pending[key] - 1
            elif found is None:
                try:  # a new video has no file, so no end to pass
                    if vid in self.stored_videos:
                        _within_video(self.stored_videos[vid], end)
                except StudyError as exc:
                    self.problems.append((r.row, "segment_end", str(exc)))
                    refs.append(None)
                    continue
                pending[key] = len(rows)
                rows.append({"video_id": vid, "coder_id": cid, "start_ms": start,
                             "end_ms": end, "episode": episode, "note": note})  # fmt: skip
                numbers.append([r.row])
                found = -len(rows)
            refs.append(found)
        states = [{k: row[k] for k in ("video_id", "coder_id", "start_ms", "end_ms")}
                  for row in rows]  # fmt: skip
        ids = self._insert(SegmentRow, "segment", rows, states)
        self._no_overlaps(rows, ids, numbers)
        return [ids[-ref - 1] if ref is not None and ref < 0 else ref for ref in refs]

    def _no_overlaps(
        self, rows: list[dict[str, Any]], ids: list[int], numbers: list[list[int]]
    ) -> None:
        """The window's overlap rule for the new segments, now in the transaction: a sweep
        finds the few that may clash, ``Segments._no_overlap`` decides and words it."""
        groups: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for order, row in enumerate(rows):
            groups.setdefault((row["video_id"], row["coder_id"]), []).append(
                (row["start_ms"], row["end_ms"], order)
            )
        for video_id, coder_id, start, end in self.segments:
            if (video_id, coder_id) in groups:
                groups[(video_id, coder_id)].append((start, end, -1))
        for (video_id, coder_id), spans in groups.items():
            for order in sorted(overlapping(spans)):
                row = rows[order]
                try:
                    self.rules._no_overlap(
                        self.session, video_id, coder_id, row["start_ms"], row["end_ms"], ids[order]
                    )
                except StudyError as exc:
                    self.problems.extend((n, "segment_start", str(exc)) for n in numbers[order])


def apply_import(
    db: StudyDb,
    ratings: list[ImportedRating],
    source: str,
    rules: Segments,
    allow_new: bool = False,
    dry_run: bool = False,
) -> ImportSummary:
    """Insert validated ratings and everything they need, in one transaction; RowsRefused
    (nothing written) lists every row the study's rules refuse. ``rules`` is the study's
    segment service (its scheme says whether segments may overlap). A dry run checks the
    same and rolls back, returning what it would have created."""
    try:
        return _apply(db, ratings, source, rules, allow_new, dry_run)
    except _DryRun as done:
        return done.summary


def _rating_rows(
    ratings: list[ImportedRating],
    ids: tuple[list[int], list[int], list[int | None]],
    now: datetime,
    revision: int = 1,
) -> list[dict[str, Any]]:
    return [
        {
            "video_id": video_id,
            "coder_id": coder_id,
            "segment_id": segment_id,
            "dimension": r.dimension,
            "score": r.score,
            "items": r.items or None,
            "note": r.note,
            "updated_at": now,
            "scheme_version": r.scheme_version or revision,
        }
        for r, video_id, coder_id, segment_id in zip(ratings, *ids, strict=True)
    ]


def _apply(
    db: StudyDb,
    ratings: list[ImportedRating],
    source: str,
    rules: Segments,
    allow_new: bool,
    dry_run: bool,
) -> ImportSummary:
    with db.write() as session:
        resolve = _Resolver(db, session, source, rules, allow_new)
        now = resolve.now
        pids = resolve.people(ratings, "participant")
        vids = resolve.videos_of(ratings, pids)
        cids = resolve.people(ratings, "coder")
        for r, video_id, coder_id in zip(ratings, vids, cids, strict=True):
            resolve.unlocked(r.row, video_id, coder_id, r.coder)
        sids = resolve.segments_of(ratings, vids, cids)
        if resolve.problems:
            raise RowsRefused(sorted(resolve.problems))  # rolls everything back
        # checked against the scheme in force, and stamped with its version (store/schemes.py)
        revision = require_current(session, rules.scheme_revision)
        rows = _rating_rows(ratings, (vids, cids, sids), now, revision)
        ids = _insert_returning(session, RatingRow, rows)
        audits = [
            {
                "at": now,
                "actor": db.actor,
                "action": "rating.import",
                "entity": "rating",
                "entity_id": rating_id,
                "old": None,
                "new": to_json({**row, "updated_at": None, "source": source}),
            }
            for rating_id, row in zip(ids, rows, strict=True)
        ]
        if audits:
            session.connection().execute(insert(_AUDIT), audits)
        summary = ImportSummary(
            len(rows),
            **resolve.created,
            new_coders=tuple(resolve.new["coder"]),
            new_participants=tuple(resolve.new["participant"]),
            new_videos=tuple(resolve.new["video"]),
        )
        if dry_run:
            raise _DryRun(summary)  # rolls back
    return summary
