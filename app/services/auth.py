"""Accounts and logins: staff with a password, checked with argon2id.

Passwords are stored as argon2id PHC strings (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``) in
``staff.password_hash``; NULL means the account cannot log in. argon2 is slow on purpose
(~50 ms a check with the library's defaults), which is what makes a stolen table expensive
to attack; a hash made with weaker parameters than today's defaults is replaced at the next
successful login (:meth:`AuthService.login`).

Permissions are checked here, not in the UI: an account may change its own password; only
the administrator role (:attr:`Role.ADMIN`) adds accounts, disables them or sets another
account's password. The command line runs with the database owner's rights anyway, so it
acts as :data:`CLI_ACTOR`, a system administrator that is no account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import hash_secret

from app.domain.errors import DomainError
from app.domain.org import Role, Staff
from app.domain.workflow import Actor

if TYPE_CHECKING:
    from app.store.store import Store

MIN_PASSWORD_LENGTH = 8
DEMO_PASSWORD = "citygrid"
# meta key set by the demo seed: the login dialog may then tell the demo password.
DEMO_PASSWORD_META = "auth.demo_password"
CLI_ACTOR = Actor("cli", Role.ADMIN)

# One message for an unknown login and a wrong password: which logins exist is not
# something a failed attempt should tell.
BAD_CREDENTIALS = "Wrong account or password"


class AuthError(DomainError):
    """A login or account change was refused. ``reason`` lets the UI translate the message:
    ``credentials``, ``disabled``, ``no_password``, ``permission``, ``weak``, ``unknown``."""

    def __init__(self, message: str, reason: str = "credentials") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the administration lists it (never the hash itself)."""

    staff: Staff
    active: bool
    has_password: bool
    password_changed_at: datetime | None

    @property
    def login(self) -> str:
        return self.staff.login


def actor_for(staff: Staff) -> Actor:
    """The workflow actor of a logged-in account."""
    return Actor(staff.login, staff.role, staff.department_code)


def demo_password_hash(seed: int, hasher: PasswordHasher | None = None) -> str:
    """argon2id hash of :data:`DEMO_PASSWORD` with a salt drawn from ``seed``.

    The demo seed is deterministic (same seed → same rows), so its one hash, shared by every
    demo account, takes a fixed salt instead of a random one. That is fine for a password
    printed in the README; real accounts get random salts (:meth:`AuthService.hash`).
    """
    ph = hasher or PasswordHasher()
    salt = hashlib.sha256(f"citygrid-demo-{seed}".encode()).digest()[:ph.salt_len]
    return hash_secret(DEMO_PASSWORD.encode(), salt, time_cost=ph.time_cost,
                       memory_cost=ph.memory_cost, parallelism=ph.parallelism,
                       hash_len=ph.hash_len, type=Type.ID).decode("ascii")


class AuthService:
    """Logins and account administration on a store.

    Parameters
    ----------
    store
        The open store.
    hasher
        argon2 parameters (the library's argon2id defaults unless given; tests may pass
        cheaper ones).
    """

    def __init__(self, store: Store, hasher: PasswordHasher | None = None) -> None:
        self.store = store
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    # -- logging in -----------------------------------------------------------------------
    def login_required(self) -> bool:
        """True when at least one active account has a password: the desktop then asks
        for a login instead of offering the seat selector."""
        return self.store.org.any_password()

    def login(self, login: str, password: str) -> Staff:
        """Check a login; returns the account's staff record or raises :class:`AuthError`."""
        login = login.strip()
        row = self.store.org.account(login) if login else None
        if row is None:
            # Spend the same time as a real check, so timing does not tell which logins exist.
            self._verify(self._dummy(), password)
            raise AuthError(BAD_CREDENTIALS)
        staff, stored, active, _changed = row
        if stored is None:
            raise AuthError(f"The account {login} has no password set, ask the administrator",
                            "no_password")
        if not self._verify(stored, password):
            raise AuthError(BAD_CREDENTIALS)
        # Said only to someone who knows the password: it does not reveal the account.
        if not active:
            raise AuthError(f"The account {login} is disabled, ask the administrator",
                            "disabled")
        if self._needs_rehash(stored):
            self.store.org.set_password_hash(login, self.hasher.hash(password))
        return staff

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("not a password of anyone")
        return self._dummy_hash

    # -- administration -------------------------------------------------------------------
    def hash(self, password: str) -> str:
        """A new argon2id hash (random salt) of a password that meets the rules."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AuthError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters",
                            "weak")
        return self.hasher.hash(password)

    def accounts(self) -> list[Account]:
        return [Account(staff, active, stored is not None, changed)
                for staff, stored, active, changed in self.store.org.accounts()]

    def set_password(self, actor: Actor, login: str, new_password: str) -> None:
        """An account changes its own password; an administrator sets anyone's."""
        if actor.login != login and actor.role is not Role.ADMIN:
            raise AuthError(f"Only an administrator may set the password of another "
                            f"account ({login})", "permission")
        hashed = self.hash(new_password)
        if not self.store.org.set_password_hash(login, hashed, datetime.now()):
            raise AuthError(f"There is no account {login}", "unknown")

    def add_user(self, actor: Actor, staff: Staff, password: str | None) -> None:
        """Create an account (administrators only); ``password`` None leaves it unable to
        log in until one is set."""
        self._require_admin(actor, "add accounts")
        if not staff.login.strip() or staff.login != staff.login.strip():
            raise AuthError("A login may not be empty or start or end with spaces", "unknown")
        hashed = self.hash(password) if password is not None else None
        self.store.org.add_account(staff, hashed, datetime.now() if hashed else None)

    def set_active(self, actor: Actor, login: str, active: bool) -> None:
        """Enable or disable an account (administrators only; not one's own, so the last
        administrator cannot lock everyone out by a slip)."""
        self._require_admin(actor, "enable or disable accounts")
        if not active and actor.login == login:
            raise AuthError("You cannot disable your own account", "permission")
        if not self.store.org.set_active(login, active):
            raise AuthError(f"There is no account {login}", "unknown")

    @staticmethod
    def _require_admin(actor: Actor, what: str) -> None:
        if actor.role is not Role.ADMIN:
            raise AuthError(f"Only an administrator ({Role.ADMIN.label_zh}) may {what}",
                            "permission")
