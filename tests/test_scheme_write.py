"""The scheme writer: TOML text the reader reads back to an equal Scheme, for every shipped
scheme and for edited ones (property-tested), so a scheme edited in the window is stored
exactly as the lab manager left it."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eas_coder.scheme import (
    Band,
    Dimension,
    Episode,
    Item,
    Scale,
    Scheme,
    load_scheme,
    parse_scheme,
    shipped_schemes,
)
from eas_coder.scheme_write import scheme_to_toml


def round_trip(scheme: Scheme) -> Scheme:
    return parse_scheme(scheme_to_toml(scheme), source="written", strict=True)


@pytest.mark.parametrize("scheme_id", sorted(shipped_schemes()))
def test_every_shipped_scheme_reads_back_equal(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    text = scheme_to_toml(scheme)
    again = round_trip(scheme)
    assert again == scheme
    assert scheme_to_toml(again) == text  # a fixed point: writing twice changes nothing
    assert again.source_text == text


def test_text_that_needs_escaping_survives() -> None:
    base = load_scheme("eas-4th-structure")
    dim = base.dimensions[0]
    tricky = 'Say "hi" \\ back\tslash\nnew line \x7f del \x00 nul — ünïcode 🙂'
    edited = replace(
        base,
        name="A 'quoted' \"name\"",
        description=tricky.strip(),
        dimensions=(
            replace(
                dim,
                label="Sensitivity \"warm\" \\ 'x'",
                anchors=((1.0, tricky), (6.5, "")),
                cutoffs=(("nonrisk", 3.5), ("optimal", 5.5)),
                cutoffs_source='Lab "EAS" training, 2024\n(certified)',
            ),
            *base.dimensions[1:],
        ),
    )
    assert round_trip(edited) == edited


def test_an_edited_structure_reads_back_equal() -> None:
    """What the editor makes of eas-4th-structure: items renamed, a derived sum, cut-offs
    with their source, an anchor, an episode added and one removed."""
    base = load_scheme("eas-4th-structure")
    dim = base.dimensions[0]
    items = (Item("item_1", "Warmth", Scale(1, 7, 1)), Item("item_2", "Attunement", Scale(1, 7, 1)))
    derived = replace(
        dim,
        items=items,
        derive="sum",
        scale=Scale(2.0, 14.0, 1.0),
        cutoffs=(("nonrisk", 7.0), ("optimal", 11.0)),
        cutoffs_source="Lab EAS training 2024",
        anchors=((2.0, "lowest"),),
    )
    edited = replace(
        base,
        version="2",
        dimensions=(derived, *base.dimensions[1:]),
        episodes=(*base.episodes[:2], Episode("reunion", "Reunion")),
    )
    assert round_trip(edited) == edited
    data = tomllib.loads(scheme_to_toml(edited))
    first = data["dimensions"][0]
    assert first["derive"] == "sum" and "min" not in first  # the range follows the items
    assert first["cutoffs"] == {"nonrisk": 7, "optimal": 11, "source": "Lab EAS training 2024"}


# -- property: any valid scheme, as the editor may build it ---------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=24).map(str.strip)
_LABEL = _TEXT.filter(bool)
_KEY = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)


def _unique(keys: list[str]) -> list[str]:
    return [f"{key}{index}" for index, key in enumerate(keys)]


@st.composite
def scales(draw: st.DrawFn) -> Scale:
    step = draw(st.sampled_from([1.0, 0.5, 0.25, 2.0]))
    low = draw(st.integers(-3, 5)) * step
    points = draw(st.integers(1, 12))
    return Scale(float(low), float(low + points * step), step)


@st.composite
def dimensions(draw: st.DrawFn, key: str, bands: tuple[Band, ...]) -> Dimension:
    label = draw(_LABEL)
    side = draw(st.sampled_from(["adult", "child"]))
    description = draw(_TEXT)
    if draw(st.booleans()) and draw(st.booleans()):  # a zone, now and then
        levels = tuple(_unique(draw(st.lists(_LABEL, min_size=2, max_size=5))))
        scale = Scale(1.0, float(len(levels)), 1.0)
        return Dimension(
            key, label, side, scale, anchors=draw(anchors(scale)), description=description,
            kind="zone", levels=levels,
        )  # fmt: skip
    item_keys = _unique(draw(st.lists(_KEY, max_size=3)))
    step = draw(st.sampled_from([1.0, 0.5]))
    items = []
    for item_key in item_keys:
        low = draw(st.integers(0, 3))
        items.append(
            Item(
                item_key,
                draw(_LABEL),
                Scale(float(low), low + step * draw(st.integers(1, 8)), step),
            )
        )
    derive = draw(st.sampled_from([None, "sum", "mean"])) if items else None
    if derive is None:
        scale = draw(scales())
    else:
        count = len(items) if derive == "mean" else 1
        scale = Scale(
            round(sum(i.scale.minimum for i in items) / count, 9),
            round(sum(i.scale.maximum for i in items) / count, 9),
            round(step / count, 9),
        )
    cutoffs: tuple[tuple[str, float], ...] = ()
    source = ""
    values = scale.values()[1:]
    if bands and len(values) >= len(bands) - 1 and draw(st.booleans()):
        chosen = sorted(draw(st.permutations(values))[: len(bands) - 1])
        cutoffs = tuple(zip((b.key for b in bands[1:]), chosen, strict=True))
    if bands:
        source = draw(_TEXT)
    return Dimension(
        key, label, side, scale, tuple(items), cutoffs, draw(anchors(scale)), description,
        derive, cutoffs_source=source,
    )  # fmt: skip


@st.composite
def anchors(draw: st.DrawFn, scale: Scale) -> tuple[tuple[float, str], ...]:
    points = draw(st.lists(st.sampled_from(scale.values()), unique=True, max_size=3))
    return tuple(sorted((p, draw(_TEXT)) for p in points))


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    band_keys = _unique(draw(st.lists(_KEY, max_size=3)))
    bands = tuple(Band(k, draw(_LABEL)) for k in band_keys)
    dim_keys = _unique(draw(st.lists(_KEY, min_size=1, max_size=4)))
    dims = tuple(draw(dimensions(k, bands)) for k in dim_keys)
    episodes = tuple(Episode(k, draw(_LABEL)) for k in _unique(draw(st.lists(_KEY, max_size=3))))
    return Scheme(
        id=draw(_KEY),
        name=draw(_LABEL),
        version=draw(_LABEL),
        dimensions=dims,
        bands=bands,
        bands_note=draw(_TEXT) if bands else "",
        episodes=episodes,
        description=draw(_TEXT),
        overlapping_segments=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemes())
def test_any_valid_scheme_reads_back_equal(scheme: Scheme) -> None:
    again = round_trip(scheme)
    assert again == scheme
    assert scheme_to_toml(again) == scheme_to_toml(scheme)
