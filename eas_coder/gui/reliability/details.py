"""What Tools ▸ Reliability shows beyond its per-dimension table (issue 19).

- The Details tab: for the selected dimension, every ICC form with its 95% CI, F test and
  the units it rests on; each coder's bias; the D-study line; the dimension's notes. The
  main table keeps one form (the target) so it stays readable; six forms × seven numbers
  would not fit beside it.
- The segment-matching label: at segment level, how the coders' segments met (matched
  share, onset and offset differences, and the tolerance setting when overlapping segments
  were left out), so "n = 0" never stands unexplained.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget, QVBoxLayout, QWidget

from eas_coder.gui.reliability.table import fill, num, p_text
from eas_coder.reliability import DimensionResult, ReliabilityReport
from eas_coder.reliability_extras import bias_lines, dstudy_line
from eas_coder.stats import ICC_FORMS


class ReliabilityDetails(QWidget):
    """The Details tab: every ICC form of one dimension, bias and D-study."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsTab")
        layout = QVBoxLayout(self)
        self.formsTable = QTableWidget(self)
        self.formsTable.setObjectName("formsTable")
        self.formsTable.setAccessibleName("Every ICC form with its F test")
        self.formsTable.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.formsTable.verticalHeader().setVisible(False)
        self.detailsText = QLabel(self)
        self.detailsText.setObjectName("detailsText")
        self.detailsText.setWordWrap(True)
        self.detailsText.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.formsTable, 1)
        layout.addWidget(self.detailsText)

    def show_dimension(self, result: DimensionResult | None) -> None:
        """Show one dimension's details (None: nothing chosen)."""
        if result is None:
            fill(self.formsTable, [], [])
            self.detailsText.setText("Choose a dimension in the table above.")
            return
        table = result.icc
        fill(
            self.formsTable,
            ["Form", "ICC", "95% CI", "F", "df", "p", "n"],
            [
                [
                    form,
                    num(table[form].value),
                    f"[{num(table[form].ci[0])}, {num(table[form].ci[1])}]",
                    num(table[form].f),
                    "–" if table[form].df1 != table[form].df1
                    else f"{table[form].df1:g}, {table[form].df2:g}",
                    p_text(table[form].p),
                    str(table.n_for(form)),
                ]
                for form in ICC_FORMS
            ],
        )  # fmt: skip
        lines = [
            f"{result.label}: n = {result.n_units} units rated by every coder "
            f"({result.n_dropped} more miss a coder's score); label {result.quality}."
        ]
        if result.bias:
            lines.append("Bias (each coder's mean difference from the others, 95% CI):")
            lines += [f"    {line}" for line in bias_lines(result.bias)]
        if result.dstudy is not None:
            lines.append(dstudy_line(result.dstudy))
        lines += list(result.notes)
        self.detailsText.setText("\n".join(lines))


def matching_text(report: ReliabilityReport) -> str:
    """The segment-matching explanation (empty at session level)."""
    if report.segment_matching is None:
        return ""
    return "\n".join(line.strip() for line in report.segment_matching.lines())


def make_matching_label(parent: QWidget) -> QLabel:
    """The label under the choices that explains segment matching (hidden at first)."""
    label = QLabel(parent)
    label.setObjectName("segmentMatchingLabel")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label
