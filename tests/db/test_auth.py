"""Accounts, logins and database credentials, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from keyring.backend import KeyringBackend

from app.cli import main
from app.domain.errors import DomainError
from app.domain.org import Role, Staff
from app.domain.workflow import Actor
from app.services.auth import (
    BAD_CREDENTIALS,
    CLI_ACTOR,
    DEMO_PASSWORD,
    DEMO_PASSWORD_META,
    AuthError,
    AuthService,
)
from app.store import credentials
from app.store.store import Store

pytestmark = pytest.mark.db

OPERATOR = Staff("zhang", "张伟", Role.OPERATOR)
PASSWORD = "correct horse"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture
def auth(store: Store) -> AuthService:
    svc = AuthService(store)
    svc.add_user(CLI_ACTOR, OPERATOR, PASSWORD)
    return svc


def test_the_stored_hash_is_argon2id_not_the_password(auth: AuthService,
                                                      store: Store) -> None:
    row = store.org.account("zhang")
    assert row is not None
    staff, stored, active, changed = row
    assert staff == OPERATOR and active and changed is not None
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert auth.login("zhang", PASSWORD) == OPERATOR
    assert auth.login_required()


def test_unknown_account_and_wrong_password_read_the_same(auth: AuthService) -> None:
    with pytest.raises(AuthError) as wrong:
        auth.login("zhang", "not the password")
    with pytest.raises(AuthError) as unknown:
        auth.login("nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == BAD_CREDENTIALS
    assert wrong.value.reason == unknown.value.reason == "credentials"


def test_disabled_account_and_account_without_password(auth: AuthService) -> None:
    auth.set_active(CLI_ACTOR, "zhang", False)
    with pytest.raises(AuthError, match="disabled"):
        auth.login("zhang", PASSWORD)
    with pytest.raises(AuthError, match=BAD_CREDENTIALS):  # no hint without the password
        auth.login("zhang", "not the password")
    auth.set_active(CLI_ACTOR, "zhang", True)
    assert auth.login("zhang", PASSWORD).login == "zhang"

    auth.add_user(CLI_ACTOR, Staff("li", "李娜", Role.DISPATCHER), None)
    with pytest.raises(AuthError, match="no password set, ask the administrator"):
        auth.login("li", "whatever1")
    assert {a.login: a.has_password for a in auth.accounts()} == {"li": False, "zhang": True}


def test_a_weak_old_hash_is_replaced_at_login(store: Store) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    store.org.add_account(OPERATOR, weak.hash(PASSWORD))
    auth = AuthService(store)
    assert auth.login("zhang", PASSWORD) == OPERATOR
    _, stored, _, _ = store.org.account("zhang")  # type: ignore[misc]
    assert stored is not None and not auth.hasher.check_needs_rehash(stored)
    assert auth.login("zhang", PASSWORD) == OPERATOR


def test_only_an_administrator_manages_accounts(auth: AuthService) -> None:
    op = Actor("zhang", Role.OPERATOR)
    with pytest.raises(AuthError, match="Only an administrator"):
        auth.add_user(op, Staff("wang", "王芳", Role.OPERATOR), PASSWORD)
    with pytest.raises(AuthError, match="Only an administrator"):
        auth.set_active(op, "zhang", False)
    with pytest.raises(AuthError, match="another account"):
        auth.set_password(op, "admin", "new password")
    with pytest.raises(AuthError, match="at least 8 characters"):
        auth.set_password(op, "zhang", "short")
    auth.set_password(op, "zhang", "my own new one")  # one's own: allowed
    assert auth.login("zhang", "my own new one") == OPERATOR

    admin = Actor("boss", Role.ADMIN)
    auth.add_user(admin, Staff("wang", "王芳", Role.OPERATOR), "wang's password")
    auth.set_password(admin, "zhang", "set by the admin")
    assert auth.login("zhang", "set by the admin") == OPERATOR
    with pytest.raises(DomainError, match="taken"):
        auth.add_user(admin, Staff("wang", "王芳", Role.OPERATOR), "wang's password")
    with pytest.raises(AuthError, match="own account"):
        auth.set_active(admin, "boss", False)


def test_cli_adds_an_account_that_can_log_in(store_url: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "chen", "--name", "陈静", "--role", "dispatcher",
                 "--password-stdin", "--db", store_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "passwd", "chen", "--password-stdin", "--db", store_url]) == 2
    assert "at least 8" in capsys.readouterr().err
    assert main(["user", "disable", "chen", "--db", store_url]) == 0
    assert main(["user", "list", "--db", store_url]) == 0
    assert "chen" in (out := capsys.readouterr().out) and "disabled" in out
    assert main(["user", "enable", "chen", "--db", store_url]) == 0

    store = Store.open(store_url)
    try:
        staff = AuthService(store).login("chen", "a long password")
    finally:
        store.close()
    assert staff == Staff("chen", "陈静", Role.DISPATCHER)


def test_demo_seed_accounts_log_in_with_the_demo_password(seeded_store_url: str) -> None:
    store = Store.open(seeded_store_url)
    try:
        auth = AuthService(store)
        assert store.meta.get(DEMO_PASSWORD_META) == "1"
        accounts = auth.accounts()
        assert all(a.has_password and a.active for a in accounts)
        assert auth.login("admin", DEMO_PASSWORD).role is Role.ADMIN
        assert auth.login("op01", DEMO_PASSWORD).role is Role.OPERATOR
    finally:
        store.close()


# -- database credentials -----------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    import keyring

    old = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(old)


SERVER = "postgresql+psycopg://citygrid@db.example:5433/centre"


def test_keyring_password_is_looked_up_for_a_url_without_one(
        memory_keyring: MemoryKeyring) -> None:
    assert credentials.keyring_username(SERVER) == "citygrid@db.example:5433/centre"
    assert credentials.connect_args(SERVER) == {}
    credentials.store_in_keyring(SERVER, "s3cret")
    assert memory_keyring.data == {("CityGrid", "citygrid@db.example:5433/centre"): "s3cret"}
    assert credentials.connect_args(SERVER) == {"password": "s3cret"}
    assert credentials.connect_args("sqlite:///x.sqlite") == {}


def test_no_keyring_backend_is_ignored() -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    old = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert credentials.connect_args(SERVER) == {}
        with pytest.raises(credentials.CredentialsError, match="--pgpass"):
            credentials.store_in_keyring(SERVER, "s3cret")
    finally:
        keyring.set_keyring(old)


def test_engine_connects_with_the_keyring_password(pg_database_url: str,
                                                   memory_keyring: MemoryKeyring) -> None:
    from sqlalchemy import event, text

    from app.store.db import make_engine

    memory_keyring.set_password("CityGrid", credentials.keyring_username(pg_database_url),
                                "from-the-keyring")
    engine = make_engine(pg_database_url)
    seen: dict[str, object] = {}
    event.listen(engine, "do_connect",
                 lambda _d, _r, _a, params: seen.update(params))
    try:
        with engine.connect() as c:  # the test server trusts: any password connects
            assert c.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
    assert seen["password"] == "from-the-keyring"


def test_a_password_in_the_url_is_warned_about_and_never_shown(
        capsys: pytest.CaptureFixture[str]) -> None:
    from app.store.db import make_engine

    engine = make_engine("postgresql+psycopg://citygrid:hunter2hunter2@db.example/centre")
    engine.dispose()
    err = capsys.readouterr().err
    assert "db-password" in err and "hunter2" not in err


def test_pgpass_lines_are_written_private_and_replaced(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    path.write_text("other:5432:*:someone:keep me\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("first:pass\n"))
    assert main(["db-password", "--db", SERVER, "--pgpass", "--password-stdin"]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    credentials.write_pgpass(SERVER, "second")
    assert path.read_text().splitlines() == [
        "other:5432:*:someone:keep me", "db.example:5433:centre:citygrid:second"]
    credentials.write_pgpass(SERVER, "third:\\x")
    assert path.read_text().splitlines()[-1] == "db.example:5433:centre:citygrid:third\\:\\\\x"
    assert len(path.read_text().splitlines()) == 2
