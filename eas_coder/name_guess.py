"""The dyad code and timepoint a video's file name suggests, for Add Videos.

First the study's own pattern, when the lab set one (setting ``videos.name_pattern``, e.g.
``{dyad}_{timepoint}``, ``{timepoint}-{dyad}``, ``*_{dyad}_{timepoint}``, or with a folder:
``{timepoint}/{dyad}``); then a guess from the name's parts, split at ``_ - . space``:

- timepoints: pre, post, follow / follow-up / followup / fu, baseline (any case; written as
  ``pre``, ``post``, ``follow-up``, ``baseline``), and numbered ones such as T1, W2, wave2,
  visit3, session1, month6, m6 (one or two digits, kept as written); a numbered one followed
  by a word joins it (``T1 pre``). A timepoint the study already has is written its way.
- dyad codes: letters and digits such as M001, D01, P12; letters then digits apart (P-12,
  dyad_014, kept as written); or digits alone (014).

Nothing here touches the study: the caller passes the pattern and the known timepoints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from eas_coder.errors import StudyError

FIELDS = ("dyad", "timepoint")
_SEPARATOR = re.compile(r"[\s_\-.]+")
_WORDS = {
    "pre": "pre",
    "post": "post",
    "baseline": "baseline",
    "follow": "follow-up",
    "followup": "follow-up",
    "fu": "follow-up",
}
# numbered timepoints; "m"/"v" alone are weaker (M12 may be a dyad code), so they lose a tie
_STRONG = re.compile(r"(?i)^(t|tp|time|w|wave|visit|session|month)\d{1,2}$")
_WEAK = re.compile(r"(?i)^(m|v)\d{1,2}$")
_DYAD = re.compile(r"^[A-Za-z]{0,4}\d{1,6}[A-Za-z]?$")
_LETTERS = re.compile(r"^[A-Za-z]{1,4}$")
_DIGITS = re.compile(r"^\d{1,6}$")
_JOINED = re.compile(r"(?i)^([a-z]{0,4}\d{1,6}?)(t\d{1,2}|pre|post|fu|followup|baseline)$")
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class NameGuess:
    """A file's dyad code and timepoint, and where they came from: "pattern" (the study's),
    "name" (the file name's parts), "folder" (the timepoint from the folder's name), or ""
    (nothing recognised: the code is the whole name and the timepoint is empty)."""

    dyad: str
    timepoint: str
    source: str


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def guess_name(
    path: PurePath, pattern: str = "", known_timepoints: Sequence[str] = ()
) -> NameGuess:
    """The study's pattern first (when it matches), else the best guess from the name."""
    if pattern.strip():
        found = match_pattern(pattern, path)
        if found is not None:
            dyad, timepoint = found
            return NameGuess(dyad, same_as_known(timepoint, known_timepoints), "pattern")
    return guess_parts(path, known_timepoints)


def guess_parts(path: PurePath, known_timepoints: Sequence[str] = ()) -> NameGuess:
    """The dyad code and timepoint from the file name's parts (see the module's notes)."""
    stem = path.stem
    tokens = _tokens(stem)
    spans = _timepoint_spans(tokens)
    for first, last in spans:  # the likeliest timepoint that leaves a dyad code
        dyad = _dyad(stem, tokens[:first] + tokens[last + 1 :])
        if dyad:
            timepoint = " ".join(_spelled(t.text) for t in tokens[first : last + 1])
            return NameGuess(dyad, same_as_known(timepoint, known_timepoints), "name")
    joined = _JOINED.match(stem)
    if joined and joined.group(1):
        timepoint = same_as_known(_spelled(joined.group(2)), known_timepoints)
        return NameGuess(joined.group(1), timepoint, "name")
    dyad = "" if spans else _dyad(stem, tokens)
    folder = _tokens(path.parent.name)
    # only a folder named as a whole like a timepoint (T1, wave2, pre, T1 pre), not any
    # folder with such a part ("notes_time0")
    whole = (0, len(folder) - 1)
    if dyad and folder and whole in _timepoint_spans(folder, alone=True):
        timepoint = " ".join(_spelled(t.text) for t in folder)
        return NameGuess(dyad, same_as_known(timepoint, known_timepoints), "folder")
    return NameGuess(dyad or stem, "", "")


def same_as_known(timepoint: str, known: Sequence[str]) -> str:
    """The study's own spelling of a timepoint when it has it (``PRE`` → ``pre``,
    ``follow up`` → ``Follow-up``), else the timepoint as given."""
    key = _key(timepoint)
    return next((k for k in known if _key(k) == key), timepoint)


def _key(text: str) -> str:
    words = [_WORDS.get(w.casefold(), w.casefold()) for w in _SEPARATOR.split(text) if w]
    return _SEPARATOR.sub("", " ".join(words))


def _tokens(text: str) -> list[_Token]:
    found = [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"[^\s_\-.]+", text)]
    merged: list[_Token] = []
    for token in found:  # "follow" "up" is one word
        if merged and merged[-1].text.casefold() == "follow" and token.text.casefold() == "up":
            merged[-1] = _Token("follow-up", merged[-1].start, token.end)
        else:
            merged.append(token)
    return merged


def _word(text: str) -> bool:
    return text.casefold() in _WORDS or text.casefold() == "follow-up"


def _spelled(text: str) -> str:
    """Words written one way (``FU`` → ``follow-up``); numbered timepoints as written."""
    return _WORDS.get(text.casefold(), "follow-up" if text.casefold() == "follow-up" else text)


def _timepoint_spans(tokens: Sequence[_Token], alone: bool = False) -> list[tuple[int, int]]:
    """(first, last) token index of each possible timepoint, likeliest first: a numbered one
    with a word right after it, then words, then strong numbered ones, then weak ones (the
    later in the name the likelier). Not the only token unless ``alone`` (a folder's name):
    a file name must leave a dyad code."""
    if len(tokens) < (1 if alone else 2):
        return []
    numbered = [i for i, t in enumerate(tokens) if _STRONG.match(t.text) or _WEAK.match(t.text)]
    spans = [
        (i, i + 1) for i in reversed(numbered) if i + 1 < len(tokens) and _word(tokens[i + 1].text)
    ]
    spans += [(i, i) for i in reversed(range(len(tokens))) if _word(tokens[i].text)]
    spans += [(i, i) for i in reversed(numbered) if _STRONG.match(tokens[i].text)]
    spans += [(i, i) for i in reversed(numbered) if not _STRONG.match(tokens[i].text)]
    return spans


def _dyad(stem: str, tokens: Sequence[_Token]) -> str:
    """The first part that looks like a dyad code (letters then digits apart count as one,
    written as in the name), else the remaining parts joined by "_"."""
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            after is not None
            and _LETTERS.match(token.text)
            and _DIGITS.match(after.text)
            and _SEPARATOR.fullmatch(stem[token.end : after.start])
        ):
            return stem[token.start : after.end]
        if _DYAD.match(token.text) and not _word(token.text):
            return token.text
    return "_".join(t.text for t in tokens)


# --- the study's pattern ------------------------------------------------------------------


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a name pattern, in words; None when it can be used ("" = none)."""
    if not pattern.strip():
        return None
    if len(pattern) > 200:
        return "at most 200 characters"
    names = _FIELD.findall(pattern)
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        return f"made of {{dyad}}, {{timepoint}}, * and plain text; {{{unknown[0]}}} is not known"
    if "{" in _FIELD.sub("", pattern) or "}" in _FIELD.sub("", pattern):
        return "a pattern whose braces are closed, such as {dyad}_{timepoint}"
    if names.count("dyad") != 1 or names.count("timepoint") > 1:
        return "a pattern with {dyad} once (and {timepoint} at most once)"
    return None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A name pattern as a regular expression over the name's last parts (StudyError when it
    cannot be used). ``*`` is any text; letters match in any case; ``/`` parts are folders."""
    problem = pattern_problem(pattern)
    if problem or not pattern.strip():
        raise StudyError(f"the file name pattern must be {problem or 'given'}, not {pattern!r}")
    parts = []
    for piece in re.split(r"(\{dyad\}|\{timepoint\}|\*)", pattern.strip()):
        if piece in ("{dyad}", "{timepoint}"):
            parts.append(f"(?P<{piece[1:-1]}>[^/]+?)")
        elif piece == "*":
            parts.append("[^/]*?")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts), re.IGNORECASE)


def match_pattern(pattern: str, path: PurePath) -> tuple[str, str] | None:
    """(dyad, timepoint) when the pattern matches the whole name (without its extension);
    None when it does not or cannot be used."""
    try:
        compiled = compile_pattern(pattern)
    except StudyError:
        return None
    depth = pattern.strip().count("/")
    parts = (
        [*path.parent.parts[len(path.parent.parts) - depth :], path.stem] if depth else [path.stem]
    )
    found = compiled.fullmatch("/".join(parts))
    if found is None:
        return None
    dyad = found.group("dyad").strip()
    groups = found.groupdict()
    timepoint = (groups.get("timepoint") or "").strip()
    return (dyad, _spelled(timepoint) if _word(timepoint) else timepoint) if dyad else None


def setting_problem(value: object) -> str | None:
    """The check of the study setting ``videos.name_pattern`` (store/settings.py)."""
    if not isinstance(value, str):
        return "text such as {dyad}_{timepoint} (or empty for none)"
    return pattern_problem(value)
