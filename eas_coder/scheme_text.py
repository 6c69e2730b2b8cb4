"""A scheme in words, for the export's Codebook (and any report that lists the scheme):
ranges, how a score is derived from its items, zones, bands with their cut-offs and the
citation they come from, and the study's scheme versions."""

from __future__ import annotations

from collections.abc import Sequence

from eas_coder.scheme import Dimension, Scheme


def dimension_text(scheme: Scheme, dim: Dimension) -> str:
    """One dimension: its range, rule, zones or bands, and the source of its cut-offs."""
    scale = dim.scale
    if dim.ordinal:
        zones = ", ".join(f"{n} = {label}" for n, label in enumerate(dim.levels, start=1))
        return f"{dim.label} ({dim.side}): zone rating, ordinal, lowest first: {zones}"
    text = f"{dim.label} ({dim.side}): {scale.minimum:g}–{scale.maximum:g} by {scale.step:g}"
    if dim.derive is not None:
        text += f"; the {dim.derive} of its items (derived, not typed)"
    elif dim.items:
        text += "; typed directly (its items are scored beside it)"
    if scheme.bands and dim.cutoffs:
        starts = [(scheme.bands[0].label, scale.minimum)] + [
            (next(b.label for b in scheme.bands if b.key == k), low) for k, low in dim.cutoffs
        ]
        text += "; bands: " + ", ".join(f"{label} from {low:g}" for label, low in starts)
    elif scheme.bands:
        text += "; bands: no cut-offs set (none claimed)"
    if dim.cutoffs_source:
        text += f"; cut-offs from: {dim.cutoffs_source}"
    return text


def scheme_rows(scheme: Scheme, versions: Sequence[tuple[int, str]] = ()) -> list[tuple[str, str]]:
    """(what, text) rows: the scheme, its versions in this study, then each dimension and
    item."""
    rows = [(scheme.id, f"{scheme.name}, version {scheme.version}")]
    for number, text in versions:
        rows.append((f"scheme_version {number}", text))
    if scheme.bands_note:
        rows.append(("bands", scheme.bands_note))
    for dim in scheme.dimensions:
        rows.append((dim.key, dimension_text(scheme, dim)))
        for item in dim.items:
            low, high, step = item.scale.minimum, item.scale.maximum, item.scale.step
            rows.append(
                (f"{dim.key}/{item.key}",
                 f"{item.label} (item of {dim.label}): {low:g}–{high:g} by {step:g}")
            )  # fmt: skip
    return rows
