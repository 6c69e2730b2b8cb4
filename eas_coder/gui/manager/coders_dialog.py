"""File ▸ Coders… (lab manager; the sign-in dialog points here): add, rename, retire, bring
back, delete (only a coder with no work) and set or clear a coder's passphrase; form in
``ui/coders_dialog.ui``.

Each button is one audited transaction through ``Study.coders``; a refusal is shown in the
dialog's own words and leaves the typed text in place, so it can be put right.

The menu entry is ``coders_action.py``; this module loads when the dialog first opens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHeaderView, QLineEdit, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.manager.coders_model import CodersModel
from eas_coder.store.coders import CoderStanding
from eas_coder.store.study import Study

ERROR_STYLE = "color: #b42318; font-weight: 600;"
DONE_STYLE = "color: #166534;"
HAS_WORK_TIP = "{name} has {work}: a coder with work is never deleted; retire them instead"
DIFFERENT = "The two passphrases differ; nothing was changed"


class CodersDialog(QDialog):
    """The study's coders and what the lab manager may do with each."""

    changed = Signal()  # a coder was added, renamed, retired, … (the window re-reads names)

    def __init__(self, study: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form(self, "coders_dialog.ui")
        self.setObjectName("codersDialog")
        self._study = study
        self.model = CodersModel(study.coders.standings())
        self.codersTable.setModel(self.model)
        header = self.codersTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.codersTable.verticalHeader().hide()
        self.codersTable.selectionModel().selectionChanged.connect(self._on_selected)
        for edit, handler in (
            (self.newNameEdit, self.add),
            (self.renameEdit, self.rename),
            (self.passphraseAgainEdit, self.set_passphrase),
        ):
            edit.returnPressed.connect(handler)
        self.passphraseEdit.returnPressed.connect(self.passphraseAgainEdit.setFocus)
        self.addButton.clicked.connect(self.add)
        self.renameButton.clicked.connect(self.rename)
        self.retireButton.clicked.connect(self.retire)
        self.unretireButton.clicked.connect(self.unretire)
        self.deleteButton.clicked.connect(self.delete)
        self.setPassphraseButton.clicked.connect(self.set_passphrase)
        self.clearPassphraseButton.clicked.connect(self.clear_passphrase)
        self.buttons.rejected.connect(self.reject)
        self.codersTable.installEventFilter(self)
        self.messageLabel.hide()
        if self.model.rowCount():
            self.codersTable.selectRow(0)
        else:
            self._on_selected()
        self.newNameEdit.setFocus()

    # --- what is selected ----------------------------------------------------------------------

    def selected(self) -> CoderStanding | None:
        rows = self.codersTable.selectionModel().selectedRows()
        return self.model.standing(rows[0].row()) if rows else None

    def select(self, coder_id: int) -> None:
        row = self.model.row_of(coder_id)
        if row >= 0:
            self.codersTable.selectRow(row)

    def _on_selected(self, *_args: QItemSelection) -> None:
        standing = self.selected()
        self.selectedBox.setEnabled(standing is not None)
        self.passphraseEdit.clear()
        self.passphraseAgainEdit.clear()
        if standing is None:
            self.selectedBox.setTitle("Selected coder")
            self.renameEdit.clear()
            for button in (self.retireButton, self.unretireButton, self.deleteButton):
                button.setEnabled(False)
            return
        name = standing.coder.name
        self.selectedBox.setTitle(f"Selected coder: {name}")
        self.renameEdit.setText(name)
        retired = standing.retired_at is not None or not standing.coder.active
        self.retireButton.setEnabled(not retired)
        self.unretireButton.setEnabled(retired)
        self.deleteButton.setEnabled(not standing.has_work)
        self.deleteButton.setToolTip(
            HAS_WORK_TIP.format(name=name, work=standing.work_text())
            if standing.has_work
            else f"Delete {name} (no work of theirs is stored)"
        )
        self.clearPassphraseButton.setEnabled(standing.has_passphrase)

    # --- the jobs ------------------------------------------------------------------------------

    def add(self) -> None:
        name = self.newNameEdit.text()
        coder = self._do(lambda: self._study.coders.add(name))
        if coder is not None:
            self.newNameEdit.clear()
            self._done(f"Added {coder.name}", coder.id)

    def rename(self) -> None:
        standing = self.selected()
        if standing is None:
            return
        old, typed = standing.coder.name, self.renameEdit.text()
        coder = self._do(lambda: self._study.coders.rename(standing.coder.id, typed))
        if coder is not None and coder.name != old:
            self._done(f"Renamed {old} to {coder.name}", coder.id)

    def retire(self) -> None:
        standing = self.selected()
        if standing is not None and self._do(lambda: self._study.coders.retire(standing.coder.id)):
            self._done(
                f"Retired {standing.coder.name}: their work stays in every export and in "
                "reliability",
                standing.coder.id,
            )

    def unretire(self) -> None:
        standing = self.selected()
        coders = self._study.coders
        if standing is not None and self._do(lambda: coders.unretire(standing.coder.id)):
            self._done(f"{standing.coder.name} is active again", standing.coder.id)

    def delete(self) -> None:
        standing = self.selected()
        if standing is None:
            return
        if self._do(lambda: self._study.coders.delete(standing.coder.id) or True):
            self._done(f"Deleted {standing.coder.name}", None)

    def set_passphrase(self) -> None:
        standing = self.selected()
        if standing is None:
            return
        first, again = self.passphraseEdit.text(), self.passphraseAgainEdit.text()
        self.passphraseEdit.clear()  # keep no copy of the secret around
        self.passphraseAgainEdit.clear()
        if first != again:
            self._refuse(DIFFERENT)
            self.passphraseEdit.setFocus()
            return
        coders, coder_id = self._study.coders, standing.coder.id
        if self._do(lambda: coders.set_passphrase(coder_id, first) or True):
            name = standing.coder.name
            self._done(f"{name} is asked for this passphrase when signing in", coder_id)
        else:
            self.passphraseEdit.setFocus()

    def clear_passphrase(self) -> None:
        standing = self.selected()
        if standing is None:
            return
        coders, coder_id = self._study.coders, standing.coder.id
        if self._do(lambda: coders.set_passphrase(coder_id, None) or True):
            self._done(f"{standing.coder.name} signs in without a passphrase", coder_id)

    # --- outcome -------------------------------------------------------------------------------

    def _do(self, job: Callable[[], object]) -> object:
        """Run one store call; a refusal is shown and gives None."""
        try:
            return job()
        except EasCoderError as exc:
            self._refuse(f"Not changed: {exc}")
            return None

    def _refuse(self, text: str) -> None:
        self.messageLabel.setStyleSheet(ERROR_STYLE)
        self.messageLabel.setText(text)
        self.messageLabel.show()

    def _done(self, text: str, select: int | None) -> None:
        """Re-read the coders (another workstation may have changed them too), select the
        one just changed and say what was done."""
        self.model.reset(self._study.coders.standings())
        if select is not None:
            self.select(select)
        elif self.model.rowCount():
            self.codersTable.selectRow(0)
        self._on_selected()
        self.messageLabel.setStyleSheet(DONE_STYLE)
        self.messageLabel.setText(text)
        self.messageLabel.show()
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Delete on the list deletes (the store refuses a coder with work, and says so)
        if (
            watched is self.codersTable
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            self.delete()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter belongs to the box it was typed in (Add, Rename, Set Passphrase): it never
        # closes the dialog under the person's hands
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.focusWidget(), QLineEdit
        ):
            return
        super().keyPressEvent(event)
