"""Load test of the multi-seat server: replay a district's day from many seats at once.

``python main.py loadtest --db URL --seats 20 --speed 100`` takes the demo generator's day
(:func:`app.services.demo_cases.generate_case_history`: its diurnal curve, category mix,
locations, sources, urgency and step durations) and plays every case through its whole loop
with the generator's mix of exception paths, from ``seats`` separate processes (spawn), each
with its own engine, :class:`~app.services.cases.CaseService` and
:class:`~app.store.live.ChangeFeed`. The seats act as real staff logins of the database in
the role each step needs, at simulated time (day start + wall time × ``speed``). At the end
the parent reads the database back and checks the invariants (:func:`check_invariants`).

How the pieces fit:

* The **plan** is made in the parent from the seed (:func:`build_plan`): one chain of steps
  per case, each step a service call by one actor at a planned simulated time. The plan is
  replayed through :func:`app.domain.workflow.apply` before it is used, so every planned
  chain is legal; steps after the replay window are left out (the case stays open).
* **Seats** run their steps in planned-time order. A step waits for its case's previous step
  (a shared counter per case), so the order per case holds across processes; because every
  predecessor is planned earlier, the globally earliest waiting step can always run, and
  the seats cannot deadlock. Shared memory instead of polling the case row keeps the
  database load what the seats themselves cause.
* **Races**: about 2 % of the steps are given to two seats at once (two dispatchers
  dispatching the same case). Only actions that cannot be taken twice in a row race, so
  exactly one may win; the other must get ConcurrentUpdateError, or a workflow refusal when
  it read the case after the winner's commit. Both winning is a violation.
* **Results** (one record per service call, notification delays) come back over a queue;
  the parent checks the invariants with plain reads through the store.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import queue as queue_mod
import random
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from app.domain.case import CaseLevel, CaseSource, CaseState
from app.domain.errors import ConcurrentUpdateError, DomainError
from app.domain.org import Role
from app.domain.workflow import TRANSITIONS, Action, Actor, CaseFlow, apply
from app.store.store import Store

Progress = Callable[[str], None]

# -- the mix ------------------------------------------------------------------------------
# Shares of exception paths: the demo history's (app.services.demo_cases) where it has one.
# Invalid reports (不予立案, voided by the shift leader) by source, as in the demo history.
VOID_SHARE_PUBLIC = 0.08  # hotline, public, leader, media reports
VOID_SHARE_OTHER = 0.015
# One of the demo's four void reasons is 重复上报: that quarter of the invalid reports are
# duplicates of an open case and are merged (合并) at intake instead of voided.
MERGE_SHARE_OF_VOID = 0.25
# Misdispatches (demo REDISPATCH_SHARE) are split: half corrected by the dispatcher (改派),
# half returned by the wrong department (回退 → 同意回退 → 派遣 again).
RETURN_SHARE_OF_MISDISPATCH = 0.5
# Not in the demo history, which has no extensions: a department asks for more time on a
# few cases (延期), and the dispatcher grants most requests.
EXTENSION_SHARE = 0.03
EXTENSION_GRANTED = 0.8
EXTENSION_HOURS = 24.0
# A deliberate race: this share of all steps is attempted by two seats at the same moment.
RACE_SHARE = 0.02
# Actions that cannot be taken twice in a row, so a race has exactly one possible winner.
RACE_ACTIONS = frozenset({Action.REGISTER, Action.SEND_VERIFY, Action.VERIFY, Action.FILE,
                          Action.VOID, Action.DISPATCH, Action.SEND_CHECK, Action.CHECK_PASS,
                          Action.CLOSE, Action.APPROVE_RETURN, Action.APPROVE_EXTENSION,
                          Action.APPROVE_PARK})

# Seat groups and their share of a 20-seat centre: 3 operators (受理员), 3 dispatchers
# (派遣员), 2 shift leaders (值班长), 8 department seats (专业部门, several departments
# each), 3 field supervisor terminals, 1 video supervisor.
GROUP_WEIGHTS: dict[str, int] = {"department": 8, "operator": 3, "dispatcher": 3,
                                 "field": 3, "shift_leader": 2, "video": 1}
GROUP_OF_ROLE: dict[Role, str] = {
    Role.OPERATOR: "operator", Role.DISPATCHER: "dispatcher",
    Role.SHIFT_LEADER: "shift_leader", Role.DEPARTMENT: "department",
    Role.FIELD_SUPERVISOR: "field", Role.GRID_WORKER: "field",
    Role.VIDEO_SUPERVISOR: "video",
}
_SOURCES_VERIFIED = {CaseSource.HOTLINE.value, CaseSource.PUBLIC.value, CaseSource.MEDIA.value}
_SOURCES_PUBLIC = {CaseSource.HOTLINE.value, CaseSource.PUBLIC.value, CaseSource.LEADER.value,
                   CaseSource.MEDIA.value}
_REASONS = {
    Action.VOID: ("不属于受理范围", "现场核实无此问题", "信息不全无法定位"),
    Action.RETURN_CASE: ("非本部门职责，申请回退", "权属不清，请重新派遣"),
    Action.REQUEST_EXTENSION: ("需协调施工单位，申请延期", "材料采购中，申请延期"),
    Action.URGE: ("临近处置时限，请加快处置", "群众反映强烈，请尽快处置", "超时未反馈，请说明情况"),
    Action.REQUEST_PARK: ("涉及多部门协调，短期内无法解决", "需列入年度改造计划", "权属争议待认定"),
    Action.ESCALATE: ("街道无法解决，提请区级协调",),
}

# A step waits at most this long (wall seconds) for its case's previous step; after that the
# case is given up (every later step of it is skipped and reported).
WAIT_TIMEOUT_S = 120.0
MIN = 60.0


@dataclass(frozen=True)
class LoadTestConfig:
    url: str
    seats: int = 20
    speed: float = 100.0
    cases: int = 3000
    hours: float = 24.0
    seed: int = 1
    scale: str = "street"


@dataclass(frozen=True, slots=True)
class Step:
    """One service call of the plan. ``k`` is its place in the case's chain (0 = report)."""

    case: int
    k: int
    t: float  # planned simulated seconds after the day's start
    action: str
    login: str
    role: str
    dept: str | None
    kwargs: tuple[tuple[str, Any], ...] = ()
    race: int = -1  # index of the race, -1 when one seat alone takes the step
    after: int = -1  # a case that must have been reported first (the merge target)

    @property
    def actor(self) -> Actor:
        return Actor(self.login, Role(self.role), self.dept)


@dataclass
class SeatSpec:
    index: int
    groups: tuple[str, ...]
    logins: dict[str, list[str]] = field(default_factory=dict)  # role value → own logins
    departments: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"seat{self.index:02d}[{'+'.join(self.groups)}]"


@dataclass
class Plan:
    run_id: str
    day: datetime
    window_s: float
    external_ids: list[str]
    chain_length: list[int]  # planned events per case
    seats: list[SeatSpec]
    seat_steps: list[list[Step]]
    n_races: int
    scale: str = ""
    dropped: int = 0  # planned steps the workflow refused in the dry run (a plan bug if > 0)

    @property
    def transitions(self) -> int:
        return sum(self.chain_length)

    def summary(self) -> RunSummary:
        return RunSummary(self.run_id, self.day.date(), dict(zip(self.external_ids,
                                                                 self.chain_length,
                                                                 strict=True)))


@dataclass(frozen=True)
class RunSummary:
    """What the invariant checker needs to know about a run."""

    run_id: str
    day: date
    planned: dict[str, int]  # external id → planned events


# outcome of one service call as the seat saw it
OK, CONFLICT, REFUSED, ERROR, SKIPPED = "ok", "conflict", "refused", "error", "skipped"


@dataclass(frozen=True, slots=True)
class OpRecord:
    seat: int
    case: int
    k: int
    action: str
    op_id: str
    outcome: str
    latency_s: float  # wall time of the service call
    lag_s: float  # how late the call started against the plan (wall seconds)
    race: int
    login: str
    done_at: float  # time.time() when the call returned
    message: str = ""


def external_id(run_id: str, i: int) -> str:
    return f"loadtest:{run_id}:{i}"


# -- plan ---------------------------------------------------------------------------------
def seat_groups(n: int) -> list[tuple[str, ...]]:
    """The groups each of ``n`` seats serves: shares of GROUP_WEIGHTS, at least one seat a
    group; with fewer seats than groups, seats serve several groups."""
    if n < 1:
        raise DomainError("A load test needs at least one seat")
    groups = list(GROUP_WEIGHTS)
    if n < len(groups):
        seats: list[list[str]] = [[] for _ in range(n)]
        for j, g in enumerate(groups):
            seats[j % n].append(g)
        return [tuple(s) for s in seats]
    rest = n - len(groups)
    total = sum(GROUP_WEIGHTS.values())
    share = {g: rest * w / total for g, w in GROUP_WEIGHTS.items()}
    count = {g: 1 + math.floor(share[g]) for g in groups}
    for g in sorted(groups, key=lambda g: share[g] - math.floor(share[g]), reverse=True)[
            :n - sum(count.values())]:
        count[g] += 1
    return [(g,) for g in groups for _ in range(count[g])]


def choose_day(store: Store) -> datetime:
    """Midnight of the day after the newest case: the day's numbers start at 1 and no earlier
    data is touched."""
    from sqlalchemy import func, select

    from app.store.orm import CaseRow

    with store.engine.connect() as c:
        last = c.execute(select(func.max(CaseRow.reported_at))).scalar()
    if last is None:
        last = datetime.now()
    return datetime.combine(last.date() + timedelta(days=1), datetime.min.time())


def _grids_and_parts(store: Store) -> dict[str, Any]:
    """Arrays the demo generator takes, read from the store (so any seeded DB works)."""
    import shapely
    from sqlalchemy import select

    from app.gis import crs
    from app.store.orm import GridRow, PartRow

    grids = store.admin.grids()
    ids = [str(g.grid_id) for g in grids]
    polys = crs.project_geometries(np.array([g.geometry for g in grids], dtype=object),
                                   crs.GEOGRAPHIC, crs.PROJECTED)
    cent = shapely.centroid(polys)
    with store.engine.connect() as c:
        street = dict(c.execute(select(GridRow.grid_id, GridRow.street_code)).all())
        parts = c.execute(select(PartRow.part_id, PartRow.type_code, PartRow.grid_id,
                                 PartRow.x, PartRow.y)).all()
    index = {g: i for i, g in enumerate(ids)}
    parts = [p for p in parts if p[2] in index]
    return {
        "grid_ids": np.array(ids, dtype=object),
        "grid_x": shapely.get_x(cent), "grid_y": shapely.get_y(cent),
        "grid_radius": np.sqrt(shapely.area(polys)) / 2.0, "grid_polys": polys,
        "grid_street": np.array([street[g] for g in ids], dtype=object),
        "part_ids": np.array([p[0] for p in parts], dtype=object),
        "part_type": np.array([p[1] for p in parts], dtype="<U5"),
        "part_grid": np.array([index[p[2]] for p in parts], dtype=np.int64),
        "part_x": np.array([p[3] for p in parts], dtype=np.float64),
        "part_y": np.array([p[4] for p in parts], dtype=np.float64),
    }


class _Seats:
    """Seat groups, the logins each seat owns, and who takes a step."""

    def __init__(self, n: int, staff: Sequence[Any], dept_load: Counter[str],
                 rng: random.Random) -> None:
        self.rng = rng
        self.specs = [SeatSpec(i, g) for i, g in enumerate(seat_groups(n))]
        self.by_group: dict[str, list[SeatSpec]] = defaultdict(list)
        for s in self.specs:
            for g in s.groups:
                self.by_group[g].append(s)
        self.pool: dict[Role, list[str]] = defaultdict(list)
        self.dept_login: dict[str, str] = {}
        self.street_of: dict[str, str | None] = {}
        for st in staff:
            if getattr(st, "active", True) is False:
                continue
            self.pool[st.role].append(st.login)
            self.street_of[st.login] = st.street_code
            if st.role is Role.DEPARTMENT and st.department_code not in self.dept_login:
                self.dept_login[st.department_code] = st.login
        self.used: set[str] = set()
        # Centre posts and the video desk: one person (login) per seat.
        for g, role in (("operator", Role.OPERATOR), ("dispatcher", Role.DISPATCHER),
                        ("shift_leader", Role.SHIFT_LEADER), ("video", Role.VIDEO_SUPERVISOR)):
            for s in self.by_group[g]:
                self._give(s, role)
        # Field terminals share the street's supervisors and grid workers between them.
        field_seats = self.by_group["field"]
        for role in (Role.FIELD_SUPERVISOR, Role.GRID_WORKER):
            for j, login in enumerate(self.pool[role]):
                if field_seats:
                    field_seats[j % len(field_seats)].logins.setdefault(role.value, []).append(
                        login)
                    self.used.add(login)
        # Departments go to the department seat with the least planned work so far.
        dept_seats = self.by_group["department"]
        load = {s.index: 0 for s in dept_seats}
        for d in sorted(self.dept_login, key=lambda d: (-dept_load.get(d, 0), d)):
            if not dept_seats:
                break
            n_cases = dept_load.get(d, 0)
            s = min(dept_seats, key=lambda s: (load[s.index], s.index))
            s.departments.append(d)
            s.logins.setdefault(Role.DEPARTMENT.value, []).append(self.dept_login[d])
            load[s.index] += n_cases
        self.dept_seat = {d: s for s in dept_seats for d in s.departments}

    def _give(self, seat: SeatSpec, role: Role) -> str:
        own = seat.logins.get(role.value)
        if own:
            return own[0]
        free = [x for x in self.pool[role] if x not in self.used]
        login = free[0] if free else (self.pool[role][len(self.used) % len(self.pool[role])]
                                      if self.pool[role] else None)
        if login is None:
            raise DomainError(f"The database has no staff with role {role.value}: the load "
                              "test needs real logins for every post")
        self.used.add(login)
        seat.logins[role.value] = [login]
        return login

    def take(self, role: Role, dept: str | None = None, street: str | None = None,
             exclude: SeatSpec | None = None) -> tuple[SeatSpec, str, Role]:
        """(seat, login, role) for a step of ``role``; another seat than ``exclude``."""
        if role is Role.DEPARTMENT:
            assert dept is not None
            seat = self.dept_seat[dept]
            if exclude is None or seat is not exclude:
                return seat, self.dept_login[dept], role
            raise DomainError("department steps do not race")
        group = GROUP_OF_ROLE[role]
        seats = [s for s in self.by_group[group] if s is not exclude]
        if not seats:  # a small run: any other seat takes the second part of a race
            seats = [s for s in self.specs if s is not exclude]
        seat = self.rng.choice(seats)
        if group == "field":
            own = seat.logins.get(role.value) or seat.logins.get(
                Role.FIELD_SUPERVISOR.value) or []
            if not own:
                return seat, self._give(seat, Role.FIELD_SUPERVISOR), Role.FIELD_SUPERVISOR
            near = [x for x in own if self.street_of.get(x) == street] or own
            login = self.rng.choice(near)
            return seat, login, (role if login in self.pool[role] else Role.FIELD_SUPERVISOR)
        return seat, self._give(seat, role), role


def build_plan(store: Store, cfg: LoadTestConfig, progress: Progress | None = None) -> Plan:
    """The day to replay: cases, their step chains, seats and races (deterministic per
    seed and database)."""
    from app.domain.catalogue import load_catalogue
    from app.domain.departments import Dispatch, load_type_owners, street_departments
    from app.gis import crs
    from app.services.cases import CaseService
    from app.services.demo_cases import (
        REDISPATCH_SHARE,
        REWORK_SHARE,
        URGE_SHARE,
        generate_case_history,
    )

    say = progress or (lambda _m: None)
    day = choose_day(store)
    window = min(24.0, max(0.0, cfg.hours)) * 3600.0
    run_id = f"{day:%Y%m%d}-{cfg.seed}-{uuid.uuid4().hex[:6]}"
    say(f"planning {cfg.cases} cases for {day:%Y-%m-%d} (seed {cfg.seed})")
    arrays = _grids_and_parts(store)
    departments = store.org.departments()
    owners = load_type_owners()
    # The generator's daily count is a Poisson draw around per_day × the weekday factor:
    # ask for enough and keep an exact random subset (the diurnal curve is unchanged).
    n_want = int(cfg.cases)
    per_day = int(n_want * 1.6) + 20
    hist = generate_case_history(
        grid_x=arrays["grid_x"], grid_y=arrays["grid_y"], grid_radius=arrays["grid_radius"],
        grid_street_codes=arrays["grid_street"], part_x=arrays["part_x"],
        part_y=arrays["part_y"], part_type_codes=arrays["part_type"],
        part_grid_index=arrays["part_grid"], grid_polys=arrays["grid_polys"],
        catalogue=load_catalogue(), departments=departments, type_owners=owners,
        end=day + timedelta(days=1), days=1, per_day=per_day, seed=cfg.seed)
    rng = np.random.default_rng([cfg.seed, 5])
    pick = np.sort(rng.choice(len(hist), size=min(n_want, len(hist)), replace=False))
    day0 = float(np.datetime64(day, "s").astype(np.int64))
    tl = hist.timeline[pick] - day0  # seconds after the day's start
    keep = tl[:, 0] < window
    pick, tl = pick[keep], tl[keep]
    n = len(pick)
    lon, lat = crs.to_geographic(hist.x[pick], hist.y[pick])
    gid = arrays["grid_ids"][hist.grid_index[pick]]
    street = arrays["grid_street"][hist.grid_index[pick]]
    street_dept = {s: d.code for s, d in street_departments(departments).items()}
    svc = CaseService(store)

    staff = store.org.staff()
    staffed = sorted({st.department_code for st in staff
                      if st.role is Role.DEPARTMENT and st.department_code})
    if not staffed:
        raise DomainError("The database has no department staff to handle cases")
    rnd = random.Random(cfg.seed * 7919 + 11)
    u = rng.random((n, 8))

    cases: list[dict[str, Any]] = []
    for j in range(n):
        i = int(pick[j])
        kind, code, source = str(hist.kind[i]), str(hist.type_code[i]), str(hist.source[i])
        level = str(hist.level[i])
        owner = owners.get(code)
        mode = owner.dispatch if owner else Dispatch.TERRITORIAL
        # The generator sends 6 % of territorial cases straight to the district (the street
        # cannot solve them): here the street level reports them and the centre escalates.
        escalate = (mode is Dispatch.TERRITORIAL and level == CaseLevel.DISTRICT.value
                    and str(street[j]) in street_dept and owner is not None)
        if escalate:
            assert owner is not None
            right, level = owner.competent_code, CaseLevel.STREET.value
        else:
            try:
                right = svc.suggest_department(code, kind, str(gid[j]))[0]
            except DomainError:
                right = owner.competent_code if owner else ""
        if right not in staffed and owner is not None and owner.competent_code in staffed:
            right = owner.competent_code
        void = u[j, 0] < (VOID_SHARE_PUBLIC if source in _SOURCES_PUBLIC else VOID_SHARE_OTHER)
        part = hist.part_index[i]
        cases.append(dict(
            kind=kind, code=code, source=source, level=level, urgency=str(hist.urgency[i]),
            lon=float(lon[j]), lat=float(lat[j]), grid=str(gid[j]), street=str(street[j]),
            part_id=str(arrays["part_ids"][part]) if part >= 0 else None,
            description=str(hist.description[i]), dept=right if right in staffed else None,
            escalate=escalate, void=void, merge=void and u[j, 1] < MERGE_SHARE_OF_VOID,
            misdispatch=u[j, 2] < REDISPATCH_SHARE,
            returned=u[j, 3] < RETURN_SHARE_OF_MISDISPATCH,
            rework=u[j, 4] < REWORK_SHARE, urge=u[j, 5] < URGE_SHARE,
            extension=u[j, 6] < EXTENSION_SHARE, granted=u[j, 7] < EXTENSION_GRANTED,
            # park: the generator's own draw (state parked by the end of the day)
            park=str(hist.state[i]) == CaseState.PARKED.value,
            tl=tl[j]))

    dept_load = Counter(c["dept"] for c in cases if c["dept"])
    seats = _Seats(cfg.seats, staff, dept_load, rnd)
    chains = [_chain(c, i, seats, rnd, staffed, window) for i, c in enumerate(cases)]
    # Duplicates: repeat a case that is reported earlier and still open at the end of the
    # window, at the same spot, and are merged into it when the operator registers them.
    open_at_end = [i for i, ch in enumerate(chains)
                   if ch and ch[-1][0] not in (Action.CLOSE, Action.VOID, Action.MERGE)]
    for i, c in enumerate(cases):
        if not c["merge"] or not chains[i]:
            continue
        t_merge = next((t for a, t, *_ in chains[i] if a is Action.VOID), None)
        earlier = [j for j in open_at_end if cases[j]["tl"][0] < c["tl"][0] - 10 * MIN]
        if t_merge is None or not earlier:
            continue
        tgt = rnd.choice(earlier)
        for key in ("kind", "code", "lon", "lat", "grid", "street", "part_id", "description"):
            c[key] = cases[tgt][key]
        c["merge_into"] = tgt
        rep = chains[i][0]
        chains[i] = [rep, (Action.MERGE, max(rep[1], c["tl"][1]), *_who(
            seats, Role.OPERATOR, c), (), tgt)]

    steps: list[tuple[Step, SeatSpec]] = []
    lengths: list[int] = []
    dropped = 0
    for i, ch in enumerate(chains):
        legal = _legal_prefix(cases[i], ch, day)
        dropped += len(ch) - len(legal)
        ch = legal
        lengths.append(len(ch))
        for k, (action, t, seat, login, role, dept, kwargs, after) in enumerate(ch):
            if action is Action.REPORT:
                kwargs = _report_kwargs(cases[i], rnd)
            steps.append((Step(i, k, float(t), action.value, login, role.value, dept,
                               tuple(kwargs), -1, after), seat))
    # Races among the eligible steps, RACE_SHARE of all steps.
    eligible = sum(Action(s.action) in RACE_ACTIONS for s, _ in steps)
    p_race = min(1.0, RACE_SHARE * len(steps) / max(1, eligible)) if cfg.seats > 1 else 0.0
    seat_steps: list[list[Step]] = [[] for _ in seats.specs]
    n_races = 0
    for s, seat in steps:
        if Action(s.action) in RACE_ACTIONS and rnd.random() < p_race:
            other, login, role = seats.take(Role(s.role), s.dept, cases[s.case]["street"],
                                            exclude=seat)
            s = replace(s, race=n_races)
            seat_steps[other.index].append(replace(s, login=login, role=role.value))
            n_races += 1
        seat_steps[seat.index].append(s)
    for lst in seat_steps:
        lst.sort(key=lambda s: (s.t, s.case, s.k))
    ext = [external_id(run_id, i) for i in range(n)]
    return Plan(run_id, day, window, ext, lengths, seats.specs, seat_steps, n_races,
                scale=store.meta.get("seed.scale") or "", dropped=dropped)


def _report_kwargs(c: dict[str, Any], rnd: random.Random) -> tuple[tuple[str, Any], ...]:
    kw: dict[str, Any] = dict(kind=c["kind"], type_code=c["code"], lon=c["lon"], lat=c["lat"],
                              description=c["description"], source=c["source"],
                              urgency=c["urgency"], level=c["level"], part_id=c["part_id"])
    if c["source"] == CaseSource.HOTLINE.value:
        kw["caller"] = rnd.choice("王李张刘陈杨赵黄") + rnd.choice(("先生", "女士"))
        kw["caller_phone"] = f"13{rnd.randrange(10**9):09d}"
    return tuple(sorted(kw.items()))


def _who(seats: _Seats, role: Role, c: dict[str, Any], dept: str | None = None
         ) -> tuple[SeatSpec, str, Role, str | None]:
    seat, login, role = seats.take(role, dept, c["street"])
    return seat, login, role, dept if role is Role.DEPARTMENT else None


def _chain(c: dict[str, Any], i: int, seats: _Seats, rnd: random.Random,
           staffed: Sequence[str], window: float) -> list[tuple]:
    """The case's steps as (action, t, seat, login, role, dept, kwargs, after), in order,
    following the demo history's timeline: report, accept, register, file, dispatch,
    feedback, check sent, checked, closed, parked (seconds after day start)."""
    rep, t_acc, t_reg, t_file, t_disp, t_fb, t_chk, t_chkd, t_close, t_park = c["tl"]
    A, R = Action, Role
    out: list[tuple] = []

    def add(action: Action, t: float, role: Role, dept: str | None = None, **kwargs: Any
            ) -> None:
        reason = _REASONS.get(action)
        if reason and "reason" not in kwargs:
            kwargs["reason"] = rnd.choice(reason)
        out.append((action, t, *_who(seats, role, c, dept), tuple(sorted(kwargs.items())), -1))

    source = c["source"]
    reporter = {CaseSource.FIELD_SUPERVISOR.value: R.FIELD_SUPERVISOR,
                CaseSource.GRID_WORKER.value: R.GRID_WORKER,
                CaseSource.VIDEO.value: R.VIDEO_SUPERVISOR}.get(source, R.OPERATOR)
    add(A.REPORT, rep, reporter)
    if source in _SOURCES_VERIFIED:
        add(A.SEND_VERIFY, t_acc, R.OPERATOR)
        add(A.VERIFY, t_reg, R.FIELD_SUPERVISOR)
    else:
        add(A.REGISTER, t_reg, R.OPERATOR)
    if c["void"]:
        add(A.VOID, t_file, R.SHIFT_LEADER)
        return _in_window(out, window)
    add(A.FILE, t_file, R.SHIFT_LEADER)
    if c["escalate"]:
        add(A.ESCALATE, t_file + 0.5 * (t_disp - t_file), R.SHIFT_LEADER)
    dept = c["dept"]
    if dept is None:  # nobody staffs the department: the case waits in the dispatch queue
        return _in_window(out, window)
    # Handling window: dispatch to feedback (or to the park), as in the demo events.
    he = max(t_disp, t_park if c["park"] else t_fb)

    def w(f: float) -> float:
        return t_disp + f * (he - t_disp)

    if c["misdispatch"]:
        wrong = rnd.choice([d for d in staffed if d != dept] or [dept])
        add(A.DISPATCH, t_disp, R.DISPATCHER, dept_code=wrong)
        if c["returned"]:
            add(A.RETURN_CASE, w(0.1), R.DEPARTMENT, wrong)
            t = w(0.1) + rnd.lognormvariate(math.log(8 * MIN), 0.9)
            add(A.APPROVE_RETURN, t, R.DISPATCHER)
            add(A.DISPATCH, t + rnd.lognormvariate(math.log(8 * MIN), 0.9), R.DISPATCHER,
                dept_code=dept)
        else:
            add(A.REDISPATCH, w(0.1), R.DISPATCHER, dept_code=dept)
    else:
        add(A.DISPATCH, t_disp, R.DISPATCHER, dept_code=dept)
    if c["rework"] and not c["park"]:
        add(A.HANDLE, w(0.3), R.DEPARTMENT, dept)
        add(A.SEND_CHECK, w(0.35), R.OPERATOR)
        add(A.CHECK_FAIL, w(0.45), R.FIELD_SUPERVISOR)
    if c["extension"]:
        add(A.REQUEST_EXTENSION, w(0.5), R.DEPARTMENT, dept, extension_hours=EXTENSION_HOURS)
        add(A.APPROVE_EXTENSION if c["granted"] else A.REJECT_EXTENSION, w(0.55),
            R.DISPATCHER)
    if c["urge"]:
        add(A.URGE, w(0.6), R.DISPATCHER if rnd.random() < 0.5 else R.SHIFT_LEADER)
    if c["park"]:
        add(A.REQUEST_PARK, w(0.9), R.DEPARTMENT, dept)
        add(A.APPROVE_PARK, he, R.DISPATCHER)
        return _in_window(out, window)
    add(A.HANDLE, t_fb, R.DEPARTMENT, dept)
    add(A.SEND_CHECK, t_chk, R.OPERATOR)
    add(A.CHECK_PASS, t_chkd, R.FIELD_SUPERVISOR)
    if source == CaseSource.HOTLINE.value:
        add(A.CALLBACK, t_chkd + 0.5 * (t_close - t_chkd), R.OPERATOR, satisfied=True)
    add(A.CLOSE, t_close, R.SHIFT_LEADER)
    return _in_window(out, window)


def _in_window(chain: list[tuple], window: float) -> list[tuple]:
    """Times made non-decreasing along the chain; steps after the window left out."""
    out, last = [], 0.0
    for action, t, *rest in chain:
        last = max(last, float(t))
        if last >= window:
            break
        out.append((action, last, *rest))
    return out


def _legal_prefix(c: dict[str, Any], chain: list[tuple], day: datetime) -> list[tuple]:
    """The longest prefix of the chain the workflow accepts (all of it, unless the plan has a
    bug): checked with the domain's own apply(), actor by actor."""
    flow = CaseFlow(state=CaseState.DRAFT, level=CaseLevel(c["level"]),
                    source=CaseSource(c["source"]), type_code=c["code"], case_number="plan")
    for k, (action, t, _seat, login, role, dept, kwargs, _after) in enumerate(chain):
        at = day + timedelta(seconds=t)
        kw = dict(kwargs)
        if action is Action.MERGE:
            kw["duplicate_of"] = "0" * 13
        try:
            flow, _ = apply(flow, action, Actor(login, role, dept), at, **kw)
        except DomainError:
            return chain[:k]
        if action is Action.REPORT:
            flow = CaseFlow(state=flow.state, level=flow.level, source=flow.source,
                            type_code=flow.type_code, version=flow.version,
                            case_number="plan", step_started_at=at)
    return chain


# -- seat process -------------------------------------------------------------------------
def _seat_main(spec: SeatSpec, steps: list[Step], url: str, day: datetime, window_s: float,
               speed: float, ext_prefix: str, done: Any, failed: Any, race_count: Any,
               race_arrive: Any, t0: Any, go: Any, stop: Any, out: Any) -> None:
    """Entry point of one seat process (spawned): set up, wait for the start, run the
    steps, keep listening until the parent says stop, then send the results."""
    try:
        _Seat(spec, steps, url, day, window_s, speed, ext_prefix, done, failed, race_count,
              race_arrive, t0, go, stop, out).run()
    except BaseException:  # noqa: BLE001 - the parent must hear about it
        out.put(("crashed", spec.index, traceback.format_exc()))


class _Seat:
    def __init__(self, spec: SeatSpec, steps: list[Step], url: str, day: datetime,
                 window_s: float, speed: float, ext_prefix: str, done: Any, failed: Any,
                 race_count: Any, race_arrive: Any, t0: Any, go: Any, stop: Any, out: Any
                 ) -> None:
        self.spec, self.steps, self.url, self.day = spec, steps, url, day
        self.window_end = day + timedelta(seconds=window_s) - timedelta(microseconds=1)
        self.speed, self.ext_prefix = speed, ext_prefix
        self.done, self.failed, self.race_count = done, failed, race_count
        self.race_arrive = race_arrive
        self.t0_value, self.go, self.stop, self.out = t0, go, stop, out
        self.t0 = 0.0
        self.numbers: dict[int, str] = {}
        self.delays: list[float] = []
        self.own = {x for logins in spec.logins.values() for x in logins}
        self.own |= {s.login for s in steps}

    def clock(self) -> datetime:
        """Simulated time; held just inside the window so late steps stay on the day."""
        now = self.day + timedelta(seconds=(time.time() - self.t0) * self.speed)
        return min(now, self.window_end)

    def _on_changes(self, changes: list[Any]) -> None:
        now = time.time()
        for ch in changes:
            if ch.sent_at is not None and ch.by is not None and ch.by not in self.own:
                self.delays.append(now - ch.sent_at)

    def run(self) -> None:
        from app.domain.catalogue import load_catalogue
        from app.services.cases import CaseService
        from app.store.db import make_engine
        from app.store.live import ChangeFeed

        # One engine per seat; the seat works on one thread, so its pool holds one
        # connection, plus the feed's listening one: two per seat.
        store = Store(make_engine(self.url))
        svc = CaseService(store, clock=self.clock)
        svc.departments()
        load_catalogue()
        store.cases.by_external_id("loadtest:warm-up")  # opens the connection
        feed = ChangeFeed(self.url).start(self._on_changes)
        self.out.put(("ready", self.spec.index))
        if not self.go.wait(600):
            raise RuntimeError("no start signal")
        self.t0 = self.t0_value.value
        ops: list[OpRecord] = []
        last_progress = time.time()
        for step in self.steps:
            ops.append(self._do(svc, store, step))
            if time.time() - last_progress > 1.0:
                last_progress = time.time()
                self.out.put(("progress", self.spec.index, len(ops), step.t))
        self.out.put(("finished", self.spec.index, time.time()))
        self.stop.wait(600)
        feed.stop()
        store.close()
        self.out.put(("result", self.spec.index, ops, self.delays))

    def _wait_turn(self, step: Step) -> bool:
        """Wait for the planned time and for the case's previous step (and a merge target's
        report); False when that never came or the case was given up."""
        target = self.t0 + step.t / self.speed
        if (pause := target - time.time()) > 0:
            time.sleep(pause)
        deadline = time.time() + WAIT_TIMEOUT_S
        delay = 0.0005
        while self.done[step.case] < step.k or (step.after >= 0 and self.done[step.after] < 1):
            if self.failed[step.case] or time.time() > deadline or (
                    step.after >= 0 and self.failed[step.after] and self.done[step.after] < 1):
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.01)
        if self.failed[step.case]:
            return False
        if step.race >= 0:
            # Both racers fire together: the second to arrive releases the first, so the
            # two loads of the case really overlap (otherwise the poll interval decides).
            with self.race_arrive.get_lock():
                self.race_arrive[step.race] += 1
            until = time.time() + 10.0
            while self.race_arrive[step.race] < 2 and time.time() < until:
                time.sleep(0.0002)
        return True

    def _number(self, store: Store, case: int) -> str:
        number = self.numbers.get(case)
        if number is None:
            found = store.cases.by_external_id(f"{self.ext_prefix}{case}")
            if found is None:
                raise DomainError(f"case {self.ext_prefix}{case} is not in the database")
            number = self.numbers[case] = found.number
        return number

    def _do(self, svc: Any, store: Store, step: Step) -> OpRecord:
        from app.domain.workflow import PermissionDeniedError, WorkflowError

        planned = self.t0 + step.t / self.speed
        op_id = str(uuid.uuid4())
        if not self._wait_turn(step):
            self._resolve(step, False)
            return OpRecord(self.spec.index, step.case, step.k, step.action, op_id, SKIPPED,
                            0.0, time.time() - planned, step.race, step.login, time.time(),
                            "the previous step of the case did not come")
        lag = time.time() - planned
        kwargs = dict(step.kwargs)
        outcome, message = OK, ""
        start = time.perf_counter()
        try:
            if step.action == Action.REPORT.value:
                svc.report(step.actor, op_id=op_id,
                           external_id=f"{self.ext_prefix}{step.case}", **kwargs)
            else:
                number = self._number(store, step.case)
                start = time.perf_counter()
                if step.after >= 0:  # 合并 through the service's merge (target still open?)
                    kwargs.pop("duplicate_of", None)
                    svc.merge(step.actor, number, self._number(store, step.after),
                              op_id=op_id, **kwargs)
                else:
                    svc.act(step.actor, number, step.action, op_id=op_id, **kwargs)
        except ConcurrentUpdateError as exc:
            outcome, message = CONFLICT, str(exc)
        except (WorkflowError, PermissionDeniedError) as exc:
            outcome, message = REFUSED, str(exc)
        except Exception as exc:  # noqa: BLE001 - recorded and reported as a violation
            outcome, message = ERROR, f"{type(exc).__name__}: {exc}"
        latency = time.perf_counter() - start
        self._resolve(step, outcome == OK)
        return OpRecord(self.spec.index, step.case, step.k, step.action, op_id, outcome,
                        latency, lag, step.race, step.login, time.time(), message[:300])

    def _resolve(self, step: Step, ok: bool) -> None:
        """Let the case's next step go: at once, or for a race when both seats are done.
        A case whose step failed (outside a race) is given up."""
        if step.race < 0:
            if not ok:
                self.failed[step.case] = 1
            with self.done.get_lock():
                self.done[step.case] += 1
            return
        with self.race_count.get_lock():
            # race_count: +1 per racer that finished, +100 per racer that won
            self.race_count[step.race] += 1 + (100 if ok else 0)
            value = self.race_count[step.race]
        if value % 100 == 2:
            if value < 100:  # nobody won: the case cannot go on
                self.failed[step.case] = 1
            with self.done.get_lock():
                self.done[step.case] += 1


# -- the run ------------------------------------------------------------------------------
@dataclass
class LoadTestResult:
    config: LoadTestConfig
    plan: Plan
    ops: list[OpRecord]
    delays: list[float]
    wall_s: float
    violations: list[str]
    seat_errors: list[str]
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def ensure_seeded(store: Store, scale: str, progress: Progress | None = None) -> bool:
    """Seed the demo at ``scale`` when the database holds no district; True if it did."""
    if store.admin.district() is not None:
        return False
    from app.services.seeding import seed

    if progress:
        progress(f"database is empty: seeding the {scale} demo first")
    seed(store, scale)
    return True


def run_loadtest(cfg: LoadTestConfig, progress: Progress | None = None) -> LoadTestResult:
    """Plan, run the seats, check the invariants; see the module docstring."""
    say = progress or (lambda _m: None)
    store = Store.open(cfg.url)
    try:
        ensure_seeded(store, cfg.scale, say)
        plan = build_plan(store, cfg, say)
        say(f"plan: {len(plan.external_ids)} cases, {plan.transitions} transitions, "
            f"{plan.n_races} races, {len(plan.seats)} seats; day {plan.day:%Y-%m-%d}, "
            f"{plan.window_s / 3600:g} h at {cfg.speed:g}× = {plan.window_s / cfg.speed:.0f} s")
        url = store.engine.url.render_as_string(hide_password=False)
        ops, delays, wall, seat_errors = _run_seats(plan, url, cfg.speed, say)
        say("checking invariants")
        violations = check_invariants(store, plan.summary(), ops) + seat_errors
        result = LoadTestResult(cfg, plan, ops, delays, wall, violations, seat_errors)
        result.figures = figures(result)
        return result
    finally:
        store.close()


def _run_seats(plan: Plan, url: str, speed: float, say: Progress
               ) -> tuple[list[OpRecord], list[float], float, list[str]]:
    ctx = mp.get_context("spawn")
    n_cases = len(plan.external_ids)
    done = ctx.Array("i", max(1, n_cases))
    failed = ctx.Array("b", max(1, n_cases))
    race_count = ctx.Array("i", max(1, plan.n_races))
    race_arrive = ctx.Array("i", max(1, plan.n_races))
    t0 = ctx.Value("d", 0.0)
    go, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    prefix = external_id(plan.run_id, 0)[:-1]
    procs = []
    for spec, steps in zip(plan.seats, plan.seat_steps, strict=True):
        p = ctx.Process(target=_seat_main, name=spec.name, daemon=True, args=(
            spec, steps, url, plan.day, plan.window_s, speed, prefix, done, failed,
            race_count, race_arrive, t0, go, stop, out))
        p.start()
        procs.append(p)
        time.sleep(0.05)  # staggered, so 20 interpreters do not start in one burst
    errors: list[str] = []
    ready: set[int] = set()
    finished: dict[int, float] = {}
    results: dict[int, tuple[list[OpRecord], list[float]]] = {}
    progress: dict[int, int] = {}
    total = sum(len(s) for s in plan.seat_steps)
    expected = plan.window_s / speed
    last_say = 0.0
    limit = time.time() + 300

    def receive(until: float) -> tuple | None:
        try:
            return out.get(timeout=max(0.05, min(1.0, until - time.time())))
        except queue_mod.Empty:
            return None

    def handle(msg: tuple) -> None:
        kind, seat = msg[0], msg[1]
        if kind == "ready":
            ready.add(seat)
        elif kind == "progress":
            progress[seat] = msg[2]
        elif kind == "finished":
            finished[seat] = msg[2]
            progress[seat] = len(plan.seat_steps[seat])
        elif kind == "result":
            results[seat] = (msg[2], msg[3])
        elif kind == "crashed":
            errors.append(f"seat {seat} crashed: {msg[2].strip().splitlines()[-1]}")
            finished.setdefault(seat, time.time())
            results.setdefault(seat, ([], []))

    alive = lambda: [p for p in procs if p.is_alive()]  # noqa: E731
    while len(ready | set(finished)) < len(procs) and time.time() < limit:
        if (msg := receive(limit)) is not None:
            handle(msg)
        elif len(alive()) < len(procs) - len(finished):
            break
    say(f"{len(ready)} seats ready; replaying")
    start = time.time() + 0.5
    t0.value = start
    go.set()
    limit = start + expected * 3 + WAIT_TIMEOUT_S + 120
    while len(finished) < len(procs) and time.time() < limit:
        if (msg := receive(limit)) is not None:
            handle(msg)
        elif not alive():
            break
        if time.time() - last_say > 10:
            last_say = time.time()
            sim = min(plan.window_s, (time.time() - start) * speed)
            say(f"  {plan.day + timedelta(seconds=sim):%H:%M} simulated, "
                f"{sum(progress.values())}/{total} steps")
    wall = (max(finished.values()) if finished else time.time()) - start
    # Late notifications still count: give the feeds a moment before they stop.
    time.sleep(1.0)
    stop.set()
    limit = time.time() + 120
    while len(results) < len(procs) and time.time() < limit:
        if (msg := receive(limit)) is not None:
            handle(msg)
        elif not alive():
            # drain what the dead ones sent
            while (msg := receive(time.time() + 0.5)) is not None:
                handle(msg)
            break
    for p in procs:
        p.join(10)
        if p.is_alive():
            p.kill()
    for spec in plan.seats:
        if spec.index not in results:
            errors.append(f"seat {spec.index} sent no results")
    ops = [o for seat in sorted(results) for o in results[seat][0]]
    delays = [d for seat in sorted(results) for d in results[seat][1]]
    return ops, delays, wall, errors


# -- invariants ---------------------------------------------------------------------------
MAX_LISTED = 40


def check_invariants(store: Store, run: RunSummary, ops: Sequence[OpRecord]) -> list[str]:
    """Every violation found in the database after the run (empty when all hold).

    * one case per planned external id, no other; the day's case numbers are 1…N, unique,
      and all belong to the run;
    * each case's events have seq 1…n, n = case version; replayed through the workflow's
      apply() with the recorded actor, every event is legal, its from-state is the previous
      to-state, and the replay ends in the stored flow (state, department, level, request,
      counters, closing time): the audit trail explains the case row;
    * every operation a seat reported as applied is recorded exactly once, on its case, and
      no event exists that no seat reported; every case got all its planned events;
    * every race had exactly one winner; no step failed unexpectedly.
    """
    from sqlalchemy import select

    from app.store.orm import CaseEventRow, CaseRow

    out: list[str] = []
    prefix = f"loadtest:{run.run_id}:"
    with store.engine.connect() as c:
        cases = c.execute(select(
            CaseRow.id, CaseRow.number, CaseRow.external_id, CaseRow.state, CaseRow.version,
            CaseRow.dept_code, CaseRow.level, CaseRow.pending, CaseRow.rework_count,
            CaseRow.misdispatch_count, CaseRow.urge_count, CaseRow.satisfied,
            CaseRow.closed_at, CaseRow.source, CaseRow.type_code, CaseRow.reported_at)
            .where(CaseRow.external_id.like(prefix + "%"))).all()
        day_numbers = c.execute(select(CaseRow.number, CaseRow.external_id).where(
            CaseRow.number.like(f"{run.day:%Y%m%d}%"))).all()
        events = c.execute(select(
            CaseEventRow.case_id, CaseEventRow.seq, CaseEventRow.at, CaseEventRow.actor_login,
            CaseEventRow.role, CaseEventRow.action, CaseEventRow.from_state,
            CaseEventRow.to_state, CaseEventRow.details, CaseEventRow.op_id)
            .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
            .where(CaseRow.external_id.like(prefix + "%"))
            .order_by(CaseEventRow.case_id, CaseEventRow.seq)).all()
    staff = {s.login: s for s in store.org.staff()}

    # -- cases and numbers
    by_ext = Counter(r.external_id for r in cases)
    missing = sorted(set(run.planned) - set(by_ext))
    if missing:
        out.append(f"{len(missing)} planned cases are missing, e.g. {', '.join(missing[:3])}")
    extra = sorted(set(by_ext) - set(run.planned))
    if extra:
        out.append(f"{len(extra)} cases not in the plan, e.g. {', '.join(extra[:3])}")
    dup = [e for e, k in by_ext.items() if k > 1]
    if dup:
        out.append(f"{len(dup)} external ids taken twice, e.g. {', '.join(dup[:3])}")
    if len(cases) != len(run.planned):
        out.append(f"{len(cases)} cases in the database for {len(run.planned)} planned")
    seqs = sorted(int(n[8:]) for n, _ in day_numbers)
    if seqs != list(range(1, len(seqs) + 1)):
        holes = sorted(set(range(1, (seqs[-1] if seqs else 0) + 1)) - set(seqs))
        dupes = [s for s, k in Counter(seqs).items() if k > 1]
        out.append(f"case numbers of {run.day} are not 1…{len(seqs)}: gaps {holes[:5]}, "
                   f"repeated {dupes[:5]}")
    foreign = [n for n, e in day_numbers if not (e or "").startswith(prefix)]
    if foreign:
        out.append(f"{len(foreign)} case numbers of {run.day} belong to other cases, e.g. "
                   f"{foreign[0]}")
    off_day = [r.number for r in cases if r.reported_at.date() != run.day
               or not r.number.startswith(f"{run.day:%Y%m%d}")]
    if off_day:
        out.append(f"{len(off_day)} cases are not reported on {run.day}, e.g. {off_day[0]}")

    # -- event chains, replayed
    chain: dict[int, list[Any]] = defaultdict(list)
    for e in events:
        chain[e.case_id].append(e)
    problems: list[str] = []
    for r in cases:
        problems += _replay_case(r, chain.get(r.id, []), staff, run.planned.get(r.external_id))
    out += _listed("case chain", problems)

    # -- operations ↔ events
    ext_case = {r.external_id: r.id for r in cases}
    event_op: dict[str, list[int]] = defaultdict(list)
    for e in events:
        event_op[e.op_id or ""].append(e.case_id)
    applied = [o for o in ops if o.outcome == OK]
    problems = []
    for o in applied:
        where = event_op.get(o.op_id, [])
        if len(where) != 1:
            problems.append(f"op {o.op_id} ({o.action} on case {o.case} by {o.login}) is "
                            f"recorded {len(where)} times")
        elif where[0] != ext_case.get(f"{prefix}{o.case}"):
            problems.append(f"op {o.op_id} ({o.action}) is recorded on another case")
    known = {o.op_id for o in applied}
    for op_id, where in event_op.items():
        if op_id not in known:
            problems.append(f"{len(where)} event(s) with op id {op_id or '(none)'} that no "
                            f"seat reported as applied (case row {where[0]})")
    if len(events) != len(applied):
        problems.append(f"{len(events)} events recorded for {len(applied)} operations the "
                        "seats applied")
    out += _listed("transition record", problems)

    # -- races and failed steps
    problems = []
    races: dict[int, list[OpRecord]] = defaultdict(list)
    for o in ops:
        if o.race >= 0:
            races[o.race].append(o)
    for rid, rs in sorted(races.items()):
        wins = sum(o.outcome == OK for o in rs)
        if wins != 1:
            problems.append(f"race {rid} ({rs[0].action} on case {rs[0].case}): {wins} "
                            f"winners of {len(rs)} — "
                            + "; ".join(f"{o.login}: {o.outcome} {o.message[:80]}" for o in rs))
    for o in ops:
        if o.race < 0 and o.outcome != OK:
            problems.append(f"{o.action} on case {o.case} (step {o.k}) by {o.login}: "
                            f"{o.outcome} {o.message[:160]}")
        elif o.race >= 0 and o.outcome in (ERROR, SKIPPED):
            problems.append(f"race {o.race} {o.action} on case {o.case} by {o.login}: "
                            f"{o.outcome} {o.message[:160]}")
    out += _listed("step", problems)
    return out


def _listed(what: str, problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return [f"{what}: {p}" for p in problems]
    return [f"{what}: {p}" for p in problems[:MAX_LISTED]] + [
        f"{what}: … and {len(problems) - MAX_LISTED} more"]


def _replay_case(r: Any, evs: list[Any], staff: dict[str, Any], planned: int | None
                 ) -> list[str]:
    name = f"case {r.number} ({r.external_id})"
    if not evs:
        return [f"{name} has no events"]
    out: list[str] = []
    seqs = [e.seq for e in evs]
    if seqs != list(range(1, len(evs) + 1)):
        out.append(f"{name}: event seq {seqs[:12]} is not 1…{len(evs)}")
    if r.version != len(evs):
        out.append(f"{name}: version {r.version} but {len(evs)} events (create writes "
                   "version 1 with event 1, each apply adds one of each)")
    if planned is not None and len(evs) != planned:
        out.append(f"{name}: {len(evs)} events, {planned} planned")
    first_level = next((json.loads(e.details or "{}").get("from_level") for e in evs
                        if e.action == Action.ESCALATE.value), None) or r.level
    flow = CaseFlow(state=CaseState.DRAFT, level=CaseLevel(first_level),
                    source=CaseSource(r.source), type_code=r.type_code, case_number=r.number)
    prev: str | None = None
    for e in evs:
        where = f"{name} event {e.seq} {e.action}"
        if prev is not None and e.from_state != prev:
            out.append(f"{where}: from {e.from_state}, but the previous event ended in {prev}")
        prev = e.to_state
        try:
            action, role = Action(e.action), Role(e.role)
            from_state, to_state = CaseState(e.from_state), CaseState(e.to_state)
        except ValueError as exc:
            out.append(f"{where}: {exc}")
            return out
        if (from_state, action) not in TRANSITIONS:
            out.append(f"{where}: {action.value} is not a transition from {from_state.value}")
            return out
        who = staff.get(e.actor_login)
        if who is None or who.role is not role:
            out.append(f"{where}: actor {e.actor_login} is not staff with role {role.value}")
            return out
        if from_state is not flow.state:
            out.append(f"{where}: recorded from {from_state.value}, replay is in "
                       f"{flow.state.value}")
            flow = _with_state(flow, from_state)
        d = json.loads(e.details or "{}")
        kw: dict[str, Any] = {
            "reason": d.get("reason", ""),
            "dept_code": d.get("dept_code") if action in (Action.DISPATCH, Action.REDISPATCH)
            else None,
            "extension_hours": d.get("extension_hours"), "satisfied": d.get("satisfied"),
            "duplicate_of": d.get("duplicate_of")}
        try:
            flow, _ = apply(flow, action, Actor(who.login, role, who.department_code), e.at,
                            **kw)
        except DomainError as exc:
            out.append(f"{where}: illegal — {exc}")
            return out
        if action is Action.REPORT:
            flow = CaseFlow(state=flow.state, level=flow.level, source=flow.source,
                            type_code=flow.type_code, version=flow.version,
                            case_number=r.number, step_started_at=e.at)
        if flow.state is not to_state:
            out.append(f"{where}: recorded to {to_state.value}, the workflow gives "
                       f"{flow.state.value}")
            flow = _with_state(flow, to_state)
    final = {"state": (r.state, flow.state.value), "version": (r.version, flow.version),
             "dept_code": (r.dept_code, flow.dept_code), "level": (r.level, flow.level.value),
             "pending": (r.pending, flow.pending.value if flow.pending else None),
             "rework_count": (r.rework_count, flow.rework_count),
             "misdispatch_count": (r.misdispatch_count, flow.misdispatch_count),
             "urge_count": (r.urge_count, flow.urge_count),
             "satisfied": (None if r.satisfied is None else bool(r.satisfied), flow.satisfied)}
    for key, (stored, replayed) in final.items():
        if stored != replayed:
            out.append(f"{name}: stored {key} {stored!r}, its events give {replayed!r}")
    if (r.closed_at is not None) != flow.state.is_closed:
        out.append(f"{name}: closed_at {r.closed_at} does not fit state {flow.state.value}")
    return out


def _with_state(flow: CaseFlow, state: CaseState) -> CaseFlow:
    return replace(flow, state=state)


# -- figures ------------------------------------------------------------------------------
def _pct(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values), q)) if len(values) else None


def figures(res: LoadTestResult) -> dict[str, Any]:
    ok = [o for o in res.ops if o.outcome == OK]
    lat = [o.latency_s * 1000 for o in ok]
    lag = [o.lag_s * 1000 for o in res.ops if o.outcome != SKIPPED]
    races: dict[int, list[OpRecord]] = defaultdict(list)
    for o in res.ops:
        if o.race >= 0:
            races[o.race].append(o)
    losers = [o for rs in races.values() for o in rs if o.outcome != OK]
    per_10s = Counter(int(o.done_at // 10) for o in ok)
    delays = [d * 1000 for d in res.delays]
    by_action = Counter(o.action for o in ok)
    return {
        "run_id": res.plan.run_id, "day": f"{res.plan.day:%Y-%m-%d}",
        "scale": res.plan.scale, "seats": len(res.plan.seats), "speed": res.config.speed,
        "hours": res.plan.window_s / 3600, "cases": len(res.plan.external_ids),
        "planned_transitions": res.plan.transitions,
        "wall_s": round(res.wall_s, 2), "transitions": len(ok),
        "throughput_per_s": round(len(ok) / res.wall_s, 1) if res.wall_s > 0 else None,
        "peak_10s_per_s": round(max(per_10s.values()) / 10, 1) if per_10s else None,
        "latency_ms": {"p50": _pct(lat, 50), "p95": _pct(lat, 95), "max": max(lat, default=None)},
        "schedule_lag_ms": {"p50": _pct(lag, 50), "p95": _pct(lag, 95),
                            "max": max(lag, default=None)},
        "races": len(races),
        "race_one_winner": sum(sum(o.outcome == OK for o in rs) == 1 for rs in races.values()),
        "race_both_won": sum(sum(o.outcome == OK for o in rs) > 1 for rs in races.values()),
        "race_lost_conflict": sum(o.outcome == CONFLICT for o in losers),
        "race_lost_refused": sum(o.outcome == REFUSED for o in losers),
        "unplanned_conflicts": sum(o.outcome == CONFLICT and o.race < 0 for o in res.ops),
        "notification_ms": {"n": len(delays), "p50": _pct(delays, 50), "p95": _pct(delays, 95),
                            "max": max(delays, default=None)},
        "actions": dict(by_action.most_common()),
        "violations": res.violations,
    }


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f} ms"


def format_report(f: dict[str, Any]) -> str:
    lat, lag, nd = f["latency_ms"], f["schedule_lag_ms"], f["notification_ms"]
    actions = ", ".join(f"{a} {n}" for a, n in f["actions"].items())
    lines = [
        f"loadtest {f['run_id']}: {f['seats']} seats, {f['cases']} cases of {f['day']} "
        f"({f['scale'] or 'unknown'} scale), {f['hours']:g} h at {f['speed']:g}×",
        f"wall time            {f['wall_s']:.1f} s",
        f"transitions applied  {f['transitions']} (planned {f['planned_transitions']})",
        f"throughput           {f['throughput_per_s']} transitions/s "
        f"(busiest 10 s: {f['peak_10s_per_s']}/s)",
        f"latency (service)    p50 {_ms(lat['p50'])}  p95 {_ms(lat['p95'])}  "
        f"max {_ms(lat['max'])}",
        f"schedule lag         p50 {_ms(lag['p50'])}  p95 {_ms(lag['p95'])}  "
        f"max {_ms(lag['max'])}",
        f"conflicts            {f['races']} races: {f['race_one_winner']} with one winner "
        f"(loser: optimistic lock {f['race_lost_conflict']}, refused after the move "
        f"{f['race_lost_refused']}), {f['race_both_won']} both won; "
        f"{f['unplanned_conflicts']} unplanned conflicts",
        f"notification delay   p50 {_ms(nd['p50'])}  p95 {_ms(nd['p95'])}  "
        f"max {_ms(nd['max'])}  (seat to seat, {nd['n']} deliveries)",
        f"actions              {actions}",
    ]
    if f["violations"]:
        lines.append(f"invariants: {len(f['violations'])} violations")
        lines += [f"  - {v}" for v in f["violations"]]
    else:
        lines.append("invariants: all hold")
    return "\n".join(lines)


def write_json(path: str, f: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(f, fh, ensure_ascii=False, indent=2, default=str)


__all__ = ["LoadTestConfig", "LoadTestResult", "OpRecord", "Plan", "RunSummary", "Step",
           "build_plan", "check_invariants", "choose_day", "ensure_seeded",
           "figures", "format_report", "run_loadtest", "seat_groups", "write_json"]
