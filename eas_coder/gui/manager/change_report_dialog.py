"""The Change Report dialog: whole study or one participant, PDF or HTML, and the file.

The file name follows the choices ("change-report-D002.pdf" in the study's folder) until the
person types or browses their own; a folder that does not exist or a wrong suffix is said
under the field, and the dialog stays open."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

WHOLE_STUDY = "Whole study (every participant)"
ERROR_STYLE = "color: #b42318; font-weight: 600;"
SUFFIXES = {"pdf": ".pdf", "html": ".html"}


class ChangeReportDialog(QDialog):
    """Choose what the change report covers, its format and its file."""

    def __init__(
        self, participants: Sequence[str], folder: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeReportDialog")
        self.setWindowTitle("Change Report")
        self._folder = folder or Path.home()
        self._suggested = ""  # the name last filled in; a different text is the person's own
        intro = QLabel(
            "Per participant, each EAS dimension and other measure from the first timepoint "
            "to the last in the study's order, with bands, the difference and whether it "
            "improved; for the whole study also the mean change, its tests and slope charts."
        )
        intro.setWordWrap(True)
        self.participantBox = QComboBox(self)
        self.participantBox.setObjectName("participantBox")
        self.participantBox.addItem(WHOLE_STUDY, None)
        for code in participants:
            self.participantBox.addItem(code, code)
        self.pdfRadio = QRadioButton("&PDF", self)
        self.pdfRadio.setObjectName("pdfRadio")
        self.pdfRadio.setChecked(True)
        self.htmlRadio = QRadioButton("&HTML (web page)", self)
        self.htmlRadio.setObjectName("htmlRadio")
        formats = QHBoxLayout()
        formats.addWidget(self.pdfRadio)
        formats.addWidget(self.htmlRadio)
        formats.addStretch(1)
        self.fileEdit = QLineEdit(self)
        self.fileEdit.setObjectName("fileEdit")
        self.fileEdit.setAccessibleName("Report file")
        self.browseButton = QPushButton("&Browse…", self)
        self.browseButton.setObjectName("browseButton")
        self.browseButton.setAutoDefault(False)
        self.browseButton.clicked.connect(self.browse)
        where = QHBoxLayout()
        where.addWidget(self.fileEdit, 1)
        where.addWidget(self.browseButton)
        form = QFormLayout()
        form.addRow("&Report of", self.participantBox)
        form.addRow("Format", formats)
        file_caption = QLabel("&File", self)
        file_caption.setBuddy(self.fileEdit)  # a row of a layout gets no buddy by itself
        form.addRow(file_caption, where)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet(ERROR_STYLE)
        self.errorLabel.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.writeButton = self.buttons.addButton("&Write", QDialogButtonBox.ButtonRole.AcceptRole)
        self.writeButton.setObjectName("writeButton")
        self.writeButton.setDefault(True)
        self.buttons.accepted.connect(self._on_write)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.buttons)
        self.participantBox.currentIndexChanged.connect(lambda _i: self._suggest())
        self.pdfRadio.toggled.connect(lambda _on: self._suggest())
        self._suggest()
        self.resize(560, 260)

    def participant(self) -> str | None:
        """The participant's code, or None for the whole study."""
        data = self.participantBox.currentData()
        return str(data) if data is not None else None

    def format(self) -> str:
        """``pdf`` or ``html``."""
        return "pdf" if self.pdfRadio.isChecked() else "html"

    def path(self) -> Path:
        """The file to write, with the format's suffix when none was typed."""
        path = Path(self.fileEdit.text().strip()).expanduser()
        if path.suffix.lower() not in (".pdf", ".html", ".htm"):
            path = path.with_name(path.name + SUFFIXES[self.format()])
        return path

    def _suggest(self) -> None:
        """Name the file after the choices, unless the person chose their own name; a
        typed name only gets the chosen format's suffix."""
        suffix = SUFFIXES[self.format()]
        text = self.fileEdit.text().strip()
        if text and text != self._suggested:
            typed = Path(text)
            if typed.suffix.lower() in (".pdf", ".html", ".htm"):
                self.fileEdit.setText(str(typed.with_suffix(suffix)))
            return
        code = self.participant()
        name = f"change-report-{code}{suffix}" if code else f"change-report{suffix}"
        self._suggested = str(self._folder / name)
        self.fileEdit.setText(self._suggested)

    def browse(self) -> None:
        """Choose the file in the system's save dialog."""
        filters = "PDF (*.pdf)" if self.format() == "pdf" else "Web page (*.html)"
        name, _ = QFileDialog.getSaveFileName(self, "Change Report", str(self.path()), filters)
        if name:
            self.fileEdit.setText(name)

    def _on_write(self) -> None:
        text = self.fileEdit.text().strip()
        if not text:
            self._refuse("Name the file to write the report to.")
            return
        path = self.path()
        if path.is_dir():
            self._refuse(f"{path} is a folder: name a file in it, e.g. change-report.pdf")
            return
        if not path.parent.is_dir():
            self._refuse(f"There is no folder {path.parent}: choose an existing folder (Browse…).")
            return
        self.errorLabel.hide()
        self.accept()

    def _refuse(self, text: str) -> None:
        self.errorLabel.setText(text)
        self.errorLabel.show()
        self.fileEdit.setFocus()
