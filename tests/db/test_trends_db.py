"""SQL trend figures equal the same figures computed in Python from the raw case rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from app.services.sizing import SizingService
from app.services.trends import TrendService
from app.store.orm import CaseRow
from app.store.store import Store

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def stores(seeded_store_url: str):  # type: ignore[no-untyped-def]
    store = Store.open(seeded_store_url)
    yield store
    store.close()


def _raw(store: Store) -> list[tuple]:  # type: ignore[type-arg]
    with store.engine.connect() as c:
        return list(c.execute(select(CaseRow.reported_at, CaseRow.closed_at, CaseRow.deadline,
                                     CaseRow.state, CaseRow.grid_id, CaseRow.kind,
                                     CaseRow.type_code)))


@pytest.mark.parametrize("by", ["all", "street", "major"])
def test_sql_trends_match_python(stores: Store, by: str) -> None:
    svc = TrendService(stores)
    start, end = svc.default_window(30)
    t = svc.trends(start, end, by)
    s0 = datetime.combine(start, datetime.min.time())
    e0 = datetime.combine(end, datetime.min.time())

    def key(r) -> str:  # type: ignore[no-untyped-def]
        return {"all": "", "street": r[4][:9], "major": f"{r[5]}:{r[6][:2]}"}[by]

    vol: Counter = Counter()
    closed: Counter = Counter()
    on_time: Counter = Counter()
    hours: defaultdict = defaultdict(float)
    open_start: Counter = Counter()
    for r in _raw(stores):
        rep, clo, dl, state = r[0], r[1], r[2], r[3]
        if state in ("draft", "void"):
            continue
        k = key(r)
        if s0 <= rep < e0:
            vol[(k, rep.date())] += 1
        if rep < s0 and (clo is None or clo >= s0):
            open_start[k] += 1
        if state == "closed" and s0 <= clo < e0:
            closed[(k, clo.date())] += 1
            on_time[(k, clo.date())] += int(dl is not None and clo <= dl)
            hours[(k, clo.date())] += (clo - rep).total_seconds() / 3600
    assert sum(vol.values()) > 100, "the seed should have cases in the window"
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    for k, series in t.series.items():
        assert list(series.volume) == [vol[(k, d)] for d in days]
        assert list(series.closed) == [closed[(k, d)] for d in days]
        assert list(series.on_time) == [on_time[(k, d)] for d in days]
        np.testing.assert_allclose(series.hours_sum, [hours[(k, d)] for d in days], rtol=1e-6,
                                   atol=1e-3)
        backlog, n = [], open_start[k]
        for d in days:
            n += vol[(k, d)] - closed[(k, d)]
            backlog.append(n)
        assert list(series.backlog) == backlog
    assert t.overall.total_volume == sum(vol.values())
    if by != "all":
        assert all(t.label(k) != k for k in t.keys), "every key has a display name"


def test_day_cases_and_sizing(stores: Store) -> None:
    svc = TrendService(stores)
    day = svc.last_day() - timedelta(days=3)
    pts = svc.day_cases(day)
    raw = [r for r in _raw(stores) if r[0].date() == day and r[3] not in ("draft", "void")]
    assert len(pts.ids) == len(raw) > 0
    report = SizingService(stores).check()
    assert report.summary["grid"].n > 0
    assert all(i.value < i.low or i.value > i.high for i in report.issues)
    assert isinstance(day, date)
