"""The case service (scripting API) on SQLite and PostgreSQL: the loop, its exception paths,
permissions, optimistic locking, numbering, queues, dispatch advice and duplicates.

One street seed per backend and module; every test reports its own cases, so the tests do
not depend on each other (queue checks compare counts before and after).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import BACKENDS, writable_street_seed

from app.domain.calendar import load_calendar
from app.domain.case import Case, CaseLevel, CaseState
from app.domain.errors import ConcurrentUpdateError, DomainError
from app.domain.org import Role
from app.domain.workflow import Action, Actor, PermissionDeniedError, WorkflowError
from app.gis import crs
from app.services.cases import CaseFilter, CaseService, LocationError
from app.store.store import Store

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
STREET_DEPT = "11110108MB64251060"  # 中关村街道办事处 (territory of the seeded street)
CITY_DEPT = "11110108000051967C"  # 海淀区城市管理委员会

FS = Actor("fs0111", Role.FIELD_SUPERVISOR)
GW = Actor("gw0111", Role.GRID_WORKER)
VS = Actor("vs01", Role.VIDEO_SUPERVISOR)
OP = Actor("op01", Role.OPERATOR)
SL = Actor("sl01", Role.SHIFT_LEADER)
DP = Actor("dp01", Role.DISPATCHER)
DP2 = Actor("dp02", Role.DISPATCHER)
MG = Actor("mg01", Role.MANAGER)
DEPT_A = Actor("dept251060", Role.DEPARTMENT, department_code=STREET_DEPT)
DEPT_B = Actor("dept51967C", Role.DEPARTMENT, department_code=CITY_DEPT)


class Clock:
    """A settable clock; every reading moves it one minute, like a busy operator."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(scope="module", params=BACKENDS)
def loop_url(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> str:
    """A writable street seed for this module, per backend."""
    return writable_street_seed(request, tmp_path_factory, "loop")


@pytest.fixture
def store(loop_url: str) -> Iterator[Store]:
    s = Store.open(loop_url)
    yield s
    s.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 9, 0))  # Tuesday, office hours


@pytest.fixture
def svc(store: Store, clock: Clock) -> CaseService:
    return CaseService(store, clock=clock)


@pytest.fixture
def spot(store: Store) -> tuple[str, float, float]:
    """A grid of the seed and a point inside it (lon, lat)."""
    grid = store.admin.grids()[3]
    p = grid.geometry.representative_point()
    return str(grid.grid_id), p.x, p.y


def _report(svc: CaseService, spot: tuple[str, float, float], type_code: str = "06010",
            kind: str = "matter", source: str = "supervisor", who: Actor = FS,
            **kw: object) -> Case:
    _, lon, lat = spot
    return svc.report(who, kind, type_code, lon, lat, "测试问题", source, **kw)  # type: ignore[arg-type]


def _to_dispatched(svc: CaseService, spot: tuple[str, float, float], dept: str = STREET_DEPT,
                   **kw: object) -> Case:
    case = _report(svc, spot, **kw)  # type: ignore[arg-type]
    svc.act(OP, case.number, "register")
    svc.act(SL, case.number, "file")
    return svc.act(DP, case.number, "dispatch", dept_code=dept)


# -- the loop -------------------------------------------------------------------------------
def test_full_loop_with_timeline_and_deadlines(svc: CaseService, spot, clock: Clock) -> None:
    grid_id, _, _ = spot
    case = _report(svc, spot)
    assert case.state is CaseState.REPORTED and str(case.grid_id) == grid_id
    assert case.number.startswith("20261124") and case.level is CaseLevel.COMMUNITY
    assert case.deadline == case.reported_at + timedelta(minutes=30)  # 0.5 工作时 to register
    svc.act(OP, case.number, "register")
    svc.act(SL, case.number, "file")
    dept, _ = svc.suggest_department(case.type_code, case.kind, grid_id)
    case = svc.act(DP, case.number, "dispatch", dept_code=dept)
    dispatched_at = clock.now
    assert case.state is CaseState.DISPATCHED and case.dept_code == STREET_DEPT
    # 06010 暴露垃圾: 4 工作时 to handle, on the working calendar.
    assert case.deadline == load_calendar().add_working_time(dispatched_at, timedelta(hours=4))
    svc.act(DEPT_A, case.number, "handle", note="已清运")
    svc.act(OP, case.number, "send_check")
    svc.act(FS, case.number, "check_pass")
    case = svc.act(SL, case.number, "close")
    assert case.state is CaseState.CLOSED and case.closed_at == clock.now

    events = svc.timeline(MG, case.number)  # managers read everything
    assert [e.action for e in events] == [
        Action.REPORT, Action.REGISTER, Action.FILE, Action.DISPATCH, Action.HANDLE,
        Action.SEND_CHECK, Action.CHECK_PASS, Action.CLOSE]
    assert [e.version for e in events] == list(range(1, 9))
    assert [e.actor_login for e in events][:4] == ["fs0111", "op01", "sl01", "dp01"]
    for a, b in itertools.pairwise(events):
        assert a.to_state is b.from_state and a.at < b.at
    assert events[3].details["dept_code"] == STREET_DEPT
    assert events[4].note == "已清运"
    assert svc.allowed(SL, case.number) == []


def test_public_report_is_verified_and_hotline_needs_a_callback(svc: CaseService,
                                                                spot) -> None:
    case = _report(svc, spot, source="public", who=OP)
    with pytest.raises(WorkflowError, match="verified on site"):
        svc.act(OP, case.number, "register")
    svc.act(OP, case.number, "send_verify")
    assert svc.act(GW, case.number, "verify").state is CaseState.REGISTERED

    hot = _to_dispatched(svc, spot, source="hotline", who=OP)
    svc.act(DEPT_A, hot.number, "handle")
    svc.act(OP, hot.number, "send_check")
    svc.act(FS, hot.number, "check_pass")
    with pytest.raises(WorkflowError, match="satisfied callback"):
        svc.act(SL, hot.number, "close")
    # A dissatisfied caller reopens the case with the same department.
    assert svc.act(OP, hot.number, "callback", satisfied=False).state is CaseState.DISPATCHED
    svc.act(DEPT_A, hot.number, "handle")
    svc.act(OP, hot.number, "send_check")
    svc.act(FS, hot.number, "check_pass")
    svc.act(OP, hot.number, "callback", satisfied=True)
    assert svc.act(SL, hot.number, "close").state is CaseState.CLOSED
    assert svc.flow(SL, hot.number).satisfied is True


# -- exception paths ------------------------------------------------------------------------
def test_return_approved_then_redispatch_counts_misdispatches(svc: CaseService, spot) -> None:
    case = _to_dispatched(svc, spot)
    svc.act(DEPT_A, case.number, "return_case", reason="非本部门职责")
    with pytest.raises(WorkflowError, match="awaiting"):
        svc.act(DEPT_A, case.number, "request_extension", reason="x", extension_hours=4)
    case = svc.act(DP, case.number, "approve_return")
    assert case.state is CaseState.FILED and case.dept_code is None
    with pytest.raises(PermissionDeniedError, match="own department"):
        svc.get(DEPT_A, case.number)  # no longer theirs
    svc.act(DP, case.number, "dispatch", dept_code=CITY_DEPT)
    case = svc.act(DP, case.number, "redispatch", dept_code=STREET_DEPT)
    assert case.dept_code == STREET_DEPT
    flow = svc.flow(DP, case.number)
    assert flow.misdispatch_count == 2 and flow.pending is None
    assert svc.timeline(DP, case.number)[-1].details["from_dept"] == CITY_DEPT


def test_extension_moves_the_deadline(svc: CaseService, spot) -> None:
    case = _to_dispatched(svc, spot, type_code="06001")  # 私搭乱建: 15 工作日
    before = case.deadline
    svc.act(DEPT_A, case.number, "request_extension", reason="需协调拆除", extension_hours=15)
    assert svc.flow(DP, case.number).pending is Action.REQUEST_EXTENSION
    case = svc.act(DP, case.number, "approve_extension")
    assert before is not None and case.deadline == load_calendar().add_working_time(
        before, timedelta(hours=15))  # 15 h = two working days at 7.5 h a day
    assert svc.flow(DP, case.number).extension_hours == 15


def test_park_stops_the_clock_and_resume_restarts_it(svc: CaseService, spot,
                                                     clock: Clock) -> None:
    grid_id, _, _ = spot
    case = _to_dispatched(svc, spot)
    started = clock.now
    svc.act(DEPT_A, case.number, "request_park", reason="待年度计划")
    case = svc.act(DP, case.number, "approve_park")
    parked_at = clock.now
    assert case.state is CaseState.PARKED
    mine = CaseFilter(grid=grid_id, type_code="06010")
    clock.advance(days=3)  # far beyond the 4 h limit: still not overdue while parked
    assert case.number in [c.number for c in svc.queue(DP, "parked", mine, limit=500)]
    assert case.number not in [c.number for c in svc.queue(DP, "overdue", mine, limit=500)]
    case = svc.act(SL, case.number, "resume")
    resumed = clock.now
    assert case.state is CaseState.DISPATCHED
    cal = load_calendar()
    lost = cal.working_time_between(parked_at, resumed)
    assert case.deadline == cal.add_working_time(started, timedelta(hours=4) + lost)
    flow = svc.flow(DP, case.number)
    assert flow.parked_total == resumed - parked_at and flow.parked_since is None
    assert svc.timeline(DP, case.number)[-1].details["parked_seconds"] == \
        (resumed - parked_at).total_seconds()


def test_failed_check_means_rework(svc: CaseService, spot) -> None:
    case = _to_dispatched(svc, spot)
    svc.act(DEPT_A, case.number, "handle")
    svc.act(OP, case.number, "send_check")
    case = svc.act(GW, case.number, "check_fail", note="仍有垃圾")
    assert case.state is CaseState.DISPATCHED and case.dept_code == STREET_DEPT
    assert svc.flow(DP, case.number).rework_count == 1
    svc.act(DEPT_A, case.number, "handle")
    svc.act(OP, case.number, "send_check")
    assert svc.act(GW, case.number, "check_pass").state is CaseState.CHECKED


def test_void_urge_escalate_and_self_handle(svc: CaseService, spot) -> None:
    case = _report(svc, spot)
    with pytest.raises(PermissionDeniedError, match="shift leader"):
        svc.act(OP, case.number, "void", reason="重复")
    with pytest.raises(WorkflowError, match="reason"):
        svc.act(SL, case.number, "void")
    case = svc.act(SL, case.number, "void", reason="重复上报")
    assert case.state is CaseState.VOID and case.closed_at is not None

    case = _to_dispatched(svc, spot)
    svc.act(DP, case.number, "urge", reason="群众反映强烈")
    last = svc.timeline(DP, case.number)[-1]
    assert last.action is Action.URGE and last.details["urged_by"] == "dp01"
    assert last.details["reason"] == "群众反映强烈" and last.details["urged_dept"] == STREET_DEPT
    assert svc.flow(DP, case.number).urge_count == 1

    assert svc.act(GW, case.number, "escalate", reason="社区无法解决").level is CaseLevel.STREET
    assert svc.act(DEPT_A, case.number, "escalate",
                   reason="需区级协调").level is CaseLevel.DISTRICT
    with pytest.raises(WorkflowError, match="top level"):
        svc.act(DP, case.number, "escalate", reason="再上报")

    small = _report(svc, spot, type_code="07001")  # 非法小广告: trivial
    assert svc.act(FS, small.number, "self_handle").state is CaseState.CLOSED
    big = _report(svc, spot, type_code="06001")  # 私搭乱建: not trivial
    with pytest.raises(WorkflowError, match="trivial"):
        svc.act(FS, big.number, "self_handle")


# -- permissions ----------------------------------------------------------------------------
def test_forbidden_actions_are_refused_by_the_service(svc: CaseService, spot) -> None:
    case = _report(svc, spot, who=VS, source="video", camera_id="CAM-0001")
    assert svc.timeline(OP, case.number)[0].details["camera_id"] == "CAM-0001"
    assert svc.get(OP, case.number).extra["camera_id"] == "CAM-0001"
    svc.act(OP, case.number, "register")
    svc.act(SL, case.number, "file")
    with pytest.raises(PermissionDeniedError, match="dispatch is the dispatcher's task"):
        svc.act(VS, case.number, "dispatch", dept_code=STREET_DEPT)
    svc.act(DP, case.number, "dispatch", dept_code=STREET_DEPT)
    svc.act(DEPT_A, case.number, "handle")
    svc.act(OP, case.number, "send_check")
    svc.act(FS, case.number, "check_pass")
    with pytest.raises(PermissionDeniedError, match="closing .* shift leader"):
        svc.act(DEPT_A, case.number, "close")
    with pytest.raises(PermissionDeniedError, match="own department's cases"):
        svc.get(DEPT_B, case.number)
    with pytest.raises(PermissionDeniedError, match="own department's cases"):
        svc.timeline(DEPT_B, case.number)
    with pytest.raises(PermissionDeniedError, match="read-only"):
        svc.act(MG, case.number, "close")
    with pytest.raises(DomainError, match="not in the department register"):
        svc.act(DP, case.number, "redispatch", dept_code="91110000000000000X")
    with pytest.raises(DomainError, match="no case number"):
        svc.get(OP, "2026112499999")


def test_a_point_outside_every_grid_is_refused(svc: CaseService) -> None:
    with pytest.raises(LocationError, match="outside every unit grid"):
        svc.report(FS, "matter", "06010", 117.5, 40.5, "远处", "supervisor")
    with pytest.raises(DomainError, match="catalogue"):
        svc.report(FS, "matter", "99999", 116.3, 39.9, "x", "supervisor")


# -- concurrency ----------------------------------------------------------------------------
def test_concurrent_update_exactly_one_wins(loop_url: str, store: Store, svc: CaseService,
                                            spot, clock: Clock) -> None:
    case = _report(svc, spot)
    svc.act(OP, case.number, "register")
    filed = svc.act(SL, case.number, "file")
    barrier = threading.Barrier(2, timeout=30)
    services = []
    for _ in range(2):
        other = Store.open(loop_url)
        load = other.cases.load_flow

        def load_then_wait(number: str, codes: frozenset[str] = frozenset(),
                           _load=load) -> object:
            got = _load(number, codes)
            barrier.wait()  # both have read version n before either writes
            return got

        other.cases.load_flow = load_then_wait  # type: ignore[method-assign]
        services.append((other, CaseService(other, clock=clock)))
    results: dict[str, object] = {}

    def run(who: Actor, dept: str, s: CaseService) -> None:
        try:
            results[who.login] = s.act(who, case.number, "dispatch", dept_code=dept)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[who.login] = exc

    threads = [threading.Thread(target=run, args=(DP, STREET_DEPT, services[0][1])),
               threading.Thread(target=run, args=(DP2, CITY_DEPT, services[1][1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s, _ in services:
        s.close()
    errors = [r for r in results.values() if isinstance(r, Exception)]
    wins = [r for r in results.values() if isinstance(r, Case)]
    assert len(wins) == 1 and len(errors) == 1, results
    err = errors[0]
    assert isinstance(err, ConcurrentUpdateError), err
    winner = next(k for k, v in results.items() if isinstance(v, Case))
    assert err.last_login == winner and err.last_action == "dispatch"
    assert winner in str(err) and "派遣" in str(err)
    assert wins[0].version == filed.version + 1  # type: ignore[union-attr]
    assert [e.action for e in svc.timeline(DP, case.number)].count(Action.DISPATCH) == 1


def test_case_numbers_are_unique_per_day_under_concurrency(loop_url: str) -> None:
    day = datetime(2026, 11, 27, 10, 0)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        s = Store.open(loop_url)
        try:
            service = CaseService(s, clock=lambda: day)
            grid = s.admin.grids()[5]
            p = grid.geometry.representative_point()
            for _ in range(5):
                c = service.report(FS, "matter", "06036", p.x, p.y, "乱堆杂物", "supervisor")
                with lock:
                    numbers.append(c.number)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(numbers) == 20 and len(set(numbers)) == 20
    seqs = sorted(int(n[8:]) for n in numbers)
    assert all(n.startswith("20261127") for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + 20))


# -- queues ---------------------------------------------------------------------------------
def test_queue_counts_filters_and_order(svc: CaseService, spot, clock: Clock) -> None:
    grid_id, _, _ = spot
    mine = CaseFilter(grid=grid_id, type_code="06042")
    before = svc.queue_counts(OP, mine)
    a = _report(svc, spot, type_code="06042", urgency="urgent", source="video", who=VS)
    b = _report(svc, spot, type_code="06042")
    c = _report(svc, spot, type_code="06042")
    svc.act(OP, c.number, "register")
    after = svc.queue_counts(OP, mine)
    assert after["to_register"] - before["to_register"] == 2
    assert after["to_file"] - before["to_file"] == 1
    page = svc.queue(OP, "to_register", mine, limit=1000)
    numbers = [x.number for x in page]
    assert {a.number, b.number} <= set(numbers) and c.number not in numbers
    deadlines = [x.deadline for x in page if x.deadline is not None]
    assert deadlines == sorted(deadlines)  # least remaining time first

    assert [x.number for x in svc.queue(OP, "to_register", CaseFilter(
        grid=grid_id, type_code="06042", source="video", urgency="urgent"), limit=1000)
        if x.number in (a.number, b.number)] == [a.number]
    assert svc.queue_counts(OP, CaseFilter(street=grid_id[:9], community=grid_id[:12],
                                           type_code="06042"))["to_register"] >= 2
    assert sum(svc.queue_counts(OP, CaseFilter(street="110108999"))
               .values()) == 0

    clock.advance(hours=2)  # past the 0.5 working-hour registration limit
    assert svc.queue_counts(OP, mine)["overdue"] - before["overdue"] >= 2
    assert a.number in [x.number for x in svc.queue(OP, "overdue", mine, limit=1000)]

    small = _report(svc, spot, type_code="07001")
    svc.act(FS, small.number, "self_handle")
    today = svc.queue(OP, "closed_today", CaseFilter(grid=grid_id, type_code="07001"))
    assert small.number in [x.number for x in today]

    with pytest.raises(DomainError, match="Unknown queue"):
        svc.queue(OP, "inbox")


def test_department_sees_only_its_own_queue(svc: CaseService, spot) -> None:
    mine = _to_dispatched(svc, spot)
    theirs = _to_dispatched(svc, spot, dept=CITY_DEPT)
    page = svc.queue(DEPT_A, "in_handling", limit=10_000)
    assert page and all(x.dept_code == STREET_DEPT for x in page)
    numbers = {x.number for x in page}
    assert mine.number in numbers and theirs.number not in numbers
    counts = svc.queue_counts(DEPT_A)
    assert counts["in_handling"] == len(page) and counts["to_register"] == 0
    with pytest.raises(PermissionDeniedError, match="own department's cases"):
        svc.queue(DEPT_A, "in_handling", CaseFilter(dept_code=CITY_DEPT))


# -- advice -----------------------------------------------------------------------------------
def test_dispatch_suggestion_reasons(svc: CaseService, spot) -> None:
    grid_id, _, _ = spot
    dept, why = svc.suggest_department("01001", "part", grid_id)  # 上水井盖: water company
    assert dept == "91110000101129495J"
    assert "先属主后属地" in why and "owner" in why
    dept, why = svc.suggest_department("06010", "matter", grid_id)
    assert dept == STREET_DEPT and "先属地后属主" in why and "中关村" in why
    dept, why = svc.suggest_department("06013", "matter", grid_id)  # professional matter
    assert dept == CITY_DEPT and "competent" in why


def test_duplicate_detection(svc: CaseService, spot) -> None:
    _, lon, lat = spot
    first = _report(svc, spot, type_code="06035")
    x, y = (float(v) for v in crs.to_projected(lon, lat))
    found = svc.find_duplicates("06035", x + 20, y, first.reported_at + timedelta(hours=1))
    assert first.number in [c.number for c in found]
    assert first.number not in [c.number for c in svc.find_duplicates(
        "06035", x + 80, y, first.reported_at)]  # too far
    assert first.number not in [c.number for c in svc.find_duplicates(
        "06035", x, y, first.reported_at + timedelta(hours=30))]  # too late
    assert first.number not in [c.number for c in svc.find_duplicates(
        "06036", x, y, first.reported_at)]  # another type
    svc.act(SL, first.number, "void", reason="误报")
    assert first.number not in [c.number for c in svc.find_duplicates(
        "06035", x, y, first.reported_at)]  # closed cases are not duplicates


# -- the example script ---------------------------------------------------------------------
def test_example_script_runs(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "example_loop.py"),
                           str(tmp_path / "example.sqlite")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "已结案" in proc.stdout and "先属地后属主" in proc.stdout
    assert proc.stdout.count("→") == 8  # one timeline line per transition
