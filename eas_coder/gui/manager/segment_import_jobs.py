"""The background work behind File ▸ Import Segments…, as plain functions on plain data (no Qt):
what a file or folder offers to choose (ELAN tiers, BORIS state behaviours), the preview
(``segment_import.preview``) for the choices made, and the import itself, which previews
again in its own connection and writes only if the study still gives the plan shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from eas_coder.exchange.segment_import import (
    SegmentImportPlan,
    SegmentImportRejected,
    apply,
    preview,
    segment_files,
)
from eas_coder.exchange.segment_sources import Problem
from eas_coder.location import Location
from eas_coder.store.study import Study

Progress = Callable[[str, int, int], None]
LISTED_FILES = 200  # a folder's choices come from its first files: names repeat across files


@dataclass(frozen=True)
class ImportRequest:
    """What the person chose in the dialog (None: let the import decide, as the CLI does)."""

    path: Path
    coder: str
    video_id: int | None = None  # None: matched by the files' names
    tier: str | None = None
    behaviour: str | None = None
    episode: str | None = None  # one label for every segment, instead of the file's values


@dataclass
class Look:
    """What the file offers to choose, and the preview for the choices made."""

    tiers: list[tuple[str, int]] = field(default_factory=list)  # (tier, annotations)
    behaviours: list[str] = field(default_factory=list)  # state behaviours of the ethogram
    plan: SegmentImportPlan | None = None


@dataclass(frozen=True)
class Imported:
    """What the import wrote, in plain numbers for the message."""

    segments: int
    skipped: int
    coder: str
    videos: int


def eaf_tiers(path: Path) -> list[tuple[str, int]]:
    """The tiers of an .eaf with their annotation counts, in the file's order; none when it
    cannot be read (the preview then names the problem)."""
    try:
        root = safe_parse(str(path)).getroot()
    except (ParseError, DefusedXmlException, OSError):
        return []
    tiers = []
    for tier in root.iter("TIER"):
        name = tier.get("TIER_ID")
        if name:
            tiers.append((name, sum(1 for _ in tier.iter("ANNOTATION"))))
    return tiers


def boris_behaviours(path: Path) -> list[str]:
    """The state behaviours (START/STOP: the ones that make segments) of a BORIS ethogram."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    conf = data.get("behaviors_conf") if isinstance(data, dict) else None
    if not isinstance(conf, dict):
        return []
    found = []
    for key in sorted(conf, key=lambda k: (len(str(k)), str(k))):  # "0", "1", … "10"
        entry = conf[key]
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("code"), str)
            and "state" in str(entry.get("type", "")).casefold()
        ):
            found.append(entry["code"])
    return found


def choices(path: Path) -> Look:
    """Tiers and behaviours of a file, or of a folder's files (each name once, first seen
    first)."""
    look = Look()
    files = segment_files(path) if path.exists() else []
    tiers: dict[str, int] = {}
    behaviours: dict[str, None] = {}
    for file in files[:LISTED_FILES]:
        suffix = file.suffix.lower()
        if suffix == ".eaf":
            for name, count in eaf_tiers(file):
                tiers[name] = tiers.get(name, 0) + count
        elif suffix == ".boris":
            behaviours.update(dict.fromkeys(boris_behaviours(file)))
    look.tiers = list(tiers.items())
    look.behaviours = list(behaviours)
    return look


def plan_for(study: Study, request: ImportRequest, progress: Progress) -> SegmentImportPlan:
    """The core's preview for the dialog's choices."""
    return preview(
        study, request.path, request.coder, video=request.video_id, tier=request.tier,
        behaviour=request.behaviour, episode=request.episode, progress=progress,
    )  # fmt: skip


def look(location: Location, actor: str, request: ImportRequest, progress: Progress) -> Look:
    """Choices and preview, in this thread's own connection (read only: no backup)."""
    found = choices(request.path)
    with Study.open(location, actor, backup=False) as study:
        found.plan = plan_for(study, request, progress)
    return found


def import_segments(
    location: Location,
    actor: str,
    request: ImportRequest,
    shown: SegmentImportPlan,
    progress: Progress,
) -> Imported:
    """Preview again and write, in one transaction, only the plan the person saw; anything
    else (the study or the file changed meanwhile) is refused and nothing is written."""
    with Study.open(location, actor) as study:
        plan = plan_for(study, request, progress)
        if plan.problems:
            raise SegmentImportRejected(plan.problems)
        if plan.segments != shown.segments or plan.skipped != shown.skipped:
            why = (
                "the study or the file changed since the preview was shown; open Import "
                "Segments again and look at the new preview"
            )
            raise SegmentImportRejected([Problem(request.path.name, why)])
        result = apply(study, plan, progress=progress)
    coder = plan.coder.name if plan.coder else request.coder
    videos = len({p.video_id for p in plan.segments})
    return Imported(len(result.segments), result.skipped, coder, videos)
