"""Bulk loading for seeds and imports: all-or-nothing, fast on SQLite and PostgreSQL.

The ORM costs ~20 µs a row; a seed of 1.4 M parts goes straight to the driver instead
(``executemany`` on SQLite, ``COPY`` on PostgreSQL with psycopg 3) inside one transaction,
so a failure leaves the store unchanged.

Date and time values may be given as ISO strings (``2024-06-30``,
``2026-11-23 10:00:00.000000``): SQLite stores them as they are, which is SQLAlchemy's own
storage format there, and PostgreSQL parses them into ``date``/``timestamp`` on input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from app.store.orm import Base

Progress = Callable[[float, str], None]

# Children first, so that deleting respects foreign keys.
_DELETE_ORDER = ("attachment", "case_event", "case_", "camera", "part", "type_owner", "staff",
                 "department", "catalogue", "block", "road", "unit_grid", "community", "street",
                 "district", "meta")
# Tables whose integer ``id`` comes from a sequence on PostgreSQL: loads write explicit ids,
# so the sequence must be moved past them or the next ``INSERT`` collides.
_SERIAL_TABLES = ("case_", "part", "road", "block")


@dataclass
class TableData:
    table: str
    columns: Sequence[str]
    rows: Iterable[Sequence[object]]
    count: int = 0  # for progress reporting; 0 if unknown
    label: str = ""


@dataclass
class Dataset:
    tables: list[TableData] = field(default_factory=list)

    def add(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]],
            count: int = 0, label: str = "") -> None:
        known = Base.metadata.tables[table].columns.keys()
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise ValueError(f"table {table} has no column(s) {unknown}")
        self.tables.append(TableData(table, columns, rows, count, label or table))


class _Ticker:
    """Turns row counts into the 0–1 fraction ``progress`` expects."""

    def __init__(self, data: Dataset, progress: Progress | None) -> None:
        self.total = sum(max(t.count, 1) for t in data.tables)
        self.done = 0
        self.progress = progress
        self.table = ""  # the table being written, for error messages

    def start(self, table: str) -> None:
        self.table = table

    def add(self, n: int, label: str) -> None:
        self.done += n
        if self.progress:
            self.progress(min(self.done / self.total, 1.0), label)


def replace_all(engine: Engine, data: Dataset, progress: Progress | None = None,
                chunk: int = 50_000) -> None:
    """Replace the whole content of the store with ``data`` in ONE transaction."""
    tick = _Ticker(data, progress)
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                _load_sqlite(conn, data, tick, chunk)
            elif engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
                _load_postgresql(conn, data, tick, chunk)
            else:
                _load_generic(conn, data, tick, chunk)
    except dbapi_error as exc:
        # The fast paths talk to the driver directly; raise what SQLAlchemy would have
        # (IntegrityError for a duplicate key, …) so callers see one family of errors.
        raise DBAPIError.instance(
            f"bulk load of table {tick.table}", None, exc, dbapi_error, dialect=engine.dialect
        ) from exc


def _load_sqlite(conn: Connection, data: Dataset, tick: _Ticker, chunk: int) -> None:
    raw = conn.connection.driver_connection
    # pysqlite opens a transaction only before DML; without this BEGIN the DROP INDEX /
    # DROP TRIGGER below would autocommit and a failed load would lose the indexes.
    if not raw.in_transaction:
        raw.execute("BEGIN")
    deferred = suspend_sqlite_indexes(raw, [t.table for t in data.tables])
    for t in _DELETE_ORDER:
        raw.execute(f"DELETE FROM {t}")
    for td in data.tables:
        tick.start(td.table)
        sql = (f"INSERT INTO {td.table} ({', '.join(td.columns)}) "
               f"VALUES ({', '.join('?' for _ in td.columns)})")
        cur = raw.cursor()
        for buf in chunks(td.rows, chunk):
            cur.executemany(sql, buf)
            tick.add(len(buf), td.label)
        cur.close()
        tick.add(0, td.label)
    if tick.progress:
        tick.progress(1.0, "空间索引")
    restore_sqlite_indexes(raw, deferred)
    # Fresh planner statistics for the case queues (see db.ensure_statistics).
    raw.execute("PRAGMA analysis_limit=2000")
    raw.execute("ANALYZE case_")


def _load_postgresql(conn: Connection, data: Dataset, tick: _Ticker, chunk: int) -> None:
    raw = conn.connection.driver_connection  # psycopg 3 connection, inside our transaction
    with raw.cursor() as cur:
        # TRUNCATE is transactional on PostgreSQL, handles the foreign keys in one statement
        # and, unlike DELETE, does not leave 1.4 M dead rows for VACUUM.
        cur.execute(f"TRUNCATE {', '.join(_DELETE_ORDER)}")
        # Secondary indexes (the GiST ones above all) are built once after the COPY instead
        # of maintained row by row; DDL is transactional, so a failed load keeps them.
        rebuild = _drop_pg_indexes(cur, sorted({td.table for td in data.tables}))
        for td in data.tables:
            tick.start(td.table)
            with cur.copy(f"COPY {td.table} ({', '.join(td.columns)}) FROM STDIN") as cp:
                n = 0
                for row in td.rows:
                    cp.write_row(row)
                    n += 1
                    if n == chunk:
                        tick.add(n, td.label)
                        n = 0
            tick.add(n, td.label)
        if tick.progress and rebuild:
            tick.progress(1.0, "索引")
        for ddl in rebuild:
            cur.execute(ddl)
        for t in _SERIAL_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {t}")
        if tick.progress:
            tick.progress(1.0, "统计信息")
        if data.tables:  # fresh planner statistics for the new content
            cur.execute(f"ANALYZE {', '.join(sorted({td.table for td in data.tables}))}")


def _drop_pg_indexes(cur: Any, tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that no constraint needs; their CREATE statements."""
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema()) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        (tables,))
    found = cur.fetchall()
    for name, _ddl in found:
        cur.execute(f"DROP INDEX {name}")
    return [ddl for _name, ddl in found]


def _load_generic(conn: Connection, data: Dataset, tick: _Ticker, chunk: int) -> None:
    """Any other SQLAlchemy backend: slower (bound parameters through SQLAlchemy)."""
    for t in _DELETE_ORDER:
        conn.execute(text(f"DELETE FROM {t}"))
    for td in data.tables:
        tick.start(td.table)
        table = Base.metadata.tables[td.table]
        for buf in chunks(td.rows, chunk):
            conn.execute(table.insert(), [dict(zip(td.columns, r, strict=True)) for r in buf])
            tick.add(len(buf), td.label)


def chunks(rows: Iterable[Sequence[object]], size: int) -> Iterable[list[Sequence[object]]]:
    buf: list[Sequence[object]] = []
    for row in rows:
        buf.append(row)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def suspend_sqlite_indexes(raw: Any, tables: list[str]) -> list[str]:
    """Drop secondary indexes and R*Tree triggers of ``tables`` for the load.

    Building a b-tree once over sorted keys, and the R*Tree in one pass, is several times faster
    than maintaining them row by row. All of it runs inside the load's transaction
    (SQLite DDL is transactional), so a failure restores them with the old data.
    Returns the DDL to replay afterwards.
    """
    ph = ",".join("?" for _ in tables)
    rows = raw.execute(
        f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN ({ph}) "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL", tables).fetchall()
    replay: list[str] = []
    for kind, name, table, sql in rows:
        raw.execute(f"DROP {kind.upper()} {name}")
        replay.append(sql)
        if kind == "trigger" and name.endswith("_rtree_ins"):
            raw.execute(f"DELETE FROM {table}_rtree")
            key = "id" if table in ("road", "block") else "rowid"
            replay.append(f"INSERT INTO {table}_rtree SELECT {key}, minx, maxx, miny, maxy "
                          f"FROM {table}")
    return replay


def restore_sqlite_indexes(raw: Any, replay: list[str]) -> None:
    for sql in replay:
        raw.execute(sql)
