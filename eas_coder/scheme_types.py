"""A coding scheme's types: frozen dataclasses that validate scores, and the limits a scheme
file must keep. ``eas_coder.scheme`` is where callers get them (with the loading functions);
they live here, below ``scheme_toml``, so the TOML reader that builds them and the loader that
calls the reader import one way.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from eas_coder.errors import ScoreOffStep, ScoreOutOfRange, UnknownDimension

Side = Literal["adult", "child"]
SIDES: tuple[Side, ...] = ("adult", "child")
# How a dimension's score relates to its items: typed directly (items are notes beside it),
# or derived from the item scores (then the derived score is the one stored and analysed).
Derive = Literal["sum", "mean"]
DERIVE_RULES: tuple[Derive, ...] = ("sum", "mean")
# "score": a number on a scale; "zone": ordered labels stored as 1..n (e.g. the EA Zones).
RatingType = Literal["score", "zone"]
RATING_TYPES: tuple[RatingType, ...] = ("score", "zone")
DEFAULT_SCHEME_ID = "eas-direct"
# Scores live on a grid of min + k*step; allow for float noise from spreadsheets.
STEP_TOLERANCE = 1e-6
_DECIMALS = 9  # stored scores are rounded so 1.7 stays 1.7, not 1.7000000000000002
MAX_STEPS = 1000  # a scale with more points is a typo, not a rating scale
# Size limits of a scheme file (the EAS has 6 dimensions; a scheme of thousands is a
# generated or mistaken file, and its exports would pass Excel's 16,384 columns).
MAX_DIMENSIONS = 100
MAX_ITEMS = 50  # per dimension
MAX_EPISODES = 100
MAX_BANDS = 20


@dataclass(frozen=True)
class Scale:
    """A numeric range with a step, shared by dimensions and their items."""

    minimum: float
    maximum: float
    step: float

    def check(self, score: float, what: str) -> float:
        """Return ``score`` as a float on this scale's grid, else raise naming the problem."""
        # Any real number will do (int, float, numpy scalars, Decimal), but not bool or text.
        if isinstance(score, bool) or not isinstance(score, numbers.Real | Decimal):
            raise ScoreOutOfRange(f"{what}: score {score!r} is not a number")
        try:
            value = float(score)
        except (OverflowError, ValueError):
            value = math.inf
        if not math.isfinite(value):
            raise ScoreOutOfRange(f"{what}: score {score!r} is not a finite number")
        # One tolerance, in score units, for both tests: spreadsheet noise is forgiven alike.
        if value < self.minimum - STEP_TOLERANCE or value > self.maximum + STEP_TOLERANCE:
            raise ScoreOutOfRange(
                f"{what}: score {_fmt(value)} is outside {_fmt(self.minimum)}–{_fmt(self.maximum)}"
            )
        snapped = self.minimum + round((value - self.minimum) / self.step) * self.step
        snapped = round(min(max(snapped, self.minimum), self.maximum), _DECIMALS)
        if abs(value - snapped) > STEP_TOLERANCE:
            raise ScoreOffStep(
                f"{what}: score {_fmt(value)} is not a multiple of {_fmt(self.step)} "
                f"from {_fmt(self.minimum)}"
            )
        return snapped

    def point_near(self, typed: float) -> float | None:
        """The point of the scale a person meant by ``typed``, else None. On a grid of thirds
        (the mean of three items) "4.67" means 14/3: a value within a quarter step, at most
        0.005, of a point is that point; on a decimal grid only float noise is forgiven."""
        thirds_like = abs(self.step * 1e6 - round(self.step * 1e6)) > 1e-3
        tolerance = min(0.005, self.step / 4) if thirds_like else STEP_TOLERANCE
        nearest = min(self.values(), key=lambda point: abs(point - typed))
        return nearest if abs(nearest - typed) <= tolerance else None

    def values(self) -> tuple[float, ...]:
        """Every allowed score, lowest first."""
        count = round((self.maximum - self.minimum) / self.step)
        return tuple(round(self.minimum + k * self.step, _DECIMALS) for k in range(count + 1))


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
    derive: Derive | None = None  # None: the score is typed; items (if any) are notes
    kind: RatingType = "score"
    levels: tuple[str, ...] = ()  # a zone's labels, lowest first: level k is stored as k
    cutoffs_source: str = ""  # where the cut-offs come from (a citation), for the codebook

    @property
    def ordinal(self) -> bool:
        """True when scores are ordered categories (zones), not interval scores."""
        return self.kind == "zone"

    def level_label(self, score: float | None) -> str:
        """The zone label of a score (empty for scores between levels, or not a zone)."""
        if not self.levels or score is None or abs(score - round(score)) > STEP_TOLERANCE:
            return ""
        index = round(score)
        return self.levels[index - 1] if 1 <= index <= len(self.levels) else ""

    def derived(self, items: Mapping[str, float]) -> float:
        """The score its rule gives from complete item scores; ScoreError names what is
        missing (a partial sum would pass for a low score)."""
        missing = [item.key for item in self.items if item.key not in items]
        if missing:
            raise ScoreOutOfRange(
                f"{self.label}: its score is the {self.derive} of its items; "
                f"score every item first (missing: {', '.join(missing)})"
            )
        values = [float(items[item.key]) for item in self.items]
        total = sum(values) if self.derive == "sum" else sum(values) / len(values)
        return round(total, _DECIMALS)

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
    # May one coder's segments of a video overlap? (EAS episodes normally do not.)
    overlapping_segments: bool = False
    source_text: str = field(default="", repr=False, compare=False)
    # Which of a study's scheme versions this is (1, 2, ...; store/schemes.py); a scheme
    # read from a file is 1 until a study stores it.
    revision: int = field(default=1, compare=False)

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
        self, key: str, score: float | None, items: Mapping[str, float] | None = None
    ) -> tuple[float, dict[str, float] | None]:
        """Check a score (and item scores) against the scheme; return them normalised.

        For a dimension derived from its items the score returned is their sum or mean;
        ``score`` may be None then, and a score given must agree with the items."""
        dim = self.dimension(key)
        if dim.derive is not None:
            return self._validate_derived(dim, score, items)
        if score is None:
            raise ScoreOutOfRange(f"{dim.label}: no score given")
        value = dim.scale.check(score, dim.label)
        if not items:
            return value, None
        return value, self._checked_items(dim, items)

    @staticmethod
    def _checked_items(dim: Dimension, items: Mapping[str, float]) -> dict[str, float]:
        return {
            name: dim.item(name).scale.check(item_score, f"{dim.label} / {dim.item(name).label}")
            for name, item_score in items.items()
        }

    def _validate_derived(
        self, dim: Dimension, score: float | None, items: Mapping[str, float] | None
    ) -> tuple[float, dict[str, float] | None]:
        """A derived dimension's score comes from its items; a typed score must agree."""
        if not items:
            raise ScoreOutOfRange(
                f"{dim.label}: its score is the {dim.derive} of its items; score the items "
                f"({', '.join(i.key for i in dim.items)}) and it follows"
            )
        checked = self._checked_items(dim, items)
        value = dim.derived(checked)
        if score is not None:
            typed = dim.scale.check(score, dim.label) if dim.derive == "sum" else float(score)
            if abs(typed - value) > STEP_TOLERANCE:
                raise ScoreOutOfRange(
                    f"{dim.label}: score {_fmt(typed)} is not the {dim.derive} of its items "
                    f"({_fmt(value)}); leave the score out and it follows from the items"
                )
        return value, checked

    def band_of(self, key: str, score: float) -> Band | None:
        """The band a score falls in, or None when the scheme defines no bands."""
        dim = self.dimension(key)
        # no cut-offs under several bands (a zone, or cut-offs the lab has still to fill
        # in): no band is claimed for the score
        if not self.bands or (len(self.bands) > 1 and not dim.cutoffs):
            return None
        current = self.bands[0]
        by_key = {band.key: band for band in self.bands}
        for band_key, lower in dim.cutoffs:
            if score >= lower - STEP_TOLERANCE:
                current = by_key[band_key]
        return current

    def episode_keys(self) -> tuple[str, ...]:
        """Episode label keys in scheme order."""
        return tuple(e.key for e in self.episodes)


def _fmt(value: float) -> str:
    return f"{value:g}"
