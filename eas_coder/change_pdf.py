"""The change report as a PDF (A4 landscape, so Table 2 fits one line per row), drawn with
fpdf2 in DejaVu Sans (resources/fonts), which prints →, − and most names on any computer.
The slope charts are drawn with fpdf2's own lines: no plotting library is needed."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from eas_coder.change_model import ChangeReport, SlopePanel, num
from eas_coder.methods_sections import Block
from eas_coder.resources import resources_dir

FONT = "DejaVu"
PANEL_W, PANEL_H = 84.0, 62.0  # mm, three panels a row
_GREY = (120, 120, 120)
_BAND_FILL = ((250, 228, 228), (244, 244, 244), (226, 240, 226))  # low, middle, top band


def _widths(pdf: FPDF, block: Block) -> tuple[float, ...]:
    """Columns as wide as their text when the page allows; else the wide ones share the rest."""
    need = (
        [
            max(pdf.get_string_width(str(row[c])) for row in block.rows) + 4
            for c in range(len(block.header))
        ]
        if block.rows
        else [4.0] * len(block.header)
    )
    pdf.set_font(FONT, "B", pdf.font_size_pt)  # headings are bold, hence wider
    need = [max(w, pdf.get_string_width(h) + 4) for w, h in zip(need, block.header, strict=True)]
    pdf.set_font(FONT, "", pdf.font_size_pt)
    room = pdf.epw
    if sum(need) <= room:
        return tuple(need)
    fair = room / len(need)
    narrow = sum(w for w in need if w <= fair)
    wide = sum(w for w in need if w > fair)
    return tuple(w if w <= fair else w * (room - narrow) / wide for w in need)


def _table(pdf: FPDF, block: Block) -> None:
    widths = _widths(pdf, block)
    with pdf.table(
        col_widths=widths,
        width=min(sum(widths), pdf.epw),
        align="LEFT",
        text_align="LEFT",
        line_height=4.8,
        first_row_as_headings=True,
    ) as table:
        for row in (block.header, *block.rows):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(2)


def _panel(pdf: FPDF, panel: SlopePanel, x: float, y: float) -> None:
    """One slope chart in the box at (x, y): bands shaded, a line per participant."""
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_xy(x, y)
    pdf.cell(PANEL_W - 4, 4.5, panel.title)
    left, top = x + 10, y + 7
    width, height = PANEL_W - 26, PANEL_H - 17
    span = (panel.high - panel.low) or 1.0

    def at(value: float) -> float:
        return top + height * (panel.high - value) / span

    bounds = [panel.low, *(c for c, _ in panel.cutoffs), panel.high]
    for index in range(len(bounds) - 1):
        shade = _BAND_FILL[0 if index == 0 else 2 if index == len(bounds) - 2 else 1]
        if not panel.cutoffs:
            shade = (248, 248, 248)
        pdf.set_fill_color(*shade)
        y0, y1 = at(bounds[index + 1]), at(bounds[index])
        pdf.rect(left, y0, width, max(y1 - y0, 0.1), style="F")
    pdf.set_draw_color(*_GREY)
    pdf.set_line_width(0.2)
    pdf.rect(left, top, width, height)
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*_GREY)
    for value in (panel.low, panel.high, *(c for c, _ in panel.cutoffs)):
        pdf.set_xy(left - 10, at(value) - 1.5)
        pdf.cell(9, 3, num(value), align="R")
    for cut, label in panel.cutoffs:
        pdf.set_xy(left + width + 0.5, at(cut) - 1.5)
        pdf.cell(15, 3, label)
    count = len(panel.timepoints)
    xs = [left + width * (i + 0.5) / count for i in range(count)]
    for tx, label in zip(xs, panel.timepoints, strict=True):
        pdf.set_xy(tx - 15, top + height + 0.8)
        pdf.cell(30, 3, label, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(30, 70, 150)
    pdf.set_fill_color(30, 70, 150)
    pdf.set_line_width(0.5)
    for _participant, values in panel.lines:
        points = [(tx, at(v)) for tx, v in zip(xs, values, strict=True) if v is not None]
        for (x0, y0), (x1, y1) in pairwise(points):
            pdf.line(x0, y0, x1, y1)
        for px, py in points:
            pdf.circle(px, py, 0.9, style="F")
    pdf.set_line_width(0.2)


def _panels(pdf: FPDF, panels: tuple[SlopePanel, ...]) -> None:
    per_row = max(int(pdf.epw // PANEL_W), 1)
    for index, panel in enumerate(panels):
        column = index % per_row
        if column == 0:
            if pdf.get_y() + PANEL_H > pdf.h - pdf.b_margin:
                pdf.add_page()
            row_y = pdf.get_y()
        _panel(pdf, panel, pdf.l_margin + column * PANEL_W, row_y)
        if column == per_row - 1 or index == len(panels) - 1:
            pdf.set_xy(pdf.l_margin, row_y + PANEL_H)


def render_pdf(report: ChangeReport, path: Path) -> None:
    """Write the report to ``path``."""
    fonts = resources_dir() / "fonts"
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(report.title)
    pdf.set_creator("EAS Coder")
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    for block in report.blocks:
        if block.kind == "h2":
            pdf.ln(2)
            pdf.set_font(FONT, "B", 11)
            pdf.multi_cell(0, 6, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "table":
            pdf.set_font(FONT, "", 8)
            _table(pdf, block)
        else:
            pdf.set_font(FONT, "", 8.5)
            pdf.multi_cell(0, 4.4, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.5)
    _panels(pdf, report.panels)
    pdf.output(str(path))
