"""Coding schemes: TOML files turned into frozen dataclasses that validate scores.

A scheme names the dimensions a coder rates (each with a range and a step), optional items
within a dimension, optional score bands with per-dimension cut-offs, optional local anchor
text, and the episode labels a segment may carry. A study keeps the TOML text it was created
with (its snapshot), so its results never change when a file on disk changes.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from eas_coder.errors import (
    SchemeError,
    ScoreOffStep,
    ScoreOutOfRange,
    UnknownDimension,
)
from eas_coder.resources import scales_dir

Side = Literal["adult", "child"]
SIDES: tuple[Side, ...] = ("adult", "child")
DEFAULT_SCHEME_ID = "eas-direct"
# Scores live on a grid of min + k*step; allow for float noise from spreadsheets.
_STEP_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Scale:
    """A numeric range with a step, shared by dimensions and their items."""

    minimum: float
    maximum: float
    step: float

    def check(self, score: float, what: str) -> float:
        """Return ``score`` as a float if it lies on this scale, else raise."""
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise ScoreOutOfRange(f"{what}: score {score!r} is not a number")
        value = float(score)
        if not math.isfinite(value):
            raise ScoreOutOfRange(f"{what}: score {score!r} is not a finite number")
        if value < self.minimum - _STEP_TOLERANCE or value > self.maximum + _STEP_TOLERANCE:
            raise ScoreOutOfRange(
                f"{what}: score {_fmt(value)} is outside {_fmt(self.minimum)}–{_fmt(self.maximum)}"
            )
        steps = (value - self.minimum) / self.step
        if abs(steps - round(steps)) > _STEP_TOLERANCE:
            raise ScoreOffStep(
                f"{what}: score {_fmt(value)} is not a multiple of {_fmt(self.step)} "
                f"from {_fmt(self.minimum)}"
            )
        return self.minimum + round(steps) * self.step

    def values(self) -> tuple[float, ...]:
        """Every allowed score, lowest first."""
        count = round((self.maximum - self.minimum) / self.step)
        return tuple(self.minimum + k * self.step for k in range(count + 1))


@dataclass(frozen=True)
class Item:
    """A scored item inside a dimension (for schemes that rate items as well)."""

    key: str
    label: str
    scale: Scale


@dataclass(frozen=True)
class Band:
    """A named band of scores such as risk / non-risk / optimal."""

    key: str
    label: str


@dataclass(frozen=True)
class Dimension:
    """One rated dimension of the scheme."""

    key: str
    label: str
    side: Side
    scale: Scale
    items: tuple[Item, ...] = ()
    # Lower bound of every band after the first, in band order; the first starts at min.
    cutoffs: tuple[tuple[str, float], ...] = ()
    anchors: tuple[tuple[float, str], ...] = ()
    description: str = ""

    def item(self, key: str) -> Item:
        """The item called ``key``; raises UnknownDimension if there is none."""
        for item in self.items:
            if item.key == key:
                return item
        raise UnknownDimension(f"dimension {self.key!r} has no item {key!r}")


@dataclass(frozen=True)
class Episode:
    """A label a segment may carry (free play, structured task, clean-up, ...)."""

    key: str
    label: str


@dataclass(frozen=True)
class Scheme:
    """A coding scheme: what is rated, on which scale, in which bands."""

    id: str
    name: str
    version: str
    dimensions: tuple[Dimension, ...]
    bands: tuple[Band, ...] = ()
    bands_note: str = ""
    episodes: tuple[Episode, ...] = ()
    description: str = ""
    source_text: str = field(default="", repr=False, compare=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """Dimension keys in scheme order."""
        return tuple(d.key for d in self.dimensions)

    def dimension(self, key: str) -> Dimension:
        """The dimension called ``key``; raises UnknownDimension naming the known keys."""
        for dim in self.dimensions:
            if dim.key == key:
                return dim
        raise UnknownDimension(
            f"unknown dimension {key!r} in scheme {self.id!r}; known: {', '.join(self.keys)}"
        )

    def validate(
        self, key: str, score: float, items: Mapping[str, float] | None = None
    ) -> tuple[float, dict[str, float] | None]:
        """Check a score (and item scores) against the scheme; return them normalised."""
        dim = self.dimension(key)
        value = dim.scale.check(score, dim.label)
        if not items:
            return value, None
        checked = {
            name: dim.item(name).scale.check(item_score, f"{dim.label} / {dim.item(name).label}")
            for name, item_score in items.items()
        }
        return value, checked

    def band_of(self, key: str, score: float) -> Band | None:
        """The band a score falls in, or None when the scheme defines no bands."""
        dim = self.dimension(key)
        if not self.bands:
            return None
        current = self.bands[0]
        by_key = {band.key: band for band in self.bands}
        for band_key, lower in dim.cutoffs:
            if score >= lower - _STEP_TOLERANCE:
                current = by_key[band_key]
        return current

    def episode_keys(self) -> tuple[str, ...]:
        """Episode label keys in scheme order."""
        return tuple(e.key for e in self.episodes)


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- loading -------------------------------------------------------------------------------


def shipped_schemes() -> dict[str, Path]:
    """The scheme files shipped in ``resources/scales``, by scheme id."""
    found: dict[str, Path] = {}
    for path in sorted(scales_dir().glob("*.toml")):
        found[path.stem] = path
    return found


def load_scheme(id_or_path: str | Path = DEFAULT_SCHEME_ID) -> Scheme:
    """Load a shipped scheme by id, or a scheme file by path."""
    text_id = str(id_or_path)
    shipped = shipped_schemes()
    if text_id in shipped:
        path = shipped[text_id]
    else:
        path = Path(id_or_path)
        if not path.is_file():
            raise SchemeError(
                text_id,
                "",
                f"no such scheme file, and no shipped scheme has this id "
                f"(shipped: {', '.join(shipped)})",
            )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(str(path), "", f"cannot read the file ({exc})") from exc
    return parse_scheme(text, source=str(path))


def parse_scheme(text: str, source: str = "<scheme>") -> Scheme:
    """Parse and validate scheme TOML; errors name ``source`` and the line or key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(source, "", f"not valid TOML: {exc}") from exc
    return _Parser(source).scheme(data, text)


class _Parser:
    """Walks the TOML tree, reporting the key path of the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

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
        if abs(count - round(count)) > _STEP_TOLERANCE:
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

    def scheme(self, data: dict[str, Any], text: str) -> Scheme:
        head = self.table(data, "scheme", "")
        bands = tuple(
            Band(self.ident(b, "key", f"bands[{i}]."), self.text(b, "label", f"bands[{i}]."))
            for i, b in enumerate(self.array(data, "bands", required=False))
        )
        self.unique([b.key for b in bands], "bands")
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
            dimensions=dims,
            bands=bands,
            episodes=episodes,
            source_text=text,
        )

    def dimension(self, data: dict[str, Any], where: str, bands: tuple[Band, ...]) -> Dimension:
        side = self.text(data, "side", where)
        if side not in SIDES:
            raise self.fail(f"{where}side", f"{side!r} must be one of {', '.join(SIDES)}")
        scale = self.scale(data, where)
        items = tuple(
            Item(
                self.ident(it, "key", f"{where}items[{j}]."),
                self.text(it, "label", f"{where}items[{j}]."),
                self.scale(it, f"{where}items[{j}]."),
            )
            for j, it in enumerate(self.array_in(data, "items", where))
        )
        self.unique([it.key for it in items], f"{where}items")
        return Dimension(
            key=self.ident(data, "key", where),
            label=self.text(data, "label", where),
            side=side,  # checked against SIDES above
            scale=scale,
            items=items,
            cutoffs=self.cutoffs(data, where, bands, scale),
            anchors=self.anchors(data, where, scale),
            description=self.text(data, "description", where, required=False),
        )

    def array_in(self, data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{where}{key}", "must be an array of tables")
        return value

    def cutoffs(
        self, data: dict[str, Any], where: str, bands: tuple[Band, ...], scale: Scale
    ) -> tuple[tuple[str, float], ...]:
        raw = data.get("cutoffs")
        if raw is None:
            if bands:
                raise self.fail(f"{where}cutoffs", "the scheme defines bands; give cut-offs")
            return ()
        if not bands:
            raise self.fail(f"{where}cutoffs", "cut-offs given but the scheme has no [[bands]]")
        if not isinstance(raw, dict):
            raise self.fail(f"{where}cutoffs", "must be a table of band = lower bound")
        expected = [b.key for b in bands[1:]]
        if sorted(raw) != sorted(expected):
            raise self.fail(
                f"{where}cutoffs",
                f"give a lower bound for exactly these bands: {', '.join(expected)}",
            )
        result: list[tuple[str, float]] = []
        previous = scale.minimum
        for key in expected:
            lower = self.number(raw, key, f"{where}cutoffs.")
            if not previous < lower <= scale.maximum:
                raise self.fail(
                    f"{where}cutoffs.{key}",
                    f"{lower:g} must be above the previous band's start ({previous:g}) "
                    f"and at most max ({scale.maximum:g})",
                )
            result.append((key, lower))
            previous = lower
        return tuple(result)

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
            if not scale.minimum <= value <= scale.maximum:
                raise self.fail(f"{where}anchors.{point}", "anchor score outside min..max")
            if not isinstance(note, str):
                raise self.fail(f"{where}anchors.{point}", "anchor text must be a string")
            result.append((value, note))
        return tuple(sorted(result))
