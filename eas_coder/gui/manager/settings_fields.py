"""One editor per study setting, chosen from its default value: a check box for true or false,
a list for a setting with a few words to choose from (``store.settings.CHOICES``), a text box
for a number or a name. The text is read back as typed; the store's own check
(``store.settings.problem``) says what is wrong, so the dialog and the command line refuse
the same values with the same words."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from eas_coder.gui.manager.settings_texts import SettingText
from eas_coder.store.settings import CHOICES, DEFAULTS, problem

ERROR_STYLE = "color: #b42318;"
SENTENCE_STYLE = "color: #4a5568;"


class NotAValue(ValueError):
    """The text in a number's box is not a number (the message says which kind)."""


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return str(value)


class SettingField:
    """The editor of one setting, its sentence and the line that names a problem with it."""

    def __init__(self, key: str, text: SettingText, parent: QWidget) -> None:
        self.key = key
        self.text = text
        default = DEFAULTS[key]
        self.editor: QCheckBox | QComboBox | QLineEdit
        if isinstance(default, bool):
            self.editor = QCheckBox(text.label, parent)
        elif key in CHOICES:
            self.editor = QComboBox(parent)
            for word in CHOICES[key]:
                self.editor.addItem(word, word)
        else:
            self.editor = QLineEdit(parent)
            self.editor.setMaximumWidth(160 if isinstance(default, int | float) else 320)
        self.editor.setObjectName(f"setting:{key}")
        self.editor.setAccessibleName(text.label.replace("&", ""))
        self.editor.setToolTip(f"{text.sentence}\n(setting {key})")
        self.label = QLabel(text.label, parent)
        self.label.setBuddy(self.editor)
        if isinstance(self.editor, QCheckBox):
            self.label.setText("")  # the box carries the label (and its shortcut)
        self.unit = QLabel(text.unit, parent)
        self.sentence = QLabel(text.sentence, parent)
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet(SENTENCE_STYLE)
        self.problem = QLabel(parent)
        self.problem.setObjectName(f"problem:{key}")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()

    @property
    def name(self) -> str:
        """The label without its shortcut mark, as a message names the field."""
        return self.text.label.replace("&", "")

    def show_value(self, value: Any) -> None:
        editor = self.editor
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0:  # a value from a newer version: shown, and refused on Save
                editor.addItem(str(value), value)
                index = editor.count() - 1
            editor.setCurrentIndex(index)
        else:
            editor.setText(_number_text(value) if not isinstance(value, str) else value)
        self.set_problem(None)

    def value(self) -> Any:
        """The value as typed, of the default's kind; NotAValue when a number is not one."""
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        typed = editor.text().strip()
        default = DEFAULTS[self.key]
        if isinstance(default, int):
            try:
                return int(typed)
            except ValueError:
                raise NotAValue("must be a whole number") from None
        if isinstance(default, float):
            try:
                return float(typed.replace(",", "."))  # 0,75 as many keyboards type it
            except ValueError:
                raise NotAValue("must be a number") from None
        return typed

    def check(self) -> str | None:
        """What is wrong with the typed value, naming this field (None: nothing); shown
        under the field until it is put right."""
        try:
            wrong = problem(self.key, self.value())
        except NotAValue as exc:
            wrong = f"{exc}, not {self.editor.text().strip()!r}"  # type: ignore[union-attr]
        message = None if wrong is None else f"{self.name}: {wrong}"
        self.set_problem(message)
        return message

    def set_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(message is not None)
