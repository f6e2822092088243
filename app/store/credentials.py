"""Database passwords without a plaintext password in the URL.

A seat connects with a URL that names the server, the role and the database but no
password, e.g. ``postgresql+psycopg://citygrid@server:5432/citygrid``. The password comes
from, in this order:

1. the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service / KWallet on
   Linux desktops) under the service ``CityGrid`` and the user name
   ``citygrid@server:5432/citygrid`` (:func:`keyring_username`): ``python main.py
   db-password --db URL`` stores it there;
2. libpq's password file, ``~/.pgpass`` (``%APPDATA%\\postgresql\\pgpass.conf`` on Windows)
   or the file ``$PGPASSFILE`` names, lines ``host:port:database:user:password``, mode 0600.
   psycopg (libpq) reads it by itself when no password is given; ``python main.py
   db-password --db URL --pgpass`` writes the line (:func:`write_pgpass`).

A keyring without a usable backend (typical on a headless Linux server) is ignored
silently: the file or ``PGPASSWORD`` still work. A password written into the URL (command
line, ``CITYGRID_DB``) works too but earns a warning on stderr, since other users of the
machine can read process arguments and environments.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import IO

from sqlalchemy.engine import URL, make_url

KEYRING_SERVICE = "CityGrid"
DEFAULT_PORT = 5432

_warned: set[str] = set()


class CredentialsError(Exception):
    """The password could not be stored (no keyring backend, unwritable file)."""


def _url(url: str | URL) -> URL:
    return url if isinstance(url, URL) else make_url(url)


def is_postgresql(url: str | URL) -> bool:
    return _url(url).get_backend_name() == "postgresql"


def url_password(url: str | URL) -> str | None:
    return _url(url).password  # type: ignore[return-value]


def without_password(url: str | URL) -> str:
    """The URL as it may be shown, stored or logged: with no password at all."""
    # URL.set() ignores None: replace the field itself.
    return _url(url)._replace(password=None).render_as_string(hide_password=False)


def keyring_username(url: str | URL) -> str:
    """``user@host:port/dbname``: the keyring entry of one role on one database.

    Missing parts take libpq's defaults (the OS user, localhost, 5432, the user's name).
    """
    u = _url(url)
    user = u.username or getpass.getuser()
    return f"{user}@{u.host or 'localhost'}:{u.port or DEFAULT_PORT}/{u.database or user}"


def keyring_password(url: str | URL) -> str | None:
    """The password stored in the OS keyring for ``url``, or None (none stored, no
    keyring backend, or a backend that fails: all are treated as 'not found')."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_username(url))
    except Exception:  # noqa: BLE001 - NoKeyringError, D-Bus/locked-wallet errors, import
        return None


def store_in_keyring(url: str | URL, password: str) -> str:
    """Store the password in the OS keyring; returns the entry's user name."""
    import keyring
    from keyring.errors import KeyringError

    name = keyring_username(url)
    try:
        keyring.set_password(KEYRING_SERVICE, name, password)
    except KeyringError as exc:
        raise CredentialsError(
            f"The OS keyring cannot store the password ({exc}); use --pgpass to write "
            f"it to {pgpass_path()} instead") from exc
    return name


def pgpass_path() -> Path:
    """libpq's password file: ``$PGPASSFILE``, else ``~/.pgpass`` (Windows:
    ``%APPDATA%\\postgresql\\pgpass.conf``)."""
    if os.environ.get("PGPASSFILE"):
        return Path(os.environ["PGPASSFILE"]).expanduser()
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def write_pgpass(url: str | URL, password: str, path: Path | None = None) -> Path:
    """Add (or replace) the line of ``url``'s host, port, database and user in the
    password file, keeping the others; the file gets mode 0600, which libpq requires
    (it ignores a file others can read)."""
    u = _url(url)
    path = path or pgpass_path()
    user = u.username or getpass.getuser()
    key = ":".join(_pgpass_escape(v) for v in (
        u.host or "localhost", str(u.port or DEFAULT_PORT), u.database or user, user))
    line = f"{key}:{_pgpass_escape(password)}"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [x for x in lines if not x.startswith(key + ":")]
    path.parent.mkdir(parents=True, exist_ok=True)
    # Create it private before the password is in it (no window with the umask's mode).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join([*kept, line]) + "\n")
    os.chmod(path, 0o600)
    return path


def warn_if_password(url: str | URL, stream: IO[str] | None = None) -> bool:
    """Warn once (stderr) when a server URL carries its password; True if it does."""
    u = _url(url)
    if u.password is None or not is_postgresql(u):
        return False
    shown = without_password(u)
    if shown not in _warned:
        _warned.add(shown)
        print(f"Warning: the database URL for {shown} holds a password, which other users "
              "of this computer can read from the command line or environment. Store it "
              f"instead with `python main.py db-password --db {shown}` "
              "(OS keyring) or add --pgpass (~/.pgpass), and leave it out of the URL.",
              file=stream or sys.stderr)
    return True


def connect_args(url: str | URL) -> dict[str, str]:
    """Extra DBAPI arguments for ``make_engine``: the keyring password of a PostgreSQL URL
    that has none (empty when none is stored: libpq then tries ~/.pgpass itself)."""
    if not is_postgresql(url) or warn_if_password(url):
        return {}
    password = keyring_password(url)
    return {"password": password} if password else {}
