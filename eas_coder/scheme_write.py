"""Writing a Scheme back as scheme TOML, the format ``resources/scales/*.toml`` uses.

The text reads back (``parse_scheme``) to an equal Scheme: the scheme editor builds a Scheme
from what the lab manager typed, writes it here, and the reader's strict checks then say
what is wrong by key path (``dimensions[2].max``). A study stores the text as its scheme
version, so it is laid out for people: one table per band, dimension, item and episode.
"""

from __future__ import annotations

from collections.abc import Iterable

from eas_coder.scheme import Dimension, Scheme

HEADER = "# Written by EAS Coder's scheme editor; each saved edit is a new version of the scheme."

# TOML's short escapes; every other control character is written as \uXXXX (TOML forbids
# them raw in a basic string, DEL included).
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (one line, so it also fits an inline table)."""
    out: list[str] = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_number(value: float) -> str:
    """A whole number without a fraction (``7``), any other exactly (``repr`` is the
    shortest text that reads back to the same float); NaN and infinities as TOML spells
    them, so the reader names them rather than the writer failing."""
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _inline(pairs: Iterable[tuple[str, str]]) -> str:
    body = ", ".join(f"{key} = {value}" for key, value in pairs)
    return "{ " + body + " }" if body else "{}"


def _dimension(scheme: Scheme, dim: Dimension) -> list[str]:
    lines = [
        "[[dimensions]]",
        f"key = {toml_string(dim.key)}",
        f"label = {toml_string(dim.label)}",
        f"side = {toml_string(dim.side)}",
    ]
    if dim.kind == "zone":
        # a zone's range is its levels (stored as 1..n): it has no min / max / cut-offs
        lines.append('type = "zone"')
        lines.append("levels = [" + ", ".join(toml_string(v) for v in dim.levels) + "]")
    elif dim.derive is not None:
        lines.append(f"derive = {toml_string(dim.derive)}")  # the range follows its items
    else:
        scale = dim.scale
        lines += [
            f"min = {toml_number(scale.minimum)}",
            f"max = {toml_number(scale.maximum)}",
            f"step = {toml_number(scale.step)}",
        ]
    if dim.description:
        lines.append(f"description = {toml_string(dim.description)}")
    if dim.kind != "zone" and (scheme.bands or dim.cutoffs or dim.cutoffs_source):
        # with bands a dimension always has its table: {} says "not set yet"
        pairs = [(key, toml_number(low)) for key, low in dim.cutoffs]
        if dim.cutoffs_source:
            pairs.append(("source", toml_string(dim.cutoffs_source)))
        lines.append(f"cutoffs = {_inline(pairs)}")
    if dim.anchors:
        pairs = [
            (toml_string(toml_number(score)), toml_string(text)) for score, text in dim.anchors
        ]
        lines.append(f"anchors = {_inline(pairs)}")
    for item in dim.items:
        lines += [
            "",
            "[[dimensions.items]]",
            f"key = {toml_string(item.key)}",
            f"label = {toml_string(item.label)}",
            f"min = {toml_number(item.scale.minimum)}",
            f"max = {toml_number(item.scale.maximum)}",
            f"step = {toml_number(item.scale.step)}",
        ]
    return lines


def scheme_to_toml(scheme: Scheme, header: str = HEADER) -> str:
    """The scheme as TOML text that ``parse_scheme`` reads back to an equal Scheme.

    Nothing is checked here: a scheme the editor built from half-typed fields is written as
    it is, and the reader's checks name the field that is wrong."""
    lines = [header, ""] if header else []
    lines += [
        "[scheme]",
        f"id = {toml_string(scheme.id)}",
        f"name = {toml_string(scheme.name)}",
        f"version = {toml_string(scheme.version)}",
    ]
    if scheme.description:
        lines.append(f"description = {toml_string(scheme.description)}")
    if scheme.bands_note:
        lines.append(f"bands_note = {toml_string(scheme.bands_note)}")
    if scheme.overlapping_segments:
        lines.append("overlapping_segments = true")
    for band in scheme.bands:
        lines += ["", "[[bands]]", f"key = {toml_string(band.key)}"]
        lines.append(f"label = {toml_string(band.label)}")
    for dim in scheme.dimensions:
        lines += ["", *_dimension(scheme, dim)]
    for episode in scheme.episodes:
        lines += ["", "[[episodes]]", f"key = {toml_string(episode.key)}"]
        lines.append(f"label = {toml_string(episode.label)}")
    return "\n".join(lines) + "\n"
