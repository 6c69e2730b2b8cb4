"""R users read the export without renaming a column: every column name of the CSV and
SPSS exports follows R's rules for syntactic names and SPSS's for variable names, whatever
the coders, timepoints and scheme keys are called."""

from __future__ import annotations

import csv
import keyword
import re
from pathlib import Path

import pyreadstat
import pytest

from eas_coder.exchange.export import export_study
from eas_coder.exchange.naming import variable_name
from eas_coder.location import from_string
from eas_coder.scheme import parse_scheme, shipped_schemes
from eas_coder.store.study import Study

# R: ?Reserved, and ?make.names: a syntactic name is letters, digits, "." and "_", starts
# with a letter or with "." not followed by a digit, and is not a reserved word.
R_RESERVED = frozenset(
    {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE"}
    | {"NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_"}
    | {"in"}
)
R_SYNTACTIC = re.compile(r"^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$|^\.$")
# SPSS (Command Syntax Reference, "Variable names"): at most 64 bytes; starts with a letter
# (@, # and $ at the start have special meanings, so we require a letter); then letters,
# digits, ".", "_", "@", "#", "$"; not ending in "." and better not in "_" (names SPSS makes
# itself end so); not a reserved keyword; unique without regard to case.
SPSS_RESERVED = frozenset(
    ("ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH")
)
SPSS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._@#$]*$")


def r_problem(name: str) -> str | None:
    """Why R would rename ``name`` (read.csv's check.names), or None."""
    if name in R_RESERVED:
        return "an R reserved word"
    if not R_SYNTACTIC.match(name):
        return "not a syntactic R name"
    return None


def spss_problem(name: str) -> str | None:
    """Why ``name`` is not a good SPSS variable name, or None."""
    if len(name.encode()) > 64:
        return "longer than 64 bytes"
    if not SPSS_NAME.match(name):
        return "not letters, digits, '.', '_' after a first letter"
    if name.endswith((".", "_")):
        return "ends in '.' or '_'"
    if name.upper() in SPSS_RESERVED:
        return "an SPSS reserved keyword"
    return None


def test_the_rule_checks_themselves_catch_bad_names() -> None:
    for bad in ("if", "NA", "TRUE", "1st", ".2x", "a b", "score-1", "_x", "function"):
        assert r_problem(bad), bad
    for good in ("x", ".x", "sensitivity_coder_a_demo", "score_t1_pre", "a.b", "true", "na"):
        assert r_problem(good) is None, good
    for bad in ("with", "ALL", "x" * 65, "x_", "x.", "1x", "a b", "é"):
        assert spss_problem(bad), bad
    assert spss_problem("child_involvement_mean") is None
    assert not keyword.iskeyword("sensitivity")  # and Python users get attributes too


# Names a lab could give: R and SPSS reserved words, digits first, accents, other scripts,
# and long names whose cut at 64 characters falls on a separator.
CODERS = (
    "if", "TRUE", "NA", "With", "1st coder", "Ñandú López", "日本語", "Mean",
    "Ana " + "b" * 38 + " c",  # sensitivity_ana_bbbb…_ cut at 64 -> would end in "_"
    "x" * 90,
)  # fmt: skip
TIMEPOINTS = ("in", "2024", "T1 (pre)", "function", "T" + "z" * 60 + " end")


def _scheme_text() -> str:
    """The demo scheme with awkward dimension and item keys."""
    text = Path(shipped_schemes()["eas-demo"]).read_text(encoding="utf-8")
    text = text.replace('key = "sensitivity"', 'key = "1st-if"', 1)
    start = text.index('key = "structuring"')
    end = text.index("\n", text.index("cutoffs", start)) + 1
    item = '[[dimensions.items]]\nkey = "for"\nlabel = "For"\nmin = 1\nmax = 3\nstep = 1\n'
    return text[:end] + item + text[end:]


@pytest.fixture
def awkward_study(tmp_path: Path) -> Path:
    path = tmp_path / "awkward.sqlite"
    scheme = parse_scheme(_scheme_text(), source="awkward")
    with Study.create(from_string(path), scheme, "Awkward") as study:
        coders = [study.coders.add(name) for name in CODERS]
        for number, timepoint in enumerate(TIMEPOINTS):
            video = study.videos.add("P1", timepoint, None, name=f"v{number}")
            for coder in coders:
                for key in study.scheme.keys:
                    study.ratings.set(video.id, coder.id, key, 4.0)
    return path


def test_every_exported_column_name_is_valid_in_r_and_spss(
    awkward_study: Path, tmp_path: Path
) -> None:
    with Study.open(from_string(awkward_study)) as study:
        csv_files = export_study(study, tmp_path / "out.csv")
        sav_files = export_study(study, tmp_path / "out.sav")
    names: dict[str, list[str]] = {}
    for path in csv_files:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            names[path.name] = next(csv.reader(handle))
    for path in sav_files:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        names[path.name] = list(meta.column_names)
    assert {"out-Sessions.csv", "out-Ratings.csv", "out.sav", "out-Ratings.sav"} <= set(names)
    # the awkward names did reach the wide layouts
    assert len(names["out.sav"]) > 3 + 6 * (len(CODERS) + 3)
    assert any(n.startswith("score_") for n in names["out-Change.csv"])
    problems = []
    for file, columns in names.items():
        assert len({c.lower() for c in columns}) == len(columns), f"{file}: names repeat"
        for column in columns:
            for why in (r_problem(column), spss_problem(column)):
                if why:
                    problems.append(f"{file}: {column!r} is {why}")
    assert problems == []


@pytest.mark.parametrize(
    "text", ["if", "TRUE", "with", "1st", "Ñandú", "日本", "a" * 63 + " b", "__x__", "x" * 70]
)
def test_variable_name_is_valid_in_r_and_spss_on_its_own(text: str) -> None:
    name = variable_name(text)
    assert r_problem(name) is None and spss_problem(name) is None, name
