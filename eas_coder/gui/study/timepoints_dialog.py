"""File ▸ Timepoint Order… (lab manager): the study's timepoints in their order, first to last,
moved with Move Up / Move Down or Ctrl+Up / Ctrl+Down, saved with Save.

Before and after in the Change sheet and the change report come from this order
(``eas_coder.store.timepoints``), so the export uses it as soon as it is saved. The core
refuses a list that leaves out a timepoint some video or measure is at; the dialog shows that
refusal in its own words and keeps what was arranged, so the person can put it right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, SignalInstance
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eas_coder.errors import EasCoderError
from eas_coder.store.study import Study

TITLE = "Timepoint Order"
MANAGER_ONLY = "Lab manager only"
ERROR_STYLE = "color: #b42318; font-weight: 600;"
UNLISTED_TIP = "Recorded after the order was set: put it where it belongs and Save"


class SignedIn(Protocol):
    """Who is at the keyboard, as far as this dialog cares."""

    @property
    def manager(self) -> bool: ...


class TimepointsHost(Protocol):
    """What ``install_timepoints`` reads of the window (the main window is one)."""

    @property
    def study(self) -> Study: ...

    @property
    def session(self) -> SignedIn: ...

    @property
    def signedIn(self) -> SignalInstance: ...


class TimepointsDialog(QDialog):
    """The order of ``study``'s timepoints; Save stores it (one audited transaction)."""

    def __init__(self, study: Study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timepointsDialog")
        self.setWindowTitle(TITLE)
        self._study = study
        self.saved_order: list[str] = []
        intro = QLabel(
            "Before and after in the Change sheet and the change report follow this order, "
            "first to last. Move the selected timepoint with the buttons or Ctrl+Up / "
            "Ctrl+Down; Delete takes it out of the list."
        )
        intro.setWordWrap(True)
        self.timepointsList = QListWidget(self)
        self.timepointsList.setObjectName("timepointsList")
        self.timepointsList.setAccessibleName("Timepoints in order")
        self.upButton = self._button("Move &Up", "upButton", lambda: self.move_current(-1))
        self.downButton = self._button("Move &Down", "downButton", lambda: self.move_current(1))
        self.removeButton = self._button("&Remove", "removeButton", self.remove_current)
        side = QVBoxLayout()
        for button in (self.upButton, self.downButton, self.removeButton):
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.timepointsList, 1)
        middle.addLayout(side)
        self.addEdit = QLineEdit(self)
        self.addEdit.setObjectName("addEdit")
        self.addEdit.setPlaceholderText("Another timepoint, e.g. 6 months")
        self.addEdit.setAccessibleName("New timepoint")
        self.addButton = self._button("&Add", "addButton", self.add_typed)
        adding = QHBoxLayout()
        adding.addWidget(self.addEdit, 1)
        adding.addWidget(self.addButton)
        self.noteLabel = QLabel(self)
        self.noteLabel.setObjectName("noteLabel")
        self.noteLabel.setWordWrap(True)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet(ERROR_STYLE)
        self.errorLabel.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("buttons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for part in (intro, middle, adding, self.noteLabel, self.errorLabel, self.buttons):
            if isinstance(part, QWidget):
                layout.addWidget(part)
            else:
                layout.addLayout(part)
        self.timepointsList.installEventFilter(self)
        self.addEdit.installEventFilter(self)
        self.timepointsList.currentRowChanged.connect(lambda _row: self._update_buttons())
        self._fill()
        self.resize(440, 360)

    def _button(self, text: str, name: str, handler: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Enter saves (or adds, in the add box), never moves
        button.clicked.connect(handler)
        return button

    def _fill(self) -> None:
        timepoints = self._study.timepoints
        unlisted = set(timepoints.unlisted())
        for label in timepoints.ordered():
            item = QListWidgetItem(label, self.timepointsList)
            if label in unlisted:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setToolTip(UNLISTED_TIP)
        if unlisted:
            names = ", ".join(sorted(unlisted))
            self.noteLabel.setText(
                f"Not in the saved order yet (placed last): {names}. Put each where it belongs "
                "and Save."
            )
        elif not timepoints.order():
            self.noteLabel.setText(
                "No order saved yet: the timepoints are shown in the order videos were added."
            )
        self.noteLabel.setVisible(bool(self.noteLabel.text()))
        self.timepointsList.setCurrentRow(0)
        self._update_buttons()

    def labels(self) -> list[str]:
        """The timepoints as arranged, first to last."""
        listing = self.timepointsList
        return [listing.item(row).text() for row in range(listing.count())]

    def move_current(self, step: int) -> None:
        """Move the current timepoint one place up (-1) or down (+1)."""
        listing = self.timepointsList
        row = listing.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < listing.count():
            return
        item = listing.takeItem(row)
        listing.insertItem(target, item)
        listing.setCurrentRow(target)
        self.errorLabel.hide()

    def remove_current(self) -> None:
        """Take the current timepoint out of the list (the core says if it may not go)."""
        listing = self.timepointsList
        row = listing.currentRow()
        if row >= 0:
            listing.takeItem(row)
            listing.setCurrentRow(min(row, listing.count() - 1))
        self.errorLabel.hide()
        self._update_buttons()

    def add_typed(self) -> None:
        """Add the typed timepoint at the end (e.g. one with measures but no video yet)."""
        label = " ".join(self.addEdit.text().split())
        if not label:
            return
        if label.casefold() in (known.casefold() for known in self.labels()):
            self._refuse(f"{label!r} is in the list already; move it where it belongs instead")
            return
        QListWidgetItem(label, self.timepointsList)
        self.timepointsList.setCurrentRow(self.timepointsList.count() - 1)
        self.addEdit.clear()
        self.errorLabel.hide()
        self._update_buttons()

    def save(self) -> None:
        """Store the order; a refusal is shown and the dialog stays open, nothing saved."""
        try:
            self.saved_order = self._study.timepoints.set(self.labels())
        except EasCoderError as exc:
            self._refuse(f"Not saved: {exc}")
            return
        self.accept()

    def _refuse(self, text: str) -> None:
        self.errorLabel.setText(text)
        self.errorLabel.show()

    def _update_buttons(self) -> None:
        row, count = self.timepointsList.currentRow(), self.timepointsList.count()
        self.upButton.setEnabled(row > 0)
        self.downButton.setEnabled(0 <= row < count - 1)
        self.removeButton.setEnabled(row >= 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if watched is self.timepointsList:
                if mods & Qt.KeyboardModifier.ControlModifier and key in (
                    Qt.Key.Key_Up,
                    Qt.Key.Key_Down,
                ):
                    self.move_current(-1 if key == Qt.Key.Key_Up else 1)
                    return True
                if key == Qt.Key.Key_Delete:
                    self.remove_current()
                    return True
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            # Enter in the add box adds what is typed; in an empty one it saves
            if watched is self.addEdit and enter and self.addEdit.text().strip():
                self.add_typed()
                return True
        return super().eventFilter(watched, event)


def install_timepoints(host: TimepointsHost, frame: QMainWindow, menu: QMenu) -> QAction:
    """Put File ▸ Timepoint Order… after the lab-manager passphrase (the study's settings),
    enabled for the lab manager only; returns the action."""
    action = QAction("&Timepoint Order…", frame)
    action.setObjectName("actionTimepoints")

    def update_enabled(_who: str = "") -> None:
        manager = host.session.manager
        action.setEnabled(manager)
        action.setStatusTip(
            "Set the order of timepoints the Change sheet and change report use"
            if manager
            else MANAGER_ONLY
        )

    def open_dialog() -> None:
        if not host.session.manager:
            return
        dialog = TimepointsDialog(host.study, frame)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved() -> None:
            order = " → ".join(dialog.saved_order)
            frame.statusBar().showMessage(f"Timepoints in order: {order}", 15_000)

        dialog.accepted.connect(saved)
        dialog.open()

    action.triggered.connect(open_dialog)
    host.signedIn.connect(update_enabled)
    update_enabled()
    after = next((a for a in menu.actions() if a.objectName() == "actionSetPassphrase"), None)
    actions = menu.actions()
    if after is not None and actions.index(after) + 1 < len(actions):
        menu.insertAction(actions[actions.index(after) + 1], action)
    else:
        menu.addAction(action)
    return action
