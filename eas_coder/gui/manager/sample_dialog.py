"""Tools ▸ Reliability Sample… (lab manager): choose the share, the coder(s), the seed and
whether to stratify, and see the very videos the sample will draw — and those it leaves out
and why — before anything is assigned (``sampling.plan_sample``). Assign writes exactly the
previewed assignments in one audited transaction (``sampling.assign_plan``).
Form: ``ui/reliability_sample_dialog.ui``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QListWidgetItem,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.manager.host import ManagerHost
from eas_coder.sampling import SamplePlan, SampleResult, assign_plan, plan_sample
from eas_coder.store.study import Study

TITLE = "Reliability Sample"
DEFAULT_SEED = 2026


def open_sample_dialog(host: ManagerHost) -> ReliabilitySampleDialog:
    """Show the dialog over the window; on Assign, refresh the window's lists and say what was
    assigned in its status bar."""

    def done(result: SampleResult, dialog: ReliabilitySampleDialog) -> None:
        host.session.changed.emit("status", None)
        host.statusBar().showMessage(dialog.describe(result), 10_000)

    dialog = ReliabilitySampleDialog(host.study, host.window(), done)
    dialog.open()
    return dialog


class ReliabilitySampleDialog(QDialog):
    """The sample's choices and its preview; ``done(result, self)`` after it was assigned."""

    def __init__(
        self,
        study: Study,
        parent: QWidget | None = None,
        done: Callable[[SampleResult, ReliabilitySampleDialog], None] = lambda _r, _d: None,
    ) -> None:
        super().__init__(parent)
        load_form(self, "reliability_sample_dialog.ui")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.study = study
        self._done = done
        self.plan: SamplePlan | None = None
        self.result: SampleResult | None = None
        self.box: QMessageBox | None = None
        for coder in study.coders.all():
            if not coder.active:
                continue  # a retired coder is given no new videos
            item = QListWidgetItem(coder.name, self.coderList)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        header = self.previewTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.shareSpin.valueChanged.connect(self.update_preview)
        self.seedSpin.valueChanged.connect(self.update_preview)
        self.stratifyCheck.toggled.connect(self.update_preview)
        self.coderList.itemChanged.connect(self.update_preview)
        self.buttons.accepted.connect(self._assign)
        self.buttons.rejected.connect(self.reject)
        self.update_preview()
        self.shareSpin.setFocus()
        self.shareSpin.selectAll()

    def chosen_coders(self) -> list[str]:
        """The ticked coders' names."""
        items = (self.coderList.item(i) for i in range(self.coderList.count()))
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def update_preview(self) -> None:
        """Draw the sample as it stands (nothing written) and list it."""
        coders = self.chosen_coders()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            plan = plan_sample(
                self.study,
                coders,
                self.shareSpin.value() / 100.0,
                self.seedSpin.value(),
                self.stratifyCheck.isChecked(),
            )
        except EasCoderError as exc:
            self.plan = None
            self.previewLabel.setText(str(exc))
            ok.setEnabled(False)
            return
        self.plan = plan
        names = {c.id: c.name for c in plan.coders}
        new_for: dict[int, list[str]] = {}
        for video_id, coder_id in plan.pairs:
            new_for.setdefault(video_id, []).append(names[coder_id])
        table = self.previewTable
        table.setRowCount(len(plan.drawn))
        for row, video in enumerate(plan.drawn):
            fresh = ", ".join(new_for.get(video.id, [])) or "— (assigned already)"
            for column, text in enumerate((video.participant_code, video.timepoint, fresh)):
                table.setItem(row, column, QTableWidgetItem(text))
        drawn, pairs = len(plan.drawn), len(plan.pairs)
        if not coders:
            self.previewLabel.setText(
                f"The sample draws these {drawn} videos. Tick the coder(s) who double-code it."
            )
        else:
            self.previewLabel.setText(
                f"The sample draws these {drawn} video{'s' if drawn != 1 else ''}: "
                f"{pairs} new assignment{'s' if pairs != 1 else ''} for {', '.join(coders)}."
            )
        left = ", ".join(f"{v.participant_code} {v.timepoint}" for v in plan.left_out)
        self.leftOutLabel.setText(
            f"Left out: {left} — {', '.join(coders)} could already have seen other coders' "
            "work on them (under an earlier version's rule)."
            if plan.left_out
            else ""
        )
        self.leftOutLabel.setVisible(bool(plan.left_out))
        ok.setText(f"Assign {pairs}" if coders else "Assign")
        ok.setEnabled(bool(coders) and pairs > 0)

    def describe(self, result: SampleResult) -> str:
        """One line for the status bar: what was assigned, with share, seed and strata."""
        strata = "stratified by timepoint" if self.stratifyCheck.isChecked() else "not stratified"
        return (
            f"Reliability sample: {len(result.made)} assignments for "
            f"{', '.join(self.chosen_coders())} ({self.shareSpin.value():g}%, {strata}, "
            f"seed {self.seedSpin.value()})"
        )

    def _assign(self) -> None:
        if self.plan is None or not self.plan.pairs:
            return
        try:
            self.result = assign_plan(self.study, self.plan)
        except EasCoderError as exc:
            self.box = QMessageBox(QMessageBox.Icon.Warning, TITLE, str(exc), parent=self)
            self.box.open()
            self.update_preview()  # what the study holds now
            return
        self._done(self.result, self)
        self.accept()
