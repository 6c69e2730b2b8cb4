"""The change report as one self-contained HTML page, slope charts as inline SVG. Every text
is escaped: participant codes, measure names and the study's name are typed by people."""

from __future__ import annotations

from html import escape

from eas_coder.change_model import ChangeReport, SlopePanel, num

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 75em; margin: 2em auto;
       line-height: 1.4; color: #111; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
svg { margin: 0 1em 1em 0; }
"""
W, H = 320, 230  # px per chart
_FILLS = ("#fae4e4", "#f4f4f4", "#e2f0e2")


def _svg(panel: SlopePanel) -> str:
    left, top, width, height = 40, 24, W - 110, H - 54
    span = (panel.high - panel.low) or 1.0

    def at(value: float) -> float:
        return top + height * (panel.high - value) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" role="img" '
        f'aria-label="{escape(panel.title)}">',
        f'<text x="4" y="14" font-size="13" font-weight="bold">{escape(panel.title)}</text>',
    ]
    bounds = [panel.low, *(c for c, _ in panel.cutoffs), panel.high]
    for i in range(len(bounds) - 1):
        fill = _FILLS[0 if i == 0 else 2 if i == len(bounds) - 2 else 1]
        if not panel.cutoffs:
            fill = "#f8f8f8"
        y0, y1 = at(bounds[i + 1]), at(bounds[i])
        parts.append(
            f'<rect x="{left}" y="{y0:.1f}" width="{width}" height="{y1 - y0:.1f}" fill="{fill}"/>'
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#888"/>'
    )
    for value in (panel.low, panel.high, *(c for c, _ in panel.cutoffs)):
        parts.append(
            f'<text x="{left - 4}" y="{at(value) + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#666">{escape(num(value))}</text>'
        )
    for cut, label in panel.cutoffs:
        parts.append(
            f'<text x="{left + width + 4}" y="{at(cut) + 4:.1f}" font-size="10" '
            f'fill="#666">{escape(label)}</text>'
        )
    count = len(panel.timepoints)
    xs = [left + width * (i + 0.5) / count for i in range(count)]
    for x, label in zip(xs, panel.timepoints, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{top + height + 14}" font-size="10" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for participant, values in panel.lines:
        points = [(x, at(v)) for x, v in zip(xs, values, strict=True) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f"<g><title>{escape(participant)}</title>")
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1e4696" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1e4696"/>' for x, y in points]
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: ChangeReport) -> str:
    """The whole page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    for block in report.blocks:
        if block.kind in ("h2", "h3"):
            parts.append(f"<{block.kind}>{escape(block.text)}</{block.kind}>")
        elif block.kind == "table":
            head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            parts.append(f"<p>{escape(block.text)}</p>")
    parts.append("<div>" + "".join(_svg(panel) for panel in report.panels) + "</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
