"""Coding schemes: shipped files, validation of scores, malformed files."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from eas_coder.errors import SchemeError, ScoreOffStep, ScoreOutOfRange, UnknownDimension
from eas_coder.scheme import load_scheme, parse_scheme, shipped_schemes

EAS_KEYS = (
    "sensitivity",
    "structuring",
    "nonintrusiveness",
    "nonhostility",
    "child_responsiveness",
    "child_involvement",
)

MINIMAL = """
[scheme]
id = "mini"
name = "Mini"
version = "2"

[[dimensions]]
key = "warmth"
label = "Warmth"
side = "adult"
min = 1
max = 5
step = 1
"""


def test_default_scheme_has_the_six_eas_dimensions_on_half_points() -> None:
    scheme = load_scheme()
    assert scheme.id == "eas-direct"
    assert scheme.keys == EAS_KEYS
    assert [d.side for d in scheme.dimensions] == ["adult"] * 4 + ["child"] * 2
    for dim in scheme.dimensions:
        assert dim.scale.values() == tuple(1 + 0.5 * k for k in range(13))
    assert scheme.bands == ()  # we ship no cut-off we cannot cite
    assert scheme.episode_keys() == ("free_play", "structured_task", "clean_up")


def test_every_shipped_scheme_loads_and_has_no_manual_text() -> None:
    shipped = shipped_schemes()
    assert {"eas-direct", "eas-demo", "eas-lab-template"} <= set(shipped)
    for scheme_id in shipped:
        scheme = load_scheme(scheme_id)
        assert scheme.id == scheme_id
        assert all(not dim.anchors for dim in scheme.dimensions)


def test_demo_bands_are_labelled_as_examples() -> None:
    scheme = load_scheme("eas-demo")
    assert [b.key for b in scheme.bands] == ["risk", "nonrisk", "optimal"]
    assert all("example" in band.label.lower() for band in scheme.bands)
    assert "example" in scheme.bands_note.lower()
    assert "example" in scheme.name.lower()
    assert scheme.band_of("sensitivity", 1.0).key == "risk"
    assert scheme.band_of("sensitivity", 3.5).key == "nonrisk"
    assert scheme.band_of("sensitivity", 5.0).key == "nonrisk"
    assert scheme.band_of("sensitivity", 7.0).key == "optimal"
    assert load_scheme().band_of("sensitivity", 7.0) is None


@given(st.integers(min_value=0, max_value=12))
def test_every_half_point_from_1_to_7_is_accepted(k: int) -> None:
    score, items = load_scheme().validate("sensitivity", 1 + 0.5 * k)
    assert score == 1 + 0.5 * k
    assert items is None


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not 1 <= x <= 7))
def test_scores_outside_1_to_7_are_refused(value: float) -> None:
    with pytest.raises(ScoreOutOfRange, match="outside 1–7"):
        load_scheme().validate("structuring", value)


@pytest.mark.parametrize("value", [1.25, 3.3, 6.75, 2.1])
def test_off_step_scores_are_refused(value: float) -> None:
    with pytest.raises(ScoreOffStep, match="not a multiple of 0.5"):
        load_scheme().validate("nonhostility", value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "5", None, True])
def test_non_numbers_are_refused(value: object) -> None:
    with pytest.raises(ScoreOutOfRange):
        load_scheme().validate("nonhostility", value)  # type: ignore[arg-type]


def test_spreadsheet_float_noise_is_snapped_to_the_grid() -> None:
    score, _ = load_scheme().validate("sensitivity", 4.499999999)
    assert score == 4.5


def test_unknown_dimension_names_the_known_keys() -> None:
    with pytest.raises(UnknownDimension, match="'warmth'.*known: sensitivity"):
        load_scheme().validate("warmth", 4)


def test_items_are_checked_against_their_own_range() -> None:
    text = (
        MINIMAL
        + """
[[dimensions.items]]
key = "tone"
label = "Tone of voice"
min = 1
max = 3
step = 1
"""
    )
    scheme = parse_scheme(text)
    assert scheme.validate("warmth", 4, {"tone": 2}) == (4.0, {"tone": 2.0})
    with pytest.raises(ScoreOutOfRange, match="Tone of voice"):
        scheme.validate("warmth", 4, {"tone": 4})
    with pytest.raises(UnknownDimension, match="no item 'pitch'"):
        scheme.validate("warmth", 4, {"pitch": 1})


def test_scheme_file_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    scheme = load_scheme(path)
    assert (scheme.id, scheme.version, scheme.keys) == ("mini", "2", ("warmth",))
    assert scheme.source_text == MINIMAL


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (("step = 1", "step = 0"), "dimensions[0].step", "positive"),
        (("max = 5", "max = 1"), "dimensions[0].max", "greater than min"),
        (("step = 1", "step = 0.3"), "dimensions[0].step", "not a multiple"),
        (('side = "adult"', 'side = "parent"'), "dimensions[0].side", "adult, child"),
        (('key = "warmth"', 'key = "warm th"'), "dimensions[0].key", "letters"),
        (("min = 1", 'min = "one"'), "dimensions[0].min", "number"),
        (('id = "mini"\n', ""), "scheme.id", "missing"),
    ],
)
def test_malformed_scheme_names_file_key_and_problem(
    tmp_path: Path, change: tuple[str, str], where: str, problem: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(MINIMAL.replace(*change, 1), encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    message = str(caught.value)
    assert str(path) in message
    assert where in message
    assert problem in message


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(MINIMAL.replace('label = "Warmth"', 'label = "Warmth'), encoding="utf-8")
    line = MINIMAL.splitlines().index('label = "Warmth"') + 1
    with pytest.raises(SchemeError, match=rf"broken\.toml.*line {line}\b"):
        load_scheme(path)


def test_duplicate_dimension_keys_are_refused() -> None:
    doubled = MINIMAL + MINIMAL[MINIMAL.index("[[dimensions]]") :]
    with pytest.raises(SchemeError, match=r"dimensions\[1\]\.key.*duplicate"):
        parse_scheme(doubled, "doubled.toml")


def test_bands_need_ordered_cutoffs_on_every_dimension() -> None:
    bands = '\n[[bands]]\nkey = "low"\nlabel = "Low"\n[[bands]]\nkey = "high"\nlabel = "High"\n'
    with pytest.raises(SchemeError, match=r"dimensions\[0\]\.cutoffs.*give cut-offs"):
        parse_scheme(MINIMAL + bands)
    good = MINIMAL.replace("step = 1", "step = 1\ncutoffs = { high = 3 }") + bands
    assert parse_scheme(good).band_of("warmth", 3).key == "high"
    bad = MINIMAL.replace("step = 1", "step = 1\ncutoffs = { high = 9 }") + bands
    with pytest.raises(SchemeError, match="at most max"):
        parse_scheme(bad)


def test_missing_scheme_file_lists_the_shipped_ids() -> None:
    with pytest.raises(SchemeError, match="no such scheme file.*eas-direct"):
        load_scheme("no-such-scheme")


def test_non_utf8_scheme_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Warmth", "W\xe4rme").encode("latin-1"))
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme(path)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("step = 1", "stp = 1"), "dimensions[0].stp"),
        (("[[dimensions]]", "[[dimension]]"), "dimension"),
        (('version = "2"', 'version = "2"\nauthor = "me"'), "scheme.author"),
    ],
)
def test_unknown_keys_in_a_scheme_file_are_refused(
    tmp_path: Path, change: tuple[str, str], where: str
) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(MINIMAL.replace(*change, 1), encoding="utf-8")
    with pytest.raises(SchemeError, match=rf"key {re.escape(where)}\b.*unknown key"):
        load_scheme(path)


def test_stored_snapshots_with_unknown_keys_still_parse() -> None:
    newer = MINIMAL.replace('version = "2"', 'version = "2"\nfuture_option = true')
    assert parse_scheme(newer, strict=False).keys == ("warmth",)


def test_absurd_scales_are_refused() -> None:
    huge = MINIMAL.replace("max = 5", "max = 1e300").replace("step = 1", "step = 1e-300")
    with pytest.raises(SchemeError, match="more than 1000 points"):
        parse_scheme(huge)


@pytest.mark.parametrize(
    "value", [np.int64(5), np.float32(5.5), Decimal("5.5"), 5, 5.5, 7.0000009, 0.9999995]
)
def test_real_numbers_of_any_type_are_accepted_and_snapped(value: object) -> None:
    score, _ = load_scheme().validate("sensitivity", value)  # type: ignore[arg-type]
    assert score in load_scheme().dimension("sensitivity").scale.values()
    assert isinstance(score, float)


@example(7.000002)
@example(0.999998)
@example(10**400)
@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not 1 <= x <= 7))
def test_scores_just_outside_the_range_are_refused(value: float) -> None:
    with pytest.raises(ScoreOutOfRange):
        load_scheme().validate("structuring", value)


def test_stored_scores_carry_no_float_noise() -> None:
    text = MINIMAL.replace("max = 5", "max = 2").replace("step = 1", "step = 0.1")
    score, _ = parse_scheme(text).validate("warmth", 1.7)
    assert repr(score) == "1.7"


def test_malformed_scheme_creates_no_study(tmp_path: Path) -> None:
    from eas_coder.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace("step = 1", "stp = 1"), encoding="utf-8")
    study = tmp_path / "study.sqlite"
    assert main(["--db", str(study), "init", "--scheme", str(bad)]) == 2
    assert not study.exists()


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('anchors = { "1" = "a", "1.0" = "b" }', "a second anchor"),
        ('anchors = { "2.5" = "between points" }', "not a point of the scale"),
    ],
)
def test_anchor_points_must_be_distinct_points_of_the_scale(extra: str, problem: str) -> None:
    with pytest.raises(SchemeError, match=problem):
        parse_scheme(MINIMAL.replace("step = 1", f"step = 1\n{extra}"))
