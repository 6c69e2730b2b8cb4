"""Read an ELAN .eaf: the chosen tier's annotations as spans, through pympi-ling.

pympi-ling (the reader the field's scripts use) parses the document and keeps ELAN's model:
time slots (aligned or not), alignable and reference annotations, tiers and their parents.
Before it, defusedxml reads the file once, refusing entity tricks and giving a person the
line and column of broken XML (pympi says only "Unable to parse eaf"), and the references
pympi would follow blindly (time slots, parent annotations) are checked here, so a damaged
file is named, never a KeyError.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from eas_coder.exchange.segment_sources import (
    Problem,
    ReadResult,
    SegmentSource,
    SourceSpan,
    media_name,
)

if TYPE_CHECKING:  # pympi loads with the first .eaf read, not with the window
    from pympi.Elan import Eaf

_SCHEMA_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"


def note_tier(tier: str) -> str:
    """The child tier EAS Coder writes a segment tier's notes to (and reads them from)."""
    return f"note ({tier})"


def _parse_safely(path: Path) -> tuple[Element | None, Problem | None]:
    try:
        root = safe_parse(str(path)).getroot()
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        why = str(exc).split(":")[0]
        return None, Problem(path.name, f"not valid XML ({why}) at line {line}, column {column}")
    except DefusedXmlException:
        return None, Problem(path.name, "declares XML entities or a DTD, which ELAN never writes")
    except OSError as exc:
        return None, Problem(path.name, f"cannot be read ({exc.strerror or exc})")
    if root.tag != "ANNOTATION_DOCUMENT":
        return None, Problem(path.name, f"is not an ELAN file (its root is <{root.tag}>)")
    if _SCHEMA_LOCATION not in root.attrib:
        # pympi-ling 1.71 deletes this attribute unconditionally (a KeyError without it)
        return None, Problem(
            path.name,
            "has no xsi:noNamespaceSchemaLocation, which every file ELAN saves has: "
            "open it in ELAN and save it again",
        )
    return root, None


def _reference_problems(root: Element, path: Path) -> list[Problem]:
    """Broken links inside the document, before pympi follows them."""
    slots: dict[str, str | None] = {}
    for slot in root.iter("TIME_SLOT"):
        value = slot.get("TIME_VALUE")
        if value is not None and not value.strip().isdigit():
            return [Problem(path.name, f"time slot {slot.get('TIME_SLOT_ID')} has no whole ms")]
        slots[slot.get("TIME_SLOT_ID", "")] = value
    annotations = {a.get("ANNOTATION_ID") for a in root.iter("ALIGNABLE_ANNOTATION")}
    annotations |= {a.get("ANNOTATION_ID") for a in root.iter("REF_ANNOTATION")}
    problems = []
    for ann in root.iter("ALIGNABLE_ANNOTATION"):
        for ref in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"):
            if ann.get(ref) not in slots:
                why = f"refers to time slot {ann.get(ref)!r}, which the file does not have"
                problems.append(Problem(f"{path.name}, annotation {ann.get('ANNOTATION_ID')}", why))
    for ann in root.iter("REF_ANNOTATION"):
        if ann.get("ANNOTATION_REF") not in annotations:
            why = f"refers to annotation {ann.get('ANNOTATION_REF')!r}, which does not exist"
            problems.append(Problem(f"{path.name}, annotation {ann.get('ANNOTATION_ID')}", why))
    for tier in root.iter("TIER"):
        if tier.get("TIER_ID") is None or tier.get("LINGUISTIC_TYPE_REF") is None:
            problems.append(Problem(path.name, "a tier has no TIER_ID or LINGUISTIC_TYPE_REF"))
    return problems


def read_eaf(path: Path, tier: str | None, coder: str) -> ReadResult:
    """The spans of one tier: ``tier``, else a tier named as the coder, else the only tier
    holding annotations. Unaligned boundaries and broken references are problems."""
    root, problem = _parse_safely(path)
    if root is None:
        return ReadResult(problems=[problem] if problem else [])
    problems = _reference_problems(root, path)
    if problems:
        return ReadResult(problems=problems)
    from pympi.Elan import Eaf

    try:
        eaf = Eaf(str(path), suppress_version_warning=True)
    except Exception as exc:  # pympi raises bare Exception, KeyError, ValueError
        return ReadResult(problems=[Problem(path.name, f"ELAN's reader refused it ({exc!r})")])
    chosen = _choose_tier(eaf, tier, coder, path)
    if isinstance(chosen, Problem):
        return ReadResult(problems=[chosen])
    spans, problems = _spans(eaf, chosen, path)
    media = tuple(
        media_name(str(d.get(key)))
        for d in eaf.media_descriptors
        for key in ("MEDIA_URL", "RELATIVE_MEDIA_URL")
        if d.get(key)
    )
    source = SegmentSource(path, "", tuple(dict.fromkeys(media)), tuple(spans))
    return ReadResult([source], problems)


def tier_names(eaf: Eaf) -> list[str]:
    """Tier ids in the file's order."""
    return list(eaf.tiers)


def _choose_tier(eaf: Eaf, tier: str | None, coder: str, path: Path) -> str | Problem:
    names = tier_names(eaf)
    listed = ", ".join(names) or "none"
    if tier is not None:
        if tier in names:
            return tier
        folded = [n for n in names if n.casefold() == tier.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        return Problem(path.name, f"has no tier {tier!r}; its tiers: {listed}")
    if coder in names:
        return coder
    used = [n for n in names if eaf.tiers[n][0] or eaf.tiers[n][1]]
    if len(used) == 1:
        return used[0]
    return Problem(path.name, f"holds several tiers; choose one with --tier ({listed})")


def _aligned(eaf: Eaf, annotation: str, seen: int = 0) -> tuple[Any, Any] | None:
    """The time slots of the alignable annotation a reference chain ends at."""
    if seen > 50:  # a reference cycle
        return None
    tier = eaf.tiers.get(eaf.annotations.get(annotation, ""))
    if tier is None:
        return None
    if annotation in tier[0]:
        return tier[0][annotation][0], tier[0][annotation][1]
    if annotation in tier[1]:
        return _aligned(eaf, tier[1][annotation][0], seen + 1)
    return None


def _spans(eaf: Eaf, tier: str, path: Path) -> tuple[list[SourceSpan], list[Problem]]:
    aligned, referring, _attrs, _n = eaf.tiers[tier]
    notes: dict[str, str] = {}
    if note_tier(tier) in eaf.tiers:
        for _aid, (ref, value, _prev, _svg) in eaf.tiers[note_tier(tier)][1].items():
            notes[ref] = value or ""
    spans, problems = [], []
    entries: list[tuple[str, tuple[Any, Any] | None, str]]
    entries = [(aid, (a[0], a[1]), a[2]) for aid, a in aligned.items()]
    entries += [(aid, _aligned(eaf, aid), r[1]) for aid, r in referring.items()]
    for aid, slots, value in entries:
        where = f"{path.name}, annotation {aid} (tier {tier!r}, {value or ''!r})"
        if slots is None:
            problems.append(Problem(where, "its reference chain leads to no aligned annotation"))
            continue
        start, end = (eaf.timeslots.get(s) for s in slots)
        if start is None or end is None:
            problems.append(
                Problem(
                    where,
                    "has no time of its own: a boundary is an unaligned time slot (ELAN "
                    "only shows it interpolated); align it in ELAN, or choose another tier",
                )
            )
            continue
        label = (value or "").strip() or None
        spans.append(SourceSpan(where, float(start), float(end), label, notes.get(aid, "")))
    spans.sort(key=lambda s: (s.start_ms, s.end_ms))
    return spans, problems
