"""The demo seed writes a believable timeline for every case (table case_event).

Every seeded timeline is replayed through the workflow engine (app.domain.workflow.apply), so
the actions are possible in order, the actors' roles (and departments) may take them, and the
flow columns the seed stores are the ones the engine arrives at.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest

from app.domain.case import CaseLevel, CaseSource, CaseState
from app.domain.org import Role
from app.domain.workflow import TRANSITIONS, Action, Actor, CaseFlow, apply
from app.services.seeding import build_dataset

END = datetime(2026, 11, 23, 10, 0)


def _ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def seeded() -> dict[str, Any]:
    ds, counts = build_dataset("street", end=END)
    tables = {t.table: (list(t.columns), list(t.rows)) for t in ds.tables
              if t.table != "case_event"}
    cols, rows = tables["case_"]
    cases = {r[0]: dict(zip(cols, r, strict=True)) for r in rows}
    # Events come in more than one batch (the plain ones leave note and details to the
    # column defaults).
    erows = []
    for t in ds.tables:
        if t.table == "case_event":
            erows += [{"note": "", "details": "{}", **dict(zip(t.columns, r, strict=True))}
                      for r in t.rows]
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in sorted(erows, key=lambda e: (e["case_id"], e["seq"])):
        events[e["case_id"]].append(e)
    scols, srows = tables["staff"]
    staff = {r[0]: dict(zip(scols, r, strict=True)) for r in srows}
    return {"cases": cases, "events": events, "staff": staff, "counts": counts,
            "n_events": len(erows)}


def test_every_sent_case_has_a_timeline_ending_in_its_state(seeded: dict[str, Any]) -> None:
    cases, events = seeded["cases"], seeded["events"]
    assert seeded["counts"]["case_events"] == seeded["n_events"]
    assert seeded["n_events"] > 7 * len(cases)
    for cid, c in cases.items():
        evs = events.get(cid, [])
        if c["state"] == CaseState.DRAFT.value:
            assert evs == [] and c["version"] == 0  # an unsent draft has no history
            continue
        assert [e["seq"] for e in evs] == list(range(1, len(evs) + 1)), c["number"]
        assert evs[0]["action"] == Action.REPORT.value
        assert evs[-1]["to_state"] == c["state"], c["number"]
        assert c["version"] == len(evs)
        for a, b in pairwise(evs):
            assert b["from_state"] == a["to_state"], c["number"]


def test_event_times_are_ordered_within_the_case_life(seeded: dict[str, Any]) -> None:
    for cid, evs in seeded["events"].items():
        c = seeded["cases"][cid]
        lo = _ts(c["reported_at"])
        hi = _ts(c["closed_at"]) or END
        times = [_ts(e["at"]) for e in evs]
        assert times == sorted(times), c["number"]
        assert lo <= times[0] and times[-1] <= hi, c["number"]
        assert times[0] == lo  # reported when it was reported
        if c["closed_at"] is not None:
            assert times[-1] == hi  # closed (or voided) when it was closed


def test_actors_come_from_the_roster_and_may_act(seeded: dict[str, Any]) -> None:
    staff = seeded["staff"]
    for cid, evs in seeded["events"].items():
        c = seeded["cases"][cid]
        for e in evs:
            who = staff[e["actor_login"]]
            assert who["role"] == e["role"]
            _, roles = TRANSITIONS[(CaseState(e["from_state"]), Action(e["action"]))]
            assert Role(e["role"]) in roles, (c["number"], e)
            if e["role"] == Role.DEPARTMENT.value:
                assert who["department_code"] == c["dept_code"], c["number"]
            if e["role"] in (Role.FIELD_SUPERVISOR.value, Role.GRID_WORKER.value):
                assert who["street_code"] == c["grid_id"][:9], c["number"]


def test_replaying_the_timelines_gives_the_stored_flow(seeded: dict[str, Any]) -> None:
    staff = seeded["staff"]
    for cid, evs in seeded["events"].items():
        c = seeded["cases"][cid]
        flow = CaseFlow(state=CaseState.DRAFT, level=CaseLevel(c["level"]),
                        source=CaseSource(c["source"]), type_code=c["type_code"],
                        case_number=c["number"])
        for e in evs:
            who = staff[e["actor_login"]]
            actor = Actor(who["login"], Role(who["role"]), who["department_code"])
            details = json.loads(e["details"])
            flow, ev = apply(flow, Action(e["action"]), actor, _ts(e["at"]),
                             note=e["note"], dept_code=details.get("dept_code")
                             if e["action"] in ("dispatch", "redispatch") else None,
                             reason=details.get("reason", ""),
                             satisfied=details.get("satisfied"))
            assert ev.to_state.value == e["to_state"]
            # What the engine records is in the seeded details (the report adds grid_id).
            assert json.loads(json.dumps(dict(ev.details))).items() <= details.items()
        assert flow.state.value == c["state"]
        assert flow.dept_code == c["dept_code"]
        assert flow.version == c["version"]
        assert flow.step_started_at == _ts(c["step_started_at"]), c["number"]
        assert flow.parked_since == _ts(c["parked_since"])
        assert flow.rework_count == c["rework_count"]
        assert flow.misdispatch_count == c["misdispatch_count"]
        assert flow.urge_count == c["urge_count"]
        assert flow.satisfied == c["satisfied"]


def test_the_exception_paths_occur(seeded: dict[str, Any]) -> None:
    actions = Counter(e["action"] for evs in seeded["events"].values() for e in evs)
    closed = sum(c["state"] == "closed" for c in seeded["cases"].values())
    for a in ("void", "request_park", "approve_park", "check_fail", "redispatch", "urge",
              "callback", "send_verify", "verify"):
        assert actions[a] > 0, a
    assert 0.01 * closed < actions["check_fail"] < 0.06 * closed
    # Hotline cases are closed only after a satisfied callback.
    for cid, evs in seeded["events"].items():
        c = seeded["cases"][cid]
        if c["source"] == "hotline" and c["state"] == "closed":
            assert evs[-2]["action"] == "callback" and c["satisfied"] is True


def test_events_are_deterministic() -> None:
    def rows() -> list[tuple]:  # type: ignore[type-arg]
        ds, _ = build_dataset("street", seed=11, end=END)
        return [r for t in ds.tables if t.table == "case_event" for r in t.rows]

    assert rows() == rows()
