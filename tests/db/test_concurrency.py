"""Several seats in separate processes racing on one case, and on the day's case numbers.

Each seat is its own operating-system process with its own connections, as at a real
command centre; on PostgreSQL they meet at the server, on SQLite at the file lock.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime
from typing import Any

import pytest
from conftest import BACKENDS, writable_street_seed

from app.domain.org import Role
from app.domain.workflow import Action, Actor
from app.services.cases import CaseService
from app.store.store import Store

pytestmark = pytest.mark.db

STREET_DEPT = "11110108MB64251060"
FS = Actor("fs0111", Role.FIELD_SUPERVISOR)
OP = Actor("op01", Role.OPERATOR)
SL = Actor("sl01", Role.SHIFT_LEADER)
DAY = datetime(2026, 11, 24, 9, 30)


@pytest.fixture(scope="module", params=BACKENDS)
def race_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return writable_street_seed(request, tmp_path_factory, "race")


def _spot(store: Store, i: int = 3) -> tuple[float, float]:
    p = store.admin.grids()[i].geometry.representative_point()
    return p.x, p.y


# -- seat processes (module level: the spawn start method imports them by name) ---------------
def _dispatch_seat(url: str, number: str, login: str, barrier: Any, out: Any) -> None:
    """Read the case, wait until every seat has read it, then dispatch it."""
    store = Store.open(url)
    try:
        load = store.cases.load_flow

        def load_then_wait(n: str, codes: frozenset[str] = frozenset()) -> object:
            got = load(n, codes)
            barrier.wait()  # every seat holds the same version before anyone writes
            return got

        store.cases.load_flow = load_then_wait  # type: ignore[method-assign]
        svc = CaseService(store, clock=lambda: DAY)
        try:
            case = svc.act(Actor(login, Role.DISPATCHER), number, "dispatch",
                           dept_code=STREET_DEPT)
            out.put((login, "won", case.version, ""))
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out.put((login, type(exc).__name__, getattr(exc, "last_login", None), str(exc)))
    finally:
        store.close()


def _intake_seat(url: str, n: int, lon: float, lat: float, barrier: Any, out: Any) -> None:
    store = Store.open(url)
    try:
        svc = CaseService(store, clock=lambda: DAY)
        barrier.wait()
        for _ in range(n):
            out.put(svc.report(FS, "matter", "06036", lon, lat, "乱堆杂物", "supervisor").number)
    except Exception as exc:  # noqa: BLE001
        out.put(f"error: {exc!r}")
    finally:
        store.close()


def _run(target: Any, args_of: list[tuple[Any, ...]], n_results: int) -> list[Any]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(args_of), timeout=120)
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, barrier, out)) for a in args_of]
    for p in procs:
        p.start()
    results = [out.get(timeout=180) for _ in range(n_results)]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return results


def test_processes_racing_on_one_case_have_exactly_one_winner(race_url: str) -> None:
    store = Store.open(race_url)
    try:
        svc = CaseService(store, clock=lambda: DAY)
        lon, lat = _spot(store)
        case = svc.report(FS, "matter", "06010", lon, lat, "暴露垃圾", "supervisor")
        svc.act(OP, case.number, "register")
        filed = svc.act(SL, case.number, "file")
        seats = ["dp01", "dp02", "dp03", "dp04", "dp05"]
        results = _run(_dispatch_seat, [(race_url, case.number, s) for s in seats], len(seats))
        winners = [r for r in results if r[1] == "won"]
        losers = [r for r in results if r[1] != "won"]
        assert len(winners) == 1, results
        winner = winners[0][0]
        assert winners[0][2] == filed.version + 1
        # Every loser was told plainly who got there first, with what, and when.
        for login, kind, last_login, message in losers:
            assert kind == "ConcurrentUpdateError", (login, kind, message)
            assert last_login == winner and winner in message and "派遣" in message
            assert f"{DAY:%Y-%m-%d %H:%M}" in message
        timeline = svc.timeline(SL, case.number)
        assert [e.action for e in timeline].count(Action.DISPATCH) == 1
        assert [e.version for e in timeline] == list(range(1, len(timeline) + 1))
        final = store.cases.get(case.number)
        assert final is not None and final.state.value == "dispatched"
        assert final.version == filed.version + 1
    finally:
        store.close()


def test_case_numbers_stay_gap_free_under_concurrent_intake_from_processes(
        race_url: str) -> None:
    store = Store.open(race_url)
    try:
        lon, lat = _spot(store, 5)
        before = store.cases.numbers_like(f"{DAY:%Y%m%d}", 10_000)
    finally:
        store.close()
    seats, each = 5, 8
    numbers = _run(_intake_seat, [(race_url, each, lon, lat)] * seats, seats * each)
    assert not [n for n in numbers if n.startswith("error")], numbers
    assert len(set(numbers)) == seats * each
    store = Store.open(race_url)
    try:
        day = store.cases.numbers_like(f"{DAY:%Y%m%d}", 10_000)
    finally:
        store.close()
    seqs = sorted(int(n[8:]) for n in day)
    # The day's numbers, old and new, run 1, 2, 3, … without a gap or a repeat.
    assert seqs == list(range(1, len(before) + seats * each + 1))
