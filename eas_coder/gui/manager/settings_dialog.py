"""File ▸ Study Settings… (lab manager): every study setting with a sentence saying what it
does (form in ``ui/settings_dialog.ui``), and the timepoint order through its own dialog.

The rows are built from ``store.settings.DEFAULTS`` and the sentences of ``settings_texts``,
so a setting added to the store appears here. Save checks every field with the store's check
(each problem named under its field), then writes all changes in one audited transaction;
a refusal saves nothing and keeps what was typed.

The menu entry is ``settings_action.py``; this module loads when the dialog first opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.manager.settings_fields import SENTENCE_STYLE, SettingField
from eas_coder.gui.manager.settings_texts import GROUP_ORDER, LEFT_GROUPS, TIMEPOINTS, text_of
from eas_coder.store.settings import DEFAULTS
from eas_coder.store.study import Study

TIMEPOINTS_SENTENCE = (
    "Before and after in the Change sheet and the change report follow this order, first "
    "to last; it is saved by its own dialog at once."
)


class SettingsDialog(QDialog):
    """The study's settings; Save stores the changed ones (one audited transaction)."""

    def __init__(
        self,
        study: Study,
        parent: QWidget | None = None,
        timepoints: Callable[[], QDialog | None] | None = None,
    ) -> None:
        """``timepoints`` opens the study's Timepoint Order dialog and returns it (it lives in
        the study room, which this one does not import); None: the button is not shown."""
        super().__init__(parent)
        load_form(self, "settings_dialog.ui")
        self.setObjectName("settingsDialog")
        self._study = study
        self._timepoints = timepoints
        self.saved_keys: list[str] = []  # what the last Save changed
        self.timepoints_dialog: QDialog | None = None
        self.fields: dict[str, SettingField] = {}
        named = [text_of(key).group for key in DEFAULTS]
        order = [g for g in GROUP_ORDER if g in named or g == TIMEPOINTS]
        order += [g for g in dict.fromkeys(named) if g not in order]
        # two columns: at 1280×720 every setting is in sight without scrolling
        grids = {group: self._group(group, group in LEFT_GROUPS) for group in order}
        for key in DEFAULTS:
            text = text_of(key)
            self._add_row(grids[text.group], SettingField(key, text, self.fieldsArea))
        self._fill_timepoints(grids[TIMEPOINTS])
        self.leftColumn.addStretch(1)
        self.rightColumn.addStretch(1)
        # one label column for every group, so the fields line up
        widest = max((f.label.sizeHint().width() for f in self.fields.values()), default=0)
        for grid in grids.values():
            grid.setColumnMinimumWidth(0, max(widest, self.timepointsButton.sizeHint().width()))
        self.errorLabel.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        defaults = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.setText("&Defaults")
        defaults.setToolTip("Put every field back to its default (saved only with Save)")
        defaults.clicked.connect(self.show_defaults)
        self._shown = study.settings.all()  # what the person started from
        self.show_values(self._shown)
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.editor.setFocus()

    # --- building ----------------------------------------------------------------------------

    def _group(self, title: str, left: bool) -> QGridLayout:
        box = QGroupBox(title, self.fieldsArea)
        grid = QGridLayout(box)
        grid.setColumnStretch(2, 1)
        grid.setVerticalSpacing(3)
        (self.leftColumn if left else self.rightColumn).addWidget(box)
        return grid

    def _add_row(self, grid: QGridLayout, field: SettingField) -> None:
        row = grid.rowCount()
        grid.addWidget(field.label, row, 0, Qt.AlignmentFlag.AlignRight)
        editor = QHBoxLayout()
        editor.setSpacing(6)
        editor.addWidget(field.editor)
        editor.addWidget(field.unit)
        editor.addStretch(1)
        grid.addLayout(editor, row, 1, 1, 2)
        below = QVBoxLayout()  # the problem (when there is one) right above the sentence
        below.setSpacing(0)
        below.addWidget(field.problem)
        below.addWidget(field.sentence)
        grid.addLayout(below, row + 1, 1, 1, 2)
        self.fields[field.key] = field

    def _fill_timepoints(self, grid: QGridLayout) -> None:
        self.timepointsButton = QPushButton("Timepoint &Order…", self.fieldsArea)
        self.timepointsButton.setObjectName("timepointsButton")
        self.timepointsButton.setAutoDefault(False)  # Enter saves the settings
        self.timepointsButton.clicked.connect(self.open_timepoints)
        self.timepointsOrder = QLabel(self.fieldsArea)
        self.timepointsOrder.setObjectName("timepointsOrder")
        self.timepointsOrder.setWordWrap(True)
        sentence = QLabel(TIMEPOINTS_SENTENCE, self.fieldsArea)
        sentence.setWordWrap(True)
        sentence.setStyleSheet(SENTENCE_STYLE)
        self.timepointsButton.setVisible(self._timepoints is not None)
        grid.addWidget(self.timepointsButton, 0, 0)
        grid.addWidget(self.timepointsOrder, 0, 1, 1, 2)
        grid.addWidget(sentence, 1, 1, 1, 2)
        self._show_order()

    def _show_order(self) -> None:
        order = self._study.timepoints.ordered()
        self.timepointsOrder.setText(" → ".join(order) if order else "No timepoints yet")

    # --- values ------------------------------------------------------------------------------

    def show_values(self, values: dict[str, Any]) -> None:
        for key, field in self.fields.items():
            field.show_value(values.get(key, DEFAULTS[key]))
        self.errorLabel.hide()

    def show_defaults(self) -> None:
        """Every field back to its default; nothing is saved until Save."""
        self.show_values(dict(DEFAULTS))

    def save(self) -> None:
        """Check every field; when all are good, store the changes in one transaction and
        close. Otherwise name each problem under its field and keep everything typed."""
        problems = [(field, field.check()) for field in self.fields.values()]
        wrong = [(field, message) for field, message in problems if message]
        if wrong:
            plural = "s need" if len(wrong) > 1 else " needs"
            self._refuse(f"Not saved: {len(wrong)} setting{plural} fixing (shown in red).")
            self.scrollArea.ensureWidgetVisible(wrong[0][0].editor)
            wrong[0][0].editor.setFocus()
            return
        # only what the person changed: a setting changed at another workstation meanwhile
        # and left alone here keeps that workstation's value
        values = {
            key: value
            for key, value in ((key, field.value()) for key, field in self.fields.items())
            if value != self._shown[key] or type(value) is not type(self._shown[key])
        }
        try:
            self.saved_keys = self._study.settings.set_many(values)
        except EasCoderError as exc:
            self._refuse(f"Not saved: {exc}")
            return
        self.accept()

    def _refuse(self, text: str) -> None:
        self.errorLabel.setText(text)
        self.errorLabel.show()

    def open_timepoints(self) -> QDialog | None:
        """The timepoint order, in its own dialog; its order is shown here once saved."""
        dialog = self._timepoints() if self._timepoints is not None else None
        if dialog is not None:
            dialog.accepted.connect(self._show_order)
        self.timepoints_dialog = dialog
        return dialog
