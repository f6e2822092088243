"""The login dialog: a wrong password keeps it open with a reason; the right one logs in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.domain.org import Role, Staff
from app.services.auth import CLI_ACTOR, AuthService
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.login_dialog import LAST_LOGIN_KEY, LoginDialog

pytestmark = pytest.mark.ui

DISPATCHER = Staff("dp01", "李娜", Role.DISPATCHER)


@pytest.fixture
def auth(tmp_path: Path) -> Iterator[AuthService]:
    store = Store.open(f"sqlite:///{tmp_path / 'accounts.sqlite'}")
    svc = AuthService(store)
    svc.add_user(CLI_ACTOR, DISPATCHER, "right password")
    yield svc
    store.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_wrong_password_stays_open_then_right_one_logs_in(qtbot: QtBot, auth: AuthService,
                                                          settings: QSettings) -> None:
    ensure_app()
    install_language("en")
    dialog = LoginDialog(auth, "sqlite:///accounts.sqlite", demo_hint=True, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(type(dialog.hint_label), "demoHint").isVisible()

    qtbot.keyClicks(dialog.login_edit, "dp01")
    qtbot.keyClicks(dialog.password_edit, "wrong password")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.staff is None
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Wrong account or password"
    assert dialog.login_edit.text() == "dp01"
    assert dialog.password_edit.text() == "wrong password"
    assert dialog.focusWidget() is dialog.password_edit
    assert dialog.password_edit.selectedText() == "wrong password"

    # The typed password is selected: typing replaces it.
    qtbot.keyClicks(dialog.password_edit, "right password")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.staff == DISPATCHER
    assert settings.value(LAST_LOGIN_KEY) == "dp01"
    assert "right password" not in str(settings.allKeys()) + str(
        [settings.value(k) for k in settings.allKeys()])

    # Next time the login is filled in and the password field has the focus.
    again = LoginDialog(auth, "sqlite:///accounts.sqlite", settings=settings)
    qtbot.addWidget(again)
    assert again.login_edit.text() == "dp01"
    assert not again.hint_label.isVisibleTo(again)

