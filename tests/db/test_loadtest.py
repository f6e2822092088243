"""The multi-seat load test (``python main.py loadtest``): a real run from several seat
processes, and an invariant checker that does find broken data.

PostgreSQL: one street seed in a schema of its own, one short run (4 seats, 150 cases, the
whole day at 20,000× ≈ 4 s of replay) shared by the module; the corruption tests change the
data and put it back. SQLite: 2 seats, a handful of cases, on a copy of the street seed.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import _pg_schema_url, _seed_street
from sqlalchemy import delete, insert, select, update

from app.services.loadtest import (
    GROUP_WEIGHTS,
    OK,
    LoadTestConfig,
    LoadTestResult,
    check_invariants,
    format_report,
    run_loadtest,
    seat_groups,
)
from app.store.orm import CaseEventRow, CaseRow
from app.store.store import Store

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def pg_run(pg_database_url: str) -> Iterator[tuple[Store, LoadTestResult]]:
    url = _pg_schema_url(pg_database_url, f"load_{uuid.uuid4().hex[:8]}")
    _seed_street(url)
    result = run_loadtest(LoadTestConfig(url=url, seats=4, speed=20000, cases=150, hours=24,
                                         seed=3))
    store = Store.open(url)
    yield store, result
    store.close()


def test_seat_groups_cover_every_post() -> None:
    twenty = seat_groups(20)
    assert len(twenty) == 20
    counts = {g: sum(g in s for s in twenty) for g in GROUP_WEIGHTS}
    assert counts["department"] >= 6 and counts["operator"] == 3 and counts["dispatcher"] == 3
    for n in (1, 2, 4, 6):
        groups = seat_groups(n)
        assert len(groups) == n
        assert {g for s in groups for g in s} == set(GROUP_WEIGHTS)


def test_pg_run_holds_every_invariant(pg_run: tuple[Store, LoadTestResult]) -> None:
    store, res = pg_run
    f = res.figures
    assert res.violations == [], "\n".join(res.violations)
    assert "invariants: all hold" in format_report(f)
    assert res.plan.dropped == 0  # the plan is legal before the run
    # every planned case is there once, and every planned transition was applied
    assert f["cases"] == len(res.plan.external_ids) == 150
    assert f["transitions"] == f["planned_transitions"] == res.plan.transitions
    with store.engine.connect() as c:
        numbers = sorted(c.execute(select(CaseRow.number).where(
            CaseRow.number.like(f"{res.plan.day:%Y%m%d}%"))).scalars())
        ext = c.execute(select(CaseRow.external_id).where(
            CaseRow.external_id.like(f"loadtest:{res.plan.run_id}:%"))).scalars().all()
    assert [int(n[8:]) for n in numbers] == list(range(1, 151))  # gap-free, from 1
    assert sorted(ext) == sorted(res.plan.external_ids)
    # the races: each had exactly one winner, the loser was refused one way or the other
    assert f["races"] == res.plan.n_races > 0
    assert f["race_one_winner"] == f["races"] and f["race_both_won"] == 0
    assert f["race_lost_conflict"] + f["race_lost_refused"] == f["races"]
    assert f["unplanned_conflicts"] == 0
    # the exception paths of the mix were exercised
    for action in ("report", "register", "file", "dispatch", "handle", "close"):
        assert f["actions"].get(action, 0) > 0
    assert sum(f["actions"].get(a, 0) for a in
               ("void", "merge", "redispatch", "return_case", "check_fail", "urge",
                "request_extension", "escalate", "callback")) > 0
    # the seats heard each other over LISTEN/NOTIFY
    nd = f["notification_ms"]
    assert nd["n"] > 0 and 0 <= nd["p50"] <= nd["max"] < 5000
    assert f["latency_ms"]["p50"] > 0 and f["wall_s"] > 0
    json.dumps(f, default=str)  # what --json writes


def _some_case(store: Store, res: LoadTestResult, min_events: int = 4) -> tuple[int, str]:
    with store.engine.connect() as c:
        return c.execute(select(CaseRow.id, CaseRow.number)
                         .where(CaseRow.external_id.like(f"loadtest:{res.plan.run_id}:%"),
                                CaseRow.version >= min_events)
                         .order_by(CaseRow.number)).first()


def test_checker_finds_a_deleted_event(pg_run: tuple[Store, LoadTestResult]) -> None:
    store, res = pg_run
    case_id, number = _some_case(store, res)
    with store.engine.begin() as c:
        row = c.execute(select(CaseEventRow.__table__).where(
            CaseEventRow.case_id == case_id, CaseEventRow.seq == 2)).mappings().one()
        c.execute(delete(CaseEventRow.__table__).where(CaseEventRow.id == row["id"]))
    try:
        found = check_invariants(store, res.plan.summary(), res.ops)
    finally:
        with store.engine.begin() as c:
            c.execute(insert(CaseEventRow.__table__).values(**row))
    text = "\n".join(found)
    assert number in text and "seq" in text and "version" in text
    assert "recorded 0 times" in text  # the seat's operation is gone from the record
    assert check_invariants(store, res.plan.summary(), res.ops) == []


def test_checker_finds_an_illegal_state(pg_run: tuple[Store, LoadTestResult]) -> None:
    store, res = pg_run
    case_id, number = _some_case(store, res)
    with store.engine.begin() as c:
        state = c.execute(select(CaseRow.state).where(CaseRow.id == case_id)).scalar_one()
        # a case that skips to closed without the events that close it
        bad = "closed" if state != "closed" else "filed"
        c.execute(update(CaseRow.__table__).where(CaseRow.id == case_id).values(state=bad))
    try:
        found = check_invariants(store, res.plan.summary(), res.ops)
    finally:
        with store.engine.begin() as c:
            c.execute(update(CaseRow.__table__).where(CaseRow.id == case_id)
                      .values(state=state))
    assert any(number in v and "stored state" in v for v in found), found


def test_checker_finds_an_illegal_transition(pg_run: tuple[Store, LoadTestResult]) -> None:
    store, res = pg_run
    case_id, number = _some_case(store, res)
    with store.engine.begin() as c:
        action = c.execute(select(CaseEventRow.action).where(
            CaseEventRow.case_id == case_id, CaseEventRow.seq == 2)).scalar_one()
        c.execute(update(CaseEventRow.__table__).where(
            CaseEventRow.case_id == case_id, CaseEventRow.seq == 2).values(action="close"))
    try:
        found = check_invariants(store, res.plan.summary(), res.ops)
    finally:
        with store.engine.begin() as c:
            c.execute(update(CaseEventRow.__table__).where(
                CaseEventRow.case_id == case_id, CaseEventRow.seq == 2).values(action=action))
    assert any(number in v and "close" in v for v in found), found


def test_checker_finds_a_lost_case_and_a_number_gap(pg_run: tuple[Store, LoadTestResult]
                                                      ) -> None:
    store, res = pg_run
    case_id, number = _some_case(store, res, min_events=1)
    with store.engine.begin() as c:
        ext = c.execute(select(CaseRow.external_id).where(CaseRow.id == case_id)).scalar_one()
        # renumbered out of the day: as if the case had been lost and a number skipped
        c.execute(update(CaseRow.__table__).where(CaseRow.id == case_id)
                  .values(external_id=None, number="1999010199999"))
    try:
        found = check_invariants(store, res.plan.summary(), res.ops)
    finally:
        with store.engine.begin() as c:
            c.execute(update(CaseRow.__table__).where(CaseRow.id == case_id)
                      .values(external_id=ext, number=number))
    text = "\n".join(found)
    assert "planned cases are missing" in text and ext in text
    assert "are not 1…" in text and "gaps" in text


def test_checker_finds_a_race_both_won_and_an_unrecorded_op(
        pg_run: tuple[Store, LoadTestResult]) -> None:
    store, res = pg_run
    ops = list(res.ops)
    loser = next(i for i, o in enumerate(ops) if o.race >= 0 and o.outcome != OK)
    ops[loser] = replace(ops[loser], outcome=OK)  # a seat that claims it won too
    found = check_invariants(store, res.plan.summary(), ops)
    assert any(f"race {ops[loser].race} " in v and "2 winners" in v for v in found), found
    assert any(ops[loser].op_id in v and "recorded 0 times" in v for v in found), found


def test_sqlite_run_with_two_seats(street_db_url: str, tmp_path: Path) -> None:
    """SQLite serialises writers: slow, but the same invariants must hold."""
    src = Path(street_db_url.removeprefix("sqlite:///"))
    path = tmp_path / "load.sqlite"
    shutil.copy(src, path)
    res = run_loadtest(LoadTestConfig(url=f"sqlite:///{path}", seats=2, speed=20000, cases=20,
                                      hours=24, seed=5))
    assert res.violations == [], "\n".join(res.violations)
    assert res.figures["cases"] == 20
    assert res.figures["transitions"] == res.plan.transitions
    assert res.figures["race_both_won"] == 0
