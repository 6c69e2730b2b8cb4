"""Reading a scheme's TOML tree into the types of ``eas_coder.scheme_types``
(``eas_coder.scheme.parse_scheme`` calls it).

Every problem is reported with the file and the key path (``dimensions[2].max``), so a lab
editing its own scheme can find the mistake.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from eas_coder.errors import SchemeError
from eas_coder.scheme_types import (
    DERIVE_RULES,
    MAX_BANDS,
    MAX_DIMENSIONS,
    MAX_EPISODES,
    MAX_ITEMS,
    MAX_STEPS,
    RATING_TYPES,
    SIDES,
    STEP_TOLERANCE,
    Band,
    Dimension,
    Episode,
    Item,
    Scale,
    Scheme,
)

# Keys each table may hold; anything else in a scheme file is a typo worth refusing, since
# the study would otherwise freeze the mistake into its snapshot.
_KNOWN_KEYS = {
    "": {"scheme", "dimensions", "bands", "episodes"},
    "scheme": {"id", "name", "version", "description", "bands_note", "overlapping_segments"},
    "dimension": {
        "key",
        "label",
        "side",
        "min",
        "max",
        "step",
        "items",
        "cutoffs",
        "anchors",
        "description",
        "derive",
        "type",
        "levels",
    },
    "item": {"key", "label", "min", "max", "step"},
    "band": {"key", "label"},
    "episode": {"key", "label"},
}


class SchemeReader:
    """Walks the TOML tree, reporting the key path of the first problem."""

    def __init__(self, source: str, strict: bool = True) -> None:
        self.source = source
        self.strict = strict

    def known(self, data: Mapping[str, Any], kind: str, where: str) -> None:
        if not self.strict:
            return
        for key in data:
            if key not in _KNOWN_KEYS[kind]:
                allowed = ", ".join(sorted(_KNOWN_KEYS[kind]))
                raise self.fail(f"{where}{key}", f"unknown key (allowed here: {allowed})")

    def fail(self, where: str, problem: str) -> SchemeError:
        return SchemeError(self.source, f"key {where}", problem)

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{where}{key}", "missing table" if value is None else "not a table")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, int) and not isinstance(value, bool) and key == "version":
            return str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            problem = "missing" if value is None else "must be a non-empty string"
            raise self.fail(f"{where}{key}", problem)
        return value.strip()

    def flag(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{key}", "must be true or false")
        return value

    def number(self, data: Mapping[str, Any], key: str, where: str) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where}{key}", "missing" if value is None else "must be a number")
        if not math.isfinite(value):
            raise self.fail(f"{where}{key}", "must be a finite number")
        return float(value)

    def ident(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = self.text(data, key, where)
        if not value.replace("_", "").replace("-", "").isalnum() or not value.isascii():
            raise self.fail(
                f"{where}{key}", f"{value!r} must use only letters, digits, '_' and '-'"
            )
        return value

    def scale(self, data: Mapping[str, Any], where: str) -> Scale:
        low = self.number(data, "min", where)
        high = self.number(data, "max", where)
        step = self.number(data, "step", where) if "step" in data else 1.0
        if high <= low:
            raise self.fail(f"{where}max", f"max {high:g} must be greater than min {low:g}")
        if step <= 0:
            raise self.fail(f"{where}step", "step must be positive")
        count = (high - low) / step
        if not math.isfinite(count) or count > MAX_STEPS:
            raise self.fail(f"{where}step", f"more than {MAX_STEPS} points between min and max")
        if abs(count - round(count)) > STEP_TOLERANCE:
            raise self.fail(f"{where}step", f"{high - low:g} (max - min) is not a multiple of step")
        return Scale(low, high, step)

    def unique(self, keys: list[str], where: str) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key in seen:
                raise self.fail(f"{where}[{index}].key", f"duplicate key {key!r}")
            seen.add(key)

    def array(self, data: Mapping[str, Any], key: str, required: bool) -> list[dict[str, Any]]:
        value = data.get(key, None)
        if value is None:
            if required:
                raise self.fail(key, "missing: the scheme needs at least one entry")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"must be an array of tables ([[{key}]])")
        if required and not value:
            raise self.fail(key, "needs at least one entry")
        return value

    def sizes(self, data: dict[str, Any]) -> None:
        """Refuse an oversized scheme before building it, naming the limit (new schemes
        only: a study's stored snapshot keeps opening)."""
        for array, limit in (
            ("dimensions", MAX_DIMENSIONS),
            ("episodes", MAX_EPISODES),
            ("bands", MAX_BANDS),
        ):
            value = data.get(array)
            if isinstance(value, list) and len(value) > limit:
                raise self.fail(array, f"{len(value):,} entries, more than {limit} (the limit)")
        for i, dim in enumerate(data.get("dimensions") or []):
            items = dim.get("items") if isinstance(dim, dict) else None
            if isinstance(items, list) and len(items) > MAX_ITEMS:
                raise self.fail(
                    f"dimensions[{i}].items",
                    f"{len(items):,} items, more than {MAX_ITEMS} (the limit)",
                )

    def scheme(self, data: dict[str, Any], text: str) -> Scheme:
        if self.strict:
            self.sizes(data)
        self.known(data, "", "")
        head = self.table(data, "scheme", "")
        self.known(head, "scheme", "scheme.")
        for kind, array in (
            ("band", "bands"),
            ("episode", "episodes"),
            ("dimension", "dimensions"),
        ):
            for i, entry in enumerate(self.array(data, array, required=kind == "dimension")):
                self.known(entry, kind, f"{array}[{i}].")
                for j, item in enumerate(entry.get("items", []) if kind == "dimension" else []):
                    if isinstance(item, dict):
                        self.known(item, "item", f"{array}[{i}].items[{j}].")
        bands = tuple(
            Band(self.ident(b, "key", f"bands[{i}]."), self.text(b, "label", f"bands[{i}]."))
            for i, b in enumerate(self.array(data, "bands", required=False))
        )
        self.unique([b.key for b in bands], "bands")
        for i, band in enumerate(bands):
            if band.key == "source":  # the cut-off tables' citation key
                raise self.fail(f"bands[{i}].key", '"source" is reserved; name the band otherwise')
        episodes = tuple(
            Episode(
                self.ident(e, "key", f"episodes[{i}]."), self.text(e, "label", f"episodes[{i}].")
            )
            for i, e in enumerate(self.array(data, "episodes", required=False))
        )
        self.unique([e.key for e in episodes], "episodes")
        dims = tuple(
            self.dimension(d, f"dimensions[{i}].", bands)
            for i, d in enumerate(self.array(data, "dimensions", required=True))
        )
        self.unique([d.key for d in dims], "dimensions")
        return Scheme(
            id=self.ident(head, "id", "scheme."),
            name=self.text(head, "name", "scheme."),
            version=self.text(head, "version", "scheme."),
            description=self.text(head, "description", "scheme.", required=False),
            bands_note=self.text(head, "bands_note", "scheme.", required=False),
            overlapping_segments=self.flag(head, "overlapping_segments", "scheme."),
            dimensions=dims,
            bands=bands,
            episodes=episodes,
            source_text=text,
        )

    def dimension(self, data: dict[str, Any], where: str, bands: tuple[Band, ...]) -> Dimension:
        side = self.text(data, "side", where)
        if side not in SIDES:
            raise self.fail(f"{where}side", f"{side!r} must be one of {', '.join(SIDES)}")
        kind = data.get("type", "score")
        if kind not in RATING_TYPES:
            raise self.fail(f"{where}type", f"{kind!r} must be one of {', '.join(RATING_TYPES)}")
        if kind == "zone":
            return self.zone(data, where, side)
        derive = data.get("derive")
        if derive is not None and derive not in DERIVE_RULES:
            rules = " or ".join(f'"{r}"' for r in DERIVE_RULES)
            raise self.fail(f"{where}derive", f"{derive!r} must be {rules} (or leave it out)")
        items = tuple(
            Item(
                self.ident(it, "key", f"{where}items[{j}]."),
                self.text(it, "label", f"{where}items[{j}]."),
                self.scale(it, f"{where}items[{j}]."),
            )
            for j, it in enumerate(self.array_in(data, "items", where))
        )
        self.unique([it.key for it in items], f"{where}items")
        scale = (
            self.scale(data, where) if derive is None else self.derived(data, where, items, derive)
        )
        cutoffs, source = self.cutoffs(data, where, bands, scale)
        return Dimension(
            key=self.ident(data, "key", where),
            label=self.text(data, "label", where),
            side=side,  # checked against SIDES above
            scale=scale,
            items=items,
            cutoffs=cutoffs,
            anchors=self.anchors(data, where, scale),
            description=self.text(data, "description", where, required=False),
            derive=derive,
            cutoffs_source=source,
        )

    def derived(
        self, data: dict[str, Any], where: str, items: tuple[Item, ...], rule: str
    ) -> Scale:
        """The scale a sum or mean of the items' scores lives on (a grid only when the items
        share one step); min / max / step given in the file must agree with it."""
        if not items:
            raise self.fail(f"{where}derive", f"a {rule} of items needs [[dimensions.items]]")
        step = items[0].scale.step
        if any(abs(i.scale.step - step) > STEP_TOLERANCE for i in items):
            raise self.fail(f"{where}items", f"a {rule} of items needs every item on the same step")
        count = len(items) if rule == "mean" else 1
        low = sum(i.scale.minimum for i in items) / count
        high = sum(i.scale.maximum for i in items) / count
        scale = Scale(round(low, 9), round(high, 9), round(step / count, 9))
        if (high - low) / scale.step > MAX_STEPS:
            raise self.fail(
                f"{where}items", f"the {rule} has more than {MAX_STEPS} possible values"
            )
        for key, value in (("min", scale.minimum), ("max", scale.maximum), ("step", scale.step)):
            if key in data and abs(self.number(data, key, where) - value) > STEP_TOLERANCE:
                raise self.fail(
                    f"{where}{key}",
                    f"the {rule} of the items gives {key} {value:g}; leave {key} out "
                    "or make it agree",
                )
        return scale

    def zone(self, data: dict[str, Any], where: str, side: str) -> Dimension:
        """Ordered labels, lowest first, stored as 1..n (a zone has no range of its own)."""
        for key in ("min", "max", "step", "items", "cutoffs", "derive"):
            if key in data:
                raise self.fail(
                    f"{where}{key}", "a zone has no " + key + ": its levels are stored as 1..n"
                )
        raw = data.get("levels")
        if (
            not isinstance(raw, list)
            or not 2 <= len(raw) <= MAX_BANDS
            or not all(isinstance(v, str) and v.strip() for v in raw)
        ):
            raise self.fail(
                f"{where}levels",
                f"a zone needs 2 to {MAX_BANDS} labels, lowest first, e.g. "
                'levels = ["Problematic", "Detached", "Complicated", "Emotionally available"]',
            )
        levels = tuple(v.strip() for v in raw)
        if len({v.casefold() for v in levels}) != len(levels):
            raise self.fail(f"{where}levels", "a label appears twice")
        scale = Scale(1.0, float(len(levels)), 1.0)
        return Dimension(
            key=self.ident(data, "key", where),
            label=self.text(data, "label", where),
            side=side,  # type: ignore[arg-type]  # checked against SIDES by the caller
            scale=scale,
            anchors=self.anchors(data, where, scale),
            description=self.text(data, "description", where, required=False),
            kind="zone",
            levels=levels,
        )

    def array_in(self, data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{where}{key}", "must be an array of tables")
        return value

    def cutoffs(
        self, data: dict[str, Any], where: str, bands: tuple[Band, ...], scale: Scale
    ) -> tuple[tuple[tuple[str, float], ...], str]:
        """The lower bound of each band after the first, and their ``source`` (citation).
        An empty table (``cutoffs = {}``) is a lab's cut-offs still to be filled in."""
        raw = data.get("cutoffs")
        if raw is None:
            if bands:
                raise self.fail(
                    f"{where}cutoffs",
                    "the scheme defines bands; give cut-offs (or cutoffs = {} until your "
                    "lab has them)",
                )
            return (), ""
        if not bands:
            raise self.fail(f"{where}cutoffs", "cut-offs given but the scheme has no [[bands]]")
        if not isinstance(raw, dict):
            raise self.fail(f"{where}cutoffs", "must be a table of band = lower bound")
        raw = dict(raw)
        source = raw.pop("source", "")
        if not isinstance(source, str):
            raise self.fail(f"{where}cutoffs.source", "must be text: where the cut-offs come from")
        if not raw:
            return (), source.strip()
        expected = [b.key for b in bands[1:]]
        if sorted(raw) != sorted(expected):
            raise self.fail(
                f"{where}cutoffs",
                f"give a lower bound for exactly these bands: {', '.join(expected)}",
            )
        result: list[tuple[str, float]] = []
        previous = scale.minimum
        for key in expected:
            typed = self.number(raw, key, f"{where}cutoffs.")
            near = scale.point_near(typed)  # "4.67" on a grid of thirds is 14/3
            lower = typed if near is None else near
            if not previous < lower <= scale.maximum:
                raise self.fail(
                    f"{where}cutoffs.{key}",
                    f"{lower:g} must be above the previous band's start ({previous:g}) "
                    f"and at most max ({scale.maximum:g})",
                )
            if near is None:
                raise self.fail(f"{where}cutoffs.{key}", f"{typed:g} is not a point of the scale")
            result.append((key, lower))
            previous = lower
        return tuple(result), source.strip()

    def anchors(
        self, data: dict[str, Any], where: str, scale: Scale
    ) -> tuple[tuple[float, str], ...]:
        raw = data.get("anchors")
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            raise self.fail(f"{where}anchors", 'must be a table such as { "1" = "text" }')
        result: list[tuple[float, str]] = []
        for point, note in raw.items():
            try:
                value = float(point)
            except ValueError:
                raise self.fail(f"{where}anchors.{point}", "anchor keys must be scores") from None
            near = scale.point_near(value)
            if near is None:
                raise self.fail(
                    f"{where}anchors.{point}", "anchor score is not a point of the scale"
                )
            value = near
            if value in dict(result):
                raise self.fail(f"{where}anchors.{point}", f"a second anchor for {value:g}")
            if not isinstance(note, str):
                raise self.fail(f"{where}anchors.{point}", "anchor text must be a string")
            result.append((value, note))
        return tuple(sorted(result))
