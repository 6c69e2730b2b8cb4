"""Asking for a database server's password when a study on it is opened.

The password goes into the in-memory study location only (so the window's background work
can reopen the study); never into QSettings, a file or a message. libpq's own ways
(PGPASSWORD, ~/.pgpass) are tried first: the dialog appears only when the server refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from eas_coder.errors import PasswordNeeded
from eas_coder.location import Location, server_label, with_password
from eas_coder.store.study import Study

TRIES = 3
DIALOG_NAME = "serverPasswordDialog"


def ask_password(parent: QWidget | None, label: str, refused: bool, left: int) -> str | None:
    """The password typed (not echoed), or None when the person cancels."""
    dialog = QInputDialog(parent)
    dialog.setObjectName(DIALOG_NAME)
    dialog.setWindowTitle("Database password")
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    first = (
        f"The server refused that password for {label}."
        if refused
        else f"The server wants a password for {label}."
    )
    tries = f" ({left} {'try' if left == 1 else 'tries'} left)" if refused else ""
    dialog.setLabelText(
        f"{first}\nPassword{tries}:\n\nEAS Coder keeps it only while it runs; it is never saved."
    )
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.textValue()
    finally:
        dialog.setTextValue("")  # do not leave the password in a widget waiting for deletion
        dialog.deleteLater()


def open_asking_password(
    parent: QWidget | None,
    location: Location,
    open_study: Callable[[Location], Study] = Study.open,
) -> Study | None:
    """``open_study(location)``, asking for the server's password when it wants one.

    None when the person cancels the dialog. After ``TRIES`` refused passwords the last
    PasswordNeeded is raised (its message says how else to give the password).
    """
    try:
        return open_study(location)
    except PasswordNeeded as exc:
        refusal = exc
    label = server_label(location)
    for attempt in range(TRIES):
        password = ask_password(parent, label, refusal.wrong, TRIES - attempt)
        if password is None:
            return None
        try:
            return open_study(with_password(location, password))
        except PasswordNeeded as exc:
            refusal = exc
    raise refusal
