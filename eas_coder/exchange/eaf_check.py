"""A strict structural check of an .eaf against the EAF 3.0 format, without its XSD.

The EAF 3.0 schema (EAFv3.0.xsd) is published by the ELAN team at the URL every .eaf names,
but it is not in any package we can install and carries no licence statement that would let
us ship a copy, and a check must not need the network. So this checks what the XSD states
(the order and cardinality of the document's parts, required attributes, ID uniqueness and
every IDREF: time slots, tiers, linguistic types, constraints, vocabularies, languages,
annotations), plus what ELAN itself needs to open a file (aligned times on top-level tiers,
begin < end, a reference annotation pointing into its parent tier).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

# ANNOTATION_DOCUMENT's children, in the order the schema's sequence requires
ORDER = (
    "LICENSE", "HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE",
    "CONSTRAINT", "CONTROLLED_VOCABULARY", "LEXICON_REF", "REF_LINK_SET", "EXTERNAL_REF",
)  # fmt: skip
ONCE = ("HEADER", "TIME_ORDER")
STEREOTYPES = {"Time_Subdivision", "Symbolic_Subdivision", "Symbolic_Association", "Included_In"}
TIME_UNITS = {"milliseconds", "NTSC-frames", "PAL-frames"}


def check_eaf(path: Path) -> list[str]:
    """Every structural problem of the file, in words; an empty list when it is sound."""
    try:
        root = safe_parse(str(path)).getroot()
    except (ParseError, DefusedXmlException, OSError) as exc:
        return [f"not readable as XML: {exc}"]
    return check_document(root)


def _need(element: Element, names: tuple[str, ...], problems: list[str]) -> None:
    for name in names:
        if not element.get(name):
            problems.append(f"<{element.tag}> lacks the required attribute {name}")


def check_document(root: Element) -> list[str]:
    """The checks of ``check_eaf`` on a parsed document."""
    problems: list[str] = []
    if root.tag != "ANNOTATION_DOCUMENT":
        return [f"the root element is <{root.tag}>, not <ANNOTATION_DOCUMENT>"]
    if root.get("AUTHOR") is None:  # required, but may be empty (ELAN writes AUTHOR="")
        problems.append("<ANNOTATION_DOCUMENT> lacks the required attribute AUTHOR")
    _need(root, ("DATE", "VERSION"), problems)
    tags = [child.tag for child in root]
    positions = [ORDER.index(t) if t in ORDER else -1 for t in tags]
    for tag, position in zip(tags, positions, strict=True):
        if position < 0:
            problems.append(f"<{tag}> is not an element of an EAF document")
    if positions != sorted(positions):
        problems.append("the document's elements are not in the order EAF 3.0 requires")
    for tag in ONCE:
        if tags.count(tag) != 1:
            problems.append(f"an EAF document has exactly one <{tag}>, this has {tags.count(tag)}")
    if problems:
        return problems
    header = root.find("HEADER")
    assert header is not None
    if header.get("TIME_UNITS", "milliseconds") not in TIME_UNITS:
        problems.append(f"HEADER's TIME_UNITS {header.get('TIME_UNITS')!r} is not an EAF unit")
    for media in header.iter("MEDIA_DESCRIPTOR"):
        _need(media, ("MEDIA_URL", "MIME_TYPE"), problems)
    slots = _slots(root, problems)
    ids = _unique(root, problems)
    _types(root, ids, problems)
    _tiers(root, slots, ids, problems)
    return problems


def _slots(root: Element, problems: list[str]) -> dict[str, int | None]:
    slots: dict[str, int | None] = {}
    for slot in root.iter("TIME_SLOT"):
        ident = slot.get("TIME_SLOT_ID", "")
        value = slot.get("TIME_VALUE")
        if not ident or ident in slots:
            problems.append(f"time slot id {ident!r} is missing or used twice")
        if value is not None and not value.isdigit():
            problems.append(f"time slot {ident} has TIME_VALUE {value!r}, not whole ms ≥ 0")
            value = None
        slots[ident] = None if value is None else int(value)
    return slots


def _unique(root: Element, problems: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for tag, attribute in (
        ("TIER", "TIER_ID"),
        ("LINGUISTIC_TYPE", "LINGUISTIC_TYPE_ID"),
        ("CONSTRAINT", "STEREOTYPE"),
        ("CONTROLLED_VOCABULARY", "CV_ID"),
        ("LANGUAGE", "LANG_ID"),
        ("ANNOTATION", "ANNOTATION_ID"),
    ):
        seen: set[str] = set()
        elements = (
            [a for ann in root.iter("ANNOTATION") for a in ann]
            if tag == "ANNOTATION"
            else list(root.iter(tag))
        )
        for element in elements:
            value = element.get(attribute)
            if not value:
                problems.append(f"<{element.tag}> lacks the required attribute {attribute}")
            elif value in seen:
                problems.append(f"{attribute} {value!r} is used twice")
            else:
                seen.add(value)
        found[tag] = seen
    return found


def _types(root: Element, ids: dict[str, set[str]], problems: list[str]) -> None:
    for constraint in root.iter("CONSTRAINT"):
        if constraint.get("STEREOTYPE") not in STEREOTYPES:
            problems.append(f"constraint {constraint.get('STEREOTYPE')!r} is not an EAF stereotype")
    for kind in root.iter("LINGUISTIC_TYPE"):
        name = kind.get("LINGUISTIC_TYPE_ID")
        links = (
            ("CONSTRAINTS", "CONSTRAINT"),
            ("CONTROLLED_VOCABULARY_REF", "CONTROLLED_VOCABULARY"),
        )
        for attribute, pool in links:
            ref = kind.get(attribute)
            if ref is not None and ref not in ids[pool]:
                problems.append(f"linguistic type {name!r}: {attribute} {ref!r} is not defined")
        for flag in ("TIME_ALIGNABLE", "GRAPHIC_REFERENCES"):
            if kind.get(flag, "false") not in ("true", "false"):
                problems.append(f"linguistic type {name!r}: {flag} must be true or false")
    for cv in root.iter("CONTROLLED_VOCABULARY"):
        for value in cv.iter("CVE_VALUE"):
            if value.get("LANG_REF") not in ids["LANGUAGE"]:
                problems.append(f"vocabulary {cv.get('CV_ID')!r}: language not defined")
        for entry in cv.iter("CV_ENTRY_ML"):
            if not entry.get("CVE_ID") or not list(entry.iter("CVE_VALUE")):
                problems.append(f"vocabulary {cv.get('CV_ID')!r}: an entry has no id or value")


def _tiers(
    root: Element, slots: dict[str, int | None], ids: dict[str, set[str]], problems: list[str]
) -> None:
    owner: dict[str, str] = {}  # annotation id -> tier id
    for tier in root.iter("TIER"):
        for ann in tier.iter("ANNOTATION"):
            for one in ann:
                owner[one.get("ANNOTATION_ID", "")] = tier.get("TIER_ID", "")
    for tier in root.iter("TIER"):
        name, parent = tier.get("TIER_ID"), tier.get("PARENT_REF")
        if tier.get("LINGUISTIC_TYPE_REF") not in ids["LINGUISTIC_TYPE"]:
            problems.append(f"tier {name!r}: its linguistic type is not defined")
        if parent is not None and parent not in ids["TIER"]:
            problems.append(f"tier {name!r}: parent tier {parent!r} does not exist")
        for ann in tier.iter("ANNOTATION"):
            inner = list(ann)
            if len(inner) != 1 or inner[0].tag not in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
                problems.append(f"tier {name!r}: an ANNOTATION must hold one annotation")
                continue
            one = inner[0]
            where = f"tier {name!r}, annotation {one.get('ANNOTATION_ID')!r}"
            values = one.findall("ANNOTATION_VALUE")
            if len(values) != 1:
                problems.append(f"{where}: needs exactly one ANNOTATION_VALUE")
            if one.tag == "REF_ANNOTATION":
                ref = one.get("ANNOTATION_REF", "")
                if owner.get(ref) is None or (parent is not None and owner[ref] != parent):
                    problems.append(f"{where}: refers to {ref!r}, not an annotation of its parent")
                continue
            begin, end = (one.get(k, "") for k in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"))
            if begin not in slots or end not in slots:
                problems.append(f"{where}: refers to a time slot that does not exist")
                continue
            t1, t2 = slots[begin], slots[end]
            if parent is None and (t1 is None or t2 is None):
                problems.append(f"{where}: a top-level annotation needs aligned times")
            elif t1 is not None and t2 is not None and t2 <= t1:
                problems.append(f"{where}: ends at {t2} ms, not after it begins ({t1} ms)")
