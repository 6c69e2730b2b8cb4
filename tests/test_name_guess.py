"""Dyad code and timepoint from file names (issue 23, item 5): the named examples, properties
over every separator, case and order (Hypothesis), the lab's pattern, and the study setting
that remembers it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eas_coder.errors import StudyError
from eas_coder.name_guess import compile_pattern, guess_name, match_pattern, pattern_problem
from eas_coder.store.study import Study


@pytest.mark.parametrize(
    ("name", "dyad", "timepoint"),
    [
        ("M001_pre.mp4", "M001", "pre"),
        ("M001_POST.mov", "M001", "post"),
        ("P-12_follow-up.mp4", "P-12", "follow-up"),
        ("014 followup.mp4", "014", "follow-up"),
        ("D01.fu.mp4", "D01", "follow-up"),
        ("M001 Follow Up.mp4", "M001", "follow-up"),
        ("baseline-M001.mp4", "M001", "baseline"),
        ("M001_follow.mp4", "M001", "follow-up"),
        ("D01_W2.mp4", "D01", "W2"),
        ("visit3_P-12.mp4", "P-12", "visit3"),
        ("M001_month6.mp4", "M001", "month6"),
        ("M001_m6.mp4", "M001", "m6"),
        ("T12_pre.mp4", "T12", "pre"),  # a dyad code that looks like a timepoint
        ("M001pre.mp4", "M001", "pre"),
        ("M001_T2_post.mp4", "M001", "T2 post"),
    ],
)
def test_named_examples(name: str, dyad: str, timepoint: str) -> None:
    found = guess_name(PurePosixPath("/videos") / name)
    assert (found.dyad, found.timepoint, found.source) == (dyad, timepoint, "name")


def test_folder_timepoint_only_for_a_folder_named_like_one() -> None:
    found = guess_name(PurePosixPath("/v/Pre/M001.mp4"))
    assert (found.dyad, found.timepoint, found.source) == ("M001", "pre", "folder")
    assert guess_name(PurePosixPath("/v/T1 pre/M001.mp4")).timepoint == "T1 pre"
    assert guess_name(PurePosixPath("/v/notes_time0/M001.mp4")).timepoint == ""


def test_known_timepoints_are_written_the_study_way() -> None:
    known = ["Pre", "Follow-up", "T1"]
    assert guess_name(PurePosixPath("M001_PRE.mp4"), known_timepoints=known).timepoint == "Pre"
    assert guess_name(PurePosixPath("M001_fu.mp4"), known_timepoints=known).timepoint == (
        "Follow-up"
    )
    assert guess_name(PurePosixPath("M001_t1.mp4"), known_timepoints=known).timepoint == "T1"


_WORDS = {
    "pre": "pre",
    "post": "post",
    "baseline": "baseline",
    "follow-up": "follow-up",
    "followup": "follow-up",
    "follow_up": "follow-up",
    "follow up": "follow-up",
    "fu": "follow-up",
}
_NUMBERED = st.builds(
    lambda prefix, n: f"{prefix}{n}",
    st.sampled_from(["T", "t", "W", "wave", "visit", "Visit", "session", "month", "tp"]),
    st.integers(1, 99),
)
_LETTERS = st.text(alphabet="ABCDEFGHJKLNPQRSXYZ", min_size=1, max_size=3)
_DYADS = st.one_of(
    st.builds(lambda a, n: f"{a}{n:03d}", _LETTERS, st.integers(0, 9999)),  # M001, AB1234
    st.builds(lambda a, s, n: f"{a}{s}{n}", _LETTERS, st.sampled_from("-_"), st.integers(1, 99)),
    st.builds(lambda n: f"{n:03d}", st.integers(0, 999)),  # 014
)
_SEPARATORS = st.sampled_from(["_", "-", " ", ".", "__", " - "])


def _case(text: str, upper: bool) -> str:
    return text.upper() if upper else text


@given(_DYADS, st.sampled_from(sorted(_WORDS)), _SEPARATORS, st.booleans(), st.booleans())
def test_any_dyad_and_word_timepoint_in_either_order(
    dyad: str, word: str, separator: str, timepoint_first: bool, upper: bool
) -> None:
    parts = [_case(word, upper), dyad] if timepoint_first else [dyad, _case(word, upper)]
    found = guess_name(PurePosixPath("/v") / (separator.join(parts) + ".mp4"))
    assert (found.dyad, found.timepoint) == (dyad, _WORDS[word])


@given(_DYADS, _NUMBERED, _SEPARATORS, st.booleans())
def test_any_dyad_and_numbered_timepoint_in_either_order(
    dyad: str, timepoint: str, separator: str, timepoint_first: bool
) -> None:
    parts = [timepoint, dyad] if timepoint_first else [dyad, timepoint]
    found = guess_name(PurePosixPath(separator.join(parts) + ".mov"))
    assert (found.dyad, found.timepoint) == (dyad, timepoint)


@given(st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and "\x00" not in s))
def test_any_name_gives_a_code(stem: str) -> None:
    found = guess_name(PurePosixPath(f"{stem}.mp4"))
    assert found.dyad  # never an empty code: at worst the whole name, to be checked


_FREE = st.text(alphabet="abcdefghijkmnopqrsuvwxyz0123456789", min_size=1, max_size=8)


@given(_FREE, _FREE, st.sampled_from(["{dyad}_{timepoint}", "{timepoint}-{dyad}"]), _FREE)
def test_a_pattern_reads_back_what_it_wrote(
    dyad: str, timepoint: str, pattern: str, prefix: str
) -> None:
    name = pattern.format(dyad=dyad, timepoint=timepoint)
    assert match_pattern(pattern, PurePosixPath(name + ".mp4")) == (
        dyad,
        "follow-up" if timepoint == "fu" else timepoint,
    )
    starred = "*~" + pattern
    assert match_pattern(starred, PurePosixPath(f"{prefix}~{name}.mp4"))[0] == dyad  # type: ignore[index]


def test_pattern_comes_first_and_a_miss_falls_back_to_the_guess() -> None:
    pattern = "study*_{timepoint}_{dyad}"
    found = guess_name(PurePosixPath("STUDY2024_pre_M001.mp4"), pattern)
    assert (found.dyad, found.timepoint, found.source) == ("M001", "pre", "pattern")
    other = guess_name(PurePosixPath("M002-post.mp4"), pattern)
    assert (other.dyad, other.timepoint, other.source) == ("M002", "post", "name")
    folder = guess_name(PurePosixPath("/lab/Wave2/x_14.mp4"), "{timepoint}/x_{dyad}")
    assert (folder.dyad, folder.timepoint) == ("14", "Wave2")


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{timepoint}", "{dyad} once"),
        ("{dyad}_{dyad}", "{dyad} once"),
        ("{dyad}_{wave}", "{wave} is not known"),
        ("{dyad}_{timepoint", "braces are closed"),
    ],
)
def test_bad_patterns_are_named(pattern: str, problem: str) -> None:
    assert problem in (pattern_problem(pattern) or "")
    with pytest.raises(StudyError, match="pattern must be"):
        compile_pattern(pattern)
    assert match_pattern(pattern, PurePosixPath("M001_pre.mp4")) is None


def test_the_study_remembers_the_pattern(sqlite_study: Study, tmp_path: Path) -> None:
    settings = sqlite_study.settings
    assert settings.get("videos.name_pattern") == ""
    settings.set("videos.name_pattern", "{timepoint}-{dyad}")
    assert settings.get("videos.name_pattern") == "{timepoint}-{dyad}"
    with pytest.raises(StudyError, match=r"videos.name_pattern must be .*\{dyad\} once"):
        settings.set("videos.name_pattern", "{timepoint}")
    with pytest.raises(StudyError, match="text such as"):
        settings.set("videos.name_pattern", 5)
    assert settings.get("videos.name_pattern") == "{timepoint}-{dyad}"
    changes = [e for e in sqlite_study.audit_log() if e.action == "setting.set"]
    assert len(changes) == 1 and "videos.name_pattern" in (changes[0].new or "")
