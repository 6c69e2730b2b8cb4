"""Column names analysts can use as variable names, and text that stays text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_NAME = 64  # SPSS variable names: letters, digits, underscores, at most 64 characters
# A cell starting with one of these is read as a formula by Excel (CSV injection too).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# Lower-case words R (?Reserved) or SPSS (reserved keywords, any case) take for themselves:
# read.csv would rename them and SPSS refuses them as variable names.
R_RESERVED = frozenset({"if", "else", "repeat", "while", "function", "for", "next", "break", "in"})
SPSS_RESERVED = frozenset(
    {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
)
RESERVED = R_RESERVED | SPSS_RESERVED


def variable_name(text: str) -> str:
    """``Child responsiveness (T1)`` -> ``child_responsiveness_t1``: valid in SPSS and R
    (tests/test_api_names.py checks both sets of rules)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower() or "v"
    if not name[0].isalpha() or name in RESERVED:
        name = f"v_{name}"
    # cut at the limit, then no "_" at the end: SPSS's own made-up names end so
    return name[:MAX_NAME].rstrip("_")


def unique_names(names: Iterable[str]) -> list[str]:
    """Make names unique (``x``, ``x_2``, ...) without passing the length limit."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, number = name, 2
        while candidate in seen:
            suffix = f"_{number}"
            candidate = name[: MAX_NAME - len(suffix)] + suffix
            number += 1
        seen.add(candidate)
        result.append(candidate)
    return result


def looks_like_formula(value: object) -> bool:
    """True for user text a spreadsheet would evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def natural_key(text: str) -> list[object]:
    """Sort key that puts T2 before T10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


# Characters XML (and so .xlsx) cannot hold: C0 controls other than tab, newline, return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str) -> str:
    """User text without the control characters a workbook cannot store (cheap when none)."""
    return text if text.isprintable() else _CONTROL.sub("", text)
