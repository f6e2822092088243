"""Shared fixtures: the seeded street database and per-test stores on SQLite and PostgreSQL.

PostgreSQL runs when ``CITYGRID_TEST_PG`` names a server the tests may create databases on,
e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres`` (a maintenance database).
The session creates its own ``citygrid_test_<random>`` database there, gives each test a
schema of its own inside it and drops the database at the end: existing data is never read
or touched.
"""

from __future__ import annotations

import os

# Before anything can import Qt: UI tests and the map canvas need no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import datetime  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

PG_ENV = "CITYGRID_TEST_PG"
# The street seed's case history ends here, so every run sees the same queues.
STREET_SEED_END = datetime(2026, 11, 23, 10, 0)
BACKENDS = ("sqlite", "postgresql")


def _seed_street(url: str) -> None:
    from app.services.seeding import seed
    from app.store.store import Store

    store = Store.open(url)
    try:
        seed(store, "street", end=STREET_SEED_END)
    finally:
        store.close()


@pytest.fixture(scope="session")
def street_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite file seeded once per session with the ``street`` scale.

    Read-only for tests: copy the file (or use ``store_url``) to change data.
    """
    path = tmp_path_factory.mktemp("street") / "street.sqlite"
    url = f"sqlite:///{path}"
    _seed_street(url)
    return url


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_connect(url: str, **kwargs: Any) -> Any:
    """A psycopg connection to the database of a SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = {"host": u.host, "port": u.port, "user": u.username, "password": u.password,
              "dbname": u.database}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    if url.drivername == "postgresql":  # plain URL: use psycopg 3, the driver we ship
        url = url.set(drivername="postgresql+psycopg")
    name = f"citygrid_test_{uuid.uuid4().hex[:12]}"
    with _pg_connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _pg_connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def _pg_schema_url(database_url: str, schema: str) -> str:
    """Create ``schema`` and return a URL whose connections work inside it only."""
    from psycopg import sql
    from sqlalchemy.engine import make_url

    with _pg_connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """An empty database for one test: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    database_url = request.getfixturevalue("pg_database_url")
    return _pg_schema_url(database_url, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_store_url(request: pytest.FixtureRequest) -> str:
    """The ``street`` seed on each backend (session-wide, read-only for tests)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("street_db_url"))
    database_url = request.getfixturevalue("pg_database_url")
    url = _pg_schema_url(database_url, "street_seed")
    _seed_street(url)
    return url


def writable_street_seed(request: pytest.FixtureRequest,
                         tmp_path_factory: pytest.TempPathFactory, prefix: str) -> str:
    """A street seed of its own on the backend ``request.param`` names ("sqlite" or
    "postgresql"), for a module-scoped fixture whose tests write cases."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(prefix) / (prefix + '.sqlite')}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"),
                             f"{prefix}_{uuid.uuid4().hex[:12]}")
    _seed_street(url)
    return url


@pytest.fixture
def seeded_window(qtbot, street_db_url: str, tmp_path: Any):  # type: ignore[no-untyped-def]
    """The real main window (zh_CN, 1500×950, layers loaded) on a copy of the street seed
    it may write to; no live feed (tests drive changes themselves). Lives here, not in a
    tests/ui/conftest.py: a second module named ``conftest`` would shadow this one in the
    seat processes the concurrency tests spawn."""
    import shutil
    from pathlib import Path

    from app.store.store import Store
    from app.ui.app import ensure_app, install_language
    from app.ui.main_window import MainWindow

    db = tmp_path / "window.sqlite"
    shutil.copy(Path(street_db_url.removeprefix("sqlite:///")), db)
    ensure_app(offscreen=True)
    install_language("zh_CN")
    win = MainWindow(Store.open(f"sqlite:///{db}"), live=False)
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    win.load_sync()
    return win
