"""Seeded cases carry their timelines into the store, and the service continues them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from conftest import BACKENDS, STREET_SEED_END, _pg_schema_url, _seed_street
from sqlalchemy import func, select

from app.domain.case import CaseState
from app.domain.org import Role
from app.domain.workflow import Action, Actor
from app.services.cases import CaseService
from app.store.orm import CaseEventRow, CaseRow, StaffRow
from app.store.store import Store

pytestmark = pytest.mark.db


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('timelines') / 'seed.sqlite'}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"),
                             f"timelines_{uuid.uuid4().hex[:12]}")
    _seed_street(url)
    s = Store.open(url)
    yield s
    s.close()


def _svc(store: Store) -> CaseService:
    t = [STREET_SEED_END + timedelta(hours=1)]

    def clock() -> datetime:
        t[0] += timedelta(minutes=1)
        return t[0]

    return CaseService(store, clock=clock)


def _first(store: Store, state: CaseState) -> tuple[str, str | None]:
    with store.engine.connect() as c:
        row = c.execute(select(CaseRow.number, CaseRow.dept_code)
                        .where(CaseRow.state == state.value)
                        .order_by(CaseRow.id).limit(1)).first()
    assert row is not None, f"the seed has no {state.value} case"
    return row[0], row[1]


def _dept_actor(store: Store, dept_code: str) -> Actor:
    with store.engine.connect() as c:
        login = c.execute(select(StaffRow.login).where(
            StaffRow.department_code == dept_code, StaffRow.role == Role.DEPARTMENT.value)
        ).scalar_one()
    return Actor(login, Role.DEPARTMENT, department_code=dept_code)


def test_every_seeded_case_but_drafts_has_events(store: Store) -> None:
    with store.engine.connect() as c:
        without = c.execute(select(func.count()).select_from(CaseRow).where(
            CaseRow.state != CaseState.DRAFT.value,
            ~select(CaseEventRow.id).where(CaseEventRow.case_id == CaseRow.id).exists())
        ).scalar_one()
        n_events = c.execute(select(func.count()).select_from(CaseEventRow)).scalar_one()
    assert without == 0
    assert n_events > 0


def test_the_service_continues_a_seeded_dispatched_case(store: Store) -> None:
    svc = _svc(store)
    number, dept = _first(store, CaseState.DISPATCHED)
    assert dept
    op = Actor("op01", Role.OPERATOR)
    before = svc.timeline(op, number)
    assert before[-1].to_state is CaseState.DISPATCHED
    assert svc.flow(op, number).step_started_at == max(
        e.at for e in before if e.action in (Action.DISPATCH, Action.REDISPATCH,
                                             Action.CHECK_FAIL))
    dept_actor = _dept_actor(store, dept)
    assert Action.HANDLE in svc.allowed(dept_actor, number)
    case = svc.act(dept_actor, number, Action.HANDLE, note="已处置")
    assert case.state is CaseState.HANDLED
    after = svc.timeline(op, number)
    assert [e.version for e in after] == list(range(1, len(before) + 2))
    assert after[-1].action is Action.HANDLE and after[-1].actor_login == dept_actor.login
    # …and on to the end of the loop.
    svc.act(op, number, Action.SEND_CHECK)
    svc.act(Actor(after[0].actor_login if after[0].role is Role.FIELD_SUPERVISOR
                  else "fs0111", Role.FIELD_SUPERVISOR), number, Action.CHECK_PASS)
    if case.source.value == "hotline":
        svc.act(op, number, Action.CALLBACK, satisfied=True)
    closed = svc.act(Actor("sl01", Role.SHIFT_LEADER), number, Action.CLOSE)
    assert closed.state is CaseState.CLOSED


def test_the_service_resumes_a_seeded_parked_case(store: Store) -> None:
    svc = _svc(store)
    number, _ = _first(store, CaseState.PARKED)
    dp = Actor("dp01", Role.DISPATCHER)
    flow = svc.flow(dp, number)
    assert flow.parked_since is not None
    assert flow.parked_since == svc.timeline(dp, number)[-1].at
    case = svc.act(dp, number, Action.RESUME)
    assert case.state is CaseState.DISPATCHED
    assert svc.flow(dp, number).step_parks[-1][0] == flow.parked_since
