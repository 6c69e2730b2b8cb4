"""The change report as plain data — its title, ``Block``s and ``SlopePanel``s — and how it
prints a score. ``change_report`` builds it; ``change_pdf`` and ``change_html`` draw it.

Kept apart from ``change_report`` so the renderers need not import the module that calls
them (``change_report.write`` picks the renderer): the imports run one way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from eas_coder.methods_sections import Block

MINUS = "\u2212"  # a true minus sign, as a paper prints it


@dataclass(frozen=True)
class SlopePanel:
    """One slope chart: each participant's line from timepoint to timepoint."""

    title: str
    timepoints: tuple[str, ...]
    low: float
    high: float
    cutoffs: tuple[tuple[float, str], ...]  # (lower bound, band label) after the first band
    lines: tuple[tuple[str, tuple[float | None, ...]], ...]  # (participant, values)


@dataclass(frozen=True)
class ChangeReport:
    """The report's title, blocks and charts."""

    title: str
    blocks: tuple[Block, ...]
    panels: tuple[SlopePanel, ...]


def num(value: float | None) -> str:
    """A score as the report prints it: 4.75, 6.5, 27; "–" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{round(value, 2):g}".replace("-", MINUS)
