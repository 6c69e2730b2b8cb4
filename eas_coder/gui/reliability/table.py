"""The per-dimension statistics table of Tools ▸ Reliability: the target ICC with its CI,
label (Koo & Li, or "too few units"), F test (every form's in the tooltip), kappa, alpha,
Gwet's AC1/AC2 and the flags (below target; a coder's bias)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from eas_coder.reliability import DimensionResult, ReliabilityReport
from eas_coder.reliability_design import f_text
from eas_coder.stats import ICC_FORMS

FLAG = QColor("#f8d7da")
FLAG_TEXT = QColor("#58151c")  # readable on the flag colour in light and dark palettes
KEY_ROLE = Qt.ItemDataRole.UserRole
F_COLUMN = 9  # the target form's F; df and p follow


def num(value: float, digits: int = 2) -> str:
    """A value for a cell; NaN as a dash."""
    return "–" if value != value else f"{value:.{digits}f}"


def p_text(value: float) -> str:
    """A p value as a methods section writes it: .003, < .001; NaN as a dash."""
    if value != value:
        return "–"
    return "< .001" if value < 0.001 else f"{value:.3f}".replace("0.", ".", 1)


def fill(table: QTableWidget, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Replace a table's header and cells."""
    table.clear()
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(list(header))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()


def header(report: ReliabilityReport) -> list[str]:
    """Column titles; the first nine keep their places (Dimension … Flag)."""
    form = report.target_form
    return [
        "Dimension", "n", form, "95% CI", "Label", "κ quadratic", "α interval",
        f"within ±{report.tolerance:g}", "Flag", f"{form} F", "df", "p", "AC1",
        "AC2 ordinal", "BP quadratic",
    ]  # fmt: skip


def fill_stats(table: QTableWidget, report: ReliabilityReport, current: str | None) -> None:
    """Show the report, one row per dimension, flagged rows coloured; keep ``current``."""
    form, target = report.target_form, report.target
    rows, flagged = [], []
    for result in report.dimensions.values():
        main, v = result.icc[form], result.values
        is_flagged = result.flagged(form, target)
        biased = [
            f"{b.coder} {'higher' if b.mean_difference > 0 else 'lower'}"
            for b in result.bias
            if b.flagged
        ]
        flags = (["below target"] if is_flagged else []) + (
            [f"bias: {', '.join(biased)}"] if biased else []
        )
        rows.append(
            [
                result.label,
                str(result.n_units),
                num(main.value),
                f"[{num(main.ci[0])}, {num(main.ci[1])}]",
                result.quality,
                num(v["kappa_quadratic"]),
                num(v["alpha_interval"]),
                num(v["within_one"]),
                "; ".join(flags),
                num(main.f),
                "–" if main.df1 != main.df1 else f"{main.df1:g}, {main.df2:g}",
                p_text(main.p),
                num(v["gwet_ac1"]),
                num(v["gwet_ac2_ordinal"]),
                num(v["bp_quadratic"]),
            ]
        )
        flagged.append(bool(flags))
    titles = header(report)
    keys = list(report.dimensions)
    with QSignalBlocker(table):
        fill(table, titles, rows)
        for r, is_flagged in enumerate(flagged):
            cells = [table.item(r, c) for c in range(len(titles))]
            first = cells[0]
            assert first is not None  # fill() made every cell
            first.setData(KEY_ROLE, keys[r])
            result = report.dimensions[keys[r]]
            first.setToolTip("\n".join(result.notes))
            tip = f_tests_tip(result) + "\nEvery form in full: the Details tab."
            for c in (F_COLUMN, F_COLUMN + 1, F_COLUMN + 2):
                cell = cells[c]
                assert cell is not None
                cell.setToolTip(tip)
            for cell in cells if is_flagged else []:
                assert cell is not None
                cell.setBackground(QBrush(FLAG))
                cell.setForeground(QBrush(FLAG_TEXT))
        if keys:
            table.setCurrentCell(keys.index(current) if current in keys else 0, 0)
    fit_height(table)


def f_tests_tip(result: DimensionResult) -> str:
    """Every ICC form's F test, one per line (the tooltip of the F, df and p cells)."""
    lines = [f"{form}: {f_text(result.icc[form])}" for form in ICC_FORMS]
    return "F tests of every ICC form (ICC = 0):\n" + "\n".join(lines)


def fit_height(table: QTableWidget) -> None:
    """Tall enough for every dimension of a usual scheme, so none hides below a scroll."""
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    height = table.horizontalHeader().height() + rows + 2 * table.frameWidth() + 2
    table.setMinimumHeight(min(height, 340))
