"""Read the soak writers' journals and check a study against them, exactly.

Each writer's keys are its own, so for every key (a segment slot, or a rating of a dimension on
a slot or on the whole session) the value in the study must be the value left by the last edit
reported saved for that key, or by one of the edits attempted after it whose outcome the writer
never learnt (it was killed between the call and the journal line). Every value carries the
token of the edit that made it, so an older value (a lost edit) or a value no edit of that
key made (a phantom) is caught; the audit log must hold each token once (never doubled).
Shared ratings, which both writers save over with ``expected_version``, must show versions
1, 2, ... n in the audit log (no update lost between the two) and end at the last one.
Menu actions (tests/store/soak_actions.py) set no key; they are counted, and a video an
action reported added must be in the study once (an unconfirmed add: once or not at all).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eas_coder.store.study import Study
from tests.store.soak_writer import SHARED, SLOT_MS, token_of

Key = tuple[Any, ...]
Value = tuple[Any, ...] | None
VALUE_OPS = ("rate", "rate_session", "seg_add", "seg_move", "shared")


@dataclass
class Edit:
    """One attempted edit and what the writer learnt of it."""

    writer: str
    n: int
    op: str
    token: str
    params: dict[str, Any]
    outcome: str = "unconfirmed"  # "saved", "stale" or "unconfirmed"
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class Journal:
    """A writer's journal read back."""

    edits: list[Edit]
    starts: int = 0
    stops: int = 0
    torn_lines: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for e in self.edits if e.outcome == outcome)


@dataclass
class Report:
    """What the check found; ``problems`` is empty when every saved edit is there."""

    saved: int = 0
    stale: int = 0
    unconfirmed: int = 0
    unconfirmed_committed: int = 0  # of the unconfirmed value edits, those found committed
    lost: int = 0
    doubled: int = 0
    phantom: int = 0
    actions: Counter[str] = field(default_factory=Counter)  # saved menu actions by kind
    videos_added: int = 0  # of them, videos added
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.problems.append(f"{kind}: {text}")


def read_journal(path: Path, writer: str) -> Journal:
    """Parse one journal; a line cut short by a kill is counted, not trusted."""
    journal = Journal([])
    by_number: dict[int, Edit] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            journal.torn_lines += line != ""
            continue
        kind = record.pop("k")
        if kind == "try":
            edit = Edit(writer, record.pop("n"), record.pop("op"), record.pop("token"), record)
            by_number[edit.n] = edit
            journal.edits.append(edit)
        elif kind in ("ok", "stale"):
            edit = by_number[record["n"]]
            edit.outcome, edit.result = ("saved" if kind == "ok" else "stale"), record
        elif kind == "start":
            journal.starts += 1
        elif kind == "stop":
            journal.stops += 1
        elif kind == "error":
            journal.errors.append(record["error"])
    return journal


def _effects(edit: Edit, dimensions: tuple[str, ...]) -> dict[Key, Value]:
    """The keys an own edit sets and the value it leaves in each."""
    p, w = edit.params, edit.writer
    video, slot = p["v"], p.get("slot")
    if edit.op in ("rate", "rate_session"):
        return {("rating", w, video, slot, p["dim"]): (p["score"], edit.token)}
    if edit.op == "clear":
        return {("rating", w, video, slot, p["dim"]): None}
    if edit.op == "seg_move":
        return {("segment", w, video, slot): (p["start"], p["end"], p["ep"], edit.token)}
    # a new segment has no ratings yet; a deleted one takes its ratings with it
    cleared: dict[Key, Value] = {("rating", w, video, slot, d): None for d in dimensions}
    if edit.op == "seg_add":
        value = (p["start"], p["end"], p["ep"], edit.token)
        return {("segment", w, video, slot): value, **cleared}
    assert edit.op == "seg_del", edit.op
    return {("segment", w, video, slot): None, **cleared}


def _allowed(journals: dict[str, Journal], dimensions: tuple[str, ...]) -> dict[Key, list[Value]]:
    """Per key: the last saved value first, then the values of unconfirmed edits after it."""
    allowed: dict[Key, list[Value]] = {}
    for journal in journals.values():
        for edit in sorted(journal.edits, key=lambda e: e.n):
            if edit.op in ("shared", "action") or edit.outcome == "stale":
                continue
            for key, value in _effects(edit, dimensions).items():
                if edit.outcome == "saved":
                    allowed[key] = [value]
                else:
                    allowed.setdefault(key, [None]).append(value)
    return allowed


def _stored(study: Study, writers: set[str]) -> tuple[dict[Key, Value], list[str], dict[str, int]]:
    """The writers' keys as the study holds them now, any segment outside its slot, and the
    version of each stored rating by its token."""
    snapshot = study.load()
    names = {c.id: c.name for c in snapshot.coders}
    stored: dict[Key, Value] = {}
    wrong: list[str] = []
    rating_versions: dict[str, int] = {}
    slot_of: dict[int, int] = {}
    for s in snapshot.segments:
        if names[s.coder_id] not in writers:
            wrong.append(f"a segment of {names[s.coder_id]!r}: {s}")
            continue
        slot = s.start_ms // SLOT_MS
        key: Key = ("segment", names[s.coder_id], s.video_id, slot)
        if key in stored or s.end_ms > (slot + 1) * SLOT_MS:
            wrong.append(f"a second segment in slot {slot} or one beyond it: {s}")
        stored[key] = (s.start_ms, s.end_ms, s.episode, token_of(s.note))
        slot_of[s.id] = slot
    for r in snapshot.ratings:
        if names[r.coder_id] == SHARED:
            continue
        where = None if r.segment_id is None else slot_of[r.segment_id]
        key = ("rating", names[r.coder_id], r.video_id, where, r.dimension)
        stored[key] = (r.score, token_of(r.note))
        rating_versions[token_of(r.note)] = r.version
    return stored, wrong, rating_versions


def verify(study: Study, journals: dict[str, Journal]) -> Report:
    """Check the study against the journals (keyed by the writers' coder names)."""
    report = Report()
    edits = [e for j in journals.values() for e in j.edits]
    report.saved = sum(e.outcome == "saved" for e in edits)
    report.stale = sum(e.outcome == "stale" for e in edits)
    report.unconfirmed = sum(e.outcome == "unconfirmed" for e in edits)
    allowed = _allowed(journals, study.scheme.keys)
    stored, wrong, rating_versions = _stored(study, set(journals))
    for text in wrong:
        report.problem("phantom", text)
    for key in sorted(allowed.keys() | stored.keys(), key=str):
        value, choices = stored.get(key), allowed.get(key, [None])
        if value not in choices:
            kind = "phantom" if choices[0] is None else "lost"
            report.problem(kind, f"{key} holds {value}, expected one of {choices}")
    audit = [(e, json.loads(e.new)) for e in reversed(study.audit_log()) if e.new]
    tokens = Counter(token_of(new["note"]) for _, new in audit if new.get("note"))
    versions = {token_of(new["note"]): new.get("version") for _, new in audit if "note" in new}
    attempted = {e.token for e in edits}
    for edit in edits:
        found = tokens[edit.token] if edit.op in VALUE_OPS else 0
        if found > 1:
            report.problem("doubled", f"{edit.token} is in the audit log {found} times")
        elif edit.outcome == "saved" and edit.op in VALUE_OPS and found == 0:
            report.problem("lost", f"{edit.token} ({edit.op}) was reported saved; no audit row")
        elif edit.outcome == "stale" and found:
            report.problem("phantom", f"{edit.token} was refused as stale but is in the log")
        elif edit.outcome == "unconfirmed" and found:
            report.unconfirmed_committed += 1
    for token in tokens.keys() - attempted:
        if token.split("#")[0] in journals:
            report.problem("phantom", f"{token} is in the audit log but was never attempted")
    for token, version in rating_versions.items():
        if token not in versions:
            report.problem("phantom", f"rating {token}: no audit row made it")
        elif versions[token] != version:  # a save applied twice would leave a higher one
            report.problem(
                "doubled", f"rating {token}: version {version}, saved as {versions[token]}"
            )
    _check_shared(study, audit, edits, versions, report)
    _check_actions(study, edits, report)
    return report


def _check_shared(
    study: Study,
    audit: list[tuple[Any, dict[str, Any]]],
    edits: list[Edit],
    versions: dict[str, Any],
    report: Report,
) -> None:
    """Shared ratings: a version chain 1..n with no gap or repeat, ending at the stored one."""
    shared = study.coders.get(SHARED).id
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry, new in audit:
        if entry.action == "rating.set" and new["coder_id"] == shared:
            chains[new["dimension"]].append(new)
    stored = {r.dimension: r for r in study.ratings.all(coder_id=shared)}
    for dimension, chain in chains.items():
        if [new["version"] for new in chain] != list(range(1, len(chain) + 1)):
            seq = [new["version"] for new in chain]
            report.problem("lost", f"shared {dimension}: versions {seq[:50]} are not 1..n")
        last, rating = chain[-1], stored.get(dimension)
        if rating is None or (rating.version, rating.score, rating.note) != (
            len(chain), last["score"], last["note"]
        ):  # fmt: skip
            report.problem("lost", f"shared {dimension}: stored {rating}, last saved {last}")
    for edit in edits:
        if edit.op == "shared" and edit.outcome == "saved":
            expected = edit.result["seen"] + 1
            if (edit.result["ver"], versions.get(edit.token)) != (expected, expected):
                report.problem("lost", f"{edit.token}: saved as {edit.result}, audit differs")


def _check_actions(study: Study, edits: list[Edit], report: Report) -> None:
    """Count the menu actions; every video an action added is in the study once."""
    adds = []
    for edit in edits:
        if edit.op == "action":
            report.actions[edit.params["what"]] += edit.outcome == "saved"
            if edit.params["what"] == "add_videos":
                adds.append(edit)
    found = Counter(v.fingerprint for v in study.videos.all() if v.path is not None)
    for edit in adds:
        copies = found[edit.params["fp"]]
        added = edit.outcome == "saved" and edit.result["added"]
        report.videos_added += added
        if copies > 1:
            report.problem("doubled", f"{edit.token}: {edit.params['file']} added {copies} times")
        elif added and copies == 0:
            report.problem("lost", f"{edit.token}: {edit.params['file']} was added; not there")
    for print_ in found.keys() - {e.params["fp"] for e in adds}:
        report.problem("phantom", f"a video no action added, fingerprint {print_}")
