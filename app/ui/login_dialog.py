"""The login dialog: who sits at this seat.

Shown before the main window when the database has accounts with passwords (see
``app.ui.app.run_gui``). A refused login keeps the dialog open with what was typed and the
reason in words; the last login is remembered in QSettings, never the password.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.org import Staff
from app.services.auth import AuthError, AuthService

LAST_LOGIN_KEY = "auth/last_login"


class LoginDialog(QDialog):
    """Ask for a login and password and check them with ``auth``.

    Parameters
    ----------
    auth
        The account service of the open store.
    server
        The database as shown to the user (a URL without its password).
    demo_hint
        Show the demo password (the store was seeded with the demo data).
    settings
        Where the last login is remembered (the application's QSettings by default).
    """

    def __init__(self, auth: AuthService, server: str, demo_hint: bool = False,
                 parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.auth = auth
        self.settings = settings if settings is not None else QSettings()
        self.staff: Staff | None = None  # the logged-in account once accepted
        self.setWindowTitle(self.tr("CityGrid – log in"))
        self.setObjectName("loginDialog")

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setText(str(self.settings.value(LAST_LOGIN_KEY, "") or ""))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        server_label = QLabel(server)
        server_label.setObjectName("serverLabel")
        server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("Server"), server_label)
        form.addRow(self.tr("Account"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)

        self.hint_label = QLabel(self.tr("Demo data: the password of every account is "
                                         "citygrid"))
        self.hint_label.setObjectName("demoHint")
        self.hint_label.setVisible(demo_hint)
        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Log in"))
        self.ok_button.setDefault(True)  # Enter in either field submits
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        title = QLabel(self.tr("CityGrid — Grid Management Command Centre"))
        title.setObjectName("loginTitle")
        title.setStyleSheet("font-size: 17px; font-weight: 600; color: #1f3b5a;")
        subtitle = QLabel(self.tr("Log in to your seat: the account decides your queues "
                                  "and what you may do"))
        subtitle.setObjectName("loginSubtitle")
        subtitle.setWordWrap(True)
        subtitle.setStyleSheet("color: #5f6b76;")
        self.hint_label.setStyleSheet("color: #1b6e3a; background: #e9f5ec; "
                                      "border-radius: 3px; padding: 4px 6px;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password_edit if self.login_edit.text() else self.login_edit).setFocus()

    def submit(self) -> None:
        """Check the typed login; accept on success, else say why and stay open."""
        login = self.login_edit.text().strip()
        if not login:
            self._fail(self.tr("Type your account"), self.login_edit)
            return
        # argon2 takes ~50 ms by design: short enough for the GUI thread, but show it.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            staff = self.auth.login(login, self.password_edit.text())
        except AuthError as exc:
            self._fail(self._message(exc), self.password_edit)
            return
        except DomainError as exc:
            self._fail(str(exc), self.password_edit)
            return
        except Exception as exc:  # noqa: BLE001 - e.g. the server is unreachable
            self._fail(self.tr("Could not check the login: %1").replace("%1", str(exc)),
                       self.password_edit)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.settings.setValue(LAST_LOGIN_KEY, staff.login)
        self.staff = staff
        self.error_label.hide()
        self.accept()

    def _message(self, exc: AuthError) -> str:
        if exc.reason == "disabled":
            return self.tr("This account is disabled: ask the administrator")
        if exc.reason == "no_password":
            return self.tr("This account has no password set: ask the administrator")
        if exc.reason == "credentials":
            return self.tr("Wrong account or password")
        return str(exc)

    def _fail(self, message: str, focus: QLineEdit) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        focus.setFocus()
        focus.selectAll()  # kept, and replaced by the next keystroke
