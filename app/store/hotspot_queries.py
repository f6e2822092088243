"""The SQL behind hotspot analysis (``app.services.hotspots``): cases of a window as arrays,
counts per grid, daily counts per grid, and the grid polygons with their attributes.

Every query takes a ``CaseWindow`` (time window plus optional type, major class, kind and
source) and returns plain numpy arrays; aggregation happens in SQL (one ``GROUP BY`` per
window, never one query per day or per grid). Case times come back as epoch seconds
computed in SQL, so no driver builds a million ``datetime`` objects. Stored datetimes are
naive local (Beijing) times; the epoch arithmetic treats them as UTC, so they keep their
local clock time and calendar day.

Speed (benchmarks/run.py "gistar"): on SQLite the per-grid count of a year of district
cases (~1.1 M) is dominated by sorting for the GROUP BY (~3-4 s); a covering index
``case_ (grid_id, reported_at, state)`` turns it into an index-only scan (~0.4 s). The
index belongs in a migration; this module works with or without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from sqlalchemy import BigInteger, ColumnElement, Date, Engine, Select, cast, func, select

from app.store.orm import CaseRow, CommunityRow, DistrictRow, GridRow, StreetRow

# Not evidence of a problem: a draft was never reported, a voided report was found invalid.
EXCLUDED_STATES: tuple[str, ...] = ("draft", "void")


@dataclass(frozen=True)
class CaseWindow:
    """Which cases count: reported in ``[start, end)``, optionally one type code, one major
    class (the code's first two digits), one kind ('part'/'matter') and one source."""

    start: datetime
    end: datetime
    type_code: str | None = None
    major: str | None = None
    kind: str | None = None
    source: str | None = None
    excluded_states: tuple[str, ...] = EXCLUDED_STATES

    def where(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [CaseRow.reported_at >= self.start,
                                            CaseRow.reported_at < self.end]
        if self.excluded_states:
            conds.append(CaseRow.state.not_in(self.excluded_states))
        if self.type_code:
            conds.append(CaseRow.type_code == self.type_code)
        if self.major:
            conds.append(CaseRow.type_code.startswith(self.major, autoescape=True))
        if self.kind:
            conds.append(CaseRow.kind == self.kind)
        if self.source:
            conds.append(CaseRow.source == self.source)
        return conds


@dataclass(frozen=True)
class CasePoints:
    """Cases of a window as arrays (one entry per case, in id order)."""

    ids: np.ndarray  # int64 row ids
    x: np.ndarray  # metres, EPSG:4548
    y: np.ndarray
    grid_ids: np.ndarray  # str (fixed-width unicode: sorts fast)
    type_codes: np.ndarray  # str
    times: np.ndarray  # datetime64[s], local time as stored

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class GridTable:
    """Every unit grid with what hotspot maps and rates need (grid-id order)."""

    ids: np.ndarray  # object (str)
    names: np.ndarray  # object (str)
    community_codes: np.ndarray
    street_codes: np.ndarray
    area_m2: np.ndarray  # float64
    households: np.ndarray  # int64
    residents: np.ndarray  # int64
    geoms: np.ndarray  # shapely polygons, lon/lat EPSG:4490

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class AreaTable:
    """Communities or streets: code, name, parent code (street of a community; '' for a
    street), and the polygon (lon/lat) when asked for."""

    codes: np.ndarray
    names: np.ndarray
    parents: np.ndarray
    geoms: np.ndarray | None


@dataclass(frozen=True)
class DailyCounts:
    """Counts per (grid, day) of a window as a dense matrix for a time slider."""

    grid_ids: tuple[str, ...]  # columns, in the order asked for
    days: np.ndarray  # datetime64[D], one per row, every day of the window
    counts: np.ndarray  # (n_days, n_grids) int32
    unknown_grid_cases: int  # cases whose grid is not in grid_ids (left out of counts)


def _epoch_seconds(engine: Engine) -> ColumnElement[int]:
    """``reported_at`` as whole seconds since 1970-01-01 (as if the stored time were UTC)."""
    if engine.dialect.name == "sqlite":
        return cast(func.strftime("%s", CaseRow.reported_at), BigInteger)
    return cast(func.floor(func.extract("epoch", CaseRow.reported_at)), BigInteger)


def _rows(engine: Engine, stmt: Select[tuple[object, ...]]) -> list[tuple[object, ...]]:
    with engine.connect() as c:
        return list(c.execute(stmt).all())  # type: ignore[arg-type]


def case_points(engine: Engine, window: CaseWindow) -> CasePoints:
    """Every case of the window (id, x, y, grid, type, reported time)."""
    stmt = (select(CaseRow.id, CaseRow.x, CaseRow.y, CaseRow.grid_id, CaseRow.type_code,
                   _epoch_seconds(engine))
            .where(*window.where()).order_by(CaseRow.id))
    rows = _rows(engine, stmt)
    n = len(rows)
    if n == 0:
        empty = np.array([], dtype=str)
        return CasePoints(np.array([], np.int64), np.array([]), np.array([]), empty,
                          empty.copy(), np.array([], "datetime64[s]"))
    ids, x, y, grid, typ, secs = zip(*rows, strict=True)
    return CasePoints(np.fromiter(ids, np.int64, n), np.fromiter(x, np.float64, n),
                      np.fromiter(y, np.float64, n), np.array(grid, dtype=str),
                      np.array(typ, dtype=str),
                      np.fromiter(secs, np.int64, n).astype("datetime64[s]"))


def counts_by_grid(engine: Engine, window: CaseWindow) -> tuple[np.ndarray, np.ndarray]:
    """(grid ids, counts) of the grids with at least one case in the window."""
    stmt = (select(CaseRow.grid_id, func.count()).where(*window.where())
            .group_by(CaseRow.grid_id))
    rows = _rows(engine, stmt)
    return (np.array([r[0] for r in rows], dtype=object),
            np.fromiter((r[1] for r in rows), np.int64, len(rows)))


def daily_counts(engine: Engine, window: CaseWindow, grid_ids: Sequence[str]) -> DailyCounts:
    """Cases per grid and calendar day, in one grouped query for the whole window."""
    # The calendar day of each case. SQLite stores ISO text, whose first 10 characters are
    # the date: substr() is ~1.6× faster there than date arithmetic (district year: 2.9 s
    # vs 4.7 s for 1.1 M cases); PostgreSQL casts the timestamp.
    day: ColumnElement[Any] = (func.substr(CaseRow.reported_at, 1, 10)
                               if engine.dialect.name == "sqlite"
                               else cast(CaseRow.reported_at, Date))
    day = day.label("day")
    stmt = (select(CaseRow.grid_id, day, func.count()).where(*window.where())
            .group_by(CaseRow.grid_id, day))
    rows = _rows(engine, stmt)
    first = window.start.date()
    end_day = window.end.date()
    if window.end.time() != datetime.min.time():  # a partial last day still counts
        end_day += timedelta(days=1)
    n_days = max(0, (end_day - first).days)
    ids = tuple(str(g) for g in grid_ids)
    col = {g: i for i, g in enumerate(ids)}
    counts = np.zeros((n_days, len(ids)), dtype=np.int32)
    unknown = 0
    if rows:
        day_index: dict[object, int] = {}  # a few hundred distinct days: parse each once

        def offset(d: object) -> int:
            i = day_index.get(d)
            if i is None:
                as_date = d if isinstance(d, date) else date.fromisoformat(str(d))
                i = day_index[d] = (as_date - first).days
            return i

        g_idx = np.fromiter((col.get(r[0], -1) for r in rows), np.int64, len(rows))
        d_idx = np.fromiter((offset(r[1]) for r in rows), np.int64, len(rows))
        n = np.fromiter((r[2] for r in rows), np.int64, len(rows))
        ok = (g_idx >= 0) & (d_idx >= 0) & (d_idx < n_days)
        unknown = int(n[~ok].sum())
        np.add.at(counts, (d_idx[ok], g_idx[ok]), n[ok])
    days = np.datetime64(window.start.date(), "D") + np.arange(n_days)
    return DailyCounts(ids, days, counts, unknown)


def grid_table(engine: Engine) -> GridTable:
    """All unit grids with community, street, area, population and polygon."""
    stmt = select(GridRow.grid_id, GridRow.name, GridRow.community_code, GridRow.street_code,
                  GridRow.area_m2, GridRow.households, GridRow.residents,
                  GridRow.geom).order_by(GridRow.grid_id)
    rows = _rows(engine, stmt)
    n = len(rows)
    col = list(zip(*rows, strict=True)) if rows else [()] * 8
    return GridTable(
        ids=np.array(col[0], dtype=object), names=np.array(col[1], dtype=object),
        community_codes=np.array(col[2], dtype=object),
        street_codes=np.array(col[3], dtype=object),
        area_m2=np.fromiter((v or 0.0 for v in col[4]), np.float64, n),
        households=np.fromiter((v or 0 for v in col[5]), np.int64, n),
        residents=np.fromiter((v or 0 for v in col[6]), np.int64, n),
        geoms=shapely.from_wkb(np.array([bytes(g) for g in col[7]], dtype=object)),
    )


def area_table(engine: Engine, level: str, *, with_geoms: bool = False) -> AreaTable:
    """Communities (``level='community'``) or streets (``'street'``), code order."""
    if level == "community":
        cols = [CommunityRow.code, CommunityRow.name, CommunityRow.street_code]
        if with_geoms:
            cols.append(CommunityRow.geom)
        stmt = select(*cols).order_by(CommunityRow.code)
    elif level == "street":
        cols = [StreetRow.code, StreetRow.name, StreetRow.code]
        if with_geoms:
            cols.append(StreetRow.geom)
        stmt = select(*cols).order_by(StreetRow.code)
    else:
        raise ValueError(f"unknown level {level!r}")
    rows = _rows(engine, stmt)
    parents = [r[2] if level == "community" else "" for r in rows]
    geoms = (shapely.from_wkb(np.array([bytes(r[3]) for r in rows], dtype=object))
             if with_geoms else None)
    return AreaTable(np.array([r[0] for r in rows], dtype=object),
                     np.array([r[1] for r in rows], dtype=object),
                     np.array(parents, dtype=object), geoms)


def district_outline(engine: Engine) -> tuple[str, str, shapely.Geometry | None] | None:
    """(code, name, polygon or None) of the district, if one is stored."""
    rows = _rows(engine, select(DistrictRow.code, DistrictRow.name, DistrictRow.geom))
    if not rows:
        return None
    code, name, geom = rows[0]
    return str(code), str(name), shapely.from_wkb(bytes(geom)) if geom else None
