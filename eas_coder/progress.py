"""Where the coding stands, for the lab manager: per coder, and as a feed of recent changes.

Counts are of assigned videos: not started (nothing saved yet), in progress (a segment or a
rating saved), submitted. Only the lab manager sees this view; it names no scores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eas_coder.coding import CodingStatus, coding_status
from eas_coder.model import AssignmentStatus, AuditEntry
from eas_coder.store.study import Study


@dataclass(frozen=True)
class CoderProgress:
    """One coder's assigned videos by status, and when they last saved a score."""

    coder: str
    assigned: int
    not_started: int
    in_progress: int
    submitted: int
    last_saved: datetime | None

    @property
    def share_submitted(self) -> float:
        """Submitted / assigned, 0 when nothing is assigned."""
        return self.submitted / self.assigned if self.assigned else 0.0


def coder_progress(study: Study) -> list[CoderProgress]:
    """Every coder with an assignment, or any saved work, in name order."""
    last_rated = study.ratings.last_rated()
    worked = set(last_rated) | study.segments.marked()
    assigned: dict[int, list[CodingStatus]] = {}
    for a in study.assignments.all():
        status = coding_status(
            a.status == AssignmentStatus.DONE, (a.video_id, a.coder_id) in worked
        )
        assigned.setdefault(a.coder_id, []).append(status)
    latest: dict[int, datetime] = {}
    for (_video, coder_id), at in last_rated.items():
        if coder_id not in latest or at > latest[coder_id]:
            latest[coder_id] = at
    rows = []
    for coder in study.coders.all():
        statuses = assigned.get(coder.id, [])
        if not statuses and coder.id not in latest:
            continue
        rows.append(
            CoderProgress(
                coder.name,
                len(statuses),
                statuses.count(CodingStatus.NOT_STARTED),
                statuses.count(CodingStatus.IN_PROGRESS),
                statuses.count(CodingStatus.SUBMITTED),
                latest.get(coder.id),
            )
        )
    return sorted(rows, key=lambda r: r.coder.casefold())


_VERBS = {
    "rating.set": "rated",
    "rating.clear": "cleared a rating",
    "segment.add": "marked a segment",
    "segment.update": "changed a segment",
    "segment.delete": "deleted a segment",
    "segment.split": "split a segment",
    "segment.merge": "merged segments",
    "template.apply": "received the template segments",
    "coder.add": "added coder",
    "video.add": "added video",
    "video.relink": "relinked video",
    "consensus.set": "recorded a consensus score",
    "setting.set": "changed a setting",
    "manager.passphrase": "set the lab-manager passphrase",
    "participant.add": "added a participant",
    "study.create": "created the study",
    "template.set": "set the shared segment template",
    "attachment.add": "attached a file",
    "attachment.remove": "removed an attached file",
    "attachment.offset": "set the offset of an attached file",
    "attachment.relink": "relinked an attached file",
    "coder.rename": "renamed coder",
    "coder.retire": "retired coder",
    "coder.unretire": "brought back coder",
    "coder.delete": "deleted coder",
    "coder.passphrase": "changed a coder's passphrase",
    "video.edit": "changed the details of video",
    "video.archive": "archived video",
    "video.restore": "restored video",
    "video.remove": "removed video",
    "scheme.version": "saved a new scheme version",
    "item_draft.set": "typed items",
    "item_draft.clear": "cleared typed items",
    "measure.add": "added a measure",
    "measure.direction": "set a measure's direction",
}


@dataclass(frozen=True)
class Names:
    """What the feed needs to name things: coders, videos, and whose assignment is whose."""

    coders: Mapping[int, str]
    videos: Mapping[int, str]
    assignments: Mapping[int, tuple[int, int]]  # assignment id -> (video id, coder id)
    dimensions: Mapping[str, str]  # key -> label

    @classmethod
    def of(cls, study: Study) -> Names:
        """Read the names from the study (three small queries)."""
        return cls(
            {c.id: c.name for c in study.coders.all()},
            {v.id: v.label for v in study.videos.all()},
            {a.id: (a.video_id, a.coder_id) for a in study.assignments.all()},
            {d.key: d.label for d in study.scheme.dimensions},
        )


LIST_CHANGES = frozenset(
    {"video.add", "video.import", "video.relink", "attachment.add", "attachment.remove"}
)


def touched_videos(entries: Sequence[AuditEntry], names: Names) -> set[int]:
    """The videos whose coding status the entries may have changed."""
    found = set()
    for entry in entries:
        video_id = _video_of(entry, names)
        if video_id is not None:
            found.add(video_id)
    return found


def _video_of(entry: AuditEntry, names: Names) -> int | None:
    if entry.entity == "video":
        return entry.entity_id
    if entry.entity == "assignment":
        assignment = names.assignments.get(entry.entity_id or 0)
        return assignment[0] if assignment else None
    state = _state(entry.new) or _state(entry.old)
    video_id = state.get("video_id")
    return video_id if isinstance(video_id, int) else None


def describe_change(entry: AuditEntry, names: Names) -> str:
    """One line a person reads: who did what to which video. Never the score itself, so the
    feed gives away no coder's ratings."""
    state = _state(entry.new) or _state(entry.old)
    video_id, coder_id = _video_of(entry, names), state.get("coder_id")
    if entry.entity == "assignment":
        coder_id = names.assignments.get(entry.entity_id or 0, (None, None))[1]
    who = names.coders.get(coder_id, entry.actor) if isinstance(coder_id, int) else entry.actor
    verb = _VERBS.get(entry.action, entry.action.replace(".", " "))
    if entry.action.endswith(".import"):
        verb = f"imported a {entry.entity} from a sheet"
    if entry.action == "assignment.remove":
        verb = "was unassigned"
    elif entry.entity == "assignment" and entry.action != "assignment.add":
        new, done = _json(entry.new), AssignmentStatus.DONE.value
        verb = "submitted" if new == done else "reopened" if _json(entry.old) == done else ""
        verb = verb or f"was set to {str(new).replace('_', ' ')}"
    elif entry.action == "assignment.add":
        verb = "was assigned"
    elif entry.action == "rating.set" and isinstance(state.get("dimension"), str):
        key = str(state["dimension"])
        verb = f"rated {names.dimensions.get(key, key)}"
    where = names.videos.get(video_id) if isinstance(video_id, int) else None
    if entry.entity == "coder" and isinstance(state.get("name"), str):
        where = str(state["name"])
    return f"{who} {verb}" + (f": {where}" if where else "")


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _state(text: str | None) -> dict[str, Any]:
    value = _json(text)
    return value if isinstance(value, dict) else {}
