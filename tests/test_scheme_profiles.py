"""Scoring profiles in the scheme file: derived dimensions, zones, cited and empty cut-offs,
the shipped eas-4th-structure, and the size limits still in force."""

from __future__ import annotations

import pytest

from eas_coder.errors import SchemeError, ScoreError
from eas_coder.scheme import MAX_ITEMS, load_scheme, parse_scheme
from eas_coder.scheme_text import scheme_rows

HEAD = '[scheme]\nid = "t"\nname = "T"\nversion = "1"\n'


def dim(body: str, key: str = "d") -> str:
    return f'\n[[dimensions]]\nkey = "{key}"\nlabel = "D"\nside = "adult"\n{body}\n'


def items(*ranges: tuple[float, float, float]) -> str:
    return "".join(
        f'\n[[dimensions.items]]\nkey = "i{n}"\nlabel = "I{n}"\nmin = {lo}\nmax = {hi}\n'
        f"step = {st}\n"
        for n, (lo, hi, st) in enumerate(ranges, start=1)
    )


def test_mean_rule_gives_its_own_grid_and_derives_scores() -> None:
    scheme = parse_scheme(HEAD + dim('derive = "mean"') + items((1, 7, 1), (1, 7, 1), (1, 7, 1)))
    d = scheme.dimension("d")
    assert (d.scale.minimum, d.scale.maximum) == (1, 7)
    assert d.scale.step == pytest.approx(1 / 3)
    score, checked = scheme.validate("d", None, {"i1": 4, "i2": 5, "i3": 5})
    assert score == pytest.approx(14 / 3) and checked == {"i1": 4, "i2": 5, "i3": 5}
    with pytest.raises(ScoreError, match="score the items"):
        scheme.validate("d", 4.0)


@pytest.mark.parametrize(
    ("body", "where", "problem"),
    [
        ('derive = "median"' + items((1, 3, 1)), "derive", '"sum" or "mean"'),
        ('derive = "sum"', "derive", "needs [[dimensions.items]]"),
        ('derive = "sum"' + items((1, 3, 1), (1, 7, 0.5)), "items", "same step"),
        ('derive = "sum"\nmin = 1\nmax = 7' + items((1, 3, 1), (1, 3, 1)), "min", "gives min 2"),
        ('type = "zone"\nlevels = ["only"]', "levels", "2 to"),
        ('type = "zone"\nlevels = ["a", "A"]', "levels", "twice"),
        ('type = "zone"\nmin = 1\nlevels = ["a", "b"]', "min", "a zone has no min"),
        ('type = "rank"\nmin = 1\nmax = 2', "type", "score, zone"),
    ],
)
def test_profile_mistakes_name_the_key(body: str, where: str, problem: str) -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(HEAD + dim(body), source="lab.toml")
    assert f"dimensions[0].{where}" in str(caught.value)
    assert problem in str(caught.value)


def test_bands_with_source_and_empty_cutoffs() -> None:
    bands = '\n[[bands]]\nkey = "risk"\nlabel = "Risk"\n[[bands]]\nkey = "ok"\nlabel = "OK"\n'
    text = (
        HEAD
        + bands
        + dim('min = 1\nmax = 7\ncutoffs = { ok = 4, source = "Smith 2020, p. 3" }', "a")
        + dim("min = 1\nmax = 7\ncutoffs = {}", "b")
        + dim('type = "zone"\nlevels = ["low", "high"]', "z")
    )
    scheme = parse_scheme(text)
    assert scheme.dimension("a").cutoffs_source == "Smith 2020, p. 3"
    assert scheme.band_of("a", 4).label == "OK"  # type: ignore[union-attr]
    assert scheme.band_of("b", 7) is None  # cut-offs not set: no band claimed
    assert scheme.band_of("z", 2) is None
    assert scheme.dimension("z").level_label(2) == "high"
    rows = dict(scheme_rows(scheme, [(1, "t version 1")]))
    assert "cut-offs from: Smith 2020, p. 3" in rows["a"]
    assert "no cut-offs set" in rows["b"]
    assert "1 = low, 2 = high" in rows["z"]
    assert rows["scheme_version 1"] == "t version 1"
    with pytest.raises(SchemeError, match="reserved"):
        parse_scheme(HEAD + bands.replace('"ok"', '"source"', 1) + dim("min = 1\nmax = 2"))


def test_item_limit_still_in_force_for_derived_dimensions() -> None:
    many = items(*[(1, 3, 1)] * (MAX_ITEMS + 1))
    with pytest.raises(SchemeError, match=f"more than {MAX_ITEMS}"):
        parse_scheme(HEAD + dim('derive = "sum"' + many))


def test_shipped_eas_4th_structure() -> None:
    scheme = load_scheme("eas-4th-structure")
    assert scheme.keys[:6] == (
        "sensitivity", "structuring", "nonintrusiveness", "nonhostility",
        "child_responsiveness", "child_involvement",
    )  # fmt: skip
    zones = [d for d in scheme.dimensions if d.ordinal]
    assert [(d.side, d.levels) for d in zones] == [
        (side, ("Problematic", "Detached", "Complicated", "Emotionally available"))
        for side in ("adult", "child")
    ]
    for d in scheme.dimensions[:6]:
        assert d.cutoffs == () and d.cutoffs_source == ""  # no uncited cut-off is shipped
        assert [i.key for i in d.items] == [f"item_{n}" for n in range(1, 8)]
    assert "training" in scheme.bands_note
    assert scheme.band_of("sensitivity", 7) is None


@pytest.mark.parametrize("typed", ["4.67", "4.6667", "4.666666667", "14.0 / 3.0"])
def test_a_mean_scale_takes_cutoffs_on_its_thirds_as_people_type_them(typed: str) -> None:
    # Old code: the mean of three items has step 0.333333333 and a cut-off had to equal one
    # of those rounded floats exactly, so 14/3 typed any way was "not a point of the scale".
    bands = '\n[[bands]]\nkey = "risk"\nlabel = "Risk"\n[[bands]]\nkey = "ok"\nlabel = "OK"\n'
    value = str(14 / 3) if "/" in typed else typed
    body = f'derive = "mean"\ncutoffs = {{ ok = {value}, source = "lab training 2026" }}'
    scheme = parse_scheme(HEAD + bands + dim(body) + items((1, 7, 1), (1, 7, 1), (1, 7, 1)))
    ((band, lower),) = scheme.dimension("d").cutoffs
    assert band == "ok" and lower == pytest.approx(14 / 3, abs=1e-6)
    at_cutoff, _ = scheme.validate("d", None, {"i1": 4, "i2": 5, "i3": 5})
    below, _ = scheme.validate("d", None, {"i1": 4, "i2": 4, "i3": 5})
    assert scheme.band_of("d", at_cutoff).label == "OK"  # type: ignore[union-attr]
    assert scheme.band_of("d", below).label == "Risk"  # type: ignore[union-attr]


def test_a_cutoff_between_two_points_of_the_scale_is_still_refused() -> None:
    bands = '\n[[bands]]\nkey = "risk"\nlabel = "Risk"\n[[bands]]\nkey = "ok"\nlabel = "OK"\n'
    body = 'min = 1\nmax = 7\nstep = 0.5\ncutoffs = { ok = 4.75, source = "x" }'
    with pytest.raises(SchemeError, match="not a point of the scale"):
        parse_scheme(HEAD + bands + dim(body))
