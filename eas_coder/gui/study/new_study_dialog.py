"""File ▸ New Study: name, file, coding scheme, lab-manager passphrase and first coders
(form in ``ui/new_study_dialog.ui``), and ``create_study`` that makes it through the core.

Every problem is explained next to its field while the person types; OK stays disabled until
the study can be created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QWidget,
)

from eas_coder.errors import Conflict, EasCoderError, StudyError
from eas_coder.gui.common.forms import load_form
from eas_coder.location import STUDY_SUFFIX, from_string
from eas_coder.scheme import DEFAULT_SCHEME_ID, Scheme, load_scheme, shipped_schemes
from eas_coder.store.manager import MIN_LENGTH
from eas_coder.store.study import Study
from eas_coder.store.unit import NAME_LENGTH

OTHER_SCHEME = "Other file…"
PASSPHRASE_HINT = (
    "The passphrase protects the lab-manager role: seeing all coders' work, assigning videos "
    "and reopening submitted ones. It is stored only as a salted hash, so it cannot be "
    "recovered — keep it somewhere safe."
)
_OTHER_KEY = "other-file"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class NewStudy:
    """What the New Study dialog collected."""

    path: Path
    name: str
    scheme_path: Path
    passphrase: str = field(repr=False)
    coders: list[str]


def create_study(values: NewStudy) -> Study:
    """Create the study, set its lab-manager passphrase and add its coders.

    Raises EasCoderError (Conflict when a file is already there) with a message to show. If a
    later step fails, the half-made study file is removed, so the person can simply retry.
    """
    if values.path.exists():
        raise Conflict(
            f"{values.path}: a file already exists here; choose another name "
            "(an existing study is opened with File ▸ Open)"
        )
    scheme = load_scheme(values.scheme_path)
    try:
        study = Study.create(from_string(values.path), scheme, values.name)
    except OSError as exc:
        raise StudyError(f"{values.path}: cannot create the study ({exc.strerror})") from exc
    try:
        study.manager.set_passphrase(values.passphrase)
        if values.coders:
            study.coders.add_many(values.coders)
    except Exception as exc:
        study.close()
        _remove_study_file(values.path)  # it did not exist before: nothing of anyone's is lost
        if isinstance(exc, EasCoderError):
            raise
        raise StudyError(f"{values.path}: could not set up the new study ({exc})") from exc
    return study


def _remove_study_file(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)


def coder_names(text: str) -> list[str]:
    """The coders typed one per line: stripped, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def suggested_file_name(study_name: str) -> str:
    """A file name for a study called ``study_name`` (characters files cannot hold replaced)."""
    stem = _UNSAFE.sub("-", study_name).strip(" .-")
    return f"{stem or 'study'}{STUDY_SUFFIX}"


def _documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


class NewStudyDialog(QDialog):
    """Collect what a new study needs; ``result_values()`` once accepted.

    With ``create`` (normally ``create_study``), OK creates the study right away: a refusal
    from the core is shown in the dialog, which stays open with everything typed, and the
    created study is then in ``self.study``.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        folder: Path | None = None,
        create: Callable[[NewStudy], Study] | None = None,
    ) -> None:
        super().__init__(parent)
        load_form(self, "new_study_dialog.ui")
        self._folder = folder if folder is not None else _documents()
        self._create = create
        self._location_typed = False  # until then the file name follows the study name
        self._schemes: dict[str, Scheme] = {}  # by the file's resolved path
        self._scheme_index = 0
        self.study: Study | None = None
        self.passphraseHint.setText(PASSPHRASE_HINT)
        self.passphraseEdit.setPlaceholderText(f"At least {MIN_LENGTH} characters")
        self.passphraseEdit.setMaxLength(1024)
        self.repeatEdit.setMaxLength(1024)
        self._fill_schemes()

        self.nameEdit.textChanged.connect(self._on_name_changed)
        self.locationEdit.textEdited.connect(self._on_location_edited)
        self.locationEdit.textChanged.connect(self._on_changed)
        self.browseButton.clicked.connect(self._on_browse)
        self.schemeBox.currentIndexChanged.connect(self._on_scheme_changed)
        self.schemeBox.activated.connect(self._on_scheme_activated)
        self.passphraseEdit.textChanged.connect(self._on_changed)
        self.repeatEdit.textChanged.connect(self._on_changed)
        self.codersEdit.textChanged.connect(self._on_changed)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self._on_scheme_changed(self.schemeBox.currentIndex())
        self.createError.hide()
        self.nameEdit.setFocus()

    # --- what was entered -----------------------------------------------------------------

    def study_path(self) -> Path | None:
        """The study file the location field names (suffix added, relative to the folder)."""
        text = self.locationEdit.text().strip()
        if not text or "://" in text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self._folder / path
        if not path.name:  # "/" while typing a path: no file named yet
            return None
        if path.suffix.lower() != STUDY_SUFFIX:
            path = path.with_name(path.name + STUDY_SUFFIX)
        return path.resolve()

    def scheme_path(self) -> Path | None:
        """The file of the chosen coding scheme."""
        key = self.schemeBox.currentData()
        return Path(key) if key in self._schemes else None

    def result_values(self) -> NewStudy:
        """The values entered (valid once the dialog was accepted)."""
        path, scheme = self.study_path(), self.scheme_path()
        if path is None or scheme is None:
            raise ValueError("the dialog holds no study file or scheme yet")
        return NewStudy(
            path=path,
            name=self.nameEdit.text().strip(),
            scheme_path=scheme,
            passphrase=self.passphraseEdit.text(),
            coders=coder_names(self.codersEdit.toPlainText()),
        )

    def is_valid(self) -> bool:
        """True when OK would create a study."""
        return self._ok().isEnabled()

    # --- schemes ----------------------------------------------------------------------------

    def _fill_schemes(self) -> None:
        for scheme_id, path in shipped_schemes().items():
            try:
                scheme = load_scheme(path)
            except EasCoderError:
                continue  # a broken shipped file is a packaging bug; the others still work
            self._add_scheme(path, scheme)
            if scheme_id == DEFAULT_SCHEME_ID:
                self._scheme_index = self.schemeBox.count() - 1
        self.schemeBox.addItem(OTHER_SCHEME, _OTHER_KEY)
        self.schemeBox.setCurrentIndex(self._scheme_index)

    def _add_scheme(self, path: Path, scheme: Scheme) -> int:
        key = str(path.resolve())
        self._schemes[key] = scheme
        at = self.schemeBox.findData(key)
        if at < 0:
            other = self.schemeBox.findData(_OTHER_KEY)
            at = other if other >= 0 else self.schemeBox.count()
            self.schemeBox.insertItem(at, scheme.name, key)
            self.schemeBox.setItemData(at, key, Qt.ItemDataRole.ToolTipRole)
        return at

    def _on_scheme_changed(self, index: int) -> None:
        scheme = self._schemes.get(self.schemeBox.itemData(index))
        if scheme is None:
            return  # "Other file…" until a file is chosen
        self._scheme_index = index
        self._show(self.schemeDescription, scheme.description)
        self._show(self.schemeNote, scheme.bands_note)
        self._on_changed()

    def _on_scheme_activated(self, index: int) -> None:
        if self.schemeBox.itemData(index) != _OTHER_KEY:
            self._show(self.schemeError, "")
            return
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a coding scheme", "", "Coding schemes (*.toml);;All files (*)"
        )
        if not name:
            self.schemeBox.setCurrentIndex(self._scheme_index)
            return
        try:
            scheme = load_scheme(Path(name))
        except EasCoderError as exc:
            self.schemeBox.setCurrentIndex(self._scheme_index)
            self._show(self.schemeError, f"Cannot use this scheme: {exc}")
            return
        self._show(self.schemeError, "")
        self.schemeBox.setCurrentIndex(self._add_scheme(Path(name), scheme))

    # --- checking as the person types --------------------------------------------------------

    def _on_name_changed(self, text: str) -> None:
        if not self._location_typed:
            self.locationEdit.setText(
                str(self._folder / suggested_file_name(text)) if text.strip() else ""
            )
        self._on_changed()

    def _on_location_edited(self, _text: str) -> None:
        self._location_typed = True

    def _on_browse(self) -> None:
        start = self.study_path() or self._folder / suggested_file_name(self.nameEdit.text())
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save the new study as",
            str(start),
            f"EAS Coder studies (*{STUDY_SUFFIX})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # an existing file is refused
        )
        if name:
            self._location_typed = True
            self.locationEdit.setText(name)

    def _on_changed(self, *_args: object) -> None:
        self.createError.hide()
        missing: list[str] = []
        errors = {
            self.nameError: self._name_problem(missing),
            self.locationError: self._location_problem(missing),
            self.passphraseError: self._passphrase_problem(missing),
            self.codersError: self._coders_problem(),
        }
        if self.scheme_path() is None:
            missing.append("a coding scheme")
        for label, problem in errors.items():
            self._show(label, problem)
        self._show(self.statusLabel, "Still needed: " + ", ".join(missing) + "." if missing else "")
        self._ok().setEnabled(not missing and not any(errors.values()))

    def _name_problem(self, missing: list[str]) -> str:
        name = self.nameEdit.text().strip()
        if not name:
            missing.append("a study name")
        elif len(name) > NAME_LENGTH:
            return f"The name is too long ({len(name)} characters; at most {NAME_LENGTH})."
        return ""

    def _location_problem(self, missing: list[str]) -> str:
        text = self.locationEdit.text().strip()
        if not text:
            missing.append("a file location")
            return ""
        if "://" in text:
            return (
                "Enter a file path. A study on a database server is created with "
                "eas-coder --db URL init."
            )
        path = self.study_path()
        if path is None:
            missing.append("a file name")
            return ""
        if path.is_dir():
            return f"{path} is a folder; add a file name."
        if path.exists():
            return (
                f"A file already exists at {path}. Choose another name "
                "(an existing study is opened with File ▸ Open)."
            )
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            return f"{parent} is a file, not a folder."
        return ""

    def _passphrase_problem(self, missing: list[str]) -> str:
        passphrase, repeat = self.passphraseEdit.text(), self.repeatEdit.text()
        if not passphrase:
            missing.append("a lab-manager passphrase")
            return ""
        if len(passphrase.strip()) < MIN_LENGTH:
            return f"The passphrase is too short: use at least {MIN_LENGTH} characters."
        if not repeat:
            missing.append("the passphrase repeated")
            return ""
        if repeat != passphrase:
            return "The two passphrases do not match."
        return ""

    def _coders_problem(self) -> str:
        seen: set[str] = set()
        for name in coder_names(self.codersEdit.toPlainText()):
            if len(name) > NAME_LENGTH:
                return f"A coder's name is too long ({len(name)} characters): {name[:30]}…"
            if name.casefold() in seen:
                return f"{name} is listed twice."
            seen.add(name.casefold())
        return ""

    # --- OK ---------------------------------------------------------------------------------

    def _on_ok(self) -> None:
        if not self.is_valid():
            return
        if self._create is None:
            self.accept()
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.study = self._create(self.result_values())
        except EasCoderError as exc:
            self._on_changed()  # e.g. the file appeared meanwhile
            self._show(self.createError, f"The study was not created: {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()

    def _ok(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
