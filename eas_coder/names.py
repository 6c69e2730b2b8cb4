"""Names of people (coders) and dyads (participant codes) are identities: one normaliser for
every place that creates or looks one up.

A name is Unicode NFC, trimmed, with runs of spaces made one plain space. Characters a person
cannot see or type into a name cell are refused, never silently removed: control characters
(NUL, line breaks, tabs), format characters (zero-width spaces and joiners, bidirectional
overrides and marks, the byte-order mark, soft hyphens) and invisible fillers. Two names are
the same identity when their ``name_key`` is equal (case-insensitive, after NFC); a new name
within one edit of an existing key is "near" and needs confirming (``near``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from eas_coder.errors import StudyError

# Categories no visible name contains: Cc control (NUL, \n, \t…), Cf format (zero-width,
# bidi, BOM, soft hyphen), Cs surrogates, Co private use, Cn unassigned, Zl/Zp separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Letters (category Lo) that draw nothing: Hangul fillers, the braille blank.
_INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
_LINE_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if char in _LINE_BREAKS:
        kind = "a line break"
    elif unicodedata.category(char) == "Cc":
        kind = "a control character"
    else:
        kind = "an invisible character"
    return f"{kind} ({code}{' ' + name if name else ''})"


def refused_character(text: str) -> str | None:
    """A description of the first character a name may not hold, or None."""
    for char in text:
        if char in _INVISIBLE_LETTERS or unicodedata.category(char) in _REFUSED_CATEGORIES:
            return _describe(char)
    return None


def normalise_name(value: object, what: str, limit: int) -> str:
    """``value`` as a stored name: NFC, trimmed, single plain spaces; StudyError (naming
    ``what`` and the problem) if it is not text, empty, too long or holds a character that
    cannot be seen."""
    if not isinstance(value, str):
        raise StudyError(f"{what} must be text, not {value!r}")
    return _normalised(value, what, limit)


# A sheet repeats the same few names on every row: remembering the answers (refusals are
# raised, never remembered) makes a 60,000-row import normalise each name once.
@lru_cache(maxsize=4096)
def _normalised(value: str, what: str, limit: int) -> str:
    bad = refused_character(value)
    if bad is not None:
        raise StudyError(f"{what} contains {bad}: retype it with visible characters only")
    text = unicodedata.normalize("NFC", value)
    # every kind of space (no-break, thin, ideographic…) is one plain space between words
    text = " ".join("".join(" " if unicodedata.category(c) == "Zs" else c for c in text).split())
    if not text:
        raise StudyError(f"{what} is missing")
    if len(text) > limit:
        raise StudyError(f"{what} is longer than {limit} characters: {text[:40]!r}…")
    return text


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """What makes two names the same identity: NFC, spaces collapsed, case folded."""
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in name)
    return unicodedata.normalize(
        "NFC", unicodedata.normalize("NFC", " ".join(spaced.split())).casefold()
    )


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one insertion, deletion or substitution.

    Hand-written rather than a dependency (no edit-distance library is installed): a
    distance-1 test is one linear pass.
    """
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def near(key: str, existing: Iterable[tuple[str, str]]) -> str | None:
    """The first existing name (given as ``(key, name)`` pairs) within one edit of ``key``
    but not the same identity; None when there is none."""
    for other_key, other in existing:
        if other_key != key and within_one_edit(key, other_key):
            return other
    return None
