"""File ▸ Open Server Study…: the study on the lab's PostgreSQL server, without typing a URL.

Server, port, database and user make the study's URL. There is no password field on purpose:
libpq takes it from ``~/.pgpass`` or ``PGPASSWORD``, and otherwise the window asks for it
once (``server_password.py``) and keeps it in memory only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

DEFAULT_PORT = 5432


class ServerStudyDialog(QDialog):
    """Asks where the server study is; ``url()`` is what to open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverStudyDialog")
        self.setWindowTitle("Open Server Study")
        self.host = QLineEdit(self)
        self.host.setObjectName("hostEdit")
        self.host.setPlaceholderText("db.lab.example")
        self.port = QSpinBox(self)
        self.port.setObjectName("portBox")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(self)
        self.database.setObjectName("databaseEdit")
        self.database.setPlaceholderText("eas_study")
        self.user = QLineEdit(self)
        self.user.setObjectName("userEdit")
        self.user.setPlaceholderText("eas")
        self.require_ssl = QCheckBox("Encrypt the connection (require SSL)", self)
        self.require_ssl.setObjectName("sslBox")
        self.require_ssl.setToolTip(
            "Use this over a lab network; a server on this computer may not offer it"
        )
        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("", self.require_ssl)
        note = QLabel(
            "The password is taken from your ~/.pgpass file or PGPASSWORD, or asked for when "
            "the server wants it. EAS Coder never saves it."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for edit in (self.host, self.database, self.user):
            edit.textChanged.connect(self._update)
        self._update()

    def _update(self, _text: str = "") -> None:
        complete = all(e.text().strip() for e in (self.host, self.database, self.user))
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(complete)

    def url(self) -> str:
        """The study's SQLAlchemy URL, without any password."""
        return URL.create(
            "postgresql+psycopg",
            username=self.user.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            query={"sslmode": "require"} if self.require_ssl.isChecked() else {},
        ).render_as_string(hide_password=False)
