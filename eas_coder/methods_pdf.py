"""The methods report as a PDF, drawn with fpdf2 (pure Python) in DejaVu Sans, which ships
in resources/fonts/ (Bitstream Vera licence) so that κ, α, ≥, – and most coders' names
print on any computer, whatever fonts it has."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from eas_coder.methods_sections import Block, MethodsReport
from eas_coder.resources import resources_dir

FONT = "DejaVu"


def _fonts() -> Path:
    return resources_dir() / "fonts"


def _table(pdf: FPDF, block: Block) -> None:
    widths = _widths(pdf, block)
    with pdf.table(
        col_widths=widths,
        width=min(sum(widths), pdf.epw),
        align="LEFT",
        text_align="LEFT",
        line_height=4.6,
        first_row_as_headings=True,
    ) as table:
        for row in (block.header, *block.rows):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(2)


def _widths(pdf: FPDF, block: Block) -> tuple[float, ...]:
    """Columns as wide as their longest text when the page allows; otherwise the narrow ones
    (numbers, intervals) keep their width and the wide ones share what is left, wrapping."""
    need = [
        max(pdf.get_string_width(str(row[c])) for row in (block.header, *block.rows)) + 4
        for c in range(len(block.header))
    ]
    room = pdf.epw
    if sum(need) <= room:
        return tuple(need)
    fair = room / len(need)
    narrow = sum(w for w in need if w <= fair)
    wide = sum(w for w in need if w > fair)
    return tuple(w if w <= fair else w * (room - narrow) / wide for w in need)


def render_pdf(report: MethodsReport, path: Path) -> None:
    """Write the report to ``path`` (A4)."""
    pdf = FPDF(format="A4")
    pdf.set_title(report.title)
    pdf.set_creator("EAS Coder")
    pdf.add_font(FONT, "", str(_fonts() / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(_fonts() / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for block in report.blocks:
        if block.kind == "h2":
            pdf.ln(2)
            pdf.set_font(FONT, "B", 12)
            pdf.multi_cell(0, 7, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "h3":
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(0, 6, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "table":
            pdf.set_font(FONT, "", 8)
            _table(pdf, block)
        else:
            pdf.set_font(FONT, "", 9.5)
            pdf.multi_cell(0, 5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    pdf.output(str(path))
