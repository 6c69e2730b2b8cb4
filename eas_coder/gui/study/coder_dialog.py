"""Who is coding? Pick a coder, or sign in as the lab manager (form in ``ui/coder_dialog.ui``).

A coder the lab manager gave a passphrase is asked for it under the list. Passphrases are
checked by callables the caller passes in, so this dialog never sees how (or where) the
study keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidgetItem, QWidget

from eas_coder.gui.common.forms import load_form

NO_PASSPHRASE = "This study has no lab-manager passphrase"
WRONG_PASSPHRASE = "Wrong passphrase"
EMPTY_PASSPHRASE = "Enter the lab-manager passphrase"
EMPTY_CODER_PASSPHRASE = "Enter {name}'s passphrase"


class CoderDialog(QDialog):
    """Choose the coder for this session, or the lab manager (passphrase checked inline)."""

    def __init__(
        self,
        coders: Sequence[str],
        verify_passphrase: Callable[[str], bool],
        manager_available: bool,
        last_coder: str | None = None,
        parent: QWidget | None = None,
        verify_coder: Callable[[str, str], bool] | None = None,
        coders_with_passphrase: Collection[str] = (),
    ) -> None:
        """``verify_coder(name, passphrase)`` checks the passphrase of the coders named in
        ``coders_with_passphrase``; the others sign in by name alone."""
        super().__init__(parent)
        load_form(self, "coder_dialog.ui")
        self._verify = verify_passphrase
        self._verify_coder = verify_coder
        self._locked = set(coders_with_passphrase) if verify_coder is not None else set()
        for name in coders:
            QListWidgetItem(name, self.codersList)
        self.errorLabel.hide()
        self.passphraseRow.hide()
        self.coderPassphraseRow.hide()
        self.coderErrorLabel.hide()
        self.managerRadio.setEnabled(manager_available)
        if not manager_available:
            self.managerRadio.setToolTip(NO_PASSPHRASE)
        self.managerRadio.toggled.connect(self._on_manager_toggled)
        self.coderRadio.toggled.connect(self._on_coder_toggled)
        self.codersList.currentItemChanged.connect(self._on_current_coder_changed)
        self.codersList.itemPressed.connect(self._on_coder_pressed)
        self.codersList.itemDoubleClicked.connect(self._on_coder_double_clicked)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        if coders:
            self.emptyHint.hide()
            start = list(coders).index(last_coder) if last_coder in coders else 0
            self.codersList.setCurrentRow(start)
            self.codersList.setFocus()
        else:
            for widget in (self.coderRadio, self.codersList, self.managerSeparator):
                widget.hide()
            if manager_available:
                self.managerRadio.setChecked(True)
            else:
                self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def choice(self) -> tuple[str | None, bool]:
        """(coder name, False) for a coder, (None, True) for the lab manager."""
        if self.managerRadio.isChecked():
            return None, True
        item = self.codersList.currentItem()
        return (item.text() if item is not None else None), False

    def _on_manager_toggled(self, checked: bool) -> None:
        self.passphraseRow.setVisible(checked)
        self.errorLabel.hide()
        if checked:
            self.passphraseEdit.setFocus()
        else:
            self.passphraseEdit.clear()

    def _on_coder_toggled(self, checked: bool) -> None:
        if checked:
            self.codersList.setFocus()
        self._show_coder_passphrase()

    def _on_current_coder_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.coderRadio.setChecked(True)
        self._show_coder_passphrase()

    def _current_coder(self) -> str | None:
        item = self.codersList.currentItem()
        return item.text() if item is not None and self.coderRadio.isChecked() else None

    def _show_coder_passphrase(self) -> None:
        """The passphrase row under the list, for a coder who has one (cleared on a change)."""
        self.coderPassphraseEdit.clear()
        self.coderErrorLabel.hide()
        self.coderPassphraseRow.setVisible(self._current_coder() in self._locked)

    def _on_coder_pressed(self, _item: QListWidgetItem) -> None:
        self.coderRadio.setChecked(True)

    def _on_coder_double_clicked(self, _item: QListWidgetItem) -> None:
        self._on_ok()

    def _on_ok(self) -> None:
        name = self._current_coder()
        if self.managerRadio.isChecked():
            self._sign_in_manager()
        elif name is not None and name in self._locked:
            self._sign_in_coder(name)
        elif name is not None:
            self.accept()
        else:
            self.codersList.setFocus()

    def _sign_in_coder(self, name: str) -> None:
        text = self.coderPassphraseEdit.text()
        self.coderPassphraseEdit.clear()  # keep no copy of the secret around
        if text and self._verify_coder is not None and self._verify_coder(name, text):
            self.coderErrorLabel.hide()
            self.accept()
            return
        self.coderErrorLabel.setText(
            WRONG_PASSPHRASE if text else EMPTY_CODER_PASSPHRASE.format(name=name)
        )
        self.coderErrorLabel.show()
        self.coderPassphraseEdit.setFocus()

    def _sign_in_manager(self) -> None:
        text = self.passphraseEdit.text()
        if text and self._verify(text):
            self.errorLabel.hide()
            self.passphraseEdit.clear()  # keep no copy of the secret around
            self.accept()
            return
        self.errorLabel.setText(WRONG_PASSPHRASE if text else EMPTY_PASSPHRASE)
        self.errorLabel.show()
        self.passphraseEdit.clear()
        self.passphraseEdit.setFocus()
