"""What the scheme editor edits: a mutable draft of a Scheme (no Qt here).

The draft is turned into a Scheme, written as TOML (``eas_coder.scheme_write``) and read
back with the reader's strict checks; their key path (``dimensions[2].max``) is put into
words naming the field ("Dimension “Sensitivity” › Maximum"). Entries that stored work may
use keep their key (``stored``): only new ones get a key from their label.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from eas_coder.errors import SchemeError
from eas_coder.scheme import Band, Dimension, Episode, Item, Scale, Scheme, parse_scheme
from eas_coder.scheme_write import scheme_to_toml

SOURCE = "the edited scheme"
FIELDS = {
    "label": "Label",
    "key": "Key",
    "min": "Minimum",
    "max": "Maximum",
    "step": "Step",
    "levels": "Zone levels",
    "derive": "Score",
    "items": "Items",
    "side": "Side",
    "type": "Type",
    "id": "Id",
    "name": "Name",
    "version": "Version label",
    "description": "Description",
    "bands_note": "Bands note",
}
Node = tuple[Literal["scheme", "bands", "episodes", "dimension"], int]


@dataclass
class EntryDraft:
    """A band or an episode."""

    key: str
    label: str
    stored: bool = False


@dataclass
class ItemDraft:
    key: str
    label: str
    minimum: float
    maximum: float
    step: float
    stored: bool = False


@dataclass
class DimensionDraft:
    key: str
    label: str
    side: str = "adult"
    kind: str = "score"  # or "zone"
    minimum: float = 1.0
    maximum: float = 7.0
    step: float = 1.0
    levels: list[str] = field(default_factory=list)
    derive: str | None = None
    items: list[ItemDraft] = field(default_factory=list)
    cutoffs: dict[str, float | None] = field(default_factory=dict)  # band key -> lower bound
    cutoffs_source: str = ""
    anchors: list[tuple[float, str]] = field(default_factory=list)
    description: str = ""
    stored: bool = False

    def name(self) -> str:
        return self.label.strip() or self.key


def slug(label: str, taken: set[str], fallback: str) -> str:
    """A key from a label (letters, digits, '_'), unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_") or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@dataclass
class SchemeDraft:
    id: str
    name: str
    version: str
    description: str = ""
    bands_note: str = ""
    overlapping: bool = False
    bands: list[EntryDraft] = field(default_factory=list)
    episodes: list[EntryDraft] = field(default_factory=list)
    dimensions: list[DimensionDraft] = field(default_factory=list)

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> SchemeDraft:
        def dim(d: Dimension) -> DimensionDraft:
            return DimensionDraft(
                d.key, d.label, d.side, d.kind, d.scale.minimum, d.scale.maximum, d.scale.step,
                list(d.levels), d.derive,
                [ItemDraft(i.key, i.label, *_scale(i.scale), stored=True) for i in d.items],
                {b.key: dict(d.cutoffs).get(b.key) for b in scheme.bands[1:]},
                d.cutoffs_source, list(d.anchors), d.description, stored=True,
            )  # fmt: skip

        return cls(
            scheme.id, scheme.name, scheme.version, scheme.description, scheme.bands_note,
            scheme.overlapping_segments,
            [EntryDraft(b.key, b.label, True) for b in scheme.bands],
            [EntryDraft(e.key, e.label, True) for e in scheme.episodes],
            [dim(d) for d in scheme.dimensions],
        )  # fmt: skip

    # -- edits that keep the parts in step ------------------------------------------------------

    def add_dimension(self, label: str = "New dimension") -> DimensionDraft:
        key = slug(label, {d.key for d in self.dimensions}, "dimension")
        dim = DimensionDraft(key, label, step=0.5, cutoffs=dict.fromkeys(self.band_keys()[1:]))
        self.dimensions.append(dim)
        return dim

    def add_item(self, dim: DimensionDraft) -> ItemDraft:
        taken = {i.key for i in dim.items}
        n = len(dim.items) + 1
        while f"item_{n}" in taken:
            n += 1
        # a new item starts on its dimension's range, which a sum or mean keeps on the grid
        low, high, step = (
            (dim.items[-1].minimum, dim.items[-1].maximum, dim.items[-1].step)
            if dim.items
            else (dim.minimum, dim.maximum, dim.step)
        )
        item = ItemDraft(f"item_{n}", f"Item {n}", low, high, step)
        dim.items.append(item)
        return item

    def add_entry(self, entries: list[EntryDraft], label: str, fallback: str) -> EntryDraft:
        entry = EntryDraft(slug(label, {e.key for e in entries}, fallback), label)
        entries.append(entry)
        self.sync_cutoffs()
        return entry

    def band_keys(self) -> list[str]:
        return [b.key for b in self.bands]

    def sync_cutoffs(self) -> None:
        """Every dimension's cut-offs name exactly the bands after the first (a band added
        starts unset; one removed takes its cut-offs with it)."""
        keys = self.band_keys()[1:]
        for dim in self.dimensions:
            dim.cutoffs = {k: dim.cutoffs.get(k) for k in keys}

    # -- to a Scheme, TOML, and checked ---------------------------------------------------------

    def to_scheme(self) -> Scheme:
        """The Scheme as typed (unchecked: ``check`` reads it back strictly)."""
        band_keys = self.band_keys()[1:]

        def dim(d: DimensionDraft) -> Dimension:
            anchors = tuple(sorted((s, t) for s, t in d.anchors))
            if d.kind == "zone":
                levels = tuple(v.strip() for v in d.levels if v.strip())
                scale = Scale(1.0, float(max(len(levels), 1)), 1.0)
                return Dimension(
                    d.key.strip(), d.label.strip(), d.side, scale,  # type: ignore[arg-type]
                    anchors=anchors, description=d.description.strip(), kind="zone",
                    levels=levels,
                )  # fmt: skip
            items = tuple(
                Item(i.key.strip(), i.label.strip(), Scale(i.minimum, i.maximum, i.step))
                for i in d.items
            )
            cutoffs = tuple((k, low) for k in band_keys if (low := d.cutoffs.get(k)) is not None)
            return Dimension(
                d.key.strip(), d.label.strip(), d.side,  # type: ignore[arg-type]
                Scale(d.minimum, d.maximum, d.step), items, cutoffs, anchors,
                d.description.strip(), d.derive,  # type: ignore[arg-type]
                cutoffs_source=d.cutoffs_source.strip() if self.bands else "",
            )  # fmt: skip

        return Scheme(
            id=self.id,
            name=self.name.strip(),
            version=self.version.strip(),
            description=self.description.strip(),
            bands_note=self.bands_note.strip() if self.bands else "",
            overlapping_segments=self.overlapping,
            bands=tuple(Band(b.key.strip(), b.label.strip()) for b in self.bands),
            episodes=tuple(Episode(e.key.strip(), e.label.strip()) for e in self.episodes),
            dimensions=tuple(dim(d) for d in self.dimensions),
        )

    def to_toml(self) -> str:
        return scheme_to_toml(self.to_scheme())

    def check(self) -> tuple[Scheme | None, str, Node | None]:
        """The checked Scheme, or None with the first problem in words and where it is."""
        try:
            return parse_scheme(self.to_toml(), source=SOURCE, strict=True), "", None
        except SchemeError as exc:
            where = exc.where.removeprefix("key ")
            problem = exc.problem
            if problem in ("must be a number", "must be a finite number"):
                problem = "type a number (such as 4 or 5.5)"
            return None, f"{self.describe(where)}: {problem}", self.node_of(where)

    # -- naming a key path in words -------------------------------------------------------------

    def node_of(self, where: str) -> Node | None:
        """The editor page a key path belongs to."""
        head = re.match(r"(\w+)(?:\[(\d+)\])?", where)
        if head is None:
            return None
        name, index = head.group(1), int(head.group(2) or 0)
        if name == "dimensions":
            return ("dimension", index) if head.group(2) else ("dimension", 0)
        if name in ("bands", "episodes"):
            return (name, 0)  # type: ignore[return-value]
        return ("scheme", 0)

    def describe(self, where: str) -> str:
        """``dimensions[0].items[1].max`` as "Dimension “Sensitivity” › item “Warmth” ›
        Maximum"."""
        words: list[str] = []
        dim: DimensionDraft | None = None
        parts = where.split(".")
        for n, part in enumerate(parts):
            match = re.fullmatch(r"(\w+)\[(\d+)\]", part)
            if match:
                kind, index = match.group(1), int(match.group(2))
                if kind == "dimensions" and index < len(self.dimensions):
                    dim = self.dimensions[index]
                    words.append(f"Dimension “{dim.name()}”")
                elif kind == "items" and dim is not None and index < len(dim.items):
                    words.append(f"item “{dim.items[index].label.strip() or index + 1}”")
                elif kind == "bands" and index < len(self.bands):
                    words.append(f"Band “{self.bands[index].label.strip() or index + 1}”")
                elif kind == "episodes" and index < len(self.episodes):
                    words.append(f"Episode “{self.episodes[index].label.strip() or index + 1}”")
                else:
                    words.append(f"{kind.capitalize()} {index + 1}")
                continue
            if part in ("cutoffs", "anchors"):
                rest = ".".join(parts[n + 1 :])
                words.append("Cut-offs" if part == "cutoffs" else "Anchors")
                if part == "cutoffs" and rest:
                    labels = {b.key: b.label for b in self.bands}
                    words.append("Source" if rest == "source" else labels.get(rest, rest))
                elif rest:
                    words.append(f"score {rest}")
                break
            words.append(FIELDS.get(part, part.capitalize()) if part != "scheme" else "Scheme")
        return " › ".join(words) or "The scheme"


def _scale(scale: Scale) -> tuple[float, float, float]:
    return scale.minimum, scale.maximum, scale.step


def parse_number(text: str) -> float:
    """A number typed in a table cell (a decimal comma too); NaN when it is none, which the
    check names as "type a number"."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return math.nan
    return value


def in_labels(message: str, scheme: Scheme) -> str:
    """A refusal from the core names stored work by key; say the labels people see too."""
    for dim in scheme.dimensions:
        message = message.replace(
            f"dimension {dim.key!r} (", f"dimension “{dim.label}” ({dim.key}, "
        )
        message = message.replace(f" of {dim.key!r} (", f" of “{dim.label}” (")
    for episode in scheme.episodes:
        message = message.replace(
            f"episode {episode.key!r} (", f"episode “{episode.label}” ({episode.key}, "
        )
    return message
