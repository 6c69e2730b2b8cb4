"""Coding schemes: TOML files turned into frozen dataclasses that validate scores.

A scheme names the dimensions a coder rates (each with a range and a step), optional items
within a dimension, optional score bands with per-dimension cut-offs, optional local anchor
text, and the episode labels a segment may carry. A study keeps the TOML text it was created
with (its snapshot), so its results never change when a file on disk changes.

Callers import a scheme's types and its loaders from here. The types live in ``scheme_types``
(re-exported below) and the TOML reader in ``scheme_toml``, so this module sits above both and
no import runs back up.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from eas_coder.errors import SchemeError
from eas_coder.resources import scales_dir
from eas_coder.scheme_toml import SchemeReader
from eas_coder.scheme_types import (
    DEFAULT_SCHEME_ID,
    DERIVE_RULES,
    MAX_BANDS,
    MAX_DIMENSIONS,
    MAX_EPISODES,
    MAX_ITEMS,
    MAX_STEPS,
    RATING_TYPES,
    SIDES,
    STEP_TOLERANCE,
    Band,
    Derive,
    Dimension,
    Episode,
    Item,
    RatingType,
    Scale,
    Scheme,
    Side,
)

# Callers take a scheme's types and limits from here with its loaders (scheme_types is
# their home only so that scheme_toml can build them without importing this module).
__all__ = [
    "DEFAULT_SCHEME_ID",
    "DERIVE_RULES",
    "MAX_BANDS",
    "MAX_DIMENSIONS",
    "MAX_EPISODES",
    "MAX_ITEMS",
    "MAX_STEPS",
    "RATING_TYPES",
    "SIDES",
    "STEP_TOLERANCE",
    "Band",
    "Derive",
    "Dimension",
    "Episode",
    "Item",
    "RatingType",
    "Scale",
    "Scheme",
    "Side",
    "load_scheme",
    "parse_scheme",
    "shipped_schemes",
]

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


def parse_scheme(text: str, source: str = "<scheme>", strict: bool = True) -> Scheme:
    """Parse and validate scheme TOML; errors name ``source`` and the line or key.

    ``strict`` refuses unknown keys (for files a person edits). A study's stored snapshot is
    parsed leniently, so a study keeps opening if a later version adds keys.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(source, "", f"not valid TOML: {exc}") from exc
    return SchemeReader(source, strict).scheme(data, text)
