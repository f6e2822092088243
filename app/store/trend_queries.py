"""SQL behind the trends dashboard (``app.services.trends``) and the grid sizing check.

A window ``[start, end)`` of days costs two grouped statements on either backend, whatever
its length or breakdown:

* ``flow_rows``: cases reported per (day, key), plus the cases already open at ``start``
  per key (the backlog the window starts with), one ``UNION ALL`` statement;
* ``closure_rows``: cases closed per (closing day, key) with how many of them closed on or
  before ``case_.deadline`` (the deadline of the step the case closed in), how many had a
  deadline at all, and the summed handling hours (reported → closed).

The key is ``''`` (no breakdown), the street code (the grid id's first 9 digits), the major
class as ``"<kind>:<2 digits>"`` (part and matter majors share codes) or the type as
``"<kind>:<5 digits>"``. Drafts and voided reports are left out everywhere, as in the
hotspot queries: they are not problems. Days come back as ``datetime.date``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import (
    Date,
    Engine,
    Float,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from app.store.orm import CaseRow, CatalogueRow, CommunityRow, GridRow, StreetRow

EXCLUDED_STATES: tuple[str, ...] = ("draft", "void")
BREAKDOWNS = ("all", "major", "type", "street")


def _day(engine: Engine, col):  # type: ignore[no-untyped-def]
    if engine.dialect.name == "sqlite":
        return func.date(col)
    return cast(col, Date)


def _hours(engine: Engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name == "sqlite":
        return (func.julianday(CaseRow.closed_at) - func.julianday(CaseRow.reported_at)) * 24.0
    return cast(func.extract("epoch", CaseRow.closed_at - CaseRow.reported_at), Float) / 3600.0


def _lit(sql: str):  # type: ignore[no-untyped-def]
    # Inline constants, not bound parameters: PostgreSQL matches a GROUP BY expression to
    # the selected one textually, and two binds ($1, $2) of the same value never match.
    return literal_column(sql)


def key_expr(by: str):  # type: ignore[no-untyped-def]
    """The grouping key of a breakdown (see the module docstring)."""
    if by == "all":
        return _lit("''")
    if by == "street":
        return func.substr(CaseRow.grid_id, _lit("1"), _lit("9"))
    if by == "major":
        return CaseRow.kind + _lit("':'") + func.substr(CaseRow.type_code, _lit("1"), _lit("2"))
    if by == "type":
        return CaseRow.kind + _lit("':'") + CaseRow.type_code
    raise ValueError(f"unknown breakdown {by!r}: one of {', '.join(BREAKDOWNS)}")


def _keys(by: str, key):  # type: ignore[no-untyped-def]
    # PostgreSQL refuses a constant in GROUP BY: no breakdown groups by nothing (one group).
    return () if by == "all" else (key,)


def _as_date(v: object) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def flow_rows(engine: Engine, start: datetime, end: datetime, by: str = "all"
              ) -> tuple[list[tuple[date, str, int]], list[tuple[str, int]]]:
    """``([(day, key, reported)], [(key, open_at_start)])`` of ``[start, end)``."""
    key = key_expr(by).label("k")
    kept = CaseRow.state.not_in(EXCLUDED_STATES)
    day = _day(engine, CaseRow.reported_at).label("d")
    reported = (select(_lit("'r'").label("part"), day, key, func.count().label("n"))
                .where(CaseRow.reported_at >= start, CaseRow.reported_at < end, kept)
                .group_by(day, *_keys(by, key)))
    # Open at start: still open now (closed_at NULL, a short index range), or closed at or
    # after start (an index range over the window) – never a scan of the whole history.
    open_then = (select(_lit("'b'").label("part"), cast(null(), Date).label("d"), key,
                        func.count().label("n"))
                 .where(CaseRow.reported_at < start, kept,
                        or_(CaseRow.closed_at.is_(None), CaseRow.closed_at >= start))
                 .group_by(*_keys(by, key)))
    stmt = union_all(reported, open_then)
    with engine.connect() as c:
        rows = c.execute(stmt).all()
    flows = [(_as_date(d), str(k), int(n)) for part, d, k, n in rows if part == "r"]
    base = [(str(k), int(n)) for part, _d, k, n in rows if part == "b"]
    return flows, base


def closure_rows(engine: Engine, start: datetime, end: datetime, by: str = "all"
                 ) -> list[tuple[date, str, int, int, int, float]]:
    """``[(day, key, closed, on_time, judged, hours_sum)]`` of cases closed in the window."""
    key = key_expr(by).label("k")
    day = _day(engine, CaseRow.closed_at).label("d")
    has_deadline = CaseRow.deadline.is_not(None)
    stmt = (select(day, key, func.count(),
                   func.sum(case((and_(has_deadline, CaseRow.closed_at <= CaseRow.deadline), 1),
                                 else_=0)),
                   func.sum(case((has_deadline, 1), else_=0)),
                   func.sum(_hours(engine)))
            .where(CaseRow.closed_at >= start, CaseRow.closed_at < end,
                   CaseRow.state == "closed")
            .group_by(day, *_keys(by, key)))
    with engine.connect() as c:
        rows = c.execute(stmt).all()
    return [(_as_date(d), str(k), int(n), int(ot or 0), int(j or 0), float(h or 0.0))
            for d, k, n, ot, j, h in rows]


def key_labels(engine: Engine, by: str) -> dict[str, str]:
    """Display names of the keys of a breakdown (street names, catalogue class names)."""
    with engine.connect() as c:
        if by == "street":
            return {str(code): str(name)
                    for code, name in c.execute(select(StreetRow.code, StreetRow.name))}
        if by == "major":
            rows = c.execute(select(CatalogueRow.kind, CatalogueRow.major_code,
                                    CatalogueRow.major_name).distinct())
            return {f"{k}:{m}": str(n) for k, m, n in rows}
        if by == "type":
            rows = c.execute(select(CatalogueRow.kind, CatalogueRow.code, CatalogueRow.name))
            return {f"{k}:{code}": str(n) for k, code, n in rows}
    return {"": ""}


def last_report_day(engine: Engine) -> date | None:
    """Day of the latest report (the natural end of a dashboard window)."""
    with engine.connect() as c:
        v = c.execute(select(func.max(CaseRow.reported_at))).scalar()
    return None if v is None else _as_date(v)


@dataclass(frozen=True)
class DayPoints:
    ids: np.ndarray  # int64 row ids
    numbers: list[str]
    x: np.ndarray
    y: np.ndarray


def day_points(engine: Engine, day: date, street: str | None = None,
               major: str | None = None) -> DayPoints:
    """Cases reported on ``day`` (optionally one street, one ``"<kind>:<major>"``)."""
    start = datetime.combine(day, datetime.min.time())
    conds = [CaseRow.reported_at >= start,
             CaseRow.reported_at < datetime.fromordinal(day.toordinal() + 1),
             CaseRow.state.not_in(EXCLUDED_STATES)]
    if street:
        conds.append(CaseRow.grid_id.startswith(street, autoescape=True))
    if major:
        kind, _, code = major.partition(":")
        if kind:
            conds.append(CaseRow.kind == kind)
        conds.append(CaseRow.type_code.startswith(code, autoescape=True))
    stmt = select(CaseRow.id, CaseRow.number, CaseRow.x, CaseRow.y).where(*conds) \
        .order_by(CaseRow.id)
    with engine.connect() as c:
        rows = c.execute(stmt).all()
    return DayPoints(np.array([r[0] for r in rows], np.int64), [str(r[1]) for r in rows],
                     np.array([r[2] for r in rows], np.float64),
                     np.array([r[3] for r in rows], np.float64))


@dataclass(frozen=True)
class UnitSize:
    """One grid, community or street: its code, name, parent code and size."""

    code: str
    name: str
    parent: str
    households: int
    residents: int


def unit_sizes(engine: Engine) -> dict[str, list[UnitSize]]:
    """Households and residents of every grid, community and street (a street's are the
    sums of its communities; the street table keeps no population)."""
    with engine.connect() as c:
        grids = [UnitSize(str(g), str(n or g), str(p), int(h or 0), int(r or 0))
                 for g, n, p, h, r in c.execute(
                     select(GridRow.grid_id, GridRow.name, GridRow.community_code,
                            GridRow.households, GridRow.residents).order_by(GridRow.grid_id))]
        comms = [UnitSize(str(k), str(n), str(p), int(h or 0), int(r or 0))
                 for k, n, p, h, r in c.execute(
                     select(CommunityRow.code, CommunityRow.name, CommunityRow.street_code,
                            CommunityRow.households, CommunityRow.residents)
                     .order_by(CommunityRow.code))]
        totals = {str(s): (int(h or 0), int(r or 0)) for s, h, r in c.execute(
            select(CommunityRow.street_code, func.sum(CommunityRow.households),
                   func.sum(CommunityRow.residents)).group_by(CommunityRow.street_code))}
        streets = [UnitSize(str(k), str(n), "", *totals.get(str(k), (0, 0)))
                   for k, n in c.execute(select(StreetRow.code, StreetRow.name)
                                         .order_by(StreetRow.code))]
    return {"grid": grids, "community": comms, "street": streets}
