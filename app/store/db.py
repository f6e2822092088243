"""Engine creation, database location and schema migrations."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ENV_VAR = "CITYGRID_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def default_db_path() -> Path:
    """The embedded database: a file in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("CityGrid", appauthor=False)) / "citygrid.sqlite"


def resolve_db_url(url: str | None = None) -> str:
    """``--db`` wins, then ``CITYGRID_DB``, then the per-user SQLite file.

    A bare file path is accepted and turned into a SQLite URL.
    """
    url = url or os.environ.get(ENV_VAR) or str(default_db_path())
    if "://" not in url:
        path = Path(url).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL lets the map read while a writer (seed, intake) commits; NORMAL sync is safe in WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


CONNECT_TIMEOUT_S = 3  # seconds to reach the PostgreSQL server before giving up


def make_engine(url: str | None = None) -> Engine:
    url = resolve_db_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        from app.store.credentials import connect_args  # keyring password (no URL password)

        args = connect_args(url)
        if "connect_timeout" not in make_url(url).query:
            # A server that went away must not freeze a seat: fail fast, the service
            # reconnects and re-checks (CaseService._resilient), the feed retries.
            args = {"connect_timeout": CONNECT_TIMEOUT_S, **args}
        engine = create_engine(url, pool_pre_ping=True, connect_args=args)
    return engine


# The newest migration. Opening a database that is already there skips Alembic (its
# import and script scan cost ~0.3 s of every start); tests check this equals Alembic's head.
HEAD_REVISION = "0006"


def _stored_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:  # noqa: BLE001 - no table yet: an empty database
        return None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), creating it on an empty DB."""
    if _stored_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


# SQLite plans without statistics unless ANALYZE ran; with none it sorts every overdue case
# instead of walking the partial deadline index (benchmarks §7: ~40 ms → ~2 ms a page).
# A sampled ANALYZE (analysis_limit) of the case table takes milliseconds.
SQLITE_ANALYZE = ("PRAGMA analysis_limit=2000", "ANALYZE case_")


def ensure_statistics(engine: Engine) -> None:
    """Give SQLite's planner statistics for the case table if it has none (PostgreSQL
    keeps its own through autovacuum, and the bulk loader analyses after a load)."""
    if engine.dialect.name != "sqlite":
        return
    try:
        _analyze_if_needed(engine)
    except OperationalError:
        pass  # another process holds the write lock: statistics are only an optimisation


def _analyze_if_needed(engine: Engine) -> None:
    with engine.begin() as conn:
        has = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
        if has and conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'case_' LIMIT 1").first() is not None:
            return
        for sql in SQLITE_ANALYZE:
            conn.exec_driver_sql(sql)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass
class StoreInfo:
    url: str
    backend: str
    revision: str | None


def describe(engine: Engine) -> StoreInfo:
    return StoreInfo(
        url=engine.url.render_as_string(hide_password=True),
        backend=engine.url.get_backend_name(),
        revision=current_revision(engine) if inspect(engine).has_table("alembic_version")
        else None,
    )


def is_disconnect(exc: BaseException) -> bool:
    """Is ``exc`` a lost or refused database connection (worth a reconnect and re-check),
    rather than a refusal of the statement itself?"""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    module = type(orig).__module__ if orig is not None else ""
    if module.startswith("psycopg"):
        import psycopg

        # OperationalError covers refused / reset / terminated connections (and server
        # shutdown, SQLSTATE class 57 / 08); lock conflicts are not retried here.
        if isinstance(orig, psycopg.errors.AdminShutdown | psycopg.errors.CannotConnectNow):
            return True
        sqlstate = getattr(orig, "sqlstate", None) or ""
        return isinstance(orig, psycopg.OperationalError) and (
            sqlstate == "" or sqlstate.startswith(("08", "57")))
    return False
