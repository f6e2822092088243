"""Evaluation counts (app.store.evaluation_queries) against an independent Python replay of
the raw case_ / case_event rows of the seeded street, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.calendar import deadline, load_calendar, load_time_limits, paused_time
from app.domain.workflow import STEP_OF_STATE
from app.services.evaluation import SHEETS, EvaluationService, export_evaluation
from app.store.orm import CaseEventRow, CaseRow
from app.store.store import Store

pytestmark = pytest.mark.db

START, END = date(2026, 11, 2), date(2026, 11, 23)  # the seed ends 2026-11-23 10:00
T0, T1 = datetime.combine(START, time()), datetime.combine(END, time())
_FORCED = {"dispatch", "redispatch", "approve_return", "check_fail"}


def _restarts(action: str, frm: str, to: str) -> bool:
    """app.domain.workflow.apply: a new step clock (written again here, on purpose)."""
    from app.domain.case import CaseState

    if action in _FORCED or (action == "callback" and to == "dispatched"):
        return True
    return STEP_OF_STATE.get(CaseState(frm)) != STEP_OF_STATE.get(CaseState(to))


def _replay(url: str) -> dict[str, Any]:
    """Per-entity counts from the raw rows, with deadlines from app.domain.calendar."""
    cal, limits = load_calendar(), load_time_limits()
    store = Store.open(url)
    with store.engine.connect() as c:
        cases = {r[0]: r[1:] for r in c.execute(select(
            CaseRow.id, CaseRow.number, CaseRow.type_code, CaseRow.grid_id, CaseRow.source,
            CaseRow.level))}
        e = CaseEventRow
        events = c.execute(select(e.case_id, e.seq, e.at, e.action, e.role, e.actor_login,
                                  e.from_state, e.to_state, e.details)
                           .order_by(e.case_id, e.seq)).all()
    store.close()
    by_case: dict[int, list[Any]] = defaultdict(list)
    for e in events:
        if e[2] < T1:
            by_case[e[0]].append(e)
    # (kind, id, count) → the case number of every counted event (a case handled twice
    # after a rework counts twice; ``assigned`` counts distinct cases)
    n: dict[tuple[str, str, str], list[str]] = defaultdict(list)

    def add(kind: str, eid: str, count: str, number: str) -> None:
        n[(kind, eid, count)].append(number)

    def due(type_code: str, state: str, start: datetime, parks: list, ext: float) -> datetime:
        from app.domain.case import CaseState

        lim = limits.limit_for(type_code, STEP_OF_STATE[CaseState(state)])
        return deadline(start, lim, cal, paused_time(parks, cal, lim.unit),
                        extension_hours=ext)

    for cid, evs in by_case.items():
        number, type_code, grid_id, source, _level = cases[cid]
        step_start: datetime | None = None
        parks: list[tuple[datetime, datetime]] = []
        park_since = None
        ext = 0.0
        dept = None
        filed_in = closed = False
        late_handles = 0
        actions = [e[3] for e in evs]
        for i, (_, _seq, at, action, role, actor, frm, to, details) in enumerate(evs):
            d = json.loads(details or "{}")
            if T0 <= at < T1:
                ok = step_start is not None and frm in {s.value for s in STEP_OF_STATE} \
                    and at <= due(type_code, frm, step_start, parks, ext)
                if action == "handle" and dept:
                    add("department", dept, "handled", number)
                    if ok:
                        add("department", dept, "handled_on_time", number)
                    else:
                        late_handles += 1
                    nxt = next((a for a in actions[i + 1:] if a in ("check_pass", "check_fail")),
                               None)
                    if nxt == "check_fail":
                        add("department", dept, "reworked", number)
                if action in ("dispatch", "redispatch"):
                    add("department", d.get("dept_code"), "assigned", number)
                if role == "shift_leader" and action == "file":
                    add("shift_leader", actor, "filed", number)
                    if ok:
                        add("shift_leader", actor, "filed_on_time", number)
                if role == "shift_leader" and action == "close":
                    add("shift_leader", actor, "closed", number)
                    if ok:
                        add("shift_leader", actor, "closed_on_time", number)
                if role == "operator" and action == "send_check" and ok:
                    add("operator", actor, "check_sent_on_time", number)
                if role == "field_supervisor" and action == "verify" and ok:
                    add("supervisor", actor, "verifies_on_time", number)
                if action == "file":
                    filed_in = True
                if action in ("close", "self_handle"):
                    add("street", grid_id[:9], "loop_closed", number)
            if action in ("close", "self_handle"):
                closed = True
            if action in ("dispatch", "redispatch"):
                dept = d.get("dept_code")
            elif action == "approve_return":
                dept = None
            elif action == "approve_park":
                park_since = at
            elif action == "resume":
                parks.append((park_since, at))
            elif action == "approve_extension":
                ext += float(d["extension_hours"])
            if _restarts(action, frm, to):
                step_start, parks, ext = at, [], 0.0
        last = evs[-1]
        if last[7] == "dispatched" and dept and T1 > due(type_code, "dispatched", step_start,
                                                          parks, ext):
            add("department", dept, "overdue_open", number)
        if filed_in:
            street = grid_id[:9]
            add("street", street, "filed", number)
            if source in ("public", "hotline", "media"):
                add("street", street, "filed_public", number)
            if closed:
                add("street", street, "closed", number)
                if late_handles == 0:
                    add("street", street, "closed_on_time", number)
            if dept:
                add("department", dept, "due_close", number)
                if closed:
                    add("department", dept, "closed", number)
    return n


@pytest.fixture(scope="module")
def evaluated(seeded_store_url: str) -> tuple[Store, Any, dict[str, Any]]:
    store = Store.open(seeded_store_url)
    svc = EvaluationService(store)
    ev = svc.evaluate(START, END)
    yield store, ev, _replay(seeded_store_url)
    store.close()


def _busiest(ref: dict, kind: str, count: str) -> str:
    return max((k for k in ref if k[0] == kind and k[2] == count),
               key=lambda k: len(ref[k]))[1]


def test_department_counts_match_the_raw_rows(evaluated: Any) -> None:
    _, ev, ref = evaluated
    dept = _busiest(ref, "department", "handled")
    got = ev.counts["department"][dept]
    for count in ("assigned", "handled", "handled_on_time", "reworked", "overdue_open",
                  "due_close", "closed"):
        want = ref[("department", dept, count)]
        assert got[count] == (len(set(want)) if count == "assigned" else len(want)), count
    assert 0 < got["handled_on_time"] < got["handled"]  # the limits bite in the demo data
    # Every department the replay sees is counted the same.
    for (kind, eid, count), cases in ref.items():
        if kind == "department" and count == "handled_on_time":
            assert ev.counts["department"][eid][count] == len(cases), eid


def test_post_counts_match_the_raw_rows(evaluated: Any) -> None:
    _, ev, ref = evaluated
    for kind, count in (("shift_leader", "filed"), ("shift_leader", "filed_on_time"),
                        ("shift_leader", "closed_on_time"), ("operator", "check_sent_on_time"),
                        ("supervisor", "verifies_on_time")):
        for (k, eid, c), cases in ref.items():
            if (k, c) == (kind, count):
                assert ev.counts[kind][eid][count] == len(cases), (kind, eid, count)


def test_region_counts_match_the_raw_rows(evaluated: Any) -> None:
    _, ev, ref = evaluated
    street = ev.streets[0]
    counts = {c: len(ref[("street", street.id, c)]) for c in
              ("filed", "filed_public", "closed", "closed_on_time", "loop_closed")}
    assert street.indicator("filed").count == counts["filed"] > 0
    assert street.indicator("close_rate").rate.num == counts["closed"]
    assert street.indicator("close_on_time").rate.num == counts["closed_on_time"]
    loop = next(lp for lp in ev.loops if lp.id == street.id)
    assert loop.community.den == counts["loop_closed"]
    assert loop.community.num + loop.street.num + loop.district.num == loop.community.den
    sup = next(s for s in ev.supervisors if s.extra.get("岗位") == "监督员")
    assert sup.indicator("missed_rate").rate.num == counts["filed_public"]


def test_drill_down_lists_the_cases_behind_a_count(evaluated: Any) -> None:
    store, ev, ref = evaluated
    svc = EvaluationService(store)
    dept = _busiest(ref, "department", "handled")
    got = svc.drill_down("department", dept, "handled_on_time", START, END)
    assert got == sorted(set(ref[("department", dept, "handled_on_time")]))
    assert len(got) == len(set(got)) > 0
    street = ev.streets[0].id
    closed = svc.drill_down("street", street, "closed_on_time", START, END)
    assert closed == sorted(ref[("street", street, "closed_on_time")])
    assert len(closed) == ev.streets[0].indicator("close_on_time").rate.num
    grid = max(ev.counts["grid"], key=lambda g: ev.counts["grid"][g]["filed"])
    assert len(svc.drill_down("grid", grid, "filed", START, END)) == \
        ev.counts["grid"][grid]["filed"]


def test_export_opens_with_the_expected_sheets(evaluated: Any, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    store, _, _ = evaluated
    seen: list[float] = []
    out = export_evaluation(store, START, END, tmp_path / "考核.xlsx",
                            progress=lambda f, _m: seen.append(f))
    wb = load_workbook(out, read_only=True)
    assert tuple(wb.sheetnames) == SHEETS
    for name in SHEETS:
        rows = list(wb[name].iter_rows(values_only=True))
        assert len(rows) > 1, name
    header = next(wb["专业部门"].iter_rows(values_only=True))
    assert "按时处置率-分子" in header and "按时处置率-分母" in header and "等级" in header
    assert seen and seen[-1] == 1.0
